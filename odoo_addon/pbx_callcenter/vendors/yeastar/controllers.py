from werkzeug.exceptions import NotFound

from odoo import _, http
from odoo.http import Response, content_disposition, request

from ...controllers.main import PBX_ROUTE, answer_json, http_in, text_response


class PbxYeastarController(http.Controller):
    """Yeastar P-Series webhook (Integrations › API › Webhook Event Push): request -> plain
    values -> one model call behind the gate -> JSON. The token comes in the URL (?token=)."""

    @http.route("/api/callcenter/yeastar", **PBX_ROUTE)
    def yeastar_event(self, **_params):
        return answer_json(lambda: request.env["pbx.call.event"]._yeastar_receive(http_in()))

    @http.route(
        "/pbx_callcenter/yeastar/<int:connection_id>/recording/<path:filename>", type="http",
        auth="user", methods=["GET"], readonly=False,
    )
    def yeastar_recording(self, connection_id, filename, **_params):
        """Play a recording kept on the PBX, fetched through its API, for a user who can see
        the call (the connection's recording base URL points here: see models.py)."""
        name = filename.rsplit("/", 1)[-1]
        call = request.env["pbx.call"].search(
            [("connection_id", "=", connection_id), ("recording_file", "=", name)], limit=1)
        if not call:
            raise NotFound()
        upstream = call.connection_id._yeastar_recording(call.recording_file)
        if upstream is None:
            return text_response(502, _("The PBX did not provide this recording."))
        content_type = upstream.headers.get("Content-Type", "").split(";")[0].strip().lower()
        headers = [
            # never serve what the PBX says is HTML (or anything but audio) on Odoo's origin
            ("Content-Type", content_type if content_type.startswith("audio/") else "application/octet-stream"),
            ("X-Content-Type-Options", "nosniff"),
            ("Content-Disposition", content_disposition(name)),
            ("Cache-Control", "private, no-store"),
        ]
        length = upstream.headers.get("Content-Length", "")
        if length.isdigit():
            headers.append(("Content-Length", length))

        def chunks():
            try:
                yield from upstream.iter_content(65536)
            finally:
                upstream.close()

        return Response(chunks(), headers=headers, direct_passthrough=True)
