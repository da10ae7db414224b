"""Zadarma, the Odoo side: the connection kind and its settings, the notifications webhook
(/api/callcenter/zadarma) behind the gate, its NOTIFY_START answer, click-to-dial through the
callback API, the extension import, and recordings played through a stable Odoo URL.
Vendor facts, signatures and the event mapping: protocol.py (pure)."""
import json
import logging
import time
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ...lib import payload, tokens
from ...lib.extension_binding import ExtensionEntry
from ...lib.gate import Refusal
from ...lib.pbx_api import PbxApiError
from ...models import odoo_compat
from ...models.pbx_call_event import header, request_fields
from ...models.pbx_originate import PbxUnreachable
from . import protocol as zadarma

_logger = logging.getLogger(__name__)

SOURCE = "zadarma"
#: Seconds the playback route waits for Zadarma's recording link.
RECORD_TIMEOUT = 5.0
WEBHOOK_PATH = "/api/callcenter/zadarma"
#: Days a signature's binding is kept: a replay of it fails the freshness check by then (twice the
#: longest window, 720 h, since call_start may be that far ahead, plus the credited duration).
SIGNATURE_RETENTION_DAYS = 61


class PbxConnection(models.Model):
    _inherit = "pbx.connection"

    kind = fields.Selection(selection_add=[("zadarma", "Zadarma")], ondelete={"zadarma": "set default"})
    originate_method = fields.Selection(
        selection_add=[("zadarma", "Zadarma callback API")], ondelete={"zadarma": "set default"})
    zadarma_api_key = fields.Char("Zadarma API Key", groups="base.group_system", copy=False)
    zadarma_api_secret = fields.Char("Zadarma API Secret", groups="base.group_system", copy=False)

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
        """What Zadarma reads in the answer to NOTIFY_START (see protocol.start_answer)."""
        self.ensure_one()
        return zadarma.start_answer(
            self._lookup_caller(caller_id),
            route_to_owner=self.zadarma_route_to_owner,
            return_timeout=self.zadarma_return_timeout,
            reject_blocked=self.zadarma_reject_blocked,
        )

    # ---- the vendor interface (see vendors/__init__.py) -----------------------------------

    def _zadarma_verify_signature(self, http_in, body):
        """The gate's check of Zadarma's ``Signature`` header (only with a Zadarma API secret): a
        notification of a known event must carry the signature of its signed fields. Zadarma
        ignores unknown events before checking, and so does this."""
        self.ensure_one()
        secret = self.zadarma_api_secret
        if not secret:
            return
        try:
            data = request_fields(body, http_in)
        except payload.PayloadError:  # nothing to check a signature on: not journaled
            raise Refusal("forbidden", _("Missing or invalid Signature.")) from None
        name = data.get("event")
        if name in zadarma.EVENTS and not zadarma.verify_signature(
                secret, name, data, header(http_in["headers"], "Signature")):
            raise Refusal("forbidden", _("Missing or invalid Signature."))

    @api.model
    def _pbx_route_kinds(self):
        return dict(super()._pbx_route_kinds(), zadarma=("zadarma",))  # /zadarma, zd_echo included

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._zadarma_dials_international(vals) for vals in vals_list])

    def write(self, vals):
        return super().write(self._zadarma_dials_international(vals))

    @staticmethod
    def _zadarma_dials_international(vals):
        """Zadarma's callback API wants the number in international format: a connection set to
        Zadarma dials E.164 digits unless the same values choose the number format."""
        if vals.get("originate_method") == "zadarma" and "originate_number_format" not in vals:
            return dict(vals, originate_number_format="e164")
        return vals

    @api.onchange("originate_method")
    def _onchange_zadarma_originate_method(self):
        if self.originate_method == "zadarma":
            self.originate_number_format = "e164"

    def action_disconnect(self):
        """Also forget the Zadarma API key and secret."""
        result = super().action_disconnect()
        self.sudo().write({"zadarma_api_key": False, "zadarma_api_secret": False})
        return result

    def _originate_default_url(self):
        if self.originate_method == "zadarma":
            return zadarma.ZADARMA_URL
        return super()._originate_default_url()

    def _originate_request(self, values, deadline):
        if self.originate_method != "zadarma":
            return super()._originate_request(values, deadline)
        request = zadarma.zadarma_request(
            base_url=self.originate_url, key=self.zadarma_api_key or "",
            secret=self.zadarma_api_secret or "", extension=values["extension"],
            number=values["number"],
        )
        return zadarma.zadarma_outcome(*self._http_send(request, deadline))

    def _pbx_has_extension_api(self):
        return self.kind == "zadarma" or super()._pbx_has_extension_api()

    def _pbx_import_extensions(self, fetch):
        """The extensions of /v1/pbx/internal/, each with the e-mail of its info page."""
        if self.kind != "zadarma":
            return super()._pbx_import_extensions(fetch)
        settings = {
            "base_url": self.originate_url or None,
            "key": self.zadarma_api_key or "",
            "secret": self.zadarma_api_secret or "",
        }
        numbers = zadarma.parse_zadarma_internal_list(*fetch(zadarma.zadarma_internal_list(**settings)))
        entries = []
        for number in numbers:
            try:
                answer = fetch(zadarma.zadarma_internal_info(number, **settings))
                entries.append(zadarma.parse_zadarma_internal_info(number, *answer))
            except PbxApiError as error:
                # a number without its details is still worth importing (no e-mail for auto-bind)
                _logger.info("Zadarma info of extension %s: %s", number, error)
                entries.append(ExtensionEntry(number=number))
        return entries


class PbxCallEvent(models.Model):
    _inherit = "pbx.call.event"

    source = fields.Selection(selection_add=[("zadarma", "Zadarma")], ondelete={"zadarma": "cascade"})

    @api.model
    def _pbx_event_mappers(self):
        return dict(super()._pbx_event_mappers(), **{SOURCE: zadarma.to_canonical})

    @api.model
    def _zadarma_receive(self, http_in):
        """One request to the Zadarma webhook: the answer (the ``zd_echo`` text, a str, or a
        JSON-serialisable dict), or a raised lib.gate.Refusal. Never fails otherwise.

        URL validation (GET zd_echo) first; then the gate (POST, a Zadarma connection's token,
        source IP, body size, ``Signature`` when the connection has a Zadarma API secret,
        enabled); then the event name, its freshness, the signature's call id, and the native
        core (journal, map, apply). NOTIFY_START is answered with the caller's name and routing,
        NOTIFY_IVR with ``{}`` (Zadarma reads both); other events with the core's JSON.
        """
        if http_in["method"] == "GET" and "zd_echo" in http_in["query"]:
            return self._zadarma_echo(http_in)
        connection_su, body = self.env["pbx.connection"]._gate(
            http_in, "zadarma", method_hint=_("Use POST, or GET with zd_echo to validate the URL."),
            verify="_zadarma_verify_signature")
        events_su = connection_su.env[self._name]
        data = events_su._read_fields(connection_su, body, http_in, source=SOURCE)
        raw = json.dumps(data, ensure_ascii=False)
        name = data.get("event")
        if not isinstance(name, str) or not zadarma.EVENT_NAME.fullmatch(name):
            error = payload.PayloadError({"event": "required: a Zadarma event name (NOTIFY_…)"})
            events_su._journal_and_refuse(connection_su, raw, http_in, error,
                                          _("Some fields are invalid."), source=SOURCE)
        try:
            zadarma.check_fresh(name, data, connection_su.tz or "UTC", fields.Datetime.now(),
                                connection_su.zadarma_max_event_age)
        except payload.PayloadError as error:
            events_su._journal_and_refuse(connection_su, raw, http_in, error,
                                          _("The event is too old or too far in the future."),
                                          source=SOURCE, native_event=name)
        if (connection_su.zadarma_api_secret and name in zadarma.EVENTS
                and not events_su._zadarma_signature_fits(connection_su, name, data)):
            raise Refusal("forbidden", _("This Signature was already used for another call."))
        answer = events_su._native_receive(connection_su, SOURCE, name, data, http_in)
        if name == zadarma.START:
            return connection_su._zadarma_start_answer(str(data["caller_id"]))
        if name == zadarma.IVR:
            return {}  # Zadarma reads this answer too: no instruction, its menu goes on
        return answer

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
        the URL carries one, must pass the gate (a mistyped token fails Zadarma's validation;
        a disabled connection may still be validated); the value is echoed only when it is a
        short token (no markup, answered as text/plain)."""
        if tokens.token_from_request(http_in["headers"], http_in["query"]):
            self.env["pbx.connection"]._gate(http_in, "zadarma", methods=("GET",), read_body=False,
                                             require_enabled=False)
        try:
            return zadarma.echo_value(http_in["query"]["zd_echo"])
        except ValueError as error:
            raise Refusal("invalid_payload", _("zd_echo is not a token."), {"zd_echo": str(error)}) from None


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
        """A fresh Zadarma link of a recording of a call the current user may read; else raises
        RecordingUnavailable: ``not_found`` (no such call for this user), ``refused`` (Zadarma
        refused or answered no link), ``timeout`` (Zadarma not reached in RECORD_TIMEOUT s)."""
        not_found = RecordingUnavailable("not_found", _("No such recording, or you may not listen to it."))
        if not zadarma.is_record_id(record_id):
            raise not_found
        try:
            call = self.search([("connection_id", "=", connection_id),
                                ("recording_file", "=", record_id)], limit=1)
        except AccessError:
            raise not_found from None
        if not call or call.connection_id.kind != "zadarma":
            raise not_found
        connection_su = call.connection_id.sudo()
        try:
            request = zadarma.record_request(
                base_url=connection_su.originate_url or None, key=connection_su.zadarma_api_key or "",
                secret=connection_su.zadarma_api_secret or "", call_id=record_id)
            return zadarma.record_link(*connection_su._http_send(request, time.monotonic() + RECORD_TIMEOUT))
        except PbxApiError as error:
            _logger.info("Zadarma recording %s of connection %s: %s", record_id, connection_su.id, error)
            raise RecordingUnavailable("refused", _("Zadarma did not give the recording: %s", error)) from None
        except PbxUnreachable as error:
            _logger.info("Zadarma recording %s of connection %s: unreachable (%s)",
                         record_id, connection_su.id, error)
            raise RecordingUnavailable("timeout", _(
                "Zadarma could not be reached within %s seconds; try again.", int(RECORD_TIMEOUT))) from None


class RecordingUnavailable(Exception):
    """Why a recording cannot be played: ``kind`` (not_found, refused, timeout) and a message."""

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind
