import json

from odoo import http
from odoo.http import request

from .main import _http_in


class PbxYeastarController(http.Controller):
    """Yeastar P-Series webhook (Integrations › API › Webhook Event Push): an adapter, request ->
    plain values -> one model call -> JSON. The token comes in the URL (?token=)."""

    @http.route(
        "/api/callcenter/yeastar", type="http", auth="none",
        methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        csrf=False, save_session=False, readonly=False,
    )
    def yeastar_event(self, **_params):
        status, body = request.env["pbx.call.event"]._yeastar_receive(_http_in())
        return request.make_response(
            json.dumps(body, ensure_ascii=False),
            headers=[("Content-Type", "application/json; charset=utf-8"),
                     ("Cache-Control", "no-store")],
            status=status,
        )
