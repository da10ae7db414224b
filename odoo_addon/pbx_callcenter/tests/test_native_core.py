"""The core every native adapter (Zadarma, Yeastar, 3CX) maps onto: the adapter-only event
kinds `answer` and `recording`, the journal's source/vendor event, ignored vendor events and the
re-processing of a recording that arrived before its call."""
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..lib import payload
from ..lib.gate import Refusal
from .common import E164, PbxHttpCase


class _EchoAdapter:
    """A native adapter whose vendor events already carry the canonical kind and fields."""

    @staticmethod
    def to_canonical(native_event, data, tz_name):
        if native_event == "ignore":
            return None
        if native_event == "bad":
            raise payload.PayloadError({"vendor_field": "garbled"})
        return native_event, data


HTTP_IN = {"remote_addr": "127.0.0.1"}


@tagged("post_install", "-at_install")
class TestNativeCore(PbxHttpCase):

    def setUp(self):
        super().setUp()
        self.Event = self.env["pbx.call.event"]
        # the vendor hook of the Zadarma source answered by the echo adapter
        self.patch(type(self.Event), "_native_to_canonical",
                   lambda _events, _source, native_event, data, tz_name: _EchoAdapter.to_canonical(
                       native_event, data, tz_name))

    def native(self, native_event, data):
        try:
            status, body = 200, self.Event._native_receive(self.connection, "zadarma", native_event, data, HTTP_IN)
        except Refusal as refusal:
            status, body = refusal.answer()
        self.env.invalidate_all()  # written through the journal's own environments
        event = self.Event.browse(body["event_id"])
        return status, body, event

    def test_answer_by_another_extension_moves_the_ringing_call_to_that_user(self):
        self.native("call_in", {"phone": E164, "extension": "101", "callid": "n-1"})
        status, body, event = self.native("answer", {"phone": E164, "extension": "102", "callid": "n-1"})
        call = event.call_id
        self.assertEqual((status, body["call"]["state"], event.route, event.source),
                         (200, "answered", "answer", "zadarma"))
        self.assertEqual((call.extension, call.user_id), ("102", self.salesperson2))
        self.assertTrue(call.answer_date)

    def test_answer_never_moves_an_ended_call_back(self):
        self.native("call_out", {"phone": E164, "extension": "101", "callid": "n-2", "duration": 30,
                                 "status": "ANSWERED"})
        status, body, event = self.native("answer", {"phone": E164, "extension": "101", "callid": "n-2"})
        self.assertEqual((body["call"]["state"], event.state), ("ended", "duplicate"))

    def test_answer_without_an_earlier_event_creates_an_answered_call(self):
        _status, body, event = self.native("answer", {"phone": E164, "extension": "101", "callid": "n-3"})
        self.assertEqual((event.call_id.state, event.call_id.direction), ("answered", "in"))

    def test_recording_after_the_call_is_posted_beside_its_chatter_entry(self):
        _s, _b, first = self.native("call_out", {"phone": E164, "extension": "101", "callid": "n-4",
                                                 "duration": 30, "status": "ANSWERED"})
        record = first.call_id._record()
        messages = len(record.message_ids)
        _s, body, event = self.native("recording", {"callid": "n-4", "recordingfile": "n-4.mp3"})
        call = event.call_id
        self.assertEqual(call.recording_url, "https://pbx.example.com/recordings/n-4.mp3")
        self.assertEqual(len(record.message_ids), messages + 1)
        self.assertIn("n-4.mp3", record.message_ids[0].body)
        _s, again, event2 = self.native("recording", {"callid": "n-4", "recordingfile": "n-4.mp3"})
        self.assertEqual((again["duplicate"], event2.state, len(record.message_ids)), (True, "duplicate", messages + 1))

    def test_recording_before_its_call_fails_and_is_reprocessed_once_the_call_exists(self):
        with mute_logger("odoo.addons.pbx_callcenter.models.pbx_call_event"):
            status, body, event = self.native("recording", {"callid": "n-5", "recordingfile": "n-5.mp3"})
        self.assertEqual((status, body["error"]["code"], event.state), (500, "processing_failed", "failed"))
        self.assertIn("n-5", event.error)
        self.native("call_out", {"phone": E164, "extension": "101", "callid": "n-5", "duration": 3,
                                 "status": "ANSWERED"})
        event.action_reprocess()
        self.assertEqual(event.state, "done")
        self.assertEqual(event.call_id.recording_file, "n-5.mp3")

    def test_a_vendor_event_that_changes_no_call_is_journaled_as_ignored(self):
        calls = self.env["pbx.call"].search_count([])
        status, body, event = self.native("ignore", {"whatever": 1})
        self.assertEqual((status, body["ignored"], body["call"]), (200, True, None))
        self.assertEqual((event.state, event.route, event.native_event), ("ignored", "native", "ignore"))
        self.assertEqual(self.env["pbx.call"].search_count([]), calls)

    def test_a_malformed_vendor_event_is_rejected_with_its_fields_and_kept(self):
        status, body, event = self.native("bad", {"vendor_field": "\x00"})
        self.assertEqual((status, body["error"]["fields"]), (400, {"vendor_field": "garbled"}))
        self.assertEqual(event.state, "rejected")
        self.assertIn("vendor_field", event.payload)
