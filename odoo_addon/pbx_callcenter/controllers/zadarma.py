from odoo import http
from odoo.http import request

from .main import PBX_ROUTE, _http_in, json_response, text_response


class PbxZadarmaController(http.Controller):
    """Zadarma's notifications and recording playback: adapters, the logic is in
    models/pbx_zadarma.py and lib/zadarma.py."""

    @http.route("/api/callcenter/zadarma", **PBX_ROUTE)
    def zadarma_notification(self, **_params):
        status, body = request.env["pbx.call.event"]._zadarma_receive(_http_in())
        if isinstance(body, str):  # the zd_echo of Zadarma's URL validation
            return text_response(status, body)
        return json_response(status, body)

    @http.route(
        "/pbx_callcenter/zadarma/recording/<int:connection_id>/<string:record_id>",
        type="http", auth="user", methods=["GET"],
    )
    def zadarma_recording(self, connection_id, record_id, **_params):
        """Redirect to a fresh Zadarma link of the recording (the call must be readable)."""
        status, location = request.env["pbx.call"]._zadarma_recording_link(connection_id, record_id)
        if status == 303:
            return request.redirect(location, code=303, local=False)
        return text_response(status, location)
