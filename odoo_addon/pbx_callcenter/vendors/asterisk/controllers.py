from odoo import http
from odoo.http import request

from ...controllers.main import PBX_ROUTE, http_in, text_response
from ...lib.gate import Refusal


class PbxAsteriskController(http.Controller):
    """The caller name for Asterisk/FreePBX (CURL into CALLERID(name)): the name only, or an
    empty body whatever the error (its status says what went wrong)."""

    @http.route("/api/callcenter/caller_name", **PBX_ROUTE)
    def callcenter_caller_name(self, **_params):
        try:
            return text_response(200, request.env["pbx.connection"]._api_caller_name(http_in()))
        except Refusal as refusal:
            return text_response(refusal.status, "")
