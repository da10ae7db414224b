"""Click-to-dial: the originate settings of a connection and the ``pbx_dial`` RPC.

The requests themselves are built and read by ``lib/originate.py``; this file finds the
caller's extension, applies the dial code, sends the requests within one total deadline and
returns the one result shape of :func:`lib.originate.dial_result`.
"""
import logging
import threading
import time
from urllib.parse import urlsplit

import requests

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from . import odoo_compat
from ..lib import originate
from ..lib.dialcode import apply_prefix, parse_dial_codes

_logger = logging.getLogger(__name__)

#: Seconds from the click to giving up on the PBX, every request included (Yeastar sends two).
DIAL_TIMEOUT = 5.0

#: Click-to-dial methods of the core; a vendor unit adds its API (selection_add) and answers
#: for it in _originate_request.
ORIGINATE_METHODS = [
    ("link", "tel: / sip: link"),
    ("generic_http", "Generic HTTP request"),
]


class PbxUnreachable(Exception):
    """No complete answer from the PBX before the deadline."""


def _exchange(request, timeout, verify, deadline):
    """Send ``request`` with ``requests``; read at most MAX_ANSWER_BYTES of the answer."""
    with requests.request(
        request.method, request.url, headers=dict(request.headers), data=request.body,
        timeout=timeout, stream=True, allow_redirects=False, verify=verify,
    ) as response:
        body = b""
        for chunk in response.iter_content(8192):
            body += chunk
            if len(body) >= originate.MAX_ANSWER_BYTES or time.monotonic() > deadline:
                break
        return response.status_code, body[: originate.MAX_ANSWER_BYTES]


class PbxConnection(models.Model):
    _inherit = "pbx.connection"

    dial_codes = fields.Char(
        help="Prefixes dialled before a number, as LABEL:PREFIX entries separated by ';' "
             "(e.g. LONGDIS:1000;LOCAL:9). An extension's dial code names one of them, "
             "or is 'ask' to choose at each call, or 'none'.",
    )

    # ---- originate (admin-only) ------------------------------------------------
    originate_method = fields.Selection(
        ORIGINATE_METHODS, string="Click-to-Dial Method", default="link", required=True,
        groups="base.group_system",
        help="How a click on a phone number starts the call: a tel:/sip: link opened by the "
             "softphone, or a request asking the PBX to ring the user's extension first.",
    )
    originate_url = fields.Char(
        "Originate URL", groups="base.group_system",
        help="Generic: the URL template, with {extension}, {number} and {e164}. "
             "Zadarma: the API URL (empty for https://api.zadarma.com). "
             "Yeastar: the PBX URL, e.g. https://192.168.5.150:8088.",
    )
    originate_http_method = fields.Selection(
        [("GET", "GET"), ("POST", "POST"), ("PUT", "PUT")], string="HTTP Method",
        default="POST", groups="base.group_system",
    )
    originate_body = fields.Text(
        "Body Template", groups="base.group_system",
        help='Sent with POST and PUT, e.g. {"from": "{extension}", "to": "{number}"}. '
             "Values are JSON-escaped in JSON bodies and URL-encoded in form bodies.",
    )
    originate_body_format = fields.Selection(
        [("json", "JSON"), ("form", "Form (URL-encoded)"), ("text", "Plain text")],
        string="Body Format", default="json", groups="base.group_system",
    )
    originate_headers = fields.Text(
        "Extra Headers", groups="base.group_system",
        help="One 'Name: value' per line, e.g. Authorization: Bearer <token>.",
    )
    originate_link = fields.Char(
        "Link Template", default="tel:{number}", groups="base.group_system",
        help="tel:, sip:, sips: or callto: URL with {number}, {e164} and {extension}, "
             "e.g. sip:{number}@pbx.example.com.",
    )
    originate_number_format = fields.Selection(
        [("dialable", "As dialled from the PBX country"), ("e164", "International (E.164 digits)")],
        string="Number Format", default="dialable", required=True, groups="base.group_system",
        help="As dialled: national numbers in national format, others with the country's "
             "international prefix (00…, 011…). International: country code and number, no '+' "
             "(what Zadarma's API expects: chosen when the method becomes Zadarma).",
    )
    originate_verify_tls = fields.Boolean(
        "Verify TLS Certificate", default=True, groups="base.group_system",
        help="Turn off only for a PBX on your network with a self-signed certificate.",
    )

    # ---- constraints -----------------------------------------------------------

    @api.constrains("dial_codes")
    def _check_dial_codes(self):
        for connection in self:
            try:
                parse_dial_codes(connection.dial_codes)
            except ValueError as error:
                raise ValidationError(_("Dial codes: %s", error)) from error
        self.extension_ids._check_dial_code()

    @api.constrains("originate_link")
    def _check_originate_link(self):
        for connection in self.sudo():
            try:
                originate.link_url(connection.originate_link, {})
            except originate.OriginateError as error:
                raise ValidationError(_("Link template: %s", error)) from error

    @api.constrains("originate_headers")
    def _check_originate_headers(self):
        for connection in self.sudo():
            try:
                originate.parse_headers(connection.originate_headers)
            except ValueError as error:
                raise ValidationError(_("Extra headers: %s", error)) from error

    def action_disconnect(self):
        """Also forget the click-to-dial headers (vendor units forget their credentials)."""
        result = super().action_disconnect()
        self.sudo().write({"originate_headers": False})
        return result

    # ---- originate ---------------------------------------------------------------

    def _originate(self, extension, number, prefix_label=None):
        """Ask this (sudo) connection's PBX to call ``number`` from ``extension``; a dial result."""
        self.ensure_one()
        ext = extension.name
        country = self.country_id.code or None
        if prefix_label is not None and not isinstance(prefix_label, str):
            return self._dial_error("bad_dial_code", ext, _("The dial code chosen is not valid."))
        try:
            digits = originate.dial_digits(number, country, self.originate_number_format)
            prefix = originate.resolve_dial_code(extension.dial_code, self.dial_codes, prefix_label)
        except originate.OriginateError as error:
            return self._dial_error(error.code, ext, self._error_message(error, number, extension))
        if isinstance(prefix, list):
            return originate.dial_result(
                "ask", _("Choose a dial code to call %s.", number), extension=ext, choices=prefix
            )
        to_dial = apply_prefix(digits, prefix)
        values = {"extension": ext, "number": to_dial, "e164": originate.e164_of(number, country)}
        try:
            if self.originate_method == "link":
                url = originate.link_url(self.originate_link, values)
                return originate.dial_result("link", extension=ext, number=to_dial, url=url)
            outcome = self._originate_request(values, time.monotonic() + DIAL_TIMEOUT)
        except originate.OriginateError as error:
            return self._dial_error(error.code, ext, self._error_message(error, number, extension))
        except PbxUnreachable as error:
            _logger.info("click-to-dial: PBX %s (connection %s) unreachable: %s",
                         self._originate_host(), self.id, error)
            return self._dial_error("unreachable", ext, _(
                "The PBX (%s) could not be reached within 5 seconds. Check that it is online, "
                "then try again.", self._originate_host()), number=to_dial)
        if not outcome.ok:
            _logger.info("click-to-dial: PBX of connection %s refused extension %s: %s",
                         self.id, ext, outcome.detail)
            return self._dial_error(
                "refused", ext, _("The PBX refused the call: %s", outcome.detail), number=to_dial)
        _logger.info("click-to-dial: connection %s, extension %s is calling %s", self.id, ext, to_dial)
        return originate.dial_result(
            "ok", _("Calling %(number)s from extension %(extension)s.", number=to_dial, extension=ext),
            extension=ext, number=to_dial,
        )

    def _dial_error(self, code, extension, message, number=None):
        return originate.dial_result("error", message, code=code, extension=extension, number=number)

    def _error_message(self, error, number, extension):
        if error.code == "bad_number":
            return _("“%s” is not a number that can be dialled.", number if isinstance(number, str) else "")
        if error.code == "bad_dial_code":
            return _("The dial code of extension %(extension)s cannot be used: %(error)s",
                     extension=extension.name, error=str(error))
        _logger.warning("click-to-dial: connection %s is misconfigured: %s", self.id, error)
        if self.env.user.has_group("base.group_system"):
            return _("Click-to-dial is not set up correctly on the PBX connection %(name)s: %(error)s",
                     name=self.name, error=str(error))
        return _("Click-to-dial is not set up correctly on the PBX connection %s. "
                 "Ask your administrator.", self.name)

    def _originate_host(self):
        return urlsplit((self.originate_url or self._originate_default_url()).strip()).netloc or self.name

    def _originate_default_url(self):
        """The PBX API's URL when the Originate URL is empty (a vendor's public API)."""
        return ""

    def _originate_request(self, values, deadline):
        """Send the click-to-dial request of this connection's method; its Outcome. Vendor units
        answer for their own method and call super() for the others."""
        method = self.originate_method
        if method == "generic_http":
            request = originate.generic_request(
                url_template=self.originate_url or "",
                http_method=self.originate_http_method or "POST",
                body_template=self.originate_body,
                body_format=self.originate_body_format or "json",
                headers=self.originate_headers,
                values=values,
            )
            return originate.http_outcome(*self._http_send(request, deadline))
        raise originate.OriginateError("not_configured", f"unknown originate method {method!r}")

    def _http_send(self, request, deadline):
        """``(status, body)`` of ``request``; PbxUnreachable once ``deadline`` (monotonic) passes.

        The exchange runs in a short-lived thread that is waited for at most the time left, so
        the deadline holds even against a PBX that trickles its answer (requests' timeouts bound
        each socket wait, not the whole exchange). The thread touches no ORM record.
        """
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise PbxUnreachable("no time left")
        verify = bool(self.originate_verify_tls)
        done = {}

        def exchange():
            try:
                done["answer"] = _exchange(request, remaining, verify, deadline)
            except Exception as error:  # handed over to the waiting thread below
                done["error"] = error

        worker = threading.Thread(target=exchange, name="pbx-originate", daemon=True)
        worker.start()
        worker.join(remaining)
        if worker.is_alive():
            raise PbxUnreachable("no answer before the deadline")
        error = done.get("error")
        if isinstance(error, (requests.RequestException, PbxUnreachable)):
            raise PbxUnreachable(type(error).__name__) from error
        if error is not None:
            raise error
        return done["answer"]


class PbxExtension(models.Model):
    _inherit = "pbx.extension"

    @api.constrains("dial_code", "connection_id")
    def _check_dial_code(self):
        for extension in self:
            try:
                originate.resolve_dial_code(extension.dial_code, extension.connection_id.dial_codes)
            except originate.OriginateError as error:
                raise ValidationError(
                    _("Dial code of extension %(extension)s: %(error)s",
                      extension=extension.name, error=str(error))
                ) from error


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model
    def pbx_dial(self, number, prefix_label=None):
        """Call ``number`` from the current user's extension (click-to-dial RPC).

        The extension is the user's default one, else their first, on an enabled connection of
        one of their companies. ``prefix_label`` answers an earlier ``ask`` (``""``: no prefix).
        Always returns the dict of ``lib.originate.dial_result``: ``status`` ok / ask / link /
        error, never raises for an expected failure (no extension, PBX unreachable or refusing).
        Over XML-RPC its null values are False (odoo_compat.RpcAnswer).
        """
        return odoo_compat.RpcAnswer(self._pbx_dial(number, prefix_label))

    @api.model
    def _pbx_dial_extensions(self):
        """The current user's extensions (sudo) on active connections of their companies, the
        one to dial from first."""
        user = self.env.user
        return self.env["pbx.extension"].sudo().search(
            [("user_id", "=", user.id), ("connection_id.active", "=", True),
             ("company_id", "in", user.company_ids.ids)],
            order="is_default desc, id",
        )

    @api.model
    def _pbx_dial(self, number, prefix_label=None):
        extensions = self._pbx_dial_extensions()
        if not extensions:
            return originate.dial_result("error", _(
                "You have no PBX extension to call from. Ask your administrator to bind one "
                "to your user."), code="no_extension")
        enabled = extensions.filtered(lambda extension: extension.connection_id.enabled)
        if not enabled:
            return originate.dial_result("error", _(
                "The PBX integration %s is disabled.", extensions[0].connection_id.name),
                code="disabled", extension=extensions[0].name)
        extension = enabled[0]
        return extension.connection_id._originate(extension, number, prefix_label)
