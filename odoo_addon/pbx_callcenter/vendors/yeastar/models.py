"""Yeastar P-Series, the Odoo side: the connection kind and its settings, the webhook behind the
gate (envelope, signature and serial checks), the 30016 inbound-call control, click-to-dial and
the extension import through the OpenAPI with its cached token, recordings, and the push of
called CRM records into the PBX's company contacts. The mapping and the API's requests are
protocol.py (pure); the routes controllers.py."""
import json
import logging
import time
from datetime import datetime, timedelta, timezone

import requests
from psycopg2 import IntegrityError

from odoo import _, api, fields, models

from ...lib import originate, payload, phonebook, tokens
from ...models import odoo_compat
from ...lib.gate import Refusal
from ...lib.pbx_api import PbxApiError
from ...models.pbx_call_event import header, printable, request_fields
from ...models.pbx_originate import PbxUnreachable
from . import protocol as yeastar

_logger = logging.getLogger(__name__)

SOURCE = "yeastar"

#: Seconds given to accepting or refusing a 30016 invitation (token included): the PBX holds
#: the caller for 10 s at most and waits 3-10 s for the webhook's answer.
INBOUND_CONTROL_TIMEOUT = 3.0
#: Seconds to get a recording's download URL (token included), then to wait for each read of
#: its bytes (one number: Odoo 18's test harness refuses requests' (connect, read) pairs).
RECORDING_TIMEOUT = 5.0
RECORDING_READ_TIMEOUT = 15.0
#: Contact push: seconds for one record (token and phonebook lookup included); rows per cron
#: run and the run's budget in seconds (the cron runs every minute); minutes before the next
#: attempt after the 1st, 2nd... failure, after which the row is failed until the next call.
CONTACT_TIMEOUT = 5.0
CONTACT_BATCH = 50
CONTACT_BUDGET = 40.0
CONTACT_RETRY_MINUTES = (1, 5, 15, 60, 240)
CONTACT_CRON = "pbx_callcenter.pbx_yeastar_contact_cron_push"
CONTACT_KINDS = [("individuals", "Individual"), ("companies", "Company"), ("leads", "Lead")]
CONTACT_STATES = [("pending", "To push"), ("done", "Pushed"), ("skipped", "Skipped"),
                  ("failed", "Failed")]
INBOUND_CONTROLS = [
    ("off", "Do nothing (the PBX routes the call after 10 seconds)"),
    ("accept", "Accept every call at once"),
    ("screen", "Refuse blacklisted numbers, accept the others"),
]


class PbxConnection(models.Model):
    _inherit = "pbx.connection"

    kind = fields.Selection(selection_add=[("yeastar", "Yeastar")], ondelete={"yeastar": "set default"})
    originate_method = fields.Selection(
        selection_add=[("yeastar", "Yeastar P-Series API")], ondelete={"yeastar": "set default"})
    yeastar_client_id = fields.Char("Yeastar Client ID", groups="base.group_system", copy=False)
    yeastar_client_secret = fields.Char("Yeastar Client Secret", groups="base.group_system", copy=False)
    yeastar_access_token = fields.Char(groups="base.group_system", copy=False, readonly=True)
    yeastar_token_expiry = fields.Datetime(groups="base.group_system", copy=False, readonly=True)
    yeastar_refresh_token = fields.Char(groups="base.group_system", copy=False, readonly=True)
    yeastar_refresh_expiry = fields.Datetime(groups="base.group_system", copy=False, readonly=True)

    yeastar_serial = fields.Char(
        "PBX Serial Number", groups="base.group_system", copy=False,
        help="Yeastar: when set, webhook events whose 'sn' is another PBX's serial number are "
             "refused (403). Shown on the PBX's dashboard (System Information).",
    )
    yeastar_inbound_control = fields.Selection(
        INBOUND_CONTROLS, string="Inbound Call Invitations (30016)", default="screen",
        required=True, groups="base.group_system",
        help="Yeastar: what Odoo answers to an Inbound Call Invitation (event 30016, sent for "
             "trunks with 'Control Inbound Call'), through the PBX API (Client ID and Secret of "
             "the click-to-dial settings). The PBX holds the caller until it is answered, "
             "10 seconds at most.",
    )
    yeastar_webhook_url = fields.Char(
        "Webhook URL", compute="_compute_yeastar_webhook_url",
        help="Paste it in the PBX (Integrations › API › Webhook Event Push), with the API "
             "token generated here in place of YOUR_API_TOKEN.",
    )

    yeastar_recording_base_url = fields.Char(
        "Recordings through Odoo", compute="_compute_yeastar_webhook_url",
        help="Yeastar keeps recordings on the PBX and hands out download links valid for 30 "
             "minutes: with this as the recording base URL, Odoo fetches each recording through "
             "the PBX API when a user who can see the call plays it.",
    )

    yeastar_contact_sync = fields.Boolean(
        "Push Called Records to Yeastar",
        help="Yeastar: when a call ends, its contact, company or lead (of the kinds ticked) is "
             "created, or updated, in the PBX's company contacts through the PBX API (URL, "
             "Client ID and Secret of the Click-to-Dial tab). One way: nothing is deleted.",
    )
    yeastar_contact_individuals = fields.Boolean("Individuals", default=True)
    yeastar_contact_companies = fields.Boolean("Companies", default=True)
    yeastar_contact_leads = fields.Boolean("Leads")
    yeastar_contact_group = fields.Char(
        "Yeastar Phonebook",
        help="Name or ID of the PBX phonebook the pushed contacts join (Contacts › Phonebooks); "
             "empty: company contacts only.",
    )
    yeastar_contact_phonebook = fields.Integer(copy=False, readonly=True)  # its id, once found
    yeastar_contact_ids = fields.One2many(
        "pbx.yeastar.contact", "connection_id", "Yeastar Contacts",
        groups="pbx_callcenter.pbx_callcenter_group_manager")

    def _compute_yeastar_webhook_url(self):
        base = self._base_url()
        for connection in self:
            connection.yeastar_webhook_url = f"{base}/api/callcenter/yeastar?token=YOUR_API_TOKEN"
            connection.yeastar_recording_base_url = (
                f"{base}/pbx_callcenter/yeastar/{connection.id}/recording/" if connection.id else False)

    def action_yeastar_recordings_through_odoo(self):
        """Make the recording base URL Odoo's Yeastar recording route (see the field's help)."""
        self._check_record_access("write")
        for connection in self:
            connection.recording_base_url = connection.yeastar_recording_base_url

    def action_disconnect(self):
        """Also forget the PBX's serial number, the API credentials and the cached tokens."""
        result = super().action_disconnect()
        self.sudo().write({"yeastar_serial": False, "yeastar_client_id": False,
                           "yeastar_client_secret": False})
        return result

    # ---- the vendor interface (see vendors/__init__.py) -----------------------------------

    def _yeastar_verify(self, http_in, body):
        """The gate's checks of a Yeastar request: X-Signature (HMAC of the body) when the
        connection has a webhook secret, then the serial number (sn) of a readable envelope."""
        self.ensure_one()
        if self.webhook_secret:
            signature = header(http_in["headers"], "X-Signature")
            if body is None or not yeastar.verify_signature(self.webhook_secret, body, signature):
                raise Refusal("forbidden", _("Missing or invalid X-Signature."))
        data = _decode(body, http_in)
        if not isinstance(data, payload.PayloadError) and not yeastar.serial_matches(
                self.yeastar_serial, data):
            raise Refusal("forbidden", _("The event's serial number (sn) is not this connection's PBX."))

    @api.model
    def _pbx_route_kinds(self):
        return dict(super()._pbx_route_kinds(), yeastar=("yeastar",))  # /yeastar

    @api.onchange("yeastar_client_id", "yeastar_client_secret", "originate_url")
    def _onchange_yeastar_credentials(self):
        self.update({
            "yeastar_access_token": False, "yeastar_token_expiry": False,
            "yeastar_refresh_token": False, "yeastar_refresh_expiry": False,
        })

    def write(self, vals):
        if {"yeastar_client_id", "yeastar_client_secret", "originate_url"} & set(vals):
            vals = dict(vals, yeastar_access_token=False, yeastar_token_expiry=False,
                        yeastar_refresh_token=False, yeastar_refresh_expiry=False)
        if {"yeastar_contact_group", "originate_url"} & set(vals):
            vals = dict(vals, yeastar_contact_phonebook=0)
        return super().write(vals)

    def _originate_request(self, values, deadline):
        if self.originate_method != "yeastar":
            return super()._originate_request(values, deadline)
        return self._yeastar_call(lambda token: yeastar.yeastar_dial_request(
            base_url=self.originate_url, access_token=token,
            extension=values["extension"], number=values["number"],
        ), deadline)

    def _pbx_has_extension_api(self):
        return self.kind == "yeastar" or super()._pbx_has_extension_api()

    def _pbx_import_extensions(self, fetch):
        """extension/list, page by page, with click-to-dial's cached access token."""
        if self.kind != "yeastar":
            return super()._pbx_import_extensions(fetch)
        token, retried = self._yeastar_import_token(fetch), False
        entries, seen, page = [], set(), 1
        while page <= yeastar.MAX_PAGES:
            request = yeastar.yeastar_extension_list(
                base_url=self.originate_url, access_token=token, page=page
            )
            try:
                rows, total = yeastar.parse_yeastar_extension_list(*fetch(request))
            except PbxApiError as error:
                if retried or "TOKEN" not in str(error).upper():
                    raise
                # the cached token was revoked or expired early: forget it, try once more
                self._yeastar_store_token(None)
                token, retried = self._yeastar_import_token(fetch), True
                continue
            for row in rows:
                if row.number not in seen:
                    seen.add(row.number)
                    entries.append(row)
            if not rows or len(entries) >= total:
                break
            page += 1
        return entries

    def _yeastar_import_token(self, fetch):
        """Click-to-dial's cached access token (fetched or refreshed when needed)."""
        token, _fresh = self._yeastar_token(fetch.next_deadline(2))
        if isinstance(token, originate.Outcome):
            raise PbxApiError(token.detail)
        return token

    # ---- 30016: accept or refuse the waiting inbound call ---------------------------------

    def _yeastar_control_inbound(self, envelope):
        """Accept or refuse the call of a 30016 invitation through the OpenAPI; returns what
        was done: off, accepted, refused, not_configured or failed (never raises)."""
        self.ensure_one()
        connection = self.sudo()
        if connection.yeastar_inbound_control == "off":
            return "off"
        try:
            channel, caller = yeastar.invitation(envelope)
        except payload.PayloadError as error:
            _logger.info("Yeastar 30016 on connection %s unreadable: %s", self.id, error)
            return "failed"
        if not (connection.yeastar_client_id and connection.yeastar_client_secret
                and connection.originate_url):
            _logger.warning("Yeastar connection %s: 30016 received but no API credentials to "
                            "answer it (the caller waits 10 s)", self.id)
            return "not_configured"
        accept = True
        if connection.yeastar_inbound_control == "screen" and isinstance(caller, str) and caller.strip():
            accept = not connection._lookup_caller(caller)["blocked"]
        deadline = time.monotonic() + INBOUND_CONTROL_TIMEOUT
        try:
            outcome = connection._yeastar_call(lambda token: yeastar.inbound_control_request(
                base_url=connection.originate_url, access_token=token, accept=accept,
                channel_id=channel,
            ), deadline)
        except (PbxUnreachable, originate.OriginateError) as error:
            _logger.warning("Yeastar connection %s: could not answer invitation %s: %s",
                            self.id, channel, error)
            return "failed"
        if not outcome.ok:
            _logger.warning("Yeastar connection %s: invitation %s: the PBX refused: %s",
                            self.id, channel, outcome.detail)
            return "failed"
        return "accepted" if accept else "refused"

    # ---- company contacts ------------------------------------------------------------------

    def action_yeastar_push_contacts(self):
        """Push the records waiting or failed now (through the cron, never in this request)."""
        self._check_record_access("write")
        rows = self.env["pbx.yeastar.contact"].sudo().search(
            [("connection_id", "in", self.ids), ("state", "in", ("pending", "failed"))])
        rows.write({"state": "pending", "attempts": 0, "next_attempt": False})
        self.env["pbx.yeastar.contact"]._trigger_push()

    def _yeastar_contact_kind(self, record):
        """The kind of ``record`` (individuals, companies, leads) when this connection pushes it."""
        self.ensure_one()
        if not (self.kind == "yeastar" and self.yeastar_contact_sync and record):
            return None
        if record._name == "crm.lead":
            kind = "leads"
        elif record._name == "res.partner":
            kind = "companies" if record.is_company else "individuals"
        else:
            return None
        return kind if self[f"yeastar_contact_{kind}"] else None

    def _yeastar_contact(self, record):
        """``(skip reason, protocol.CompanyContact)``: the reason (lib.phonebook's no_name or
        no_number) when the record cannot be pushed, else None."""
        phone = phonebook.dialable(record.phone)
        mobile = phonebook.dialable(odoo_compat.mobile(record))
        name = record.name if record._name == "res.partner" else self._record_caller_name(record)
        contact = yeastar.CompanyContact(
            name=(name or "").strip(), company=self._record_company(record) or "",
            email=self._record_email(record) or "", phone=phone, mobile=mobile)
        return phonebook.skip_reason(name, (phone, mobile)), contact

    def _yeastar_phonebook_id(self, deadline):
        """The id of the chosen phonebook (found by name once, then remembered), or None;
        PbxApiError when the PBX has no phonebook of that name."""
        reference = yeastar.phonebook_reference(self.yeastar_contact_group)
        if reference is None or isinstance(reference, int):
            return reference
        if self.yeastar_contact_phonebook:
            return self.yeastar_contact_phonebook
        page, seen = 1, 0
        while page <= yeastar.MAX_PAGES:
            books = self._yeastar_call(lambda token, page=page: yeastar.phonebook_list_request(
                base_url=self.originate_url, access_token=token, page=page,
            ), deadline, read=_phonebook_page)
            if isinstance(books, originate.Outcome):
                raise PbxApiError(books.detail)
            found, total = books
            book_id = yeastar.find_phonebook(found, reference)
            if book_id:
                self.yeastar_contact_phonebook = book_id
                return book_id
            seen += len(found)
            if not found or seen >= total:
                break
            page += 1
        raise PbxApiError(_("the PBX has no phonebook named %s", reference))

    def _yeastar_push_contact(self, contact_id, body, deadline):
        """Update the PBX's contact ``contact_id`` (created again if deleted on the PBX), or
        create one: the contact's id, or the refusal (a lib.originate.Outcome)."""
        if contact_id:
            outcome = self._yeastar_call(lambda token: yeastar.contact_update_request(
                base_url=self.originate_url, access_token=token, contact_id=contact_id, body=body,
            ), deadline, read=_contact_updated)
            if outcome is not None:
                return contact_id if outcome.ok else outcome
        return self._yeastar_call(lambda token: yeastar.contact_create_request(
            base_url=self.originate_url, access_token=token, body=body,
        ), deadline, read=yeastar.contact_created)

    # ---- Yeastar token -------------------------------------------------------------

    def _yeastar_call(self, build, deadline, read=yeastar.yeastar_outcome):
        """Send the OpenAPI request ``build(access_token)`` and ``read`` its answer, with the
        cached token (refreshed or fetched when needed); a cached token the PBX rejects is
        replaced and the request sent once more. PbxUnreachable past ``deadline``."""
        token, fresh = self._yeastar_token(deadline)
        if isinstance(token, originate.Outcome):
            return token
        status, body = self._http_send(build(token), deadline)
        outcome = read(status, body)
        if fresh or not yeastar.yeastar_token_rejected(yeastar.yeastar_outcome(status, body)):
            return outcome
        self._yeastar_store_token(None)
        return self._yeastar_call(build, deadline, read)

    def _yeastar_token(self, deadline):
        """``(access_token, fresh)``: the cached token, a refreshed or a new one; or the refusal."""
        now = time.time()
        if self.yeastar_access_token and yeastar.yeastar_token_usable(
            _to_timestamp(self.yeastar_token_expiry), now
        ):
            return self.yeastar_access_token, False
        token = None
        if self.yeastar_refresh_token and yeastar.yeastar_token_usable(
            _to_timestamp(self.yeastar_refresh_expiry), now
        ):
            request = yeastar.yeastar_refresh_request(
                base_url=self.originate_url, refresh_token=self.yeastar_refresh_token
            )
            token = yeastar.yeastar_token(*self._http_send(request, deadline), now)
        if not isinstance(token, yeastar.YeastarToken):
            request = yeastar.yeastar_token_request(
                base_url=self.originate_url, client_id=self.yeastar_client_id or "",
                client_secret=self.yeastar_client_secret or "",
            )
            token = yeastar.yeastar_token(*self._http_send(request, deadline), now)
        if isinstance(token, originate.Outcome):
            return originate.Outcome(False, _("the API credentials were refused (%s)", token.detail)), True
        self._yeastar_store_token(token)
        return token.access_token, True

    def _yeastar_store_token(self, token):
        """Cache ``token`` (None forgets it), written at once.

        Flushed before the dial request: if a concurrent dial updated the row, the serialization
        error (and Odoo's retry of the whole RPC) happens before any call is originated.
        """
        self.write({
            "yeastar_access_token": token.access_token if token else False,
            "yeastar_token_expiry": _to_datetime(token.expires_at) if token else False,
            "yeastar_refresh_token": (token.refresh_token or False) if token else False,
            "yeastar_refresh_expiry": _to_datetime(token.refresh_expires_at) if token else False,
        })
        self.flush_recordset()

    # ---- recordings ----------------------------------------------------------------------

    def _yeastar_recording(self, filename):
        """The PBX's streamed answer (a ``requests`` response, to be closed) carrying the
        recording ``filename``, or None when the PBX cannot provide it."""
        self.ensure_one()
        connection = self.sudo()
        if not (connection.yeastar_client_id and connection.yeastar_client_secret
                and connection.originate_url):
            return None
        try:
            resource = connection._yeastar_call(lambda token: yeastar.recording_download_request(
                base_url=connection.originate_url, access_token=token, filename=filename,
            ), time.monotonic() + RECORDING_TIMEOUT, read=yeastar.recording_resource)
            if isinstance(resource, originate.Outcome):
                _logger.info("Yeastar connection %s: no recording %s: %s", self.id, filename,
                             resource.detail)
                return None
            request = yeastar.recording_file_request(
                base_url=connection.originate_url, access_token=connection.yeastar_access_token,
                resource=resource)
            response = requests.get(
                request.url, headers=dict(request.headers), stream=True, allow_redirects=False,
                timeout=RECORDING_READ_TIMEOUT,
                verify=bool(connection.originate_verify_tls))
        except (PbxUnreachable, originate.OriginateError, requests.RequestException) as error:
            # requests' errors name the URL, whose query holds the PBX's access token
            _logger.info("Yeastar connection %s: recording %s unreachable: %s", self.id, filename,
                         tokens.redact(str(error)))
            return None
        if response.status_code != 200:
            _logger.info("Yeastar connection %s: recording %s: HTTP %s", self.id, filename,
                         response.status_code)
            response.close()
            return None
        return response


class PbxCallEvent(models.Model):
    _inherit = "pbx.call.event"

    source = fields.Selection(selection_add=[("yeastar", "Yeastar")], ondelete={"yeastar": "cascade"})

    @api.model
    def _pbx_event_mappers(self):
        return dict(super()._pbx_event_mappers(), **{SOURCE: yeastar.to_canonical})

    @api.model
    def _yeastar_receive(self, http_in):
        """One Yeastar webhook request behind the gate (POST, a Yeastar connection's token,
        source IP, size, X-Signature when the connection has a webhook secret and the serial
        number, enabled), then its envelope, journaled and applied by the native core. Returns
        the answer, or raises lib.gate.Refusal."""
        connection_su, body = self.env["pbx.connection"]._gate(
            http_in, "yeastar", verify="_yeastar_verify", get_opt_in=True)
        events_su = connection_su.env[self._name]
        data, native_event = _decode(body, http_in), None
        try:
            if isinstance(data, payload.PayloadError):
                raise data
            native_event, envelope = yeastar.parse_envelope(data)
            problem = yeastar.replay_problem(native_event, envelope, connection_su.tz or "UTC",
                                             fields.Datetime.now())
            if problem:
                raise payload.PayloadError(problem)
        except payload.PayloadError as error:
            readable = not isinstance(data, payload.PayloadError)
            raw = json.dumps(data, ensure_ascii=False) if readable else printable(body or b"")
            events_su._journal_and_refuse(
                connection_su, raw, http_in, error, _("The Yeastar event could not be read."),
                source=SOURCE, native_event=native_event or _event_name(data if readable else None))
        answer = events_su._native_receive(connection_su, SOURCE, native_event, envelope, http_in)
        if native_event == yeastar.INBOUND_INVITATION:
            answer = dict(answer, inbound_call=connection_su._yeastar_control_inbound(envelope))
        return answer


def _decode(body, http_in):
    """The envelope (the JSON body, or a GET's query), or the PayloadError saying why it cannot
    be read."""
    if http_in["method"] == "GET":
        return request_fields(None, http_in)
    try:
        if body is None:
            raise payload.PayloadError({"_body": "the Yeastar envelope must be a JSON body"})
        return payload.decode_body(body, "application/json")
    except payload.PayloadError as error:
        return error


def _event_name(data):
    """The envelope's event ID as far as it can be read, for the journal of a refused body."""
    value = data.get("type") if isinstance(data, dict) else None
    return str(value)[:32] if isinstance(value, (int, str)) and not isinstance(value, bool) else None


def _to_datetime(timestamp):
    return datetime.fromtimestamp(timestamp, timezone.utc).replace(tzinfo=None)


def _to_timestamp(value):
    return value.replace(tzinfo=timezone.utc).timestamp() if value else None


def _phonebook_page(status, body):
    outcome = yeastar.yeastar_outcome(status, body)
    return yeastar.parse_phonebook_list(status, body) if outcome.ok else outcome


def _contact_updated(status, body):
    """None when the contact is gone from the PBX (create it again), else the Outcome."""
    return None if yeastar.contact_gone(status, body) else yeastar.yeastar_outcome(status, body)


class PbxYeastarContact(models.Model):
    """A CRM record pushed (or to push) into a Yeastar PBX's company contacts: the queue the
    cron empties, the contact id that makes the next push an update, and the records skipped
    (no name, no number) or refused, with why, for the admin to see on the connection."""

    _name = "pbx.yeastar.contact"
    _description = "Yeastar Company Contact"
    _order = "id desc"

    connection_id = fields.Many2one("pbx.connection", required=True, readonly=True,
                                    ondelete="cascade", index=True)
    company_id = fields.Many2one(related="connection_id.company_id", store=True)
    res_model = fields.Char("Model", required=True, readonly=True)
    res_id = fields.Many2oneReference("Record", model_field="res_model", required=True,
                                      readonly=True)
    kind = fields.Selection(CONTACT_KINDS, required=True, readonly=True)
    name = fields.Char(readonly=True)
    state = fields.Selection(CONTACT_STATES, default="pending", required=True, readonly=True,
                             index=True)
    problem = fields.Char(readonly=True)
    yeastar_id = fields.Integer("Yeastar Contact ID", readonly=True)
    phonebook_id = fields.Integer("Yeastar Phonebook ID", readonly=True)
    attempts = fields.Integer(readonly=True)
    next_attempt = fields.Datetime(readonly=True)
    pushed_at = fields.Datetime(readonly=True)
    call_id = fields.Many2one("pbx.call", "Last Call", readonly=True, ondelete="set null")

    _record_uniq = odoo_compat.Constraint(
        "unique(connection_id, res_model, res_id)", "A record is pushed once per connection.")

    # ---- queueing (in the call's transaction: no I/O) --------------------------------------

    @api.model
    def _queue(self, call):
        """Queue the record of ``call`` when its connection pushes that kind; a record that
        cannot be pushed (no name, no number) is kept as skipped, with why. Never raises: the
        call's event must not fail because of the contact push."""
        connection, record = call.connection_id.sudo(), call._record()
        kind = connection._yeastar_contact_kind(record)
        if not kind:
            return
        for attempt in (1, 2):
            try:
                with self.env.cr.savepoint():
                    row = self.sudo()._upsert(connection, record, kind, call)
                break
            except IntegrityError:
                if attempt == 2:  # a concurrent call queued the same record twice in a row
                    _logger.warning("Yeastar connection %s: %s,%s not queued (concurrent update)",
                                    connection.id, record._name, record.id)
                    return
        if row.state == "pending":
            self._trigger_push()

    @api.model
    def _upsert(self, connection, record, kind, call):
        reason, contact = connection._yeastar_contact(record)
        row = self.search([("connection_id", "=", connection.id), ("res_model", "=", record._name),
                           ("res_id", "=", record.id)], limit=1)
        vals = {"kind": kind, "name": contact.name or record.display_name, "call_id": call.id,
                "state": "pending", "problem": False, "attempts": 0, "next_attempt": False}
        if reason:
            vals.update(state="skipped", problem=self._skip_text(reason))
            _logger.info("Yeastar connection %s: %s,%s not pushed: %s", connection.id,
                         record._name, record.id, reason)
        if row:
            row.write(vals)
            return row
        return self.create(dict(vals, connection_id=connection.id, res_model=record._name,
                                res_id=record.id))

    @api.model
    def _trigger_push(self):
        """Run the push cron as soon as this transaction commits (outside the request)."""
        cron = self.env.ref(CONTACT_CRON, raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger()

    # ---- pushing (the cron, outside any call's transaction) --------------------------------

    @api.model
    def _cron_push(self):
        """Push the due rows, CONTACT_BATCH at most within CONTACT_BUDGET seconds. A PBX that
        cannot be reached gets no more attempt in this run; each row's result is committed
        on its own (outside tests), so a contact created on the PBX is never forgotten."""
        started, unreachable = time.monotonic(), set()
        rows = self.sudo().search([
            ("state", "=", "pending"), ("connection_id.kind", "=", "yeastar"),
            ("connection_id.yeastar_contact_sync", "=", True),
            "|", ("next_attempt", "=", False), ("next_attempt", "<=", fields.Datetime.now()),
        ], order="id", limit=CONTACT_BATCH)
        for row in rows:
            if time.monotonic() - started > CONTACT_BUDGET:
                break
            if row.connection_id.id in unreachable:
                continue
            if not row._push():
                unreachable.add(row.connection_id.id)
            if not odoo_compat.in_test_mode(self.env.registry):
                self.env.cr.commit()  # noqa: B012 - one committed result per pushed contact
        return len(rows)

    def _push(self):
        """Push this row's record; False when its PBX could not be reached."""
        self.ensure_one()
        connection = self.connection_id
        record = self.env[self.res_model].browse(self.res_id).exists() if self.res_model in self.env else None
        if not record:
            self.write({"state": "skipped", "problem": _("Skipped: the record was deleted")})
            return True
        reason, contact = connection._yeastar_contact(record)
        if reason:
            self.write({"state": "skipped", "problem": self._skip_text(reason), "name": contact.name or False})
            return True
        if not (connection.originate_url and connection.yeastar_client_id
                and connection.yeastar_client_secret):
            self._retry(_("The PBX API (URL, Client ID and Secret) is not configured."))
            return True
        deadline = time.monotonic() + CONTACT_TIMEOUT
        try:
            book = connection._yeastar_phonebook_id(deadline)
            # an update keeps the phonebooks the contact was given on the PBX, unless ours changed
            body = yeastar.contact_body(
                contact, book if not self.yeastar_id or book != (self.phonebook_id or None) else None)
            answer = connection._yeastar_push_contact(self.yeastar_id, body, deadline)
        except PbxUnreachable as error:
            self._retry(_("The PBX could not be reached (%s).", error))
            return False
        except (originate.OriginateError, PbxApiError) as error:
            self._retry(tokens.redact(str(error)))
            return True
        if isinstance(answer, originate.Outcome):
            self._retry(_("The PBX refused: %s", answer.detail))
            return True
        self.write({"state": "done", "yeastar_id": answer, "phonebook_id": book or 0,
                    "problem": False, "attempts": 0, "next_attempt": False, "name": contact.name,
                    "pushed_at": fields.Datetime.now()})
        return True

    def _retry(self, problem):
        """Try again later, CONTACT_RETRY_MINUTES apart; then failed (until the next call)."""
        attempts = self.attempts + 1
        _logger.warning("Yeastar connection %s: %s,%s not pushed (attempt %s): %s",
                        self.connection_id.id, self.res_model, self.res_id, attempts, problem)
        if attempts > len(CONTACT_RETRY_MINUTES):
            self.write({"state": "failed", "attempts": attempts, "problem": problem,
                        "next_attempt": False})
            return
        wait = timedelta(minutes=CONTACT_RETRY_MINUTES[attempts - 1])
        self.write({"attempts": attempts, "problem": problem,
                    "next_attempt": fields.Datetime.now() + wait})

    @api.model
    def _skip_text(self, reason):
        return _("Skipped: no name") if reason == "no_name" else _("Skipped: no number")


class PbxCall(models.Model):
    _inherit = "pbx.call"

    def _on_ended(self):
        """Also queue the call's record for the Yeastar company contacts (pushed by the cron)."""
        super()._on_ended()
        if self.connection_id.kind == "yeastar":
            self.env["pbx.yeastar.contact"]._queue(self)
