import logging

from odoo import _, api, models

from ..lib import lookup, payload, phonebook
from ..lib.gate import Refusal

_logger = logging.getLogger(__name__)

TRUE_FLAGS = ("1", "true", "yes")
FALSE_FLAGS = ("", "0", "false", "no")


class PbxConnection(models.Model):
    """The read-only PBX routes: the lookup answer as JSON and the phone book for IP phones
    (the caller name for Asterisk is in vendors/asterisk). They pass the gate like the event
    routes (method, token, source IP, enabled switch) and write nothing."""

    _inherit = "pbx.connection"

    # ---- /api/callcenter/lookup ------------------------------------------------------------

    @api.model
    def _api_lookup(self, http_in):
        """The lookup answer (lib.contract.lookup_answer) for `number`, read from the query
        string or a form body, behind the gate; else a raised lib.gate.Refusal."""
        connection_su, _body = self._gate(http_in, "lookup", methods=("GET", "POST"), read_body=False)
        raw = http_in["query"].get("number")
        if raw is None and http_in["form"]:
            raw = http_in["form"].get("number")
        try:
            number = lookup.read_number(raw)
        except payload.PayloadError as error:
            raise Refusal("invalid_payload", _("The number is missing or invalid."), error.fields) from None
        try:
            return connection_su._lookup_caller(number)
        except Exception:  # noqa: BLE001 - logged; the PBX gets a JSON error, not a stack trace
            _logger.exception("Caller lookup failed on PBX connection %s", connection_su.id)
            raise Refusal("processing_failed", _("The lookup failed.")) from None

    # ---- /api/callcenter/phonebook.<format> ----------------------------------------------------

    @api.model
    def _api_phonebook(self, http_in, file_format):
        """(headers, chunks): the phone book as `file_format` (json, csv or xml) behind the gate,
        else a raised lib.gate.Refusal. Query: include=individuals,companies,leads; bom=1 (CSV
        for Excel)."""
        connection_su, _body = self._gate(http_in, "phonebook", methods=("GET",), read_body=False)
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
            raise Refusal("invalid_payload", _("Some parameters are invalid."), bad)
        export = connection_su._phonebook_export(renderer, kinds)
        headers = [
            ("Content-Type", renderer.media_type),
            ("Content-Length", str(export.size)),
            ("Content-Disposition", f'inline; filename="phonebook.{renderer.extension}"'),
            ("Cache-Control", "no-store"),
            ("X-Pbx-Count", str(export.summary.count)),
            ("X-Pbx-Skipped", export.summary.skipped_header()),
        ]
        return headers, export.chunks()
