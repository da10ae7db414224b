from odoo import http
from odoo.http import request

from .main import PBX_ROUTE as ROUTE, _http_in, json_response, text_response


class PbxLookupController(http.Controller):
    """Read-only PBX routes, adapters like the event routes: request -> one model call -> answer.
    Every method is routed so that the model answers a wrong one (405) in the route's own format."""

    @http.route("/api/callcenter/lookup", **ROUTE)
    def callcenter_lookup(self, **_params):
        return json_response(*request.env["pbx.connection"]._api_lookup(_http_in()))

    @http.route("/api/callcenter/caller_name", **ROUTE)
    def callcenter_caller_name(self, **_params):
        """For Asterisk/FreePBX (CURL into CALLERID(name)): the name only, or an empty body."""
        return text_response(*request.env["pbx.connection"]._api_caller_name(_http_in()))

    @http.route("/api/callcenter/phonebook.<string:file_format>", **ROUTE)
    def callcenter_phonebook(self, file_format, **_params):
        """The phone book streamed as JSON, CSV or Yealink XML (see lib/phonebook.py)."""
        status, headers, chunks = request.env["pbx.connection"]._api_phonebook(_http_in(), file_format)
        return request.make_response(chunks, headers=headers, status=status)
