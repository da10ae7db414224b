"""Zadarma: the notifications webhook (/api/callcenter/zadarma), its NOTIFY_START answer, and
recordings played through a stable Odoo URL. Vendor facts and the event mapping: lib/zadarma.py.
"""
import json
import logging
import time
from datetime import timedelta

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..lib import contract, payload, pbx_api, tokens, zadarma
from .pbx_call_event import NATIVE_ADAPTERS, _header, _printable, request_fields
from . import odoo_compat
from .pbx_originate import PbxUnreachable

_logger = logging.getLogger(__name__)

NATIVE_ADAPTERS["zadarma"] = zadarma
SOURCE = "zadarma"
#: Seconds the playback route waits for Zadarma's recording link.
RECORD_TIMEOUT = 5.0
WEBHOOK_PATH = "/api/callcenter/zadarma"
#: Days a signature's binding is kept: a replay of it fails the freshness check by then (twice the
#: longest window, 720 h, since call_start may be that far ahead, plus the credited duration).
SIGNATURE_RETENTION_DAYS = 61


class PbxConnection(models.Model):
    _inherit = "pbx.connection"

    zadarma_route_to_owner = fields.Boolean(
        "Route Known Callers to Their Salesperson",
        help="Answer Zadarma's NOTIFY_START with a redirect to the extension of the salesperson "
             "who owns the calling contact or lead (a three-digit Zadarma extension bound to them).",
    )
    zadarma_return_timeout = fields.Integer(
        "Back to the Menu After (s)", default=20,
        help="Seconds the salesperson's extension rings before the call returns to the PBX menu; "
             "0 never returns it.",
    )
    zadarma_reject_blocked = fields.Boolean(
        "Reject Blacklisted Numbers", default=True,
        help="Answer NOTIFY_START from a number of the phone blacklist with Zadarma's 'blacklist' "
             "redirect (busy tone). The phone blacklist also holds SMS opt-outs.",
    )
    zadarma_max_event_age = fields.Integer(
        "Refuse Events Older Than (h)", default=zadarma.DEFAULT_MAX_AGE_HOURS,
        help="A notification whose call ended longer ago than this (or starts this far in the "
             "future) is refused with HTTP 400: a replay, or a PBX timezone that is not the "
             "Zadarma account's. 0 turns the check off.",
    )
    zadarma_webhook_url = fields.Char(
        "Notification URL", compute="_compute_zadarma_webhook_url",
        help="Paste it in Zadarma (Settings › Integrations and API › notifications), with the "
             "connection's API token in place of YOUR_TOKEN.",
    )

    def _compute_zadarma_webhook_url(self):
        base = self._base_url()
        for connection in self:
            connection.zadarma_webhook_url = f"{base}{WEBHOOK_PATH}?token=YOUR_TOKEN"

    @api.constrains("zadarma_return_timeout")
    def _check_zadarma_return_timeout(self):
        for connection in self:
            try:
                zadarma.check_return_timeout(connection.zadarma_return_timeout)
            except ValueError as error:
                raise ValidationError(_("Back to the menu after: %s", error)) from error

    @api.constrains("zadarma_max_event_age")
    def _check_zadarma_max_event_age(self):
        for connection in self:
            if not 0 <= connection.zadarma_max_event_age <= 24 * 30:
                raise ValidationError(_("Refuse events older than: 0 (off) to 720 hours."))

    def _zadarma_start_answer(self, caller_id):
        """What Zadarma reads in the answer to NOTIFY_START (see lib.zadarma.start_answer)."""
        self.ensure_one()
        return zadarma.start_answer(
            self._lookup_caller(caller_id),
            route_to_owner=self.zadarma_route_to_owner,
            return_timeout=self.zadarma_return_timeout,
            reject_blocked=self.zadarma_reject_blocked,
        )


class PbxCallEvent(models.Model):
    _inherit = "pbx.call.event"

    @api.model
    def _zadarma_receive(self, http_in):
        """One request to the Zadarma webhook; returns (http_status, body), body being the
        ``zd_echo`` text (str) or a JSON-serialisable dict. Never raises for what Zadarma sent.

        Order: URL validation (GET zd_echo), token of a Zadarma connection and source IP, body size,
        ``Signature`` (when the connection has a Zadarma API secret), enabled, event name,
        freshness, then the native core (journal, map, apply). NOTIFY_START is answered with
        the caller's name and routing, NOTIFY_IVR with ``{}`` (Zadarma reads both); other events
        with the core's JSON (Zadarma ignores it).
        """
        env = self.env(user=SUPERUSER_ID, su=True)
        self = env[self._name]
        if http_in["method"] == "GET" and "zd_echo" in http_in["query"]:
            return self._zadarma_echo(http_in)
        if http_in["method"] != "POST":
            return contract.error_response(
                "method_not_allowed", _("Use POST, or GET with zd_echo to validate the URL."))
        connection, error = env["pbx.connection"]._authenticate_request(http_in, "zadarma")
        if error:
            return error
        body, error = self._read_body(http_in)
        if error:
            return error
        secret = connection.zadarma_api_secret
        try:
            data = request_fields(body, http_in)
        except payload.PayloadError as error:
            if secret:  # nothing to check a signature on: not journaled
                return contract.error_response("forbidden", _("Missing or invalid Signature."))
            event = self._journal(connection, "native", _printable(body), http_in, error, source=SOURCE)
            return contract.error_response(
                "invalid_payload", _("The body could not be read."), error.fields, event.id)
        name = data.get("event")
        if secret and name in zadarma.EVENTS and not zadarma.verify_signature(
                secret, name, data, _header(http_in["headers"], "Signature")):
            return contract.error_response("forbidden", _("Missing or invalid Signature."))
        if not connection.enabled:
            return connection._disabled_error()
        raw = json.dumps(data, ensure_ascii=False)
        if not isinstance(name, str) or not zadarma.EVENT_NAME.fullmatch(name):
            error = payload.PayloadError({"event": "required: a Zadarma event name (NOTIFY_…)"})
            event = self._journal(connection, "native", raw, http_in, error, source=SOURCE)
            return contract.error_response(
                "invalid_payload", _("Some fields are invalid."), error.fields, event.id)
        try:
            zadarma.check_fresh(name, data, connection.tz or "UTC", fields.Datetime.now(),
                                connection.zadarma_max_event_age)
        except payload.PayloadError as error:
            event = self._journal(connection, "native", raw, http_in, error, source=SOURCE,
                                  native_event=name)
            return contract.error_response(
                "invalid_payload", _("The event is too old or too far in the future."),
                error.fields, event.id)
        if secret and name in zadarma.EVENTS and not self._zadarma_signature_fits(connection, name, data):
            return contract.error_response(
                "forbidden", _("This Signature was already used for another call."))
        status, answer = self._native_receive(connection, SOURCE, name, data, http_in)
        if name == zadarma.START and status == 200:
            return status, connection._zadarma_start_answer(str(data["caller_id"]))
        if name == zadarma.IVR and status == 200:
            return status, {}  # Zadarma reads this answer too: no instruction, its menu goes on
        return status, answer

    @api.model
    def _zadarma_signature_fits(self, connection, name, data):
        """Whether the (verified) Signature of this notification may sign its ``pbx_call_id``.

        Zadarma does not sign the call id: the first valid event bearing a signature binds it to
        its call id, and the signature is refused afterwards with any other one (the same call
        id again is a retry, or another event of the same call). Bound in its own committed
        transaction, under an advisory lock on the signature, so concurrent copies see it."""
        try:
            zadarma.to_canonical(name, data, connection.tz or "UTC")
        except payload.PayloadError:
            return True  # the core rejects it (journaled, 400): it changes no call
        callid = zadarma.call_id(data)
        signature = zadarma.sign(connection.zadarma_api_secret, zadarma.signature_string(name, data))
        with self._read_committed_env() as env:
            # Serialises the copies of one signature: the second waits, then reads the first's binding.
            env.cr.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
                           [connection.id, "zadarma-signature:" + signature])
            Seen = env["pbx.zadarma.signature"]
            seen = Seen.search([("connection_id", "=", connection.id),
                                ("signature", "=", signature)], limit=1)
            if not seen:
                Seen.create({"connection_id": connection.id, "signature": signature, "callid": callid})
                return True
            if seen.callid == callid:
                return True
            _logger.warning("Zadarma connection %s: a Signature of call %s came with call %s; refused",
                            connection.id, seen.callid, callid)
            return False

    @api.model
    def _zadarma_echo(self, http_in):
        """Zadarma validates the URL with ``GET ?zd_echo=X`` and expects ``X``. A token, when
        the URL carries one, must be valid (a mistyped token fails Zadarma's validation); the
        value is echoed only when it is a short token (no markup, answered as text/plain)."""
        if tokens.token_from_request(http_in["headers"], http_in["query"]):
            _connection, error = self.env["pbx.connection"]._authenticate_request(http_in, "zadarma")
            if error:
                return error
        try:
            return 200, zadarma.echo_value(http_in["query"]["zd_echo"])
        except ValueError as error:
            return contract.error_response(
                "invalid_payload", _("zd_echo is not a token."), {"zd_echo": str(error)})


class PbxZadarmaSignature(models.Model):
    """A Zadarma Signature seen, bound to the call id it first came with (see
    pbx.call.event._zadarma_signature_fits)."""

    _name = "pbx.zadarma.signature"
    _description = "Zadarma Signature Seen"

    connection_id = fields.Many2one("pbx.connection", required=True, ondelete="cascade")
    signature = fields.Char(required=True)
    callid = fields.Char("PBX Call ID", required=True)

    _signature_connection_uniq = odoo_compat.Constraint(
        "unique(connection_id, signature)",
        "A Zadarma signature is bound to one call per connection.")

    @api.autovacuum
    def _gc_expired(self):
        """Forget bindings the freshness check has outlived (kept while the check is off)."""
        limit = fields.Datetime.now() - timedelta(days=SIGNATURE_RETENTION_DAYS)
        self.search([("create_date", "<", limit),
                     ("connection_id.zadarma_max_event_age", ">", 0)]).unlink()


class PbxCall(models.Model):
    _inherit = "pbx.call"

    @api.model
    def _recording_location(self, connection, recordingfile):
        """A Zadarma recording (``call_id_with_rec``) is played through the Odoo route that asks
        Zadarma for a fresh link each time: Zadarma's own links expire."""
        if connection.kind == "zadarma" and zadarma.is_record_id(recordingfile):
            return zadarma.play_url(connection._base_url(), connection.id, recordingfile), recordingfile.strip()
        return super()._recording_location(connection, recordingfile)

    @api.model
    def _zadarma_recording_link(self, connection_id, record_id):
        """``(303, link)`` to a fresh Zadarma link of a recording of a call the current user may
        read, else ``(status, message)``: 404 (no such call for this user), 502 (Zadarma refused
        or answered no link), 504 (Zadarma not reached in RECORD_TIMEOUT seconds)."""
        not_found = 404, _("No such recording, or you may not listen to it.")
        if not zadarma.is_record_id(record_id):
            return not_found
        try:
            call = self.search([("connection_id", "=", connection_id),
                                ("recording_file", "=", record_id)], limit=1)
        except AccessError:
            return not_found
        if not call or call.connection_id.kind != "zadarma":
            return not_found
        connection = call.connection_id.sudo()
        try:
            request = zadarma.record_request(
                base_url=connection.originate_url or None, key=connection.zadarma_api_key or "",
                secret=connection.zadarma_api_secret or "", call_id=record_id)
            link = zadarma.record_link(*connection._http_send(request, time.monotonic() + RECORD_TIMEOUT))
        except pbx_api.PbxApiError as error:
            _logger.info("Zadarma recording %s of connection %s: %s", record_id, connection.id, error)
            return 502, _("Zadarma did not give the recording: %s", error)
        except PbxUnreachable as error:
            _logger.info("Zadarma recording %s of connection %s: unreachable (%s)",
                         record_id, connection.id, error)
            return 504, _("Zadarma could not be reached within %s seconds; try again.", int(RECORD_TIMEOUT))
        return 303, link
