import json
import logging

from odoo import SUPERUSER_ID, _, api, models

from ..lib import contract, lookup, payload, phonebook

_logger = logging.getLogger(__name__)

JSON_HEADERS = [("Content-Type", "application/json; charset=utf-8"), ("Cache-Control", "no-store")]
TRUE_FLAGS = ("1", "true", "yes")
FALSE_FLAGS = ("", "0", "false", "no")


class PbxConnection(models.Model):
    """The read-only PBX routes: the lookup answer as JSON, the caller name as plain text for
    Asterisk/FreePBX, and the phone book for IP phones. They authenticate like the event
    routes (token, source IP, enabled switch) and write nothing."""

    _inherit = "pbx.connection"

    @api.model
    def _authenticate_read(self, http_in, route, methods):
        """(connection, error) of a read-only request to the `route` group: its method must be
        one of `methods`, then the token and source IP (see _authenticate_request), then the
        enabled switch."""
        Connection = self.env(user=SUPERUSER_ID, su=True)[self._name]
        connection, error = Connection._authenticate_request(http_in, route, methods)
        if error:
            return Connection, error
        if not connection.enabled:
            return Connection, connection._disabled_error()
        return connection, None

    # ---- /api/callcenter/lookup ------------------------------------------------------------

    @api.model
    def _api_lookup(self, http_in):
        """(status, dict): the lookup answer (lib.contract.lookup_answer) for `number`, read from
        the query string or a form body. Never raises for anything the client sent."""
        connection, error = self._authenticate_read(http_in, "lookup", ("GET", "POST"))
        if error:
            return error
        raw = http_in["query"].get("number")
        if raw is None and http_in["form"]:
            raw = http_in["form"].get("number")
        try:
            number = lookup.read_number(raw)
        except payload.PayloadError as error:
            return contract.error_response(
                "invalid_payload", _("The number is missing or invalid."), error.fields)
        try:
            return 200, connection._lookup_caller(number)
        except Exception:  # noqa: BLE001 - logged; the PBX gets a JSON error, not a stack trace
            _logger.exception("Caller lookup failed on PBX connection %s", connection.id)
            return contract.error_response("processing_failed", _("The lookup failed."))

    # ---- /api/callcenter/caller_name ---------------------------------------------------------

    @api.model
    def _api_caller_name(self, http_in):
        """(status, text): the caller's name only, made safe for a SIP display name.

        Asterisk's CURL() puts whatever body it receives into CALLERID(name), so every error
        answer has an EMPTY body (its status says what went wrong), and so do an unknown number
        and a blacklisted one (a blocked caller is not announced by name).
        """
        connection, error = self._authenticate_read(http_in, "lookup", ("GET", "POST"))
        if error:
            return error[0], ""
        try:
            number = lookup.read_number(http_in["query"].get("number"))
        except payload.PayloadError:
            return contract.ERROR_STATUS["invalid_payload"], ""
        try:
            answer = connection._lookup_caller(number)
        except Exception:  # noqa: BLE001 - an error text would show on the phone as a name
            _logger.exception("Caller-name lookup failed on PBX connection %s", connection.id)
            return contract.ERROR_STATUS["processing_failed"], ""
        if answer["blocked"]:
            return 200, ""
        return 200, lookup.sip_display_name(answer["caller_name"])

    # ---- /api/callcenter/phonebook.<format> ----------------------------------------------------

    @api.model
    def _api_phonebook(self, http_in, file_format):
        """(status, headers, chunks): the phone book as `file_format` (json, csv or xml), or a
        JSON error. Query: include=individuals,companies,leads; bom=1 (CSV for Excel)."""
        connection, error = self._authenticate_read(http_in, "phonebook", ("GET",))
        if error:
            return _json_answer(error)
        query = http_in["query"]
        bad = {}
        try:
            kinds = phonebook.parse_include(query.get("include"))
        except ValueError as error:
            bad["include"] = str(error)
        bom = (query.get("bom") or "").strip().lower()
        if bom not in TRUE_FLAGS + FALSE_FLAGS:
            bad["bom"] = "must be 1 or 0"
        try:
            renderer = phonebook.get_format(file_format, bom=bom in TRUE_FLAGS)
        except ValueError as error:
            bad["format"] = str(error)
        if bad:
            return _json_answer(contract.error_response(
                "invalid_payload", _("Some parameters are invalid."), bad))
        export = connection._phonebook_export(renderer, kinds)
        headers = [
            ("Content-Type", renderer.media_type),
            ("Content-Length", str(export.size)),
            ("Content-Disposition", f'inline; filename="phonebook.{renderer.extension}"'),
            ("Cache-Control", "no-store"),
            ("X-Pbx-Count", str(export.summary.count)),
            ("X-Pbx-Skipped", export.summary.skipped_header()),
        ]
        return 200, headers, export.chunks()


def _json_answer(error):
    status, body = error
    return status, JSON_HEADERS, [json.dumps(body, ensure_ascii=False).encode("utf-8")]
