"""Yeastar P-Series webhook over real HTTP: /api/callcenter/yeastar with the {type, sn, msg}
envelope (msg as JSON text), events 30011/30012/30016 as documented (tests/fixtures/yeastar.json
cites the developer guide's pages), hostile requests, and the OpenAPI calls answering 30016
against a local fake PBX listener."""
import base64
import copy
import hashlib
import hmac
import itertools
import json
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import PbxHttpCase, fixture_cases
from .fake_pbx import FakePbx, SilentPbx

SN = "3631A2124XXX"
NUMBER = "0988777666"
E164 = "+84988777666"
TZ = "Asia/Ho_Chi_Minh"   # the connection's timezone (tests/common.py)
_sequence = itertools.count(500)


def fresh_callid():
    """A call id as the PBX makes them: '<Unix time of the call>.<sequence>'."""
    return f"{int(time.time())}.{next(_sequence)}"


def local_now(delta=timedelta()):
    return (datetime.now(ZoneInfo(TZ)) + delta).strftime("%Y-%m-%d %H:%M:%S")


def ext(number, status, path=""):
    return {"extension": {"number": number, "channel_id": f"PJSIP/{number}-00000001",
                          "member_status": status, "call_path": path}}


def inbound(frm, status, to="02839123456"):
    return {"inbound": {"from": frm, "to": to, "trunk_name": "peer-to-41",
                        "channel_id": "PJSIP/trunk-peer-to-41-endpoint-000000b5",
                        "member_status": status, "call_path": ""}}


def outbound(to, status, frm="101"):
    return {"outbound": {"from": frm, "to": to, "trunk_name": "peer-to-41",
                         "channel_id": "PJSIP/trunk-peer-to-41-endpoint-000000c1",
                         "member_status": status, "call_path": ""}}


def cdr(callid, **fields):
    msg = {"call_id": callid, "time_start": local_now(timedelta(minutes=-2)), "call_from": NUMBER,
           "call_to": "101", "call_duration": 65, "talk_duration": 52, "src_trunk_name": "peer-to-41",
           "dst_trunk_name": " ", "pin_code": " ", "status": "ANSWERED", "type": "Inbound",
           "recording": f"20240115102030-{callid}-{NUMBER}-101-Inbound.wav", "did_number": "02839123456",
           "agent_ring_time": 0}
    msg.update(fields)
    return msg


def envelope(event, msg, sn=SN):
    body = {"type": event, "msg": json.dumps(msg, ensure_ascii=False)}
    if sn is not None:
        body["sn"] = sn
    return body


class YeastarCase(PbxHttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connection.write({"kind": "yeastar"})

    def ypost(self, data=None, raw=None, token=True, query=None, headers=None, method="POST"):
        """POST to /api/callcenter/yeastar?token=…; (status, parsed JSON answer)."""
        self.assertRoutesUsable()
        self.env.flush_all()
        params = dict(query or {})
        if token is True:
            params["token"] = self.token
        elif token:
            params["token"] = token
        url = "/api/callcenter/yeastar" + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
        body = raw if raw is not None else json.dumps(data, ensure_ascii=False).encode()
        hdrs = {"Content-Type": "application/json", **(headers or {})}
        response = self.opener.request(method, self.base_url() + url, data=body, headers=hdrs, timeout=30)
        self.assertIn("application/json", response.headers.get("Content-Type", ""))
        answer = response.json()
        if answer.get("ignored"):
            self.assertEqual(response.status_code, 200)
            self.assertContract("route_ignored", answer)
        else:
            self.assertContractResponse(response.status_code, answer)
        return response.status_code, answer

    def send(self, event, msg, **kwargs):
        status, answer = self.ypost(envelope(event, msg), **kwargs)
        self.env.invalidate_all()
        return status, answer

    def popups(self, user):
        found = []
        for row in self.env["bus.bus"].sudo().search([("message", "like", "pbx_callcenter/call")], order="id"):
            channel, message = json.loads(row.channel), json.loads(row.message)
            if channel[1:] == ["res.partner", user.partner_id.id]:
                found.append(message["payload"])
        return found


@tagged("post_install", "-at_install")
class TestYeastarCalls(YeastarCase):

    def setUp(self):
        super().setUp()
        self.partner = self.make_partner("Gemini Furniture", phone=E164)

    def test_inbound_ring_answer_and_cdr_make_one_call_with_its_activity_and_popups(self):
        callid = fresh_callid()
        status, answer = self.send(30011, {"call_id": callid,
                                           "members": [inbound(NUMBER, "ALERT"), ext("101", "RING")]})
        self.assertEqual((status, answer["call"]["state"], answer["caller_name"]), (200, "ringing", "Gemini Furniture"))
        self.send(30011, {"call_id": callid, "members": [inbound(NUMBER, "ANSWERED"), ext("101", "ANSWER")]})
        self.assertEqual(self.find_call(callid).state, "answered")
        self.send(30011, {"call_id": callid, "members": [inbound(NUMBER, "BYE"), ext("101", "BYE")]})
        start = local_now(timedelta(minutes=-2))
        status, answer = self.send(30012, cdr(callid, time_start=start))
        call = self.find_call(callid)
        self.assertEqual((status, len(call), call.state, call.direction), (200, 1, "ended", "in"))
        self.assertEqual((call.partner_id, call.user_id, call.extension), (self.partner, self.salesperson, "101"))
        self.assertEqual((call.duration, call.talk_time, call.disposition), (65, 52, "ANSWERED"))
        local = datetime.strptime(start, "%Y-%m-%d %H:%M:%S").replace(tzinfo=ZoneInfo(TZ))
        self.assertEqual(call.start_date, local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None))
        self.assertEqual(call.recording_url,
                         f"https://pbx.example.com/recordings/20240115102030-{callid}-{NUMBER}-101-Inbound.wav")
        events = self.events_of(callid)
        self.assertEqual(sorted(events.mapped("route")), ["answer", "call_in", "call_out"])
        self.assertEqual(set(events.mapped("source")), {"yeastar"})
        self.assertEqual(sorted(events.mapped("native_event")), ["30011", "30011", "30012"])
        bye = self.env["pbx.call.event"].sudo().search(
            [("connection_id", "=", self.connection.id), ("native_event", "=", "30011"), ("state", "=", "ignored")])
        self.assertIn(callid, "".join(bye.mapped("payload")), "the BYE event is journaled as ignored")
        messages = self.call_messages(self.partner)
        self.assertEqual(len(messages), 1)
        self.assertIn("1:05", str(messages.body))
        self.assertIn("0:52", str(messages.body))
        states = [p["state"] for p in self.popups(self.salesperson) if p["callid"] == callid]
        self.assertEqual(states, ["ringing", "answered", "ended"])

    def test_outbound_dial_answer_and_cdr(self):
        callid = fresh_callid()
        status, answer = self.send(30011, {"call_id": callid,
                                           "members": [ext("102", "ALERT"), outbound(NUMBER, "RING", "102")]})
        self.assertEqual((answer["call"]["state"], answer["call"]["direction"]), ("dialing", "out"))
        self.send(30011, {"call_id": callid, "members": [ext("102", "ANSWERED"), outbound(NUMBER, "ANSWER", "102")]})
        self.send(30012, cdr(callid, type="Outbound", call_from="102", call_to=NUMBER, call_duration=40,
                             talk_duration=31, recording=" "))
        call = self.find_call(callid)
        self.assertEqual((call.direction, call.state, call.user_id, call.partner_id),
                         ("out", "ended", self.salesperson2, self.partner))
        self.assertEqual((call.duration, call.talk_time, call.recording_file), (40, 31, False))
        states = [p["state"] for p in self.popups(self.salesperson2) if p["callid"] == callid]
        self.assertEqual(states, ["dialing", "answered", "ended"])

    def test_missed_inbound_call_schedules_a_call_back_for_the_ringing_user(self):
        callid = fresh_callid()
        self.send(30011, {"call_id": callid, "members": [inbound(NUMBER, "ALERT"), ext("101", "RING")]})
        self.send(30012, cdr(callid, status="NO ANSWER", call_duration=30, talk_duration=0, recording=" "))
        call = self.find_call(callid)
        self.assertEqual((call.state, call.talk_time), ("missed", 0))
        callback = self.env["mail.activity"].sudo().search([("pbx_callback_key", "!=", False),
                                                            ("res_id", "=", self.partner.id)])
        self.assertEqual((len(callback), callback.user_id), (1, self.salesperson))
        self.assertIn(E164, callback.summary)

    def test_voicemail_counts_as_missed(self):
        callid = fresh_callid()
        self.send(30012, cdr(callid, status="VOICEMAIL", talk_duration=0, recording=" "))
        self.assertEqual(self.find_call(callid).state, "missed")

    def test_ring_group_rings_the_first_member_and_the_one_who_answers_takes_the_call(self):
        callid = fresh_callid()
        ringing = [inbound(NUMBER, "ALERT", to="6300"), ext("101", "RING", "6300"), ext("102", "RING", "6300")]
        self.send(30011, {"call_id": callid, "members": ringing})
        self.assertEqual(self.find_call(callid).user_id, self.salesperson)
        status, answer = self.send(30011, {"call_id": callid, "members": ringing})
        self.assertIs(answer["duplicate"], True, "the same ringing reported again changes nothing")
        self.send(30011, {"call_id": callid, "members": [inbound(NUMBER, "ANSWERED", to="6300"),
                                                         ext("101", "BYE", "6300"), ext("102", "ANSWER", "6300")]})
        self.send(30012, cdr(callid, call_to="6300"))
        call = self.find_call(callid)
        self.assertEqual((call.state, call.extension, call.user_id), ("ended", "102", self.salesperson2))
        self.assertEqual(self.call_messages(self.partner).author_id, self.salesperson2.partner_id)

    def test_internal_call_is_recorded_as_internal_without_creating_a_contact(self):
        callid = fresh_callid()
        status, answer = self.send(30011, {"call_id": callid, "members": [ext("101", "ALERT"), ext("102", "RING")]})
        self.assertTrue(answer["ignored"])
        before = self.env["res.partner"].sudo().search_count([])
        self.send(30012, cdr(callid, type="Internal", call_from="101", call_to="102", recording=" "))
        call = self.find_call(callid)
        self.assertEqual((call.direction, call.state, call.partner_id.id), ("internal", "ended", False))
        self.assertEqual(self.env["res.partner"].sudo().search_count([]), before)

    def test_documented_examples_are_accepted_as_the_fixture_says(self):
        for case in fixture_cases("yeastar", valid=True):
            body = copy.deepcopy(case["body"])
            msg = json.loads(body["msg"]) if isinstance(body["msg"], str) else body["msg"]
            if "call_id" in msg:
                msg["call_id"] = fresh_callid()
            if "time_start" in msg:
                msg["time_start"] = local_now(timedelta(minutes=-5))
            body["msg"] = json.dumps(msg) if isinstance(body["msg"], str) else msg
            with self.subTest(case["name"]):
                status, answer = self.ypost(body)
                self.assertEqual(status, 200, answer)
                event = self.env["pbx.call.event"].sudo().browse(answer["event_id"])
                self.assertEqual((event.source, event.native_event), ("yeastar", str(body["type"])))
                if case["expected"] is None:
                    self.assertEqual((event.state, answer["call"]), ("ignored", None))
                else:
                    self.assertEqual(event.route, case["expected"]["kind"])
                    self.assertEqual(event.callid, msg["call_id"])

    def test_duplicates_change_nothing_and_log_one_activity(self):
        callid = fresh_callid()
        ring = {"call_id": callid, "members": [inbound(NUMBER, "ALERT"), ext("101", "RING")]}
        self.send(30011, ring)
        self.send(30012, cdr(callid))
        before = self.counts()
        status, answer = self.send(30012, cdr(callid, status="BUSY"))
        self.assertEqual((status, answer["duplicate"], answer["call"]["state"]), (200, True, "ended"))
        status, answer = self.send(30011, ring)
        self.assertEqual((answer["duplicate"], answer["call"]["state"]), (True, "ended"))
        self.assertCounts(before, calls=0, events=2)
        self.assertEqual(len(self.call_messages(self.partner)), 1)


@tagged("post_install", "-at_install")
class TestYeastarHostile(YeastarCase):

    def ring(self, callid=None, number=NUMBER, extension="101"):
        return envelope(30011, {"call_id": callid or fresh_callid(),
                                "members": [inbound(number, "ALERT"), ext(extension, "RING")]})

    def test_missing_or_wrong_token_is_401_and_writes_nothing(self):
        before = self.counts()
        for token in (False, "pbx_wrong", "x" * 300):
            status, answer = self.ypost(self.ring(), token=token)
            self.assertError(status, answer, "unauthorized")
        status, answer = self.ypost(self.ring(), token=False, headers={"Authorization": "Bearer nope"})
        self.assertError(status, answer, "unauthorized")
        self.assertCounts(before)

    def test_source_ip_outside_the_allow_list_is_403(self):
        self.connection.sudo().allowed_ips = "10.0.0.0/8"
        before = self.counts()
        status, answer = self.ypost(self.ring())
        self.assertError(status, answer, "forbidden")
        self.assertCounts(before)

    def test_another_pbx_serial_number_is_403_when_a_serial_is_set(self):
        self.connection.sudo().yeastar_serial = SN
        before = self.counts()
        for sn in ("9999999999", "", None, 12345):
            body = self.ring()
            body.pop("sn")
            if sn is not None:
                body["sn"] = sn
            status, answer = self.ypost(body)
            self.assertError(status, answer, "forbidden")
        self.assertCounts(before)
        status, answer = self.ypost(dict(self.ring(), sn=SN.lower()))
        self.assertEqual((status, answer["call"]["state"]), (200, "ringing"))

    def test_signed_webhook_needs_the_documented_x_signature(self):
        secret = "mvM5JZeCqxDCMUdpgGzCTPGGbOcOouDr"
        self.connection.sudo().webhook_secret = secret
        raw = json.dumps(self.ring()).encode()
        good = base64.b64encode(hmac.new(secret.encode(), raw, hashlib.sha256).digest()).decode()
        before = self.counts()
        for signature in (None, "", "sha256=" + hmac.new(b"x", raw, hashlib.sha256).hexdigest(),
                          base64.b64encode(hmac.new(b"wrong", raw, hashlib.sha256).digest()).decode()):
            headers = {"X-Signature": signature} if signature is not None else {}
            status, answer = self.ypost(raw=raw, headers=headers)
            self.assertError(status, answer, "forbidden")
        self.assertCounts(before)
        status, answer = self.ypost(raw=raw, headers={"X-Signature": good})
        self.assertEqual((status, answer["call"]["state"]), (200, "ringing"))

    def test_msg_that_is_not_json_is_400_and_journaled_as_rejected(self):
        status, answer = self.ypost({"type": 30011, "sn": SN, "msg": "{call_id: 1"})
        self.assertError(status, answer, "invalid_payload", fields=["msg"])
        event = self.env["pbx.call.event"].sudo().browse(answer["event_id"])
        self.assertEqual((event.state, event.source, event.native_event), ("rejected", "yeastar", "30011"))
        self.assertIn("{call_id: 1", event.payload)

    def test_msg_json_of_the_wrong_shape_is_400_naming_the_vendor_fields(self):
        for msg, fields in (({"call_id": "1.1", "members": {"a": 1}}, ["msg.members"]),
                            ({"call_id": fresh_callid(), "members": [{"inbound": 7}]}, ["msg.members[0].inbound"]),
                            ({"call_id": fresh_callid(), "members": ["x"]}, ["msg.members[0]"])):
            status, answer = self.ypost(envelope(30011, msg))
            self.assertError(status, answer, "invalid_payload", fields=fields)
        status, answer = self.ypost(envelope(30012, cdr(fresh_callid(), type="Sideways", status="?")))
        self.assertError(status, answer, "invalid_payload", fields=["msg.type"])
        status, answer = self.ypost({"type": "thirty", "msg": [1]})
        self.assertError(status, answer, "invalid_payload", fields=["type", "msg"])

    def test_body_that_is_not_a_json_object_is_400(self):
        for raw, content_type in ((b"not json", "application/json"), (b"[1,2]", "application/json"),
                                  (b"\xff\xfe", "application/json"),
                                  (b"type=30011", "application/x-www-form-urlencoded")):
            status, answer = self.ypost(raw=raw, headers={"Content-Type": content_type})
            self.assertError(status, answer, "invalid_payload", fields=["_body"])

    def test_unknown_event_type_is_journaled_as_ignored(self):
        status, answer = self.ypost(envelope(30099, {"whatever": True}))
        self.assertEqual((status, answer["ignored"], answer["call"]), (200, True, None))
        event = self.env["pbx.call.event"].sudo().browse(answer["event_id"])
        self.assertEqual((event.state, event.native_event, event.route), ("ignored", "30099", "native"))

    def test_huge_body_is_413_and_writes_nothing(self):
        before = self.counts()
        raw = json.dumps(envelope(30011, {"call_id": "1.1", "members": [], "pad": "x" * 1_100_000})).encode()
        status, answer = self.ypost(raw=raw)
        self.assertError(status, answer, "payload_too_large")
        self.assertCounts(before)

    def test_unicode_and_injection_in_numbers_are_refused_and_harmless_elsewhere(self):
        for number in ("'; DROP TABLE pbx_call; --", "<script>alert(1)</script>", "０９８８７７７６６６ ☎", "\u202e1234"):
            status, answer = self.ypost(self.ring(number=number))
            self.assertError(status, answer, "invalid_payload", fields=["msg.members[0].inbound.from"])
        status, answer = self.ypost(self.ring(extension="101' OR 1=1"))
        self.assertError(status, answer, "invalid_payload", fields=["msg.members[1].extension.number"])
        callid = fresh_callid()
        members = [inbound(NUMBER, "ALERT"), ext("101", "RING", "Nhóm bán hàng ☎ <b>x</b>")]
        members[0]["inbound"]["trunk_name"] = "Trung kế 'quote\" ☎"
        status, answer = self.ypost(envelope(30011, {"call_id": callid, "members": members}))
        self.assertEqual((status, answer["call"]["state"]), (200, "ringing"))
        event = self.env["pbx.call.event"].sudo().browse(answer["event_id"])
        self.assertIn("Trung kế", event.payload)
        self.assertTrue(self.env["pbx.call"].sudo().search_count([]))   # the table is still there

    def test_replayed_old_events_are_refused_and_create_no_call(self):
        before = self.counts()
        old = f"{int(time.time()) - 3 * 86400}.77"
        status, answer = self.ypost(envelope(30012, cdr(old, time_start=local_now(timedelta(days=-3)))))
        self.assertError(status, answer, "invalid_payload", fields=["msg.time_start"])
        self.assertIn("replayed", answer["error"]["fields"]["msg.time_start"])
        status, answer = self.ypost(self.ring(callid=old))
        self.assertError(status, answer, "invalid_payload", fields=["msg.call_id"])
        self.assertCounts(before, calls=0, events=2)
        self.assertFalse(self.find_call(old))
        # a long call whose CDR arrives when it ends is not a replay
        status, answer = self.ypost(envelope(30012, cdr(fresh_callid(), time_start=local_now(timedelta(hours=-26)),
                                                        call_duration=3 * 3600, talk_duration=3 * 3600 - 20)))
        self.assertEqual((status, answer["call"]["state"]), (200, "ended"))

    def test_disabled_integration_is_503_and_writes_nothing(self):
        self.connection.enabled = False
        before = self.counts()
        status, answer = self.ypost(self.ring())
        self.assertError(status, answer, "integration_disabled")
        self.assertCounts(before)

    def test_other_methods_are_405(self):
        status, answer = self.ypost(self.ring(), method="PUT")
        self.assertError(status, answer, "method_not_allowed")


@tagged("post_install", "-at_install")
class TestYeastarInboundControl(YeastarCase):
    """30016: the PBX holds the caller until Odoo accepts or refuses through the OpenAPI."""

    def invitation(self, number=NUMBER, channel="PJSIP/trunk-peer-to-41-endpoint-000000b5"):
        return envelope(30016, {"call_id": fresh_callid(), "members": [{"inbound": {
            "from": number, "to": "02839123456", "trunk_name": "peer-to-41", "channel_id": channel,
            "member_status": "ALERT", "call_path": " "}}]})

    @staticmethod
    def answer(received):
        if received.path == "/openapi/v1.0/get_token":
            return 200, {"errcode": 0, "errmsg": "SUCCESS", "access_token": "TOK",
                         "access_token_expire_time": 1800, "refresh_token": "REF",
                         "refresh_token_expire_time": 86400}
        return 200, {"errcode": 0, "errmsg": "SUCCESS", "call_id": "1648627871.65"}

    def configure(self, url, control="screen"):
        self.connection.sudo().write({"originate_url": url, "yeastar_client_id": "CID",
                                      "yeastar_client_secret": "CSECRET", "yeastar_inbound_control": control})

    def test_an_invitation_is_accepted_at_once_through_the_api(self):
        with FakePbx(self.answer) as pbx:
            self.configure(pbx.url)
            status, answer = self.ypost(self.invitation())
        self.assertEqual((status, answer["ignored"], answer["inbound_call"]), (200, True, "accepted"))
        token, accept = pbx.received
        self.assertEqual((token.path, token.headers["user-agent"]), ("/openapi/v1.0/get_token", "OpenAPI"))
        self.assertEqual((accept.method, accept.path, accept.query),
                         ("POST", "/openapi/v1.0/call/accept_inbound", {"access_token": "TOK"}))
        self.assertEqual(accept.json(), {"channel_id": "PJSIP/trunk-peer-to-41-endpoint-000000b5"})
        self.assertEqual(accept.headers["user-agent"], "OpenAPI")
        event = self.env["pbx.call.event"].sudo().browse(answer["event_id"])
        self.assertEqual((event.state, event.native_event), ("ignored", "30016"))

    def test_a_blacklisted_caller_is_refused_and_the_token_is_reused(self):
        self.env["phone.blacklist"].sudo()._add([E164])
        with FakePbx(self.answer) as pbx:
            self.configure(pbx.url)
            _status, answer = self.ypost(self.invitation())
            _status, again = self.ypost(self.invitation(number="0912345678"))
        self.assertEqual((answer["inbound_call"], again["inbound_call"]), ("refused", "accepted"))
        self.assertEqual([r.path.rsplit("/", 1)[-1] for r in pbx.received],
                         ["get_token", "refuse_inbound", "accept_inbound"])
        self.assertEqual(pbx.received[2].query, {"access_token": "TOK"})

    def test_accept_mode_accepts_even_a_blacklisted_caller_and_off_sends_nothing(self):
        self.env["phone.blacklist"].sudo()._add([E164])
        with FakePbx(self.answer) as pbx:
            self.configure(pbx.url, control="accept")
            _status, answer = self.ypost(self.invitation())
            self.connection.sudo().yeastar_inbound_control = "off"
            _status, off = self.ypost(self.invitation())
        self.assertEqual((answer["inbound_call"], off["inbound_call"]), ("accepted", "off"))
        self.assertEqual([r.path.rsplit("/", 1)[-1] for r in pbx.received], ["get_token", "accept_inbound"])

    def test_without_api_credentials_or_with_a_dead_pbx_the_webhook_still_answers_fast(self):
        status, answer = self.ypost(self.invitation())
        self.assertEqual((status, answer["inbound_call"]), (200, "not_configured"))
        with SilentPbx() as pbx, mute_logger("odoo.addons.pbx_callcenter.models.pbx_yeastar"):
            self.configure(pbx.url)
            started = time.monotonic()
            status, answer = self.ypost(self.invitation())
            elapsed = time.monotonic() - started
        self.assertEqual((status, answer["inbound_call"]), (200, "failed"))
        self.assertLess(elapsed, 4.5, "the PBX waits 3-10 s for the webhook's answer")

    def test_an_invitation_without_channel_is_journaled_and_reported_failed(self):
        with FakePbx(self.answer) as pbx, mute_logger("odoo.addons.pbx_callcenter.models.pbx_yeastar"):
            self.configure(pbx.url)
            status, answer = self.ypost(self.invitation(channel=""))
        self.assertEqual((status, answer["inbound_call"]), (200, "failed"))
        self.assertFalse(pbx.received)


@tagged("post_install", "-at_install")
class TestYeastarApiToken(YeastarCase):
    """The OpenAPI token shared by click-to-dial, the extension import and 30016: refreshed
    before it expires, fetched again when the refresh is refused or expired."""

    def setUp(self):
        super().setUp()
        self.pbx = FakePbx(self.answer)
        self.pbx.__enter__()
        self.addCleanup(self.pbx.__exit__, None, None, None)
        self.refresh_answer = {"errcode": 0, "errmsg": "SUCCESS", "access_token": "NEW",
                               "access_token_expire_time": 1800, "refresh_token": "REF2",
                               "refresh_token_expire_time": 86400}
        self.connection.sudo().write({"originate_url": self.pbx.url, "yeastar_client_id": "CID",
                                      "yeastar_client_secret": "CSECRET"})

    def answer(self, received):
        if received.path == "/openapi/v1.0/refresh_token":
            return 200, self.refresh_answer
        if received.path == "/openapi/v1.0/get_token":
            return 200, {"errcode": 0, "errmsg": "SUCCESS", "access_token": "LOGIN",
                         "access_token_expire_time": 1800, "refresh_token": "REF3",
                         "refresh_token_expire_time": 86400}
        return 200, {"errcode": 0, "errmsg": "SUCCESS"}

    def cache(self, access_in, refresh_in):
        now = datetime.now()
        self.connection.sudo().write({
            "yeastar_access_token": "OLD", "yeastar_token_expiry": now + access_in,
            "yeastar_refresh_token": "REF1", "yeastar_refresh_expiry": now + refresh_in,
        })

    def accept(self):
        status, answer = self.ypost(envelope(30016, {"call_id": fresh_callid(), "members": [{"inbound": {
            "from": NUMBER, "channel_id": "PJSIP/trunk-1", "member_status": "ALERT"}}]}))
        self.assertEqual(answer["inbound_call"], "accepted")
        self.env.invalidate_all()
        return [(r.path.rsplit("/", 1)[-1], r.query.get("access_token"), r.body and r.json())
                for r in self.pbx.received]

    def test_a_token_in_its_last_minute_is_refreshed_before_use(self):
        self.cache(timedelta(seconds=30), timedelta(hours=5))
        self.assertEqual(self.accept(), [("refresh_token", None, {"refresh_token": "REF1"}),
                                         ("accept_inbound", "NEW", {"channel_id": "PJSIP/trunk-1"})])
        self.assertEqual(self.connection.sudo().yeastar_refresh_token, "REF2")

    def test_a_valid_token_is_used_as_is(self):
        self.cache(timedelta(minutes=20), timedelta(hours=5))
        self.assertEqual([call[:2] for call in self.accept()], [("accept_inbound", "OLD")])

    def test_a_refused_refresh_falls_back_to_logging_in(self):
        self.cache(timedelta(minutes=-1), timedelta(hours=5))
        self.refresh_answer = {"errcode": 10004, "errmsg": "INVALID REFRESH TOKEN"}
        self.assertEqual([call[:2] for call in self.accept()],
                         [("refresh_token", None), ("get_token", None), ("accept_inbound", "LOGIN")])

    def test_an_expired_refresh_token_is_not_sent(self):
        self.cache(timedelta(minutes=-1), timedelta(minutes=-1))
        self.assertEqual([call[:2] for call in self.accept()], [("get_token", None), ("accept_inbound", "LOGIN")])
        self.assertEqual(self.connection.sudo().yeastar_access_token, "LOGIN")


@tagged("post_install", "-at_install")
class TestYeastarRecordings(YeastarCase):
    """Recordings stay on the PBX; Odoo fetches them through recording/download for a user who
    can see the call."""

    AUDIO = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(range(256)) * 40

    def setUp(self):
        super().setUp()
        self.resource = "/api/download/Recording-X.7.0.6-1-download-20240115102030-M8zB66xYUNTNMr2D.wav"
        self.pbx = FakePbx(self.answer)
        self.pbx.__enter__()
        self.addCleanup(self.pbx.__exit__, None, None, None)
        self.connection.sudo().write({"originate_url": self.pbx.url, "yeastar_client_id": "CID",
                                      "yeastar_client_secret": "CSECRET"})
        self.connection.action_yeastar_recordings_through_odoo()
        self.callid = fresh_callid()
        self.send(30011, {"call_id": self.callid, "members": [inbound(NUMBER, "ALERT"), ext("101", "RING")]})
        self.send(30012, cdr(self.callid))
        self.call = self.find_call(self.callid)

    def answer(self, received):
        if received.path == "/openapi/v1.0/get_token":
            return 200, {"errcode": 0, "errmsg": "SUCCESS", "access_token": "TOK",
                         "access_token_expire_time": 1800, "refresh_token": "REF",
                         "refresh_token_expire_time": 86400}
        if received.path == "/openapi/v1.0/recording/download":
            return 200, {"errcode": 0, "errmsg": "SUCCESS", "file": received.query.get("file"),
                         "download_resource_url": self.resource}
        if received.path == self.resource and received.query.get("access_token") == "TOK":
            return 200, self.AUDIO
        return 404, {"errcode": 404}

    def get(self, url):
        return self.url_open(url, timeout=30, allow_redirects=False)

    def test_the_owner_plays_the_recording_fetched_through_the_pbx_api(self):
        name = f"20240115102030-{self.callid}-{NUMBER}-101-Inbound.wav"
        self.assertEqual(self.call.recording_url, f"{self.connection.yeastar_recording_base_url}{name}")
        self.authenticate("pbx_sales", "pbx_sales")
        response = self.get(f"/pbx_callcenter/yeastar/{self.connection.id}/recording/{name}")
        self.assertEqual(response.status_code, 200, response.text[:300])
        self.assertEqual(response.content, self.AUDIO)
        self.assertEqual(response.headers["Content-Type"], "application/octet-stream",
                         "what the PBX does not declare as audio is served as bytes")
        self.assertEqual(response.headers["X-Content-Type-Options"], "nosniff")
        token, download, audio = self.pbx.received
        self.assertEqual(token.path, "/openapi/v1.0/get_token")
        self.assertEqual((download.path, download.query), ("/openapi/v1.0/recording/download",
                                                           {"file": name, "access_token": "TOK"}))
        self.assertEqual((audio.path, audio.query, audio.headers["user-agent"]),
                         (self.resource, {"access_token": "TOK"}, "OpenAPI"))

    def test_others_and_anonymous_visitors_get_nothing_from_the_pbx(self):
        name = self.call.recording_file
        url = f"/pbx_callcenter/yeastar/{self.connection.id}/recording/{name}"
        response = self.get(url)
        self.assertIn(response.status_code, (302, 303), "not logged in: sent to the login page")
        self.authenticate("pbx_sales2", "pbx_sales2")
        self.assertEqual(self.get(url).status_code, 404, "a salesperson only sees their own calls")
        self.authenticate("pbx_sales", "pbx_sales")
        self.assertEqual(self.get(f"/pbx_callcenter/yeastar/{self.connection.id}/recording/other.wav").status_code, 404)
        self.assertEqual(self.get(f"/pbx_callcenter/yeastar/{self.connection.id + 999}/recording/{name}").status_code,
                         404)
        self.assertFalse(self.pbx.received)

    def test_a_download_url_pointing_elsewhere_is_never_followed(self):
        self.resource = "//127.0.0.1:1/steal"
        self.authenticate("pbx_sales", "pbx_sales")
        with mute_logger("odoo.addons.pbx_callcenter.models.pbx_yeastar"):
            response = self.get(f"/pbx_callcenter/yeastar/{self.connection.id}/recording/{self.call.recording_file}")
        self.assertEqual(response.status_code, 502)
        self.assertEqual([r.path for r in self.pbx.received],
                         ["/openapi/v1.0/get_token", "/openapi/v1.0/recording/download"])
