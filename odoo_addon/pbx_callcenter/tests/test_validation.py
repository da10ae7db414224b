"""Bad payloads: each gets the right 4xx, names exactly the bad fields, writes no call, and
never causes a 500."""
import json

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import PbxHttpCase, fixture_cases

REQUIRED = ("phone", "extension", "callid")
TOO_LONG = {"phone": "(" * 55 + "0989464344", "extension": "1" * 33, "callid": "x" * 129}
WRONG_TYPES = {
    "list": ["0989464344"],
    "object": {"number": "0989464344"},
    "bool": True,
    "null": None,
    "float": 989464344.0,
}


@tagged("post_install", "-at_install")
class TestValidation(PbxHttpCase):

    def valid(self, **changes):
        data = {"phone": "0989464344", "extension": "101", "callid": self.new_callid()}
        data.update(changes)
        return data

    def assertInvalid(self, data, fields, route="call_in", code="invalid_payload", **post_kwargs):
        """`data` is refused with `code` naming exactly `fields`; no pbx.call is written; the
        event is journaled as rejected (for 400s, with the payload as received)."""
        before = self.counts()
        status, body = self.post(route, data, **post_kwargs)
        self.assertNotEqual(status, 500, body)
        self.assertError(status, body, code, fields)
        calls, events = self.counts()
        self.assertEqual(calls, before[0], f"{data!r}: no call may be written")
        if code == "invalid_payload":
            self.assertEqual(events, before[1] + 1, "the refused event is journaled")
            event = self.env["pbx.call.event"].sudo().browse(body["event_id"])
            self.assertEqual(event.state, "rejected")
            self.assertEqual(event.route, route)
            for name in fields:
                self.assertIn(name, event.error)
        return body

    # ---- required fields -------------------------------------------------------------

    def test_each_missing_required_field_is_named(self):
        for name in REQUIRED:
            with self.subTest(field=name):
                data = self.valid()
                del data[name]
                body = self.assertInvalid(data, [name])
                self.assertEqual(body["error"]["fields"][name], "required")

    def test_all_missing_fields_are_named_at_once_on_every_route(self):
        for route in ("call_in", "init", "call_out"):
            with self.subTest(route=route):
                self.assertInvalid({}, REQUIRED, route=route)

    def test_each_empty_or_blank_required_field_is_named(self):
        for name in REQUIRED:
            for blank in ("", "   "):
                with self.subTest(field=name, value=blank):
                    self.assertInvalid(self.valid(**{name: blank}), [name])

    def test_each_required_field_of_a_wrong_json_type_is_named(self):
        for name in REQUIRED:
            for kind, value in WRONG_TYPES.items():
                with self.subTest(field=name, type=kind):
                    self.assertInvalid(self.valid(**{name: value}), [name])

    def test_each_too_long_required_field_is_named(self):
        for name, value in TOO_LONG.items():
            with self.subTest(field=name):
                self.assertInvalid(self.valid(**{name: value}), [name])

    def test_the_longest_allowed_values_are_accepted(self):
        data = self.valid(phone="(" * 54 + "0989464344", extension="1" * 32, callid="y" * 128)
        status, body = self.post("call_in", data)
        self.assertEqual(status, 200, body)
        self.assertEqual(self.find_call("y" * 128).extension, "1" * 32)

    def test_several_bad_fields_are_reported_together(self):
        self.assertInvalid({"phone": "abc", "extension": "1 0 1", "callid": "x" * 200},
                           REQUIRED)

    # ---- bodies ------------------------------------------------------------------------

    def test_a_one_megabyte_body_is_refused_with_413_and_writes_nothing(self):
        raw = json.dumps(self.valid(padding="x" * (1024 * 1024))).encode()
        for content_type in ("application/json", "application/x-www-form-urlencoded"):
            with self.subTest(content_type=content_type):
                before = self.counts()
                status, body = self.post("call_in", raw=raw, content_type=content_type)
                self.assertError(status, body, "payload_too_large")
                self.assertCounts(before)

    def test_a_one_megabyte_chunked_body_without_content_length_is_refused_with_413(self):
        chunk = b"x" * 65536

        def body():
            yield b'{"phone": "0989464344", "extension": "101", "callid": "chunked", "pad": "'
            for _ in range(16):
                yield chunk
            yield b'"}'

        self.assertRoutesUsable()
        before = self.counts()
        self.env.flush_all()
        response = self.opener.post(
            self.base_url() + "/api/callcenter/call_in", data=body(), timeout=60,
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
        self.assertEqual(response.status_code, 413, response.text[:300])
        self.assertError(response.status_code, response.json(), "payload_too_large")
        self.assertCounts(before)

    def test_garbage_bytes_get_400_and_are_journaled_as_rejected(self):
        for raw, content_type in (
            (b"\xff\xfe\x00\x01garbage\x80\x81", "application/json"),
            (b"\xff\xfe\x00\x01garbage\x80\x81", None),
            (b"{\"phone\": \"0989464344\", ", "application/json"),
            (b"[1, 2, 3]", "application/json"),
            (b"\"just a string\"", "application/json"),
            (b"{\"phone\": NaN}", "application/json"),
            (b"phone=%FF%FE&extension=101", "application/x-www-form-urlencoded"),
            (b"<xml>phone</xml>", "application/xml"),
        ):
            with self.subTest(raw=raw, content_type=content_type):
                before = self.counts()
                status, body = self.post("call_in", raw=raw, content_type=content_type)
                self.assertNotEqual(status, 500, body)
                self.assertEqual(status, 400, body)
                self.assertContractResponse(status, body)
                self.assertEqual(body["error"]["code"], "invalid_payload")
                self.assertTrue(body["error"]["fields"])
                self.assertIn("event_id", body, "the garbage is journaled")
                self.assertCounts(before, events=1)
                event = self.env["pbx.call.event"].sudo().browse(body["event_id"])
                self.assertEqual(event.state, "rejected")
                self.assertTrue(event.payload, "the garbage received is kept")

    def test_garbage_form_bytes_are_refused_without_a_server_error(self):
        # Odoo parses form bodies itself (invalid UTF-8 included) before the route runs
        before = self.counts()
        status, body = self.post("call_in", raw=b"phone=\xff\xfe&extension=101&callid=\x80",
                                 content_type="application/x-www-form-urlencoded")
        self.assertNotEqual(status, 500, body)
        self.assertEqual(status, 400, body)
        self.assertContractResponse(status, body)
        self.assertEqual(self.counts()[0], before[0])

    def test_a_json_body_without_content_type_is_read_as_json(self):
        raw = json.dumps(self.valid()).encode()
        status, body = self.post("call_in", raw=raw, content_type="text/plain")
        self.assertEqual(status, 200, body)

    def test_a_query_or_form_field_named_self_is_ignored_not_a_server_error(self):
        # found by tests/live/test_live_fuzz.py: Odoo passed it to the route as `self=` (500)
        for route in ("call_in", "init", "call_out"):
            with self.subTest(route=route, where="query"):
                data = self.valid()
                status, body = self.post(route, data, query={"self": "1"})
                self.assertEqual(status, 200, body)
                self.assertEqual(body["call"]["callid"], data["callid"])
            with self.subTest(route=route, where="form"):
                data = self.valid()
                status, body = self.post(route, {**data, "self": "1"}, json=False)
                self.assertEqual(status, 200, body)
                self.assertEqual(body["call"]["callid"], data["callid"])
        status, body = self.post("call_in", method="GET", query={"self": "1"})
        self.assertError(status, body, "method_not_allowed")

    def test_a_multipart_body_of_more_than_1000_parts_gets_the_json_413_and_writes_nothing(self):
        # found by tests/live/test_live_fuzz.py: werkzeug refused it with an HTML page before
        # the route ran, although the body is within the 64 kB limit
        raw = b"".join(b'--b\r\nContent-Disposition: form-data; name="f%d"\r\n\r\n1\r\n' % i
                       for i in range(1001)) + b"--b--\r\n"
        self.assertLess(len(raw), 65536)
        before = self.counts()
        status, body = self.post("call_in", raw=raw, content_type="multipart/form-data; boundary=b")
        self.assertError(status, body, "payload_too_large")
        self.assertCounts(before)
        # 1000 parts are still read (and refused for the missing fields, not for their number)
        raw = b"".join(b'--b\r\nContent-Disposition: form-data; name="f%d"\r\n\r\n1\r\n' % i
                       for i in range(997)) + (
            b'--b\r\nContent-Disposition: form-data; name="phone"\r\n\r\n0989464344\r\n'
            b'--b\r\nContent-Disposition: form-data; name="extension"\r\n\r\n101\r\n'
            b'--b\r\nContent-Disposition: form-data; name="callid"\r\n\r\nparts-1000\r\n--b--\r\n')
        status, body = self.post("call_in", raw=raw, content_type="multipart/form-data; boundary=b")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["call"]["callid"], "parts-1000")

    # ---- hostile and unusual strings -----------------------------------------------------

    def test_a_sql_looking_callid_is_a_valid_string_stored_verbatim(self):
        callid = "'; DROP TABLE res_partner; --"
        status, body = self.post("call_in", self.valid(callid=callid))
        self.assertEqual(status, 200, body)
        self.assertEqual(body["call"]["callid"], callid)
        call = self.find_call(callid)
        self.assertEqual(call.callid, callid)
        self.assertTrue(self.env["res.partner"].search_count([]), "res_partner still exists")

    def test_a_sql_looking_phone_is_refused(self):
        self.assertInvalid(self.valid(phone="'; DROP TABLE res_partner; --"), ["phone"])
        self.assertInvalid(self.valid(phone="0989464344' OR '1'='1"), ["phone"])

    def test_unicode_callids_are_stored_verbatim(self):
        for callid in ("call-😀-42", "مكالمة\u200f-42", "appel-été-№7", "通话-１２３"):
            with self.subTest(callid=callid):
                status, body = self.post("call_in", self.valid(callid=callid))
                self.assertEqual(status, 200, body)
                self.assertEqual(body["call"]["callid"], callid)
                self.assertEqual(self.find_call(callid).callid, callid)

    def test_nul_and_control_characters_are_refused_in_each_field(self):
        for name, value in (("callid", "abc\u0000def"), ("callid", "abc\ndef"),
                            ("phone", "0989\u0000464344"), ("extension", "10\u00001")):
            with self.subTest(field=name, value=value):
                self.assertInvalid(self.valid(**{name: value}), [name])

    def test_emoji_and_rtl_text_are_refused_in_phone_and_extension(self):
        for name, value in (("phone", "📞0989464344"), ("phone", "\u202e0989464344"),
                            ("phone", "٠٩٨٩٤٦٤٣٤٤"), ("extension", "1😀1"), ("extension", "١٠١")):
            with self.subTest(field=name, value=value):
                self.assertInvalid(self.valid(**{name: value}), [name])

    def test_an_escaped_nul_in_a_json_string_is_refused_not_a_server_error(self):
        raw = b'{"phone": "0989464344", "extension": "101", "callid": "a\\u0000b"}'
        status, body = self.post("call_in", raw=raw, content_type="application/json")
        self.assertError(status, body, "invalid_payload", ["callid"])
        raw = b'{"phone": "0989464344", "extension": "101", "callid": "nul-extra", "x": "\\u0000"}'
        status, body = self.post("call_in", raw=raw, content_type="application/json")
        self.assertNotEqual(status, 500, body)
        self.assertEqual(status, 200, body)

    def test_a_lone_unicode_surrogate_is_refused_with_400_not_a_server_error(self):
        # "\\ud800" is valid JSON syntax but no valid text: PostgreSQL cannot store it. The
        # journal write must not turn it into a 500 (muted: the server logs its traceback).
        for raw, field in (
            (b'{"phone": "0989464344", "extension": "101", "callid": "a\\ud800b"}', "callid"),
            (b'{"phone": "0989\\ud800464344", "extension": "101", "callid": "s-1"}', "phone"),
            (b'{"phone": "0989464344", "extension": "101", "callid": "s-2", "x": "\\udfff"}', None),
        ):
            self.assertRoutesUsable()
            with self.subTest(raw=raw):
                before = self.counts()
                with mute_logger("odoo.sql_db", "odoo.http"):
                    response = self.url_open(
                        "/api/callcenter/call_in", data=raw, timeout=30,
                        headers={"Authorization": f"Bearer {self.token}",
                                 "Content-Type": "application/json"})
                self.assertNotEqual(response.status_code, 500,
                                    f"a lone surrogate crashes the route: {response.text[:200]!r}")
                self.assertEqual(response.status_code, 400, response.text[:300])
                body = response.json()
                self.assertContractResponse(400, body)
                if field:
                    self.assertIn(field, body["error"]["fields"])
                self.assertEqual(self.counts()[0], before[0], "no call written")

    def test_deeply_nested_json_is_refused_with_400(self):
        raw = b'{"phone": ' + b"[" * 20000 + b"]" * 20000 + b"}"
        status, body = self.post("call_in", raw=raw, content_type="application/json")
        self.assertError(status, body, "invalid_payload", ["_body"])

    def test_negative_and_huge_json_numbers_are_refused_by_field(self):
        self.assertInvalid(self.valid(callid=-5), ["callid"])
        self.assertInvalid(self.valid(phone=-84989464344), ["phone"])
        self.assertInvalid(self.valid(phone=10 ** 40), ["phone"])
        raw = json.dumps(self.valid()).replace('"extension": "101"', '"extension": 1e400').encode()
        status, body = self.post("call_in", raw=raw, content_type="application/json")
        self.assertError(status, body, "invalid_payload", ["extension"])

    # ---- call_out fields -------------------------------------------------------------------

    def test_bad_call_out_fields_are_named(self):
        cases = [
            ({"calldate": "yesterday"}, ["calldate"]),
            ({"calldate": "2024-13-45 99:99:99"}, ["calldate"]),
            ({"calldate": "1999-12-31 23:59:59"}, ["calldate"]),
            ({"calldate": True}, ["calldate"]),
            ({"calldate": ["2024-01-15"]}, ["calldate"]),
            ({"status": "HUNGUP"}, ["status"]),
            ({"status": 1}, ["status"]),
            ({"status": "ANSWERED'; --"}, ["status"]),
            ({"duration": -1}, ["duration"]),
            ({"duration": "1.5"}, ["duration"]),
            ({"duration": 1.5}, ["duration"]),
            ({"duration": 604801}, ["duration"]),
            ({"duration": True}, ["duration"]),
            ({"duration": "ten"}, ["duration"]),
            ({"billsec": 70, "duration": 60}, ["billsec"]),
            ({"recordingfile": "../../etc/passwd"}, ["recordingfile"]),
            ({"recordingfile": "2024/%2e%2e/%2e%2e/etc/passwd"}, ["recordingfile"]),
            ({"recordingfile": "..\\..\\windows\\win.ini"}, ["recordingfile"]),
            ({"recordingfile": "javascript:alert(1)"}, ["recordingfile"]),
            ({"recordingfile": "file:///etc/passwd"}, ["recordingfile"]),
            ({"recordingfile": "https://pbx.example.com/" + "a" * 2048}, ["recordingfile"]),
            ({"recordingfile": 42}, ["recordingfile"]),
            ({"direction": "sideways"}, ["direction"]),
            ({"calldate": "nope", "status": "nope", "duration": -5, "recordingfile": "../x"},
             ["calldate", "status", "duration", "recordingfile"]),
        ]
        for changes, fields in cases:
            with self.subTest(changes=str(changes)[:80]):
                self.assertInvalid(self.valid(**changes), fields, route="call_out")

    def test_call_in_and_init_ignore_call_out_only_fields(self):
        for route in ("call_in", "init"):
            with self.subTest(route=route):
                data = self.valid(status="HUNGUP", duration="oops", recordingfile="../../etc/passwd")
                status, body = self.post(route, data)
                self.assertEqual(status, 200, body)

    def test_unknown_extra_fields_are_ignored_and_kept_in_the_journal(self):
        data = self.valid(channel="SIP/101-0001", uniqueid="u-1", nested={"a": [1, 2]})
        status, body = self.post("call_in", data)
        self.assertEqual(status, 200, body)
        event = self.env["pbx.call.event"].sudo().browse(body["event_id"])
        self.assertEqual(json.loads(event.payload)["channel"], "SIP/101-0001")
        self.assertEqual(json.loads(event.payload)["nested"], {"a": [1, 2]})

    # ---- the shared fixture ------------------------------------------------------------------

    def test_every_case_of_payloads_json_gets_its_answer_over_http(self):
        cases = fixture_cases("payloads")
        self.assertGreaterEqual(len(cases), 40)
        for case in cases:
            with self.subTest(case=case["name"]):
                before = self.counts()
                status, body = self.post(case["kind"], case["payload"])
                self.assertNotEqual(status, 500, body)
                self.assertContractResponse(status, body)
                if case["valid"]:
                    self.assertEqual(status, 200, body)
                    self.assertTrue(body["ok"])
                else:
                    self.assertError(status, body, "invalid_payload", case["fields"])
                    self.assertEqual(self.counts()[0], before[0], "no call written")

    def test_every_case_of_payloads_json_gets_the_same_answer_form_encoded(self):
        # form fields are strings: only the cases whose values are all strings apply
        cases = [case for case in fixture_cases("payloads")
                 if all(isinstance(value, str) for value in case["payload"].values())
                 and "\x00" not in json.dumps(case["payload"])]
        self.assertGreaterEqual(len(cases), 20)
        for case in cases:
            with self.subTest(case=case["name"]):
                status, body = self.post(case["kind"], case["payload"], json=False)
                self.assertNotEqual(status, 500, body)
                if case["valid"]:
                    self.assertEqual(status, 200, body)
                else:
                    self.assertError(status, body, "invalid_payload", case["fields"])
