"""The HTTP edge of every PBX route: the request as plain values in, the answer out.

Controllers own requests and answers (status codes, headers, bounded body reads); the models
behind them take plain values (:func:`http_in`) and return results, or raise
``lib.gate.Refusal``, which :func:`answer_json` turns into the JSON error of the contract.
The canonical event routes are here; each vendor's routes are in its unit
(``vendors/<name>/controllers.py``).
"""
import json

from odoo import http
from odoo.http import request

from ..lib.gate import Refusal

ROUTES = ("call_in", "init", "call_out", "answer")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
#: Options of every route a PBX or an IP phone calls. Every method is routed so that the gate
#: answers a wrong one (405) in the route's own format; Odoo 18 makes auth="none" routes
#: read-only unless told otherwise.
PBX_ROUTE = {"type": "http", "auth": "none", "methods": ["GET", "POST", "PUT", "PATCH", "DELETE"],
             "csrf": False, "save_session": False, "readonly": False}


class PbxCallCenterController(http.Controller):
    """The canonical PBX event API."""

    @http.route([f"/api/callcenter/{route}" for route in ROUTES], **PBX_ROUTE)
    def callcenter_event(self, **_params):
        route = request.httprequest.path.rstrip("/").rsplit("/", 1)[-1]
        return answer_json(lambda: request.env["pbx.call.event"]._receive_canonical(route, http_in()))


def answer_json(produce):
    """The JSON answer of a PBX route: what ``produce()`` returns (200; a str is answered as
    text), or the status and body of the Refusal it raises."""
    try:
        result = produce()
    except Refusal as refusal:
        return json_response(*refusal.answer())
    if isinstance(result, str):
        return text_response(200, result)
    return json_response(200, result)


def json_response(status, body):
    """The JSON answer of a PBX route (never cached: it names calls and contacts)."""
    return request.make_response(
        json.dumps(body, ensure_ascii=False),
        headers=[("Content-Type", "application/json; charset=utf-8"), ("Cache-Control", "no-store")],
        status=status,
    )


def text_response(status, text):
    """A plain-text answer (Zadarma's zd_echo, FreePBX's caller name, playback errors)."""
    return request.make_response(
        text.encode("utf-8"), status=status,
        headers=[("Content-Type", "text/plain; charset=utf-8"), ("X-Content-Type-Options", "nosniff"),
                 ("Cache-Control", "no-store")],
    )


def http_in():
    """The request as plain values; the body is read lazily (never when oversized).

    Odoo's dispatcher has already parsed form-encoded bodies (to build request.params) before
    this runs, so those arrive as `form`, a dict, and their raw bytes are no longer available.
    """
    httprequest = request.httprequest
    content_type = httprequest.mimetype or None
    is_form = content_type in FORM_TYPES
    return {
        "method": httprequest.method,
        "path": httprequest.path,
        "headers": dict(httprequest.headers),
        "query": httprequest.args.to_dict(),
        "remote_addr": httprequest.remote_addr,
        "content_type": content_type,
        "content_length": httprequest.content_length,
        "form": httprequest.form.to_dict() if is_form else None,
        # Bounded: the gate refuses a Content-Length over its limit before calling this, and
        # on every PBX route the body's stream raises lib.bodylimit.BodyTooLarge past the limit,
        # chunked bodies included (installed by models/ir_http.py before Odoo reads a form).
        "read_body": lambda limit: httprequest.get_data()[:limit],
    }
