import json
import logging
import random
import time
from contextlib import contextmanager
from datetime import timedelta

from psycopg2 import errors as pg_errors

from odoo import _, api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import create_index

from ..lib import contract, payload, recording, text
from ..lib.gate import Refusal
from . import odoo_compat

_logger = logging.getLogger(__name__)

ROUTES = [("call_in", "call_in"), ("init", "init"), ("call_out", "call_out"),
          ("answer", "answer"), ("recording", "recording"), ("native", "native")]
#: Sources of events: the canonical API here; each vendor unit adds its own (selection_add)
#: and maps its events in _native_to_canonical.
SOURCES = [("api", "Canonical API")]
#: An event still pending this long after it was journaled is re-processed by the cron.
STALLED_MINUTES = 2
#: A rejected payload is journaled cut to this many bytes (accepted ones are kept whole).
REJECTED_PAYLOAD_BYTES = 4096
#: States purged after pbx.connection.journal_keep_days (failed: journal_keep_failed_days;
#: pending: never, the stalled-events cron handles them).
PURGED_STATES = ("done", "duplicate", "ignored", "rejected")
PURGE_BATCH = 10000
#: Errors of a transaction that lost a race to a concurrent one: run again from the start.
CONCURRENCY_ERRORS = (pg_errors.UniqueViolation, pg_errors.SerializationFailure,
                      pg_errors.DeadlockDetected, pg_errors.LockNotAvailable)
PROCESS_ATTEMPTS = 5


class PbxCallEvent(models.Model):
    """Journal of every authenticated PBX event, written before it is processed.

    Nothing a PBX sent is lost: a payload that fails validation is kept as *rejected*, one whose
    processing fails is kept as *failed* with its error and can be re-processed.
    """

    _name = "pbx.call.event"
    _description = "PBX Call Event"
    _order = "id desc"
    _rec_name = "route"

    connection_id = fields.Many2one("pbx.connection", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="connection_id.company_id", store=True, index=True)
    route = fields.Selection(
        ROUTES, required=True, readonly=True,
        help="The canonical event: the route called, or what a native event was mapped onto "
             "(native: not mapped yet, or an event that changes no call).")
    source = fields.Selection(
        SOURCES,
        required=True, default="api", readonly=True,
        help="Who sent the event: the canonical routes or a PBX's native webhook.")
    native_event = fields.Char("Vendor Event", readonly=True, help="The PBX's own event name.")
    callid = fields.Char("PBX Call ID", index=True, readonly=True)
    payload = fields.Text(readonly=True, help="The body as received (decoded JSON or form fields).")
    remote_addr = fields.Char("Source IP", readonly=True)
    state = fields.Selection(
        [("pending", "Pending"), ("done", "Done"), ("duplicate", "Duplicate"),
         ("rejected", "Rejected"), ("failed", "Failed"), ("ignored", "Ignored")],
        required=True, default="pending", index=True, readonly=True,
    )
    error = fields.Text(readonly=True)
    call_id = fields.Many2one("pbx.call", index=True, ondelete="set null", readonly=True)
    processed_at = fields.Datetime(readonly=True)

    def init(self):
        super().init()
        # Serves the retention purge (_purge_rows): one connection's rows of some states,
        # oldest first, without reading the rest of a journal of millions of rows.
        create_index(self.env.cr, "pbx_call_event_retention_index", self._table,
                     ["connection_id", "state", "create_date"])

    # ---- the canonical routes: /call_in, /init, /call_out, /answer -----------------------

    @api.model
    def _receive_canonical(self, route, http_in):
        """Admit (pbx.connection._gate: POST, a Generic or Asterisk token, IP, size,
        X-Signature when the connection has a webhook secret, enabled), journal, validate and
        apply one request of the canonical API. Returns the answer, or raises lib.gate.Refusal."""
        connection_su, body = self.env["pbx.connection"]._gate(
            http_in, "canonical", verify="_verify_webhook_signature", get_opt_in=True)
        events_su = connection_su.env[self._name]
        data = events_su._read_fields(connection_su, body, http_in, route=route)
        return events_su._journal_and_process(connection_su, route, data, http_in)

    # ---- what every route does after the gate -------------------------------------------

    @api.model
    def _native_receive(self, connection, source, native_event, data, http_in):
        """Journal and apply one admitted, decoded native webhook event (mapped by
        _native_to_canonical); returns the answer like the canonical routes."""
        return self._journal_and_process(connection, "native", data, http_in, source, native_event)

    @api.model
    def _journal_and_process(self, connection, route, data, http_in, source="api", native_event=None):
        """Journal and apply decoded request fields; returns the answer (lib.contract.ok_response)
        or raises lib.gate.Refusal. A payload that fails validation is journaled once, straight
        as rejected (so cut, see _journal), and refused (400)."""
        raw = json.dumps(data, ensure_ascii=False)
        try:
            rejected_route, _event, error = self._canonical_event(
                source, route, native_event, data, connection.tz or "UTC")
        except Exception:  # noqa: BLE001 - not the payload's fault: _process keeps it as failed
            error = None
        if error:
            event = self._journal(connection, rejected_route, raw, http_in, error, source=source,
                                  native_event=native_event)
            raise Refusal("invalid_payload", _("Some fields are invalid."), error.fields, event.id)
        event = self._journal(connection, route, raw, http_in, source=source, native_event=native_event)
        return event._process_isolated(data)

    @api.model
    def _read_fields(self, connection, body, http_in, source="api", native_event=None, route="native"):
        """The request's fields (see request_fields); a body that cannot be read is journaled
        rejected and refused (400, _journal_and_refuse)."""
        try:
            return request_fields(body, http_in)
        except payload.PayloadError as error:
            return self._journal_and_refuse(connection, printable(body), http_in, error,
                                            _("The body could not be read."), source=source,
                                            native_event=native_event, route=route)

    @api.model
    def _journal_and_refuse(self, connection, raw, http_in, error, message, source="api",
                            native_event=None, route="native"):
        """Journal a body that cannot be read (or a refused envelope) as rejected, then refuse
        it (400) naming its row: what the PBX sent is kept, cut (see _journal)."""
        event = self._journal(connection, route, raw, http_in, error, source=source,
                              native_event=native_event)
        raise Refusal("invalid_payload", message, error.fields, event.id)

    @api.model
    def _journal(self, connection, route, raw, http_in, error=None, source="api", native_event=None):
        """Write the event in its own committed transaction, so it survives any later failure.
        A rejected payload is cut to REJECTED_PAYLOAD_BYTES: a flood of large bad bodies costs
        little, and it is never re-processed."""
        vals = {
            "connection_id": connection.id,
            "source": source,
            "native_event": native_event,
            "route": route,
            "payload": text.truncate_utf8(raw, REJECTED_PAYLOAD_BYTES) if error else raw,
            "remote_addr": http_in["remote_addr"],
            "state": "rejected" if error else "pending",
            "error": _fields_text(error.fields) if error else False,
            "processed_at": fields.Datetime.now() if error else False,
        }
        with self.env.registry.cursor() as cr:
            # Keep the environment referenced until the commit: Odoo tracks a transaction's
            # environments weakly and flushes pending writes through them at commit time.
            env = self.env(cr=cr)
            event_id = env[self._name].create(vals).id
        return self.browse(event_id)

    # ---- processing -------------------------------------------------------------------

    @contextmanager
    def _read_committed_env(self, on_commit=None):
        """An environment on a new cursor, committed when the block ends: READ COMMITTED (so that,
        after waiting on an advisory lock, it sees what concurrent copies committed), except in
        tests, where new cursors are the test's. `on_commit` is its first post-commit hook."""
        registry = self.env.registry
        with registry.cursor() as cr:
            if on_commit:
                cr.postcommit.add(on_commit)
            if not odoo_compat.in_test_mode(registry):
                cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
            env = self.env(cr=cr)  # referenced until the commit (see _journal)
            yield env

    def _process_isolated(self, data):
        """Process in a fresh READ COMMITTED transaction (so that, after waiting on the call's
        advisory lock, it sees what concurrent copies committed); record failures separately.

        A transaction that loses a race to a concurrent one (two events of one contact both
        subscribing its salesperson, a serialisation failure, a deadlock) is rolled back and
        run again from the start, as Odoo retries an RPC: an event is applied or fails on its
        own merits, never on its timing."""
        self.ensure_one()
        registry = self.env.registry
        for attempt in range(1, PROCESS_ATTEMPTS + 1):
            committed = []
            try:
                # The first post-commit hook, so it runs first after COMMIT: a later one (the bus
                # NOTIFY) that fails must not report an applied event as failed.
                with self._read_committed_env(on_commit=lambda: committed.append(True)) as env:
                    result = env[self._name].browse(self.id)._process(data)
                return _answer(result)
            except Exception as error:  # noqa: BLE001 - any failure is journaled, never leaked
                if committed:
                    _logger.exception("PBX event %s applied; a post-commit hook failed", self.id)
                    return _answer(result)
                if isinstance(error, CONCURRENCY_ERRORS) and attempt < PROCESS_ATTEMPTS:
                    _logger.info("PBX event %s lost a race (%s), attempt %d of %d",
                                 self.id, type(error).__name__, attempt, PROCESS_ATTEMPTS)
                    time.sleep(random.uniform(0.0, 0.05 * 2 ** attempt))
                    continue
                failure = error
                break
        _logger.error("PBX event %s failed", self.id, exc_info=failure)
        with registry.cursor() as cr:
            env = self.env(cr=cr)  # referenced until the commit (see _journal)
            env[self._name].browse(self.id).write({
                "state": "failed",
                "error": f"{type(failure).__name__}: {failure}",
                "processed_at": fields.Datetime.now(),
            })
        raise Refusal(
            "processing_failed",
            _("The event was saved but could not be processed; an administrator can "
              "re-process it."),
            event_id=self.id,
        )

    def _process(self, data):
        """Validate and apply the event in the current transaction; returns the answer, or the
        Refusal of a payload that fails validation (returned, not raised: the row written
        rejected must be committed).

        A native event is first mapped onto its canonical event; one that changes no call is
        kept as *ignored* and answered 200 without a call."""
        self.ensure_one()
        connection = self.connection_id
        route, event, error = self._canonical_event(
            self.source, self.route, self.native_event, data, connection.tz or "UTC")
        if error:
            self.write({"state": "rejected", "route": route, "error": _fields_text(error.fields),
                        "payload": text.truncate_utf8(self.payload or "", REJECTED_PAYLOAD_BYTES),
                        "processed_at": fields.Datetime.now()})
            return Refusal("invalid_payload", _("Some fields are invalid."), error.fields, self.id)
        if event is None:
            self.write({"state": "ignored", "route": "native", "error": False,
                        "processed_at": fields.Datetime.now()})
            return contract.ignored_response(self.id)
        self.route = route
        self.env.cr.execute(
            "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [connection.id, event.callid]
        )
        call, duplicate = self.env["pbx.call"]._apply_event(connection, event)
        if not call:  # an answer naming no call of this connection, nor its number: nothing to move
            self.write({"state": "ignored", "callid": event.callid, "error": False,
                        "processed_at": fields.Datetime.now()})
            return contract.ignored_response(self.id)
        self.write({
            "state": "duplicate" if duplicate else "done",
            "callid": event.callid,
            "call_id": call.id,
            "error": False,
            "processed_at": fields.Datetime.now(),
        })
        return call._response(self.id, duplicate)

    @api.model
    def _cron_reprocess_stalled(self, minutes=STALLED_MINUTES, limit=500):
        """Re-process events journaled but never processed (the worker was killed, the
        database went away between the journal's commit and the processing). Usually the PBX's
        own retry has already applied them, and they become *duplicate*."""
        stalled = self.search([
            ("state", "=", "pending"),
            ("create_date", "<", fields.Datetime.subtract(fields.Datetime.now(), minutes=minutes)),
        ], order="id", limit=limit)
        stalled.action_reprocess()
        return len(stalled)

    def action_reprocess(self):
        """Re-run pending or failed events (in the current transaction, one savepoint each)."""
        for event in self.filtered(lambda e: e.state in ("pending", "failed")):
            try:
                data = json.loads(event.payload or "{}")
                with self.env.cr.savepoint():
                    event._process(data)
            except Exception as error:  # noqa: BLE001 - shown to the admin on the event
                event.write({"state": "failed", "error": f"{type(error).__name__}: {error}",
                             "processed_at": fields.Datetime.now()})
        return True

    # ---- mapping ------------------------------------------------------------------------

    @api.model
    def _canonical_event(self, source, route, native_event, data, tz_name):
        """(route, event, error) of decoded request fields: the canonical route (a native event
        mapped by _native_to_canonical) and its validated lib.payload event, None for a native
        event that changes no call; for a payload that fails validation, its PayloadError
        instead of the event. A configuration error (unknown timezone) raises."""
        try:
            if source != "api":
                mapped = self._native_to_canonical(source, native_event, data, tz_name)
                if mapped is None:
                    return "native", None, None
                route, data = mapped
            event = payload.parse_event(route, data, tz_name)
            _check_recording(event)
        except payload.PayloadError as error:
            return route, None, error
        return route, event, None

    @api.model
    def _native_to_canonical(self, source, native_event, data, tz_name):
        """A vendor event mapped onto a canonical one: ``(route, canonical dict)``, or None for an
        event that changes no call; raises lib.payload.PayloadError on a malformed payload.
        Each vendor unit names its mapping in _pbx_event_mappers."""
        mapper = self._pbx_event_mappers().get(source)
        if mapper is None:
            raise ValueError(f"no vendor unit maps events of source {source!r}")
        return mapper(native_event, data, tz_name)

    @api.model
    def _pbx_event_mappers(self):
        """source -> ``to_canonical(native_event, data, tz_name)`` of the vendor units (each adds
        its own to what super() returns); the canonical API maps nothing."""
        return {}

    # ---- retention --------------------------------------------------------------------

    @api.model
    def _cron_purge_journal(self, batch_size=PURGE_BATCH):
        """Delete the events older than their connection's retention (journal_keep_days,
        journal_keep_failed_days; 0 keeps forever). Pending events are never purged. A call
        does not need its events (call_id is set null the other way round). Returns the count."""
        self.env.flush_all()
        now = fields.Datetime.now()
        deleted = 0
        connections = self.env["pbx.connection"].sudo().with_context(active_test=False).search([])
        for connection in connections:
            for state in PURGED_STATES + ("failed",):
                days = connection.journal_keep_failed_days if state == "failed" \
                    else connection.journal_keep_days
                if days > 0:
                    deleted += self._purge_rows(
                        connection.id, state, now - timedelta(days=days), batch_size)
        self.env.invalidate_all()
        return deleted

    @api.model
    def _purge_rows(self, connection_id, state, before, batch_size):
        # Raw SQL: unlink() would read every row first; batches keep each transaction (and its
        # locks) short on a journal of millions of rows, committed one by one outside tests.
        # One state at a time, oldest first: each batch is a range of the retention index (a
        # scan would re-read the rows deleted by the previous batches), then primary-key lookups.
        cr = self.env.cr
        deleted = 0
        while True:
            cr.execute(SQL(
                "DELETE FROM pbx_call_event WHERE id = ANY(ARRAY(SELECT id FROM pbx_call_event"
                " WHERE connection_id = %s AND state = %s AND create_date < %s"
                " ORDER BY create_date LIMIT %s))",
                connection_id, state, before, batch_size))
            deleted += cr.rowcount
            if cr.rowcount < batch_size:
                return deleted
            if not odoo_compat.in_test_mode(self.env.registry):
                cr.commit()

    @api.model
    def _journal_table_bytes(self):
        """On-disk size of the whole journal: table, TOAST and indexes, every connection."""
        self.env.cr.execute(SQL("SELECT pg_total_relation_size(%s)", self._table))
        return self.env.cr.fetchone()[0]


def request_fields(body, http_in):
    """The request's fields: a GET's query (without its token), a form Odoo already parsed
    (body None), or the decoded body. Raises lib.payload.PayloadError for a body that cannot
    be read."""
    if http_in["method"] == "GET":
        return {key: value for key, value in http_in["query"].items() if key != "token"}
    if body is None:
        return http_in["form"]
    return payload.decode_body(body, http_in["content_type"])


def _answer(result):
    """What _process returned, as the route's answer: a Refusal is raised once committed."""
    if isinstance(result, Refusal):
        raise result
    return result


def header(headers, name):
    """A request header's value, whatever its case, or None."""
    lowered = name.lower()
    return next((value for key, value in headers.items() if key.lower() == lowered), None)


def _check_recording(event):
    try:
        recording.recording_location(event.recordingfile, None)
    except ValueError as error:
        raise payload.PayloadError({"recordingfile": str(error)}) from error


def _fields_text(fields_errors):
    return "\n".join(f"{name}: {message}" for name, message in sorted(fields_errors.items()))


def printable(body):
    # PostgreSQL text cannot hold NUL; keep everything else as received.
    return body.decode("utf-8", "replace").replace("\x00", "\\x00")
