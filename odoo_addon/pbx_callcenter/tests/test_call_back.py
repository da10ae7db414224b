"""Call back a missed call in one click: the PBX (a real local HTTP listener, fake_pbx) receives
the originate request for the number, and the answered outgoing call marks the *Call back*
activity done. Hostile cases: another user's call, another company's call, no number."""
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.tests import tagged

from .common import PbxHttpCase
from .contract_schema import problems
from .fake_pbx import FakePbx

NUMBER = "0988777666"
E164 = "+84988777666"


class CallBackCase(PbxHttpCase):
    """A known contact, and the connection dialing through a PBX listener (FakePbx)."""

    def setUp(self):
        super().setUp()
        self.partner = self.make_partner("Gemini Furniture", phone=E164)
        self.pbx = FakePbx(lambda received: (200, {"ok": True}))
        self.pbx.__enter__()
        self.addCleanup(self.pbx.__exit__, None, None, None)
        self.connection.sudo().write({
            "originate_method": "generic_http", "originate_http_method": "POST",
            "originate_url": self.pbx.url + "/originate",
            "originate_body": '{"extension": "{extension}", "number": "{number}"}',
        })


@tagged("post_install", "-at_install")
class TestCallBack(CallBackCase):

    def miss(self, phone=NUMBER, extension="101"):
        body = self.call_out(phone, extension=extension, fields={"status": "NO ANSWER", "duration": 20})
        return self.env["pbx.call"].browse(body["call"]["id"])

    def callback(self):
        return self.env["mail.activity"].sudo().search([("pbx_callback_key", "!=", False)])

    def dialled(self):
        return [received.json() for received in self.pbx.received]

    def answer_outgoing(self, extension="101", status="ANSWERED"):
        callid = self.new_callid()
        self.init(NUMBER, callid, extension=extension)
        self.call_out(NUMBER, callid, extension=extension, fields={"status": status, "duration": 42})
        return callid

    def assertDialResult(self, result, status):
        self.assertEqual(problems("dial_result", result), [], result)
        self.assertEqual(result["status"], status, result)

    # ---- the call's button ------------------------------------------------------------

    def test_call_back_dials_the_number_and_the_answered_call_marks_the_activity_done(self):
        call = self.miss()
        activity = self.callback()
        self.assertEqual(activity.pbx_call_id, call, "the call-back knows its last missed call")
        result = call.with_user(self.salesperson).action_call_back()
        self.assertDialResult(result, "ok")
        self.assertEqual(self.dialled(), [{"extension": "101", "number": NUMBER}])
        self.assertEqual(activity.pbx_callback_user_id, self.salesperson)
        self.assertTrue(activity.exists() and activity.active, "still open while the call rings")
        self.answer_outgoing()
        self.assertFalse(self.callback(), "the call-back is done")
        done = self.env["mail.message"].sudo().search(
            [("model", "=", "res.partner"), ("res_id", "=", self.partner.id),
             ("body", "ilike", "Called back")])
        self.assertEqual(len(done), 1, "the chatter says the call-back was answered")
        self.assertIn("extension 101", str(done.body))
        self.assertEqual(done.author_id, self.salesperson.partner_id)

    def test_an_unanswered_or_someone_elses_call_leaves_the_call_back_open(self):
        call = self.miss()
        call.with_user(self.salesperson).action_call_back()
        self.answer_outgoing(status="NO ANSWER")
        self.assertTrue(self.callback(), "not answered: still to do")
        self.answer_outgoing(extension="102")
        self.assertTrue(self.callback(), "another salesperson's call is not this call-back")

    def test_an_answered_call_nobody_asked_for_leaves_the_call_back_open(self):
        self.miss()
        self.answer_outgoing()
        self.assertTrue(self.callback())
        self.assertFalse(self.callback().pbx_callback_user_id)

    def test_a_refused_dial_remembers_nothing(self):
        call = self.miss()
        self.pbx.answer = lambda received: (403, {"error": "extension locked"})
        result = call.with_user(self.salesperson).action_call_back()
        self.assertDialResult(result, "error")
        self.assertEqual(result["code"], "refused")
        self.assertFalse(self.callback().pbx_callback_user_id)

    # ---- hostile cases ------------------------------------------------------------------

    def test_another_users_call_cannot_be_called_back(self):
        call = self.miss()
        with self.assertRaises(AccessError):
            call.with_user(self.salesperson2).action_call_back()
        self.assertEqual(self.pbx.received, [], "nothing dialled")
        self.assertFalse(self.callback().pbx_callback_user_id)

    def test_another_companys_call_cannot_be_called_back(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        connection = self.env["pbx.connection"].sudo().create({
            "name": "Other PBX", "company_id": other.id, "country_id": self.vn.id})
        call = self.env["pbx.call"].sudo().create({
            "connection_id": connection.id, "callid": "other-1", "direction": "in", "state": "missed",
            "phone": NUMBER, "phone_e164": E164, "user_id": self.manager.id})
        for user in (self.manager, self.salesperson):
            with self.assertRaises(AccessError, msg=user.login):
                call.with_user(user).action_call_back()
        self.assertEqual(self.pbx.received, [])

    def test_a_call_without_a_number_is_a_clear_error(self):
        call = self.env["pbx.call"].sudo().create({
            "connection_id": self.connection.id, "callid": "nonum-1", "direction": "in",
            "state": "missed", "phone": "", "user_id": self.salesperson.id})
        result = call.with_user(self.salesperson).action_call_back()
        self.assertDialResult(result, "error")
        self.assertEqual(result["code"], "bad_number")
        self.assertIn("no external number", result["message"])
        self.assertEqual(self.pbx.received, [])

    def test_bad_ids_are_refused(self):
        with self.assertRaises(ValueError):
            self.env["pbx.call"].with_user(self.salesperson).browse([]).action_call_back()
        missing = self.env["pbx.call"].with_user(self.salesperson).browse(987654321)
        with self.assertRaises(UserError) as raised:
            missing.action_call_back()
        self.assertIsInstance(raised.exception, (AccessError, MissingError))
        self.assertEqual(self.pbx.received, [])

    # ---- the activity's button ------------------------------------------------------------

    def test_the_activity_button_calls_back_its_number(self):
        self.miss()
        activity = self.callback()
        result = activity.with_user(self.salesperson).action_pbx_call_back()
        self.assertDialResult(result, "ok")
        self.assertEqual(self.dialled(), [{"extension": "101", "number": NUMBER}])
        self.answer_outgoing()
        self.assertFalse(self.callback())

    def test_the_activity_of_a_call_nobody_bound_calls_back_from_the_responsible(self):
        self.miss(extension="199")  # no user on 199: the default responsible gets the call-back
        Extension = self.env["pbx.extension"]
        Extension.create({"connection_id": self.connection.id, "name": "150",
                          "user_id": self.default_user.id, "is_default": True})
        result = self.callback().with_user(self.default_user).action_pbx_call_back()
        self.assertDialResult(result, "ok")
        self.assertEqual(self.dialled(), [{"extension": "150", "number": NUMBER}])

    def test_another_companys_activity_cannot_be_called_back(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        partner = self.make_partner("Other Co Customer", phone=E164, company_id=other.id)
        connection = self.env["pbx.connection"].sudo().create({
            "name": "Other PBX", "company_id": other.id, "country_id": self.vn.id})
        call = self.env["pbx.call"].sudo().create({
            "connection_id": connection.id, "callid": "other-2", "direction": "in", "state": "missed",
            "phone": NUMBER, "phone_e164": E164, "phone_key": connection._normalize(NUMBER).key,
            "partner_id": partner.id})
        call._schedule_callback()
        activity = self.env["mail.activity"].sudo().search([("pbx_call_id", "=", call.id)])
        self.assertEqual(len(activity), 1)
        with self.assertRaises(AccessError):
            activity.with_user(self.salesperson).action_pbx_call_back()
        self.assertEqual(self.pbx.received, [])

    def test_an_activity_that_is_no_call_back_is_a_clear_error(self):
        activity = self.env["mail.activity"].with_user(self.salesperson).create({
            "res_model_id": self.env["ir.model"]._get_id("res.partner"), "res_id": self.partner.id,
            "activity_type_id": self.call_type.id, "user_id": self.salesperson.id,
        })
        result = activity.action_pbx_call_back()
        self.assertDialResult(result, "error")
        self.assertEqual(result["code"], "bad_number")
        self.assertEqual(self.pbx.received, [])


@tagged("post_install", "-at_install")
class TestCallBackBrowser(CallBackCase):
    """In a real browser: the Call back buttons of the Calls list and of the chatter's activity
    make the PBX listener receive the call from the salesperson's extension."""

    def setUp(self):
        super().setUp()
        self.call_out("0903123456", fields={"status": "ANSWERED", "duration": 30})  # no button
        self.call_out(NUMBER, fields={"status": "NO ANSWER", "duration": 20})

    def assert_called_back(self):
        self.assertEqual([r.json() for r in self.pbx.received], [{"extension": "101", "number": NUMBER}])
        callback = self.env["mail.activity"].sudo().search([("pbx_callback_key", "!=", False)])
        self.assertEqual(callback.pbx_callback_user_id, self.salesperson)

    def test_the_calls_list_calls_back_a_missed_call(self):
        self.start_tour("/web#action=pbx_callcenter.pbx_call_action&view_type=list",
                        "pbx_callcenter_call_back_list", login=self.salesperson.login)
        self.assert_called_back()

    def test_the_chatter_activity_calls_back(self):
        self.start_tour(f"/web#id={self.partner.id}&model=res.partner&view_type=form",
                        "pbx_callcenter_call_back_activity", login=self.salesperson.login)
        self.assert_called_back()
