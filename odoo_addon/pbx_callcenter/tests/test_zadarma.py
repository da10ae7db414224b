"""Zadarma's notifications over real HTTP (form-encoded, signed like Zadarma), the NOTIFY_START
answer, and recordings played through a fresh link asked from a local fake Zadarma API."""
import base64
import hashlib
import hmac
import json
import logging
import time
from datetime import datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import requests

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..vendors.zadarma import protocol as zadarma
from .common import E164, PbxHttpCase, load_fixture
from .fake_pbx import FakePbx, routed

_logger = logging.getLogger(__name__)

SECRET, KEY = "zd-api-secret-0123", "zd-api-key-4567"
CALLER = "84989464344"          # how Zadarma sends numbers: international digits, no '+'
DID = "442037691881"
REC = "1732096805.5183742"
AUDIO = b"ID3\x04\x00fake mp3 frames"


def reference_signature(text, secret):
    """Client::encodeSignature written out independently: base64 of the HEX HMAC-SHA1."""
    return base64.b64encode(hmac.new(secret.encode(), text.encode(), hashlib.sha1).hexdigest().encode()).decode()


def reference_api_authorization(path, params, key, secret):
    """Client::getAuthHeader for parameters without characters to escape."""
    query = "&".join(f"{name}={value}" for name, value in sorted(params.items()))
    return f"{key}:" + reference_signature(path + query + hashlib.md5(query.encode()).hexdigest(), secret)


@tagged("post_install", "-at_install")
class TestZadarma(PbxHttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connection.sudo().write({"kind": "zadarma", "zadarma_api_key": KEY, "zadarma_api_secret": SECRET})
        cls.tz = ZoneInfo(cls.connection.tz)
        cls.sequence = 0

    # ---- helpers ----------------------------------------------------------------------

    def call_start(self, delta=timedelta()):
        """A call_start as Zadarma sends it: naive, in the account's (= connection's) timezone."""
        return (datetime.now(self.tz) + delta).strftime("%Y-%m-%d %H:%M:%S")

    def new_pbx_call_id(self, prefix="in"):
        TestZadarma.sequence += 1
        return f"{prefix}_{self.sequence:04d}{time.time_ns():x}"

    def notify(self, fields, sign=True, signature=None, token="default", headers=None, raw=None,
               content_type="application/x-www-form-urlencoded"):
        """POST one notification form-encoded to /api/callcenter/zadarma?token=…, signed with
        the connection's secret like Zadarma does; returns (status, answer, response)."""
        self.assertRoutesUsable()
        hdrs = {"Content-Type": content_type}
        if sign:
            hdrs["Signature"] = signature if signature is not None else reference_signature(
                zadarma.signature_string(fields["event"], fields), SECRET)
        hdrs.update(headers or {})
        url = "/api/callcenter/zadarma"
        token = self.token if token == "default" else token
        if token is not None:
            url += "?" + urlencode({"token": token})
        body = raw if raw is not None else urlencode(fields).encode()
        response = self.url_open(url, data=body, headers=hdrs, timeout=30)
        self.assertIn("application/json", response.headers.get("Content-Type", ""), response.text[:300])
        return response.status_code, response.json(), response

    def start(self, pbx_call_id, caller=CALLER, **extra):
        fields = {"event": "NOTIFY_START", "call_start": self.call_start(), "pbx_call_id": pbx_call_id,
                  "caller_id": caller, "called_did": DID}
        return self.notify(dict(fields, **extra))

    def internal(self, pbx_call_id, extension="101", caller=CALLER, start=None):
        return self.notify({"event": "NOTIFY_INTERNAL", "call_start": start or self.call_start(),
                            "pbx_call_id": pbx_call_id, "caller_id": caller, "called_did": DID,
                            "internal": extension})

    def answer(self, pbx_call_id, extension="101", caller=CALLER):
        return self.notify({"event": "NOTIFY_ANSWER", "caller_id": caller, "destination": extension,
                            "call_start": self.call_start(), "pbx_call_id": pbx_call_id,
                            "internal": extension})

    def end(self, pbx_call_id, extension="101", disposition="answered", duration=65, recorded=False,
            caller=CALLER, start=None):
        return self.notify({
            "event": "NOTIFY_END", "call_start": start or self.call_start(), "pbx_call_id": pbx_call_id,
            "caller_id": caller, "called_did": DID, "internal": extension, "duration": str(duration),
            "disposition": disposition, "status_code": "16", "is_recorded": "1" if recorded else "0",
            "call_id_with_rec": REC if recorded else ""})

    def record(self, pbx_call_id, record_id=REC):
        return self.notify({"event": "NOTIFY_RECORD", "call_id_with_rec": record_id,
                            "pbx_call_id": pbx_call_id})

    def assertOk(self, result, state=None):
        status, body, _response = result
        self.assertEqual(status, 200, body)
        self.assertContractResponse(status, body)
        if state:
            self.assertEqual(body["call"]["state"], state, body)
        return body

    def popups(self, partner):
        found = []
        for row in self.env["bus.bus"].sudo().search([("message", "like", "pbx_callcenter/call")], order="id"):
            channel, message = json.loads(row.channel), json.loads(row.message)
            if message["type"] == "pbx_callcenter/call" and channel[1:] == ["res.partner", partner.id]:
                found.append(message["payload"])
        return found

    def fake_zadarma(self, answer=None):
        """A local Zadarma API serving /v1/pbx/record/request/ and the file it links to."""
        def record_request(_query):
            return answer or (200, {"status": "success", "link": f"{pbx_url[0]}/download/{REC}.mp3",
                                    "lifetime_till": "2030-01-01 00:00:00"})
        pbx_url = []
        fake = FakePbx(routed({"/v1/pbx/record/request/": record_request,
                               f"/download/{REC}.mp3": (200, AUDIO)}))
        fake.__enter__()
        self.addCleanup(fake.__exit__, None, None, None)
        pbx_url.append(fake.url)
        self.connection.sudo().write({"originate_method": "zadarma", "originate_url": fake.url})
        return fake

    def events(self, native_event=None):
        domain = [("connection_id", "=", self.connection.id), ("source", "=", "zadarma")]
        if native_event:
            domain.append(("native_event", "=", native_event))
        return self.env["pbx.call.event"].sudo().search(domain)

    # ---- a whole inbound call --------------------------------------------------------------

    def test_a_full_inbound_call_gives_one_call_answered_then_ended_with_chatter_popup_and_recording(self):
        contact = self.make_partner("Brandon Freeman", phone="+84 98 946 4344", user_id=self.salesperson.id)
        callid = self.new_pbx_call_id()
        popups_before = len(self.popups(self.salesperson.partner_id))
        started = time.monotonic()
        status, start_answer, response = self.start(callid)
        _logger.info("NOTIFY_START answered in %.1f ms", (time.monotonic() - started) * 1000)
        self.assertEqual((status, start_answer), (200, {"caller_name": "Brandon Freeman"}))
        self.assertEqual(self.events("NOTIFY_START").state, "ignored")

        ringing = self.assertOk(self.internal(callid, "101"), "ringing")
        self.assertEqual(ringing["record"], {"model": "res.partner", "id": contact.id, "name": "Brandon Freeman"})
        self.assertOk(self.answer(callid, "101"), "answered")
        ended = self.assertOk(self.end(callid, "101", duration=65, recorded=True), "ended")
        again = self.assertOk(self.record(callid), "ended")
        self.assertIs(again["duplicate"], True, "NOTIFY_END already carried the recording")

        call = self.find_call(callid)
        self.assertEqual(len(call), 1)
        self.assertEqual(ended["call"]["id"], call.id)
        self.assertEqual((call.direction, call.state, call.user_id, call.extension),
                         ("in", "ended", self.salesperson, "101"))
        self.assertEqual((call.duration, call.talk_time, call.disposition), (65, 65, "answered"))
        self.assertTrue(call.answer_date)
        self.assertAlmostEqual(call.start_date, datetime.utcnow(), delta=timedelta(minutes=2))
        play = f"{self.base_url()}/pbx_callcenter/zadarma/recording/{self.connection.id}/{REC}"
        self.assertEqual((call.recording_url, call.recording_file), (play, REC))
        self.assertEqual(
            sorted(self.events().filtered(lambda e: e.callid == callid).mapped("route")),
            ["answer", "call_in", "call_out", "recording"])

        self.assertTrue(call.activity_logged)
        logged = contact.message_ids.filtered(lambda m: play in (m.body or ""))
        self.assertEqual(len(logged), 1, "the call's activity, with its recording, is in the chatter")
        self.assertIn("Brandon", json.dumps(self.popups(self.salesperson.partner_id)))
        self.assertGreater(len(self.popups(self.salesperson.partner_id)), popups_before)
        states = [p["state"] for p in self.popups(self.salesperson.partner_id) if p["callid"] == callid]
        self.assertEqual(states, ["ringing", "answered", "ended"])

        # the salesperson plays it: Odoo asks Zadarma for a fresh link and redirects there
        fake = self.fake_zadarma()
        self.authenticate("pbx_sales", "pbx_sales")
        response = self.url_open(play, allow_redirects=False)
        self.assertEqual(response.status_code, 303, response.text[:300])
        self.assertEqual(response.headers["Location"], f"{fake.url}/download/{REC}.mp3")
        [asked] = fake.received
        self.assertEqual((asked.method, asked.path), ("GET", "/v1/pbx/record/request/"))
        self.assertEqual(asked.query, {"call_id": REC, "format": "json", "lifetime": "1800"})
        self.assertEqual(asked.headers["authorization"],
                         reference_api_authorization(asked.path, asked.query, KEY, SECRET))
        self.assertEqual(requests.get(response.headers["Location"], timeout=10).content, AUDIO)

    def test_a_recording_announced_after_the_end_is_posted_beside_the_calls_activity(self):
        contact = self.make_partner("Azure Interior", phone=E164)
        callid = self.new_pbx_call_id()
        self.assertOk(self.internal(callid))
        self.assertOk(self.end(callid, recorded=False))
        messages = len(contact.message_ids)
        body = self.assertOk(self.record(callid))
        self.assertIs(body["duplicate"], False)
        call = self.find_call(callid)
        self.assertEqual(call.recording_file, REC)
        self.assertEqual(len(contact.message_ids), messages + 1)
        self.assertIn(f"/pbx_callcenter/zadarma/recording/{self.connection.id}/{REC}", contact.message_ids[0].body)

    def test_a_recording_of_an_unknown_call_is_kept_to_be_reprocessed(self):
        with mute_logger("odoo.addons.pbx_callcenter.models.pbx_call_event"):
            status, body, _response = self.record(self.new_pbx_call_id())
        self.assertError(status, body, "processing_failed")
        self.assertEqual(self.events("NOTIFY_RECORD").state, "failed")

    # ---- outbound and missed -----------------------------------------------------------------

    def test_an_outbound_call_is_dialing_then_ended_on_the_extension_that_dialled(self):
        callid = self.new_pbx_call_id("out")
        fields = {"event": "NOTIFY_OUT_START", "call_start": self.call_start(), "pbx_call_id": callid,
                  "internal": "102", "destination": CALLER}
        dialing = self.assertOk(self.notify(fields), "dialing")
        self.assertEqual(dialing["call"]["direction"], "out")
        end = dict(fields, event="NOTIFY_OUT_END", caller_id=DID, duration="30", disposition="answered",
                   status_code="16", is_recorded="0", call_id_with_rec="")
        self.assertOk(self.notify(end), "ended")
        call = self.find_call(callid)
        self.assertEqual((call.direction, call.user_id, call.duration, call.phone),
                         ("out", self.salesperson2, 30, CALLER))
        self.assertEqual(call.phone_e164, E164)

    def test_an_outbound_call_refused_for_lack_of_credit_is_failed(self):
        callid = self.new_pbx_call_id("out")
        fields = {"event": "NOTIFY_OUT_END", "call_start": self.call_start(), "pbx_call_id": callid,
                  "caller_id": DID, "destination": CALLER, "internal": "101", "duration": "0",
                  "disposition": "no money", "status_code": "34", "is_recorded": "0", "call_id_with_rec": ""}
        self.assertOk(self.notify(fields), "failed")

    def test_a_missed_call_asks_the_salesperson_to_call_back(self):
        callid = self.new_pbx_call_id()
        self.start(callid)
        self.assertOk(self.internal(callid, "101"), "ringing")
        self.assertOk(self.end(callid, "101", disposition="no answer", duration=0), "missed")
        callbacks = self.env["mail.activity"].sudo().search([("pbx_callback_key", "!=", False)])
        self.assertEqual(len(callbacks), 1)
        self.assertEqual(callbacks.user_id, self.salesperson)
        self.assertIn(E164, callbacks.summary)

    def test_a_call_abandoned_in_the_ivr_is_missed_and_given_to_the_default_user(self):
        callid = self.new_pbx_call_id()
        self.start(callid)
        fields = {"event": "NOTIFY_END", "call_start": self.call_start(), "pbx_call_id": callid,
                  "caller_id": CALLER, "called_did": DID, "internal": "", "duration": "0",
                  "disposition": "cancel", "status_code": "16", "is_recorded": "0", "call_id_with_rec": ""}
        self.assertOk(self.notify(fields), "missed")
        call = self.find_call(callid)
        self.assertEqual((call.extension, call.user_id.id), (DID, False))
        callbacks = self.env["mail.activity"].sudo().search([("pbx_callback_key", "!=", False)])
        self.assertEqual(callbacks.user_id, self.default_user)

    def test_a_ring_group_rings_two_extensions_and_the_one_that_answers_gets_the_call(self):
        callid = self.new_pbx_call_id()
        self.assertOk(self.internal(callid, "101"), "ringing")
        second = self.assertOk(self.internal(callid, "102"), "ringing")
        self.assertIs(second["duplicate"], True)
        self.assertOk(self.answer(callid, "102"), "answered")
        self.assertEqual(self.find_call(callid).user_id, self.salesperson2)

    # ---- NOTIFY_START answer ---------------------------------------------------------------------

    def test_an_unknown_caller_gets_an_empty_answer(self):
        status, body, _response = self.start(self.new_pbx_call_id(), caller="84903000111")
        self.assertEqual((status, body), (200, {}))

    def test_routing_sends_a_known_caller_to_their_salesperson(self):
        self.connection.zadarma_route_to_owner = True
        self.make_partner("Nguyễn Văn An", phone="+84 98 946 4344", user_id=self.salesperson2.id)
        status, body, _response = self.start(self.new_pbx_call_id())
        self.assertEqual((status, body), (200, {"caller_name": "Nguyễn Văn An", "redirect": "102",
                                                "return_timeout": 20}))
        self.connection.zadarma_return_timeout = 0
        # other calls: another call_start (one signature signs one call, whatever its call id)
        another_call = self.call_start(-timedelta(minutes=1))
        self.assertEqual(self.start(self.new_pbx_call_id(), call_start=another_call)[1]["return_timeout"], 0)
        timings = []
        for minutes in range(2, 12):
            started = time.monotonic()
            self.assertEqual(self.start(self.new_pbx_call_id(), call_start=self.call_start(
                -timedelta(minutes=minutes)))[1]["redirect"], "102")
            timings.append((time.monotonic() - started) * 1000)
        timings.sort()
        _logger.info("NOTIFY_START with routing, 10 requests: median %.1f ms, max %.1f ms",
                     timings[5], timings[-1])

    def test_a_known_lead_without_an_owner_extension_is_named_but_not_routed(self):
        self.connection.zadarma_route_to_owner = True
        self.make_lead("Office Design", contact_name="Deco Addict", phone=E164, user_id=self.manager.id)
        status, body, _response = self.start(self.new_pbx_call_id())
        self.assertEqual((status, body), (200, {"caller_name": "Deco Addict"}))

    def test_a_blacklisted_number_hears_busy(self):
        self.env["phone.blacklist"].sudo()._add([E164])
        self.assertEqual(self.start(self.new_pbx_call_id())[:2], (200, {"redirect": "blacklist"}))
        self.connection.zadarma_reject_blocked = False
        another_call = self.call_start(-timedelta(minutes=1))  # one signature signs one call
        self.assertEqual(self.start(self.new_pbx_call_id(), call_start=another_call)[:2], (200, {}))

    def test_routing_settings_are_validated(self):
        for value in (1, 2, -5, 100000):
            with self.subTest(value=value), self.assertRaises(ValidationError):
                self.connection.zadarma_return_timeout = value
                self.connection.flush_recordset()
        with self.assertRaises(ValidationError):
            self.connection.zadarma_max_event_age = -1
            self.connection.flush_recordset()

    # ---- hostile ---------------------------------------------------------------------------------

    def test_a_missing_or_wrong_signature_is_refused_and_nothing_is_written(self):
        callid = self.new_pbx_call_id()
        fields = {"event": "NOTIFY_INTERNAL", "call_start": self.call_start(), "pbx_call_id": callid,
                  "caller_id": CALLER, "called_did": DID, "internal": "101"}
        good = reference_signature(zadarma.signature_string("NOTIFY_INTERNAL", fields), SECRET)
        before = self.counts()
        for case, kwargs in {
            "missing": {"sign": False},
            "empty": {"signature": ""},
            "another secret": {"signature": reference_signature(
                zadarma.signature_string("NOTIFY_INTERNAL", fields), "not-the-secret")},
            "hex digest without base64": {"signature": hmac.new(SECRET.encode(), zadarma.signature_string(
                "NOTIFY_INTERNAL", fields).encode(), hashlib.sha1).hexdigest()},
            "raw digest made with another secret": {"signature": base64.b64encode(hmac.new(
                b"not-the-secret", zadarma.signature_string("NOTIFY_INTERNAL", fields).encode(),
                hashlib.sha1).digest()).decode()},
            "other fields": {"signature": good, "fields": dict(fields, caller_id="84903000111")},
            "injection": {"signature": "' OR 1=1 --"},
        }.items():
            with self.subTest(case=case):
                sent = kwargs.pop("fields", fields)
                status, body, _response = self.notify(sent, **kwargs)
                self.assertError(status, body, "forbidden")
        self.assertCounts(before)
        self.assertOk(self.notify(fields, signature=good), "ringing")

    def test_the_raw_hmac_of_zadarmas_typescript_library_signs_too_and_binds_like_the_hex_one(self):
        # zadarma/user-api-typescript src/Webhook.ts: createHmac('sha1', secret).update(string)
        # .digest('base64'), base64 of the 20 raw bytes (the PHP library: of the 40 hex characters)
        callid = self.new_pbx_call_id()
        fields = {"event": "NOTIFY_INTERNAL", "call_start": self.call_start(), "pbx_call_id": callid,
                  "caller_id": CALLER, "called_did": DID, "internal": "101"}
        raw_digest = base64.b64encode(hmac.new(SECRET.encode(), zadarma.signature_string(
            "NOTIFY_INTERNAL", fields).encode(), hashlib.sha1).digest()).decode()
        self.assertOk(self.notify(fields, signature=raw_digest), "ringing")
        # the same HMAC in either encoding is one signature: it cannot sign another call
        before = self.counts()
        for signature in (raw_digest, reference_signature(
                zadarma.signature_string("NOTIFY_INTERNAL", fields), SECRET)):
            with self.subTest(signature=signature):
                status, body, _response = self.notify(
                    dict(fields, pbx_call_id=self.new_pbx_call_id()), signature=signature)
                self.assertError(status, body, "forbidden")
        self.assertCounts(before)

    def test_without_an_api_secret_notifications_need_no_signature(self):
        self.connection.sudo().zadarma_api_secret = False
        fields = {"event": "NOTIFY_INTERNAL", "call_start": self.call_start(),
                  "pbx_call_id": self.new_pbx_call_id(), "caller_id": CALLER, "called_did": DID,
                  "internal": "101"}
        self.assertOk(self.notify(fields, sign=False), "ringing")

    def test_requests_from_an_address_outside_the_allow_list_are_refused(self):
        self.connection.sudo().allowed_ips = "185.45.152.42"
        before = self.counts()
        status, body, _response = self.internal(self.new_pbx_call_id())
        self.assertError(status, body, "forbidden")
        self.assertCounts(before)
        self.connection.sudo().allowed_ips = "127.0.0.1, 185.45.152.42"
        self.assertOk(self.internal(self.new_pbx_call_id()))

    def test_a_missing_or_wrong_token_is_unauthorized(self):
        before = self.counts()
        for token in (None, "", "pbx_wrong", "x" * 300):
            with self.subTest(token=token):
                status, body, _response = self.notify(
                    {"event": "NOTIFY_START", "call_start": self.call_start(), "pbx_call_id": "in_1",
                     "caller_id": CALLER, "called_did": DID}, token=token)
                self.assertError(status, body, "unauthorized")
        self.assertCounts(before)

    def test_the_token_of_a_connection_that_is_not_zadarma_is_refused(self):
        # like a wrong token: a token opens only the routes of its connection's kind
        self.connection.sudo().kind = "generic"
        status, body, _response = self.internal(self.new_pbx_call_id())
        self.assertError(status, body, "unauthorized")

    def test_a_disabled_integration_answers_503(self):
        self.connection.enabled = False
        status, body, _response = self.internal(self.new_pbx_call_id())
        self.assertError(status, body, "integration_disabled")

    def test_malformed_fields_are_rejected_by_their_zadarma_name_and_journaled(self):
        cases = {
            "markup number": ({"caller_id": "<script>alert(1)</script>"}, {"caller_id"}),
            "no extension": ({"internal": ""}, {"internal"}),
            "bad date": ({"call_start": "2024-02-30 25:61:00"}, {"call_start"}),
            "no call id": ({"pbx_call_id": ""}, {"pbx_call_id"}),
            "sql": ({"internal": "101'; DROP TABLE pbx_call; --"}, {"internal"}),
        }
        for case, (changes, bad) in cases.items():
            with self.subTest(case=case):
                fields = {"event": "NOTIFY_INTERNAL", "call_start": self.call_start(),
                          "pbx_call_id": self.new_pbx_call_id(), "caller_id": CALLER, "called_did": DID,
                          "internal": "101"}
                fields.update(changes)
                status, body, _response = self.notify(fields)
                self.assertError(status, body, "invalid_payload", bad)
                event = self.env["pbx.call.event"].sudo().browse(body["event_id"])
                self.assertEqual((event.state, event.source, event.native_event),
                                 ("rejected", "zadarma", "NOTIFY_INTERNAL"))

    def test_a_missing_or_garbage_event_name_is_rejected(self):
        for event in ("", "<b>NOTIFY</b>", "notify_start", "X" * 100):
            with self.subTest(event=event):
                status, body, _response = self.notify({"event": event, "pbx_call_id": "in_1"}, sign=False)
                self.assertError(status, body, "invalid_payload", {"event"})
        status, body, _response = self.notify({"pbx_call_id": "in_1"}, sign=False)
        self.assertError(status, body, "invalid_payload", {"event"})

    def test_an_unknown_event_is_journaled_and_ignored(self):
        before = self.counts()
        status, body, _response = self.notify({"event": "NOTIFY_SMS", "caller_id": CALLER, "text": "hi"},
                                              sign=False)
        self.assertEqual(status, 200, body)
        self.assertEqual((body["ignored"], body["call"]), (True, None))
        self.assertCounts(before, calls=0, events=1)
        self.assertEqual(self.events("NOTIFY_SMS").state, "ignored")

    def test_a_replayed_old_event_is_refused_even_when_correctly_signed(self):
        callid = self.new_pbx_call_id()
        status, body, _response = self.internal(callid, start=self.call_start(-timedelta(hours=25)))
        self.assertError(status, body, "invalid_payload", {"call_start"})
        self.assertIn("24 h old", body["error"]["fields"]["call_start"])
        event = self.env["pbx.call.event"].sudo().browse(body["event_id"])
        self.assertEqual((event.state, event.native_event), ("rejected", "NOTIFY_INTERNAL"))
        self.assertFalse(self.find_call(callid))
        status, body, _response = self.internal(callid, start=self.call_start(timedelta(days=2)))
        self.assertError(status, body, "invalid_payload", {"call_start"})

    def test_the_end_of_a_call_longer_than_the_window_is_still_accepted(self):
        callid = self.new_pbx_call_id()
        start = self.call_start(-timedelta(hours=26))
        self.assertOk(self.end(callid, duration=3 * 3600, start=start), "ended")
        self.connection.zadarma_max_event_age = 0
        self.assertOk(self.internal(self.new_pbx_call_id(), start=self.call_start(-timedelta(days=30))))

    def test_duplicates_make_one_call_and_one_activity(self):
        contact = self.make_partner("Lumber Inc", phone=E164)
        callid = self.new_pbx_call_id()
        first = self.assertOk(self.internal(callid))
        self.assertIs(self.assertOk(self.internal(callid))["duplicate"], True)
        self.assertOk(self.end(callid))
        activities = len(contact.message_ids)
        self.assertIs(self.assertOk(self.end(callid))["duplicate"], True)
        self.assertEqual(len(contact.message_ids), activities)
        self.assertEqual(self.find_call(callid).id, first["call"]["id"])

    def test_a_huge_body_is_refused_before_it_is_read(self):
        fields = {"event": "NOTIFY_START", "call_start": self.call_start(), "pbx_call_id": "in_1",
                  "caller_id": CALLER, "called_did": DID, "padding": "x" * 70000}
        before = self.counts()
        status, body, _response = self.notify(fields)
        self.assertError(status, body, "payload_too_large")
        self.assertCounts(before)

    def test_a_json_body_is_read_like_the_form(self):
        fields = {"event": "NOTIFY_INTERNAL", "call_start": self.call_start(), "pbx_call_id": self.new_pbx_call_id(),
                  "caller_id": CALLER, "called_did": DID, "internal": "101"}
        self.assertOk(self.notify(fields, raw=json.dumps(fields).encode(), content_type="application/json"),
                      "ringing")
        status, body, _response = self.notify(fields, raw=b"{not json", content_type="application/json")
        self.assertError(status, body, "forbidden")  # nothing to check a signature on
        self.connection.sudo().zadarma_api_secret = False
        status, body, _response = self.notify(fields, raw=b"{not json", content_type="application/json")
        self.assertError(status, body, "invalid_payload", {"_body"})

    # ---- zd_echo ---------------------------------------------------------------------------------

    def echo(self, value, token=None, method="GET"):
        query = {"zd_echo": value}
        if token:
            query["token"] = token
        return self.opener.request(method, f"{self.base_url()}/api/callcenter/zadarma?{urlencode(query)}",
                                   timeout=10)

    def test_zadarma_validates_the_url_with_zd_echo(self):
        for token in (None, self.token):
            with self.subTest(token=bool(token)):
                response = self.echo("c4f5e1b9a2d34e7f8a6b", token)
                self.assertEqual((response.status_code, response.text), (200, "c4f5e1b9a2d34e7f8a6b"))
                self.assertTrue(response.headers["Content-Type"].startswith("text/plain"))
                self.assertEqual(response.headers["X-Content-Type-Options"], "nosniff")

    def test_zd_echo_reflects_no_markup_and_checks_a_token_it_is_given(self):
        for value in ("<script>alert(1)</script>", "a b", "x" * 500, "é"):
            with self.subTest(value=value):
                response = self.echo(value)
                self.assertEqual(response.status_code, 400)
                self.assertNotIn("<script>", response.text)
                self.assertEqual(response.json()["error"]["fields"].keys(), {"zd_echo"})
        self.assertEqual(self.echo("abc", token="pbx_wrong").status_code, 401)
        self.assertEqual(self.echo("abc", method="PUT").status_code, 405)
        self.assertEqual(self.opener.get(f"{self.base_url()}/api/callcenter/zadarma", timeout=10).status_code, 405)

    # ---- recording playback ---------------------------------------------------------------------

    def recorded_call(self):
        callid = self.new_pbx_call_id()
        self.assertOk(self.internal(callid, "101"))
        self.assertOk(self.end(callid, "101", recorded=True))
        return self.find_call(callid)

    def test_only_a_user_who_may_read_the_call_gets_its_recording(self):
        call = self.recorded_call()
        fake = self.fake_zadarma()
        response = self.url_open(call.recording_url, allow_redirects=False)
        self.assertNotEqual(response.status_code, 200)
        self.assertNotIn(fake.url, response.headers.get("Location", ""))
        self.authenticate("pbx_sales2", "pbx_sales2")
        response = self.url_open(call.recording_url, allow_redirects=False)
        self.assertEqual(response.status_code, 404, "another salesperson's call")
        self.assertEqual(fake.received, [])
        self.authenticate("pbx_manager", "pbx_manager")
        response = self.url_open(call.recording_url, allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertEqual(len(fake.received), 1)

    def test_a_refusal_of_zadarma_is_shown_not_followed(self):
        call = self.recorded_call()
        fake = self.fake_zadarma(answer=(200, {"status": "error", "message": "Record not found"}))
        self.authenticate("pbx_sales", "pbx_sales")
        response = self.url_open(call.recording_url, allow_redirects=False)
        self.assertEqual(response.status_code, 502)
        self.assertIn("Record not found", response.text)
        self.assertEqual(len(fake.received), 1)
        for path in (f"{self.connection.id}/..%2F..%2Fetc", f"{self.connection.id}/999.999", f"0/{REC}"):
            with self.subTest(path=path):
                response = self.url_open(f"/pbx_callcenter/zadarma/recording/{path}", allow_redirects=False)
                self.assertEqual(response.status_code, 404)
        self.assertEqual(len(fake.received), 1)

    # ---- vendor fixtures and form ------------------------------------------------------------

    def test_the_vendor_payloads_of_the_shared_fixture_are_accepted_end_to_end(self):
        """Every documented notification of tests/fixtures/zadarma.json, with its call_start
        moved to now and its signature made with this connection's secret."""
        fixture = load_fixture("zadarma")
        suffix = f"_{time.time_ns():x}"
        for case in fixture["cases"]:
            with self.subTest(case=case["name"]):
                fields = dict(case["fields"])
                fields["pbx_call_id"] += suffix
                if "call_start" in fields:
                    fields["call_start"] = self.call_start()
                status, body, _response = self.notify(fields)
                self.assertEqual(status, 200, body)
                if fields["event"] == "NOTIFY_IVR":
                    self.assertEqual(body, {}, "Zadarma reads the IVR answer: no instruction")
        call = self.find_call(fixture["cases"][0]["fields"]["pbx_call_id"] + suffix)
        self.assertEqual((call.state, call.recording_file), ("ended", "1732096805.5183742"))

    def test_the_connection_form_shows_the_zadarma_settings(self):
        result = self.env["pbx.connection"].with_user(self.manager).get_views([(False, "form")])
        arch = result["views"]["form"]["arch"]
        for name in ("zadarma_webhook_url", "zadarma_route_to_owner", "zadarma_return_timeout",
                     "zadarma_reject_blocked", "zadarma_max_event_age"):
            self.assertIn(f'name="{name}"', arch)
        self.assertNotIn('name="zadarma_api_secret"', arch, "credentials stay admin-only")
        self.assertEqual(self.connection.zadarma_webhook_url,
                         f"{self.env['ir.config_parameter'].sudo().get_param('web.base.url')}"
                         "/api/callcenter/zadarma?token=YOUR_TOKEN")
