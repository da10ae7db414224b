"""PBXs that send GET (issue 13, item 9): VoiceCloud's call_in API takes query parameters, and a
Yeastar webhook can be set to GET. A connection that opts in (accept_get) has them journaled,
checked and applied like POSTed events, with the same token, idempotency and refusals; any other
connection answers 405 and writes nothing."""
import json
from urllib.parse import urlencode

from odoo.tests import tagged

from .common import PbxHttpCase
from .test_yeastar import SN, YeastarCase, cdr, fresh_callid

NUMBER = "0988777666"


@tagged("post_install", "-at_install")
class TestGetOptIn(PbxHttpCase):

    def get(self, route, params, **kwargs):
        """GET /api/callcenter/<route>?<params>&token=…; (status, parsed JSON answer)."""
        return self.post(route, query=params, method="GET", auth="query", **kwargs)

    def journal(self):
        return self.env["pbx.call.event"].sudo().search([("connection_id", "=", self.connection.id)])

    def test_a_connection_that_did_not_opt_in_answers_405_and_writes_nothing(self):
        before = len(self.journal())
        status, body = self.get("call_in", {"phone": NUMBER, "extension": "101", "callid": self.new_callid()})
        self.assertEqual((status, body["error"]["code"]), (405, "method_not_allowed"))
        self.assertEqual(len(self.journal()), before)

    def test_an_opted_in_get_is_journaled_and_applied_like_a_post_and_a_retry_is_a_duplicate(self):
        self.connection.accept_get = True
        callid = self.new_callid()
        status, body = self.get("call_in", {"phone": NUMBER, "extension": "101", "callid": callid})
        self.assertEqual((status, body["duplicate"], body["call"]["state"]), (200, False, "ringing"))
        event = self.journal().filtered(lambda e: e.callid == callid)
        self.assertEqual((event.route, event.state), ("call_in", "done"))
        self.assertNotIn(self.token, event.payload, "the token is not part of the journaled fields")
        self.assertEqual(json.loads(event.payload), {"phone": NUMBER, "extension": "101", "callid": callid})
        status, again = self.get("call_in", {"phone": NUMBER, "extension": "101", "callid": callid})
        self.assertEqual((status, again["duplicate"], again["call"]["id"]), (200, True, body["call"]["id"]))
        status, ended = self.get("call_out", {"phone": NUMBER, "extension": "101", "callid": callid,
                                              "status": "ANSWERED", "duration": "30"})
        self.assertEqual((status, ended["call"]["state"]), (200, "ended"))

    def test_hostile_gets_are_refused_as_posts_are(self):
        self.connection.accept_get = True
        before = len(self.journal())
        status, body = self.get("call_in", {"phone": NUMBER, "callid": self.new_callid()}, token="nope")
        self.assertEqual((status, body["error"]["code"]), (401, "unauthorized"), "a bad token is 401, not 405")
        self.assertEqual(len(self.journal()), before)
        status, body = self.get("call_in", {"phone": "<script>", "extension": "101", "callid": "x" * 300})
        self.assertEqual(status, 400)
        self.assertEqual(set(body["error"]["fields"]), {"phone", "callid"})
        self.assertEqual(self.env["pbx.call.event"].sudo().browse(body["event_id"]).state, "rejected")
        status, body = self.get("zadarma", {"event": "NOTIFY_START"})
        self.assertEqual(status, 405, "only the routes whose PBXs send GET accept it")

    def test_a_connection_with_a_webhook_secret_refuses_unsigned_gets(self):
        self.connection.sudo().write({"accept_get": True, "webhook_secret": "s3cret"})
        status, body = self.get("call_in", {"phone": NUMBER, "extension": "101", "callid": self.new_callid()})
        self.assertEqual((status, body["error"]["code"]), (403, "forbidden"))


@tagged("post_install", "-at_install")
class TestYeastarGet(YeastarCase):

    def yget(self, event, msg):
        query = urlencode({"token": self.token, "type": event, "sn": SN, "msg": json.dumps(msg)})
        response = self.opener.get(f"{self.base_url()}/api/callcenter/yeastar?{query}", timeout=30)
        self.env.invalidate_all()
        return response.status_code, response.json()

    def test_a_yeastar_webhook_set_to_get_is_applied_once_the_connection_opts_in(self):
        callid = fresh_callid()
        status, body = self.yget(30012, cdr(callid))
        self.assertEqual(status, 405)
        self.connection.accept_get = True
        status, body = self.yget(30012, cdr(callid))
        self.assertEqual((status, body["call"]["state"]), (200, "ended"), body)
        status, body = self.yget(30012, cdr(callid))
        self.assertEqual((status, body["duplicate"]), (200, True))
