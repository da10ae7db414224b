from odoo import http
from odoo.http import request

from ..lib.gate import Refusal
from .main import PBX_ROUTE as ROUTE, answer_json, http_in, json_response


class PbxLookupController(http.Controller):
    """Read-only PBX routes, like the event routes: request -> one model call behind the gate ->
    answer. Every method is routed so that the gate answers a wrong one (405) as JSON."""

    @http.route("/api/callcenter/lookup", **ROUTE)
    def callcenter_lookup(self, **_params):
        return answer_json(lambda: request.env["pbx.connection"]._api_lookup(http_in()))

    @http.route("/api/callcenter/phonebook.<string:file_format>", **ROUTE)
    def callcenter_phonebook(self, file_format, **_params):
        """The phone book streamed as JSON, CSV or Yealink XML (see lib/phonebook.py)."""
        try:
            headers, chunks = request.env["pbx.connection"]._api_phonebook(http_in(), file_format)
        except Refusal as refusal:
            return json_response(*refusal.answer())
        return request.make_response(chunks, headers=headers, status=200)
