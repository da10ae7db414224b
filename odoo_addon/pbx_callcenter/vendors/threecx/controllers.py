from odoo import http
from odoo.http import content_disposition, request
from werkzeug.exceptions import NotFound

from ...controllers.main import PBX_ROUTE as ROUTE, answer_json, http_in
from . import protocol as threecx


class PbxThreecxController(http.Controller):
    """The routes 3CX's server-side CRM template calls, and the template's download. Adapters:
    request -> one model call behind the gate -> JSON. Every method is routed so that the gate
    answers a wrong one (405) as JSON."""

    @http.route(threecx.LOOKUP_PATH, **ROUTE)
    def threecx_lookup(self, **_params):
        return answer_json(lambda: request.env["pbx.connection"]._api_threecx_lookup(http_in()))

    @http.route(threecx.SEARCH_PATH, **ROUTE)
    def threecx_search(self, **_params):
        return answer_json(lambda: request.env["pbx.connection"]._api_threecx_search(http_in()))

    @http.route(threecx.CONTACT_PATH, **ROUTE)
    def threecx_contact(self, **_params):
        return answer_json(lambda: request.env["pbx.connection"]._api_threecx_contact(http_in()))

    @http.route(threecx.JOURNAL_PATH, **ROUTE)
    def threecx_journal(self, **_params):
        return answer_json(lambda: request.env["pbx.connection"]._api_threecx_journal(http_in()))

    @http.route("/pbx_callcenter/3cx/template/<int:connection_id>", type="http", auth="user",
                methods=["GET"])
    def threecx_template(self, connection_id, **_params):
        connection = request.env["pbx.connection"].search([("id", "=", connection_id)])
        if not connection:
            raise NotFound()
        filename, xml_text = connection._threecx_template_file()
        return request.make_response(xml_text.encode("utf-8"), headers=[
            ("Content-Type", "application/xml; charset=utf-8"),
            ("Content-Disposition", content_disposition(filename)),
            ("Cache-Control", "no-store"),
        ])
