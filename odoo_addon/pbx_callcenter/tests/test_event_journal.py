"""The event journal: nothing a PBX sent is lost; failures are kept and can be re-processed."""
import json
from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import PbxHttpCase

EVENT_LOGGER = "odoo.addons.pbx_callcenter.models.pbx_call_event"


@tagged("post_install", "-at_install")
class TestEventJournal(PbxHttpCase):

    def break_timezone(self):
        # A PBX timezone that no longer exists (e.g. dropped from tzdata by an upgrade): the
        # event is valid, its processing cannot be done.
        self.env.cr.execute("UPDATE pbx_connection SET tz = %s WHERE id = %s",
                            ["Mars/Olympus_Mons", self.connection.id])
        self.connection.invalidate_recordset(["tz"])

    def test_a_processing_failure_keeps_the_event_as_failed_and_answers_500_with_its_id(self):
        self.break_timezone()
        callid = self.new_callid()
        before = self.counts()
        with mute_logger(EVENT_LOGGER):
            status, body = self.post("call_in", {"phone": "0989464344", "extension": "101",
                                                 "callid": callid})
        self.assertError(status, body, "processing_failed")
        self.assertIn("event_id", body)
        self.assertCounts(before, calls=0, events=1)
        event = self.env["pbx.call.event"].browse(body["event_id"])
        self.assertEqual(event.state, "failed")
        self.assertIn("Mars/Olympus_Mons", event.error)
        self.assertEqual(json.loads(event.payload)["callid"], callid)
        self.assertTrue(event.processed_at)
        self.assertFalse(self.find_call(callid))

    def test_a_failed_event_is_done_after_the_fix_and_a_reprocess(self):
        self.break_timezone()
        callid = self.new_callid()
        with mute_logger(EVENT_LOGGER):
            status, body = self.post("call_out", {"phone": "0989464344", "extension": "101",
                                                  "callid": callid, "duration": 42,
                                                  "status": "ANSWERED"})
        self.assertEqual(status, 500, body)
        event = self.env["pbx.call.event"].browse(body["event_id"])
        self.connection.tz = "Asia/Ho_Chi_Minh"
        event.with_user(self.manager).action_reprocess()
        self.assertEqual(event.state, "done")
        self.assertFalse(event.error)
        call = self.find_call(callid)
        self.assertEqual(event.call_id, call)
        self.assertEqual((call.state, call.duration), ("ended", 42))

    def test_a_fault_in_applying_the_event_is_journaled_and_reprocessable(self):
        # fault injection: the one place where the suite patches module code
        callid = self.new_callid()
        Call = type(self.env["pbx.call"])
        with patch.object(Call, "_apply_event", side_effect=RuntimeError("disk on fire")), \
                mute_logger(EVENT_LOGGER):
            status, body = self.post("call_in", {"phone": "0989464344", "extension": "101",
                                                 "callid": callid})
        self.assertError(status, body, "processing_failed")
        event = self.env["pbx.call.event"].browse(body["event_id"])
        self.assertEqual(event.state, "failed")
        self.assertEqual(event.error, "RuntimeError: disk on fire")
        self.assertFalse(self.find_call(callid), "nothing half-written")
        event.with_user(self.manager).action_reprocess()
        self.assertEqual(event.state, "done")
        self.assertEqual(event.call_id, self.find_call(callid))

    def test_a_reprocess_that_fails_again_stays_failed_with_the_new_error(self):
        self.break_timezone()
        with mute_logger(EVENT_LOGGER):
            _status, body = self.post("call_in", {"phone": "0989464344", "extension": "101",
                                                  "callid": self.new_callid()})
        event = self.env["pbx.call.event"].browse(body["event_id"])
        event.with_user(self.manager).action_reprocess()
        self.assertEqual(event.state, "failed")
        self.assertIn("Mars/Olympus_Mons", event.error)

    def test_a_rejected_event_is_kept_with_its_payload_and_error(self):
        data = {"phone": "not a number", "extension": "101", "callid": "rej-1", "extra": "kept"}
        status, body = self.post("call_in", data)
        self.assertError(status, body, "invalid_payload", ["phone"])
        event = self.env["pbx.call.event"].browse(body["event_id"])
        self.assertEqual(event.state, "rejected")
        self.assertEqual(event.route, "call_in")
        self.assertEqual(json.loads(event.payload), data)
        self.assertIn("phone", event.error)
        self.assertEqual(event.remote_addr, "127.0.0.1")
        self.assertEqual(event.connection_id, self.connection)
        event.with_user(self.manager).action_reprocess()
        self.assertEqual(event.state, "rejected", "a rejected payload is not re-processed")

    def test_a_form_encoded_event_is_journaled_as_its_fields(self):
        data = {"phone": "0989464344", "extension": "101", "callid": self.new_callid()}
        status, body = self.post("call_in", data, json=False)
        self.assertEqual(status, 200, body)
        event = self.env["pbx.call.event"].browse(body["event_id"])
        self.assertEqual(json.loads(event.payload), data)

    def test_every_accepted_event_is_journaled_done_with_its_call(self):
        callid = self.new_callid()
        bodies = [self.call_in("0989464344", callid),
                  self.call_out("0989464344", callid, fields={"duration": 5})]
        events = self.env["pbx.call.event"].browse([b["event_id"] for b in bodies])
        self.assertEqual(events.mapped("state"), ["done", "done"])
        self.assertEqual(events.mapped("route"), ["call_in", "call_out"])
        self.assertEqual(events.call_id, self.find_call(callid))
        self.assertEqual(events.call_id.event_ids, events)

    def test_a_misconfigured_recording_base_url_applies_the_event_keeping_the_file_name(self):
        # The PBX sent a valid call_out; the admin forgot the scheme of the recording base URL.
        # That is not the PBX's fault: the event is applied, keeping the file name without a URL
        # (pbx.call._recording_location), never rejected (rejected events are never re-processed).
        self.connection.recording_base_url = "pbx.example.com/recordings"
        callid = self.new_callid()
        status, body = self.post("call_out", {"phone": "0989464344", "extension": "101",
                                              "callid": callid, "duration": 5,
                                              "recordingfile": "rec-9.wav"})
        self.assertEqual(status, 200, f"a server setting fails the event: {body}")
        event = self.env["pbx.call.event"].browse(body["event_id"])
        self.assertEqual((event.state, event.error), ("done", False))
        call = self.find_call(callid)
        self.assertEqual((call.state, call.recording_file, call.recording_url),
                         ("ended", "rec-9.wav", False))

    def test_the_body_size_limit_is_a_system_parameter(self):
        self.env["ir.config_parameter"].sudo().set_param("pbx_callcenter.max_body_bytes", "200")
        before = self.counts()
        status, body = self.post("call_in", {"phone": "0989464344", "extension": "101",
                                             "callid": self.new_callid(), "pad": "x" * 300})
        self.assertError(status, body, "payload_too_large")
        self.assertCounts(before)
        status, body = self.post("call_in", {"phone": "0989464344", "extension": "101",
                                             "callid": self.new_callid()})
        self.assertEqual(status, 200, body)


@tagged("post_install", "-at_install")
class TestStalledEvents(PbxHttpCase):
    """An event journaled but never processed (its worker was killed) is picked up by the cron."""

    def journal_pending(self, callid, minutes_ago):
        Event = self.env["pbx.call.event"].sudo()
        event = Event._journal(self.connection, "call_in", json.dumps(
            {"phone": "0989464344", "extension": "101", "callid": callid}), {"remote_addr": "127.0.0.1"})
        self.env.cr.execute(
            "UPDATE pbx_call_event SET create_date = now() at time zone 'UTC' - %s * interval '1 minute'"
            " WHERE id = %s", [minutes_ago, event.id])
        self.env.invalidate_all()
        return Event.browse(event.id)

    def test_the_cron_processes_a_stalled_event_and_leaves_a_fresh_one_alone(self):
        stalled = self.journal_pending(self.new_callid(), minutes_ago=10)
        fresh = self.journal_pending(self.new_callid(), minutes_ago=0)
        self.assertEqual(self.env["pbx.call.event"]._cron_reprocess_stalled(), 1)
        self.assertEqual((stalled.state, fresh.state), ("done", "pending"))
        self.assertEqual(stalled.call_id.state, "ringing")

    def test_a_stalled_event_the_pbx_already_resent_becomes_a_duplicate(self):
        callid = self.new_callid()
        status, _body = self.post("call_in", {"phone": "0989464344", "extension": "101", "callid": callid})
        self.assertEqual(status, 200)
        stalled = self.journal_pending(callid, minutes_ago=10)
        self.env["pbx.call.event"]._cron_reprocess_stalled()
        self.assertEqual(stalled.state, "duplicate")
        self.assertEqual(len(self.env["pbx.call"].search([("callid", "=", callid)])), 1)

    def test_the_cron_job_is_installed_and_active(self):
        cron = self.env.ref("pbx_callcenter.pbx_call_event_cron_reprocess_stalled")
        self.assertTrue(cron.active)
        self.assertEqual(cron.model_id.model, "pbx.call.event")
