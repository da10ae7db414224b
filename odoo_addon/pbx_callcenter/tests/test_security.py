"""Companies are isolated; salespeople see their own calls and write only notes; credentials
stay with administrators."""
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import PbxHttpCase


@tagged("post_install", "-at_install")
class TestSecurity(PbxHttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Company B", "country_id": cls.vn.id})
        result = cls.env["pbx.connection"].provision({
            "name": "PBX of B", "company_id": cls.company_b.id, "country_id": cls.vn.id,
            "tz": "Asia/Ho_Chi_Minh", "auto_create_inbound": False,
        })
        cls.connection_b = cls.env["pbx.connection"].browse(result["id"])
        cls.token_b = result["token"]
        # the same salesperson is bound on B's PBX too: only the company rule may hide B's calls
        cls.env["pbx.extension"].create({"connection_id": cls.connection_b.id, "name": "101",
                                        "user_id": cls.salesperson.id})
        cls.salesperson_b = new_test_user(
            cls.env, "pbx_sales_b", name="Bob B",
            groups="base.group_user,pbx_callcenter.pbx_callcenter_group_user",
            company_id=cls.company_b.id, company_ids=[(6, 0, cls.company_b.ids)],
        )
        cls.env["pbx.extension"].create({"connection_id": cls.connection_b.id, "name": "201",
                                        "user_id": cls.salesperson_b.id})

    def setUp(self):
        super().setUp()
        self.connection.auto_create_inbound = False

    def call(self, phone="0989464344", extension="101", token=None, **kwargs):
        body = self.call_in(phone, extension=extension, token=token or self.token, **kwargs)
        return self.env["pbx.call"].browse(body["call"]["id"]), body

    # ---- companies --------------------------------------------------------------------------

    def test_a_contact_of_company_b_is_not_matched_by_a_call_on_company_a(self):
        partner_b = self.make_partner("B's Customer", phone="+84989464344", company_id=self.company_b.id)
        _call, body_a = self.call()
        self.assertIsNone(body_a["record"])
        _call, body_b = self.call(token=self.token_b)
        self.assertEqual(body_b["record"]["id"], partner_b.id)

    def test_calls_and_events_carry_their_connection_company(self):
        call_a, body_a = self.call()
        call_b, body_b = self.call(token=self.token_b)
        self.assertEqual(call_a.company_id, self.company)
        self.assertEqual(call_b.company_id, self.company_b)
        events = self.env["pbx.call.event"].browse([body_a["event_id"], body_b["event_id"]])
        self.assertEqual(events.mapped("company_id"), self.company | self.company_b)

    def test_a_salesperson_of_company_a_cannot_read_company_b_calls(self):
        call_a, _body = self.call()
        call_b, _body = self.call(token=self.token_b)
        self.assertEqual(call_b.user_id, self.salesperson, "bound to the salesperson on B too")
        Call = self.env["pbx.call"].with_user(self.salesperson)
        self.assertEqual(Call.search([]), call_a.with_user(self.salesperson))
        with self.assertRaises(AccessError):
            call_b.with_user(self.salesperson).read(["state"])
        with self.assertRaises(AccessError):
            call_b.with_user(self.salesperson).write({"notes": "leak"})

    def test_a_salesperson_of_company_b_sees_only_company_b_calls(self):
        self.call(extension="101")
        call_b, _body = self.call(extension="201", token=self.token_b)
        Call = self.env["pbx.call"].with_user(self.salesperson_b)
        self.assertEqual(Call.search([]), call_b.with_user(self.salesperson_b))

    def test_a_manager_of_company_a_sees_neither_the_calls_nor_the_events_of_company_b(self):
        call_a, body_a = self.call()
        _call_b, body_b = self.call(token=self.token_b)
        self.assertEqual(self.env["pbx.call"].with_user(self.manager).search([]), call_a)
        events = self.env["pbx.call.event"].with_user(self.manager).search([])
        self.assertIn(body_a["event_id"], events.ids)
        self.assertNotIn(body_b["event_id"], events.ids)

    def test_connections_and_extensions_of_another_company_are_hidden(self):
        Connection = self.env["pbx.connection"].with_user(self.salesperson)
        self.assertNotIn(self.connection_b.id, Connection.search([]).ids)
        Extension = self.env["pbx.extension"].with_user(self.salesperson)
        self.assertFalse(Extension.search([("connection_id", "=", self.connection_b.id)]))

    # ---- own calls --------------------------------------------------------------------------

    def test_a_salesperson_sees_only_their_own_calls_and_the_manager_sees_all(self):
        mine, _body = self.call(extension="101")
        theirs, _body = self.call(extension="102")
        nobody, _body = self.call(extension="199")
        Call = self.env["pbx.call"]
        self.assertEqual(Call.with_user(self.salesperson).search([]).ids, mine.ids)
        self.assertEqual(Call.with_user(self.salesperson2).search([]).ids, theirs.ids)
        self.assertEqual(set(Call.with_user(self.manager).search([]).ids),
                         {mine.id, theirs.id, nobody.id})
        with self.assertRaises(AccessError):
            theirs.with_user(self.salesperson).read(["phone"])

    def test_a_salesperson_can_write_the_notes_of_their_call_and_nothing_else(self):
        call, _body = self.call()
        call.with_user(self.salesperson).write({"notes": "Call back on Monday"})
        self.assertEqual(call.notes, "Call back on Monday")
        for vals in ({"state": "ended"}, {"partner_id": self.salesperson.partner_id.id},
                     {"user_id": self.salesperson2.id}, {"notes": "x", "duration": 3},
                     {"recording_url": "https://evil.example.com/x.wav"}):
            with self.subTest(vals=vals):
                with self.assertRaises(AccessError):
                    call.with_user(self.salesperson).write(vals)
        self.assertEqual(call.state, "ringing")

    def test_a_salesperson_cannot_write_notes_on_someone_elses_call(self):
        theirs, _body = self.call(extension="102")
        with self.assertRaises(AccessError):
            theirs.with_user(self.salesperson).write({"notes": "not mine"})

    def test_a_salesperson_cannot_create_or_delete_calls(self):
        call, _body = self.call()
        with self.assertRaises(AccessError):
            call.with_user(self.salesperson).unlink()
        with self.assertRaises(AccessError):
            self.env["pbx.call"].with_user(self.salesperson).create({
                "connection_id": self.connection.id, "callid": "forged", "direction": "in",
                "state": "ended"})

    def test_the_manager_can_correct_a_call(self):
        call, _body = self.call()
        call.with_user(self.manager).write({"partner_id": self.salesperson.partner_id.id})
        self.assertEqual(call.partner_id, self.salesperson.partner_id)

    def test_a_salesperson_cannot_read_the_event_journal(self):
        self.call()
        with self.assertRaises(AccessError):
            self.env["pbx.call.event"].with_user(self.salesperson).search([])

    # ---- credentials --------------------------------------------------------------------------

    def test_token_hash_secret_and_ip_list_are_unreadable_without_the_settings_group(self):
        self.connection.sudo().write({"webhook_secret": "s3cret", "allowed_ips": "10.0.0.0/8"})
        self.assertFalse(self.manager.has_group("base.group_system"))
        for user in (self.salesperson, self.manager):
            for field in ("token_hash", "webhook_secret", "allowed_ips"):
                with self.subTest(user=user.login, field=field):
                    with self.assertRaises(AccessError):
                        self.connection.with_user(user).read([field])
        secret_fields = ["token_hash", "webhook_secret", "allowed_ips"]
        for user in (self.salesperson, self.manager):
            self.assertFalse(self.connection.with_user(user).fields_get(secret_fields),
                             "credential fields are not even described to non-admins")

    def test_an_administrator_can_read_the_token_hash_but_never_the_token(self):
        admin = self.env.ref("base.user_admin")
        values = self.connection.with_user(admin).read(["token_hash", "token_hint"])[0]
        self.assertEqual(len(values["token_hash"]), 64)
        self.assertNotEqual(values["token_hash"], self.token)
        self.assertEqual(values["token_hint"], "…" + self.token[-4:])
        self.env.cr.execute("SELECT count(*) FROM pbx_connection WHERE token_hash = %s OR token_hint = %s",
                            [self.token, self.token])
        self.assertEqual(self.env.cr.fetchone()[0], 0, "the token itself is stored nowhere")

    def test_a_salesperson_cannot_search_connections_by_token_hash(self):
        with self.assertRaises(AccessError):
            self.env["pbx.connection"].with_user(self.salesperson).search(
                [("token_hash", "=", "0" * 64)])
