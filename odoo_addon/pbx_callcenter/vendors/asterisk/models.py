"""Asterisk / FreePBX, the Odoo side: the connection kind, whose tokens open the canonical routes
(the AMI bridge, tools/ami_bridge, posts them) and the lookups, and the caller name that CURL()
reads into CALLERID(name)."""
import logging

from odoo import _, api, fields, models

from ...lib import lookup, payload
from ...lib.gate import Refusal

_logger = logging.getLogger(__name__)


class PbxConnection(models.Model):
    _inherit = "pbx.connection"

    kind = fields.Selection(selection_add=[("asterisk", "Asterisk / FreePBX")],
                            ondelete={"asterisk": "set default"})

    @api.model
    def _pbx_route_kinds(self):
        kinds = super()._pbx_route_kinds()
        return dict(kinds, canonical=kinds["canonical"] + ("asterisk",),
                    lookup=kinds["lookup"] + ("asterisk",))  # /lookup and /caller_name

    # ---- /api/callcenter/caller_name ---------------------------------------------------------

    @api.model
    def _api_caller_name(self, http_in):
        """The caller's name only, made safe for a SIP display name, behind the gate; else a
        raised lib.gate.Refusal, which the route answers with its status and an EMPTY body:
        Asterisk's CURL() puts whatever body it receives into CALLERID(name). An unknown number
        and a blacklisted one (a blocked caller is not announced by name) give an empty name.
        """
        connection_su, _body = self._gate(http_in, "lookup", methods=("GET", "POST"),
                                          read_body=False)
        try:
            number = lookup.read_number(http_in["query"].get("number"))
        except payload.PayloadError as error:
            raise Refusal("invalid_payload", _("The number is missing or invalid."), error.fields) from None
        try:
            answer = connection_su._lookup_caller(number)
        except Exception:  # noqa: BLE001 - an error text would show on the phone as a name
            _logger.exception("Caller-name lookup failed on PBX connection %s", connection_su.id)
            raise Refusal("processing_failed", _("The lookup failed.")) from None
        if answer["blocked"]:
            return ""
        return lookup.sip_display_name(answer["caller_name"])
