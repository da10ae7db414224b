import json

from odoo import http
from odoo.http import request

from .main import _http_in


class PbxZadarmaController(http.Controller):
    """Zadarma's notifications and recording playback: adapters, the logic is in
    models/pbx_zadarma.py and lib/zadarma.py."""

    @http.route(
        "/api/callcenter/zadarma", type="http", auth="none",
        methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        csrf=False, save_session=False, readonly=False,
    )
    def zadarma_notification(self, **_params):
        status, body = request.env["pbx.call.event"]._zadarma_receive(_http_in())
        if isinstance(body, str):  # the zd_echo of Zadarma's URL validation
            return request.make_response(body.encode(), status=status, headers=[
                ("Content-Type", "text/plain; charset=utf-8"), ("X-Content-Type-Options", "nosniff"),
                ("Cache-Control", "no-store")])
        return request.make_response(
            json.dumps(body, ensure_ascii=False),
            headers=[("Content-Type", "application/json; charset=utf-8"), ("Cache-Control", "no-store")],
            status=status,
        )

    @http.route(
        "/pbx_callcenter/zadarma/recording/<int:connection_id>/<string:record_id>",
        type="http", auth="user", methods=["GET"],
    )
    def zadarma_recording(self, connection_id, record_id, **_params):
        """Redirect to a fresh Zadarma link of the recording (the call must be readable)."""
        status, location = request.env["pbx.call"]._zadarma_recording_link(connection_id, record_id)
        if status == 303:
            return request.redirect(location, code=303, local=False)
        return request.make_response(location.encode(), status=status, headers=[
            ("Content-Type", "text/plain; charset=utf-8"), ("X-Content-Type-Options", "nosniff"),
            ("Cache-Control", "no-store")])
