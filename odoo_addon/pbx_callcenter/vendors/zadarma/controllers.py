from odoo import http
from odoo.http import request

from ...controllers.main import PBX_ROUTE, answer_json, http_in, text_response
from .models import RecordingUnavailable

#: The HTTP status of each reason a recording cannot be played.
UNAVAILABLE_STATUS = {"not_found": 404, "refused": 502, "timeout": 504}


class PbxZadarmaController(http.Controller):
    """Zadarma's notifications and recording playback (the logic: models.py, protocol.py)."""

    @http.route("/api/callcenter/zadarma", **PBX_ROUTE)
    def zadarma_notification(self, **_params):
        return answer_json(lambda: request.env["pbx.call.event"]._zadarma_receive(http_in()))

    @http.route(
        "/pbx_callcenter/zadarma/recording/<int:connection_id>/<string:record_id>",
        type="http", auth="user", methods=["GET"],
    )
    def zadarma_recording(self, connection_id, record_id, **_params):
        """Redirect to a fresh Zadarma link of the recording (the call must be readable)."""
        try:
            link = request.env["pbx.call"]._zadarma_recording_link(connection_id, record_id)
        except RecordingUnavailable as why:
            return text_response(UNAVAILABLE_STATUS[why.kind], str(why))
        return request.redirect(link, code=303, local=False)
