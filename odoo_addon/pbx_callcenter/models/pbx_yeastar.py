"""Yeastar P-Series webhook: the envelope checks, the native adapter and the 30016 inbound-call
control. The mapping itself is lib/yeastar.py (pure); the route is controllers/yeastar.py."""
import json
import logging
import time

import requests

from odoo import _, api, fields, models

from ..lib import contract, originate, payload, tokens, yeastar
from .pbx_call_event import NATIVE_ADAPTERS, _header, _printable
from .pbx_originate import PbxUnreachable

_logger = logging.getLogger(__name__)

NATIVE_ADAPTERS["yeastar"] = yeastar

#: Seconds given to accepting or refusing a 30016 invitation (token included): the PBX holds
#: the caller for 10 s at most and waits 3-10 s for the webhook's answer.
INBOUND_CONTROL_TIMEOUT = 3.0
#: Seconds to get a recording's download URL (token included), then to wait for each read of
#: its bytes (one number: Odoo 18's test harness refuses requests' (connect, read) pairs).
RECORDING_TIMEOUT = 5.0
RECORDING_READ_TIMEOUT = 15.0
INBOUND_CONTROLS = [
    ("off", "Do nothing (the PBX routes the call after 10 seconds)"),
    ("accept", "Accept every call at once"),
    ("screen", "Refuse blacklisted numbers, accept the others"),
]


class PbxConnection(models.Model):
    _inherit = "pbx.connection"

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
        result = super().action_disconnect()
        self.sudo().write({"yeastar_serial": False})
        return result

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

    @api.model
    def _yeastar_receive(self, http_in):
        """One Yeastar webhook request: token and source IP, size, X-Signature (when the
        connection has a webhook secret), envelope, serial number, enabled; then journaled and
        applied by the native core. Returns (http_status, json_dict); never raises."""
        self, connection, body, error = self._authenticated_post(http_in, "yeastar")
        if error:
            return error
        if connection.webhook_secret:
            signature = _header(http_in["headers"], "X-Signature")
            if body is None or not yeastar.verify_signature(connection.webhook_secret, body, signature):
                return contract.error_response("forbidden", _("Missing or invalid X-Signature."))
        data, envelope_error = None, None
        try:
            if body is None:
                raise payload.PayloadError({"_body": "the Yeastar envelope must be a JSON body"})
            data = payload.decode_body(body, "application/json")
        except payload.PayloadError as error:
            envelope_error = error
        if data is not None and not yeastar.serial_matches(connection.yeastar_serial, data):
            return contract.error_response(
                "forbidden", _("The event's serial number (sn) is not this connection's PBX."))
        if not connection.enabled:
            return connection._disabled_error()
        native_event = None
        if envelope_error is None:
            try:
                native_event, envelope = yeastar.parse_envelope(data)
                problem = yeastar.replay_problem(native_event, envelope, connection.tz or "UTC",
                                                 fields.Datetime.now())
                if problem:
                    raise payload.PayloadError(problem)
            except payload.PayloadError as error:
                envelope_error = error
        if envelope_error is not None:
            raw = _printable(body or b"") if data is None else json.dumps(data, ensure_ascii=False)
            event = self._journal(connection, "native", raw, http_in, envelope_error,
                                  source="yeastar", native_event=native_event or _event_name(data))
            return contract.error_response(
                "invalid_payload", _("The Yeastar event could not be read."),
                envelope_error.fields, event.id)
        status, answer = self._native_receive(connection, "yeastar", native_event, envelope, http_in)
        if native_event == yeastar.INBOUND_INVITATION and status == 200:
            answer = dict(answer, inbound_call=connection._yeastar_control_inbound(envelope))
        return status, answer


def _event_name(data):
    """The envelope's event ID as far as it can be read, for the journal of a refused body."""
    value = data.get("type") if isinstance(data, dict) else None
    return str(value)[:32] if isinstance(value, (int, str)) and not isinstance(value, bool) else None
