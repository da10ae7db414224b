"""Hostile journal (issue 9, point 10): a token holder cannot grow the event journal without
bound. Rejected payloads are journaled truncated; a daily cron purges expired rows per
connection (failed rows live longer, pending rows are never purged); managers see the size."""
import json
import re
import secrets

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .hostile_roles import HostileRolesCase

EVENT_LOGGER = "odoo.addons.pbx_callcenter.models.pbx_call_event"
MARKER = re.compile(r"\n\[truncated: (\d+) bytes cut\]\Z")
LIMIT = 4096


def noise(size):
    """`size` characters that PostgreSQL cannot compress (as an attacker would send)."""
    return secrets.token_urlsafe(size)[:size]


class JournalRowsMixin:

    def journal_row(self, connection, state, days_ago, payload="{}"):
        """A journal row of `connection` in `state`, received `days_ago` days ago."""
        event = self.env["pbx.call.event"].sudo().create({
            "connection_id": connection.id, "route": "call_in", "payload": payload,
            "state": state, "remote_addr": "127.0.0.1",
        })
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE pbx_call_event SET create_date = now() at time zone 'UTC' - %s * interval '1 day'"
            " WHERE id = %s", [days_ago, event.id])
        self.env.invalidate_all()
        return event

    def surviving(self, events):
        self.env.invalidate_all()
        return events.exists()

    def purge(self, **kwargs):
        return self.env["pbx.call.event"].sudo()._cron_purge_journal(**kwargs)


@tagged("post_install", "-at_install")
class TestHostileJournalRetention(JournalRowsMixin, HostileRolesCase):

    def set_retention(self, connection, keep, keep_failed):
        connection.sudo().write({"journal_keep_days": keep, "journal_keep_failed_days": keep_failed})

    def test_new_connections_keep_30_days_and_failed_rows_180(self):
        connection = self.env["pbx.connection"].create({"name": "Fresh PBX"})
        self.assertEqual((connection.journal_keep_days, connection.journal_keep_failed_days), (30, 180))

    def test_processed_and_rejected_rows_older_than_the_limit_are_purged(self):
        self.set_retention(self.connection, 30, 180)
        old = [self.journal_row(self.connection, state, 31)
               for state in ("done", "duplicate", "ignored", "rejected")]
        young = [self.journal_row(self.connection, state, 29)
                 for state in ("done", "duplicate", "ignored", "rejected")]
        self.assertGreaterEqual(self.purge(), 4)
        self.assertFalse(self.surviving(self.env["pbx.call.event"].sudo().concat(*old)))
        self.assertEqual(len(self.surviving(self.env["pbx.call.event"].sudo().concat(*young))), 4)

    def test_failed_rows_are_kept_until_their_longer_limit(self):
        self.set_retention(self.connection, 30, 180)
        month = self.journal_row(self.connection, "failed", 31)
        half_year = self.journal_row(self.connection, "failed", 179)
        expired = self.journal_row(self.connection, "failed", 181)
        self.purge()
        self.assertEqual(self.surviving(month | half_year | expired), month | half_year)

    def test_pending_rows_are_never_purged(self):
        self.set_retention(self.connection, 1, 1)
        pending = self.journal_row(self.connection, "pending", 5000)
        done = self.journal_row(self.connection, "done", 5000)
        self.purge()
        self.assertEqual(self.surviving(pending | done), pending)

    def test_each_connection_follows_its_own_settings(self):
        zadarma = self.kind_connections["zadarma"]
        self.set_retention(self.connection, 30, 180)
        self.set_retention(zadarma, 5, 7)
        self.set_retention(self.connection_b, 0, 0)
        rows_a = self.journal_row(self.connection, "rejected", 10) | \
            self.journal_row(self.connection, "failed", 10)
        rows_z = self.journal_row(zadarma, "rejected", 10) | self.journal_row(zadarma, "failed", 10)
        kept_z = self.journal_row(zadarma, "failed", 6)
        rows_b = self.journal_row(self.connection_b, "rejected", 4000) | \
            self.journal_row(self.connection_b, "failed", 4000)
        self.purge()
        self.assertEqual(self.surviving(rows_a | rows_z | kept_z | rows_b), rows_a | kept_z | rows_b)

    def test_zero_keeps_forever(self):
        self.set_retention(self.connection, 0, 0)
        ancient = self.journal_row(self.connection, "done", 10000) | \
            self.journal_row(self.connection, "rejected", 10000) | \
            self.journal_row(self.connection, "failed", 10000)
        self.purge()
        self.assertEqual(self.surviving(ancient), ancient)

    def test_an_archived_connection_still_has_its_rows_purged(self):
        self.set_retention(self.connection_b, 30, 30)
        old = self.journal_row(self.connection_b, "done", 40)
        self.connection_b.sudo().active = False
        self.purge()
        self.assertFalse(self.surviving(old))

    def test_the_purge_deletes_in_batches_until_nothing_is_left(self):
        self.set_retention(self.connection, 30, 180)
        old = self.env["pbx.call.event"].sudo()
        for _i in range(7):
            old |= self.journal_row(self.connection, "done", 40)
        kept = self.journal_row(self.connection, "done", 1)
        self.assertEqual(self.purge(batch_size=3), 7)
        self.assertEqual(self.surviving(old | kept), kept)

    def test_a_call_whose_events_are_purged_still_works_and_its_failed_event_reprocesses(self):
        self.set_retention(self.connection, 30, 180)
        callid = self.new_callid()
        body = self.call_in("0989464344", callid)
        call = self.find_call(callid)
        self.env.cr.execute(
            "UPDATE pbx_call_event SET create_date = create_date - interval '40 days' WHERE id = %s",
            [body["event_id"]])
        # the call's end failed (e.g. a recording before its call) and is kept for re-processing
        failed = self.journal_row(self.connection, "failed", 40, json.dumps(
            {"phone": "0989464344", "extension": "101", "callid": callid, "duration": 7,
             "status": "ANSWERED"}))
        failed.sudo().route = "call_out"
        self.purge()
        self.assertFalse(call.event_ids, "the call's processed event is purged")
        self.assertEqual(call.state, "ringing", "the call itself is untouched")
        self.as_user(self.manager, failed).action_reprocess()
        self.assertEqual((failed.state, failed.call_id), ("done", call))
        self.assertEqual((call.state, call.duration), ("ended", 7))
        self.call_out("0989464344", callid, fields={"duration": 7, "status": "ANSWERED"})
        self.assertEqual(len(self.env["pbx.call"].sudo().search([("callid", "=", callid)])), 1,
                         "a re-sent event of a purged journal is still a duplicate, not a new call")

    def test_the_cron_record_exists_and_is_active(self):
        cron = self.env.ref("pbx_callcenter.pbx_call_event_cron_purge_journal")
        self.assertTrue(cron.active)
        self.assertEqual(cron.model_id.model, "pbx.call.event")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))
        self.set_retention(self.connection, 30, 180)
        old = self.journal_row(self.connection, "rejected", 31)
        cron.method_direct_trigger()
        self.assertFalse(self.surviving(old), "the cron's code runs the purge")

    def test_the_purge_has_its_index(self):
        self.env.cr.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s",
                            ["pbx_call_event_retention_index"])
        row = self.env.cr.fetchone()
        self.assertTrue(row, "the purge would scan each connection's whole journal")
        self.assertIn("(connection_id, state, create_date)", row[0])

    # ---- who sets the retention ---------------------------------------------------------

    def test_a_call_center_manager_sets_the_retention_and_a_salesperson_cannot(self):
        self.as_user(self.manager, self.connection).write(
            {"journal_keep_days": 7, "journal_keep_failed_days": 0})
        self.assertEqual((self.connection.journal_keep_days,
                          self.connection.journal_keep_failed_days), (7, 0))
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.as_user(self.salesperson, self.connection).write({"journal_keep_days": 1})
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.as_user(self.manager_b, self.connection).write({"journal_keep_days": 1})
        self.assertEqual(self.connection.journal_keep_days, 7)

    def test_a_negative_retention_is_refused_with_a_clear_error(self):
        for field in ("journal_keep_days", "journal_keep_failed_days"):
            with self.subTest(field=field), self.assertRaises(ValidationError):
                self.as_user(self.manager, self.connection).write({field: -1})

    def test_the_retention_is_on_the_connection_form_of_a_manager(self):
        arch = self.as_user(self.manager, "pbx.connection").get_views([(False, "form")])[
            "views"]["form"]["arch"]
        for name in ("journal_keep_days", "journal_keep_failed_days", "journal_event_count",
                     "journal_table_size"):
            self.assertIn(f'name="{name}"', arch)
        arch = self.as_user(self.salesperson, "pbx.connection").get_views([(False, "form")])[
            "views"]["form"]["arch"]
        self.assertNotIn('name="journal_', arch)


@tagged("post_install", "-at_install")
class TestHostileJournalTruncation(JournalRowsMixin, HostileRolesCase):

    def assertTruncated(self, event, sent):
        """`event` holds the first bytes of `sent` (bytes) and a marker of the bytes cut."""
        self.assertEqual(event.state, "rejected")
        match = MARKER.search(event.payload)
        self.assertTrue(match, f"no truncation marker at the end of {event.payload[-200:]!r}")
        kept = event.payload[:match.start()].encode("utf-8")
        self.assertLessEqual(len(kept), LIMIT)
        self.assertGreater(len(kept), LIMIT - 4)
        self.assertEqual(len(kept) + int(match.group(1)), len(sent))
        self.assertTrue(sent.startswith(kept))

    def test_a_rejected_64_kb_payload_is_journaled_truncated_with_the_bytes_cut(self):
        data = {"phone": "not a number", "extension": "101", "callid": self.new_callid(),
                "pad": noise(64000)}
        before = self.counts()
        status, body = self.post("call_in", data)
        self.assertError(status, body, "invalid_payload", ["phone"])
        self.assertCounts(before, events=1)
        event = self.env["pbx.call.event"].sudo().browse(body["event_id"])
        self.assertTruncated(event, json.dumps(data, ensure_ascii=False).encode())
        self.assertIn("phone", event.error)

    def test_an_unreadable_64_kb_body_is_journaled_truncated(self):
        raw = b'{"phone": "0989464344", "pad": "' + noise(64000).encode() + b"\xff"
        status, body = self.post("call_in", raw=raw, content_type="application/json")
        self.assertError(status, body, "invalid_payload")
        event = self.env["pbx.call.event"].sudo().browse(body["event_id"])
        self.assertTruncated(event, raw.decode("utf-8", "replace").encode())

    def test_a_rejected_native_event_is_journaled_truncated(self):
        data = {"type": 30011, "sn": "ANY", "msg": "{call_id: 1" + noise(60000)}
        status, body = self.post("yeastar", data, token=self.kind_tokens["yeastar"])
        self.assertError(status, body, "invalid_payload")
        event = self.env["pbx.call.event"].sudo().browse(body["event_id"])
        self.assertEqual(event.source, "yeastar")
        self.assertTruncated(event, json.dumps(data, ensure_ascii=False).encode())

    def test_a_flood_of_60_kb_invalid_payloads_is_written_cut_once(self):
        # Not journaled whole then cut: the dead whole copies would stay on disk until a vacuum.
        Event = self.env["pbx.call.event"]
        self.env.flush_all()
        before = Event._journal_table_bytes()
        for _i in range(20):
            status, _body = self.post("call_in", {"phone": "not a number", "extension": "101",
                                                  "callid": self.new_callid(), "pad": noise(60000)})
            self.assertEqual(status, 400)
        grown = Event._journal_table_bytes() - before
        self.assertLess(grown, 20 * 60000 // 4, f"20 rejected 60 kB requests grew the journal "
                                                f"by {grown} bytes")

    def test_a_small_rejected_payload_is_kept_whole(self):
        data = {"phone": "not a number", "extension": "101", "callid": self.new_callid()}
        _status, body = self.post("call_in", data)
        event = self.env["pbx.call.event"].sudo().browse(body["event_id"])
        self.assertEqual((event.state, json.loads(event.payload)), ("rejected", data))

    def test_an_accepted_60_kb_payload_is_kept_whole(self):
        data = {"phone": "0989464344", "extension": "101", "callid": self.new_callid(),
                "pad": noise(60000)}
        status, body = self.post("call_in", data)
        self.assertEqual(status, 200, body)
        event = self.env["pbx.call.event"].sudo().browse(body["event_id"])
        self.assertEqual((event.state, json.loads(event.payload)), ("done", data))

    def test_a_failed_60_kb_payload_is_kept_whole_for_its_reprocessing(self):
        self.env.cr.execute("UPDATE pbx_connection SET tz = %s WHERE id = %s",
                            ["Mars/Olympus_Mons", self.connection.id])
        self.connection.invalidate_recordset(["tz"])
        data = {"phone": "0989464344", "extension": "101", "callid": self.new_callid(),
                "pad": noise(60000)}
        with mute_logger(EVENT_LOGGER):
            status, body = self.post("call_in", data)
        self.assertError(status, body, "processing_failed")
        event = self.env["pbx.call.event"].sudo().browse(body["event_id"])
        self.assertEqual((event.state, json.loads(event.payload)), ("failed", data))
        self.connection.tz = "Asia/Ho_Chi_Minh"
        self.as_user(self.manager, event).action_reprocess()
        self.assertEqual(event.state, "done")


@tagged("post_install", "-at_install")
class TestHostileJournalSize(JournalRowsMixin, HostileRolesCase):

    def test_a_manager_sees_the_journal_size_and_it_grows_with_rows(self):
        connection = self.as_user(self.manager, self.connection)
        count = connection.journal_event_count
        size = connection.journal_table_size
        table_bytes = self.env["pbx.call.event"]._journal_table_bytes()
        self.assertGreater(table_bytes, 0)
        self.assertRegex(size, r"\d")
        for _i in range(60):
            self.journal_row(self.connection, "done", 0, noise(8000))
        self.journal_row(self.connection_b, "done", 0)
        connection.invalidate_recordset()
        self.assertEqual(connection.journal_event_count, count + 60, "this connection's rows only")
        self.assertGreater(self.env["pbx.call.event"]._journal_table_bytes(), table_bytes + 400000)
        self.assertNotEqual(connection.journal_table_size, size)

    def test_a_salesperson_cannot_read_the_journal_size(self):
        for name in ("journal_event_count", "journal_table_size"):
            with self.subTest(field=name), self.assertRaises(AccessError), \
                    mute_logger("odoo.models"):
                self.as_user(self.salesperson, self.connection).read([name])

    def test_the_journal_button_opens_this_connections_events(self):
        row = self.journal_row(self.connection, "done", 0)
        other = self.journal_row(self.connection_b, "done", 0)
        action = self.as_user(self.manager, self.connection).action_view_events()
        events = self.as_user(self.manager, "pbx.call.event").search(action["domain"])
        self.assertIn(row, events)
        self.assertNotIn(other, events)
