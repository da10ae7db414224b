import json

from werkzeug.exceptions import HTTPException, NotFound, RequestEntityTooLarge

from odoo import _, http, models
from odoo.http import request

from ..lib import bodylimit, contract, tokens
from . import odoo_compat

API_PREFIX = "/api/callcenter/"


class IrHttp(models.AbstractModel):
    """What Odoo does to a request before the PBX API's routes run, made safe for hostile
    requests (found by tests/live/test_live_fuzz.py)."""

    _inherit = "ir.http"

    @classmethod
    def _pre_dispatch(cls, rule, args):
        if not _is_pbx_api(rule.endpoint):
            return super()._pre_dispatch(rule, args)
        limit = request.env["pbx.connection"]._max_body_bytes()
        _limit_body(limit)  # before anything reads the body
        try:
            super()._pre_dispatch(rule, args)
            # Odoo parses form bodies before calling any route, and werkzeug refuses a
            # multipart body of more than max_form_parts (1000) parts with an HTML 413 page.
            # Parse it now, so that the PBX gets the API's JSON answer instead.
            request.httprequest.form  # noqa: B018 - parsed and cached by werkzeug
        except RequestEntityTooLarge:
            _refuse_body(_("The body has too many form fields."))
        except bodylimit.BodyTooLarge:
            _refuse_body(_("The body exceeds %s bytes.", limit))
        return None

    def session_info(self):
        """Tell the web client which extension a click on a phone number dials from
        (web/src/odoo/dial_session.ts), or False: then Odoo's tel: links stay as they are."""
        info = super().session_info()
        extension = self.env["res.users"]._pbx_dial_extensions().filtered(
            lambda candidate: candidate.connection_id.enabled)[:1]
        info["pbx_callcenter_dial"] = {"extension": extension.name} if extension else False
        return info

    @classmethod
    def _dispatch(cls, endpoint):
        if _is_pbx_api(endpoint):
            # Odoo passes every query and form field to the route as a keyword argument: one
            # named "self" made the call itself fail (TypeError, HTTP 500) before our code ran.
            # The PBX routes read the request themselves (controllers/main.py http_in).
            request.params.pop("self", None)
        return super()._dispatch(endpoint)


def _limit_body(limit):
    """Make every read of this request's body, werkzeug's form parser's included, raise
    lib.bodylimit.BodyTooLarge past `limit` bytes, having read at most one more: werkzeug
    reads a chunked body (no Content-Length) to its end otherwise, into memory for a JSON body
    or a form field."""
    wrapped = odoo_compat.werkzeug_request(request.httprequest)
    if not isinstance(wrapped.__dict__.get("stream"), bodylimit.BoundedReader):
        wrapped.stream = bodylimit.BoundedReader(wrapped.stream, limit)


def _refuse_body(message):
    """Answer the API's JSON 413 now, before the route runs."""
    status, body = contract.error_response("payload_too_large", message)
    raise HTTPException(response=request.make_json_response(
        body, headers=[("Cache-Control", "no-store")], status=status)) from None


def _is_pbx_api(endpoint):
    routing = getattr(endpoint, "routing", None) or {}
    routes = routing.get("routes") or ()
    return routing.get("type") == "http" and bool(routes) and all(
        route.startswith(API_PREFIX) for route in routes)


def _serve_nodb_unless_pbx_api(serve_nodb):
    """Odoo serves a request without a database when it cannot reach PostgreSQL (a restart, a
    failover): our routes are not in that routing map, so a PBX got 404 and, taking a 4xx as
    final, dropped the event (found by tests/live/test_live_drills.py). Answer a 5xx instead,
    which every PBX retries. Patched once per process, when the module is imported."""

    def _serve_nodb(self):
        try:
            return serve_nodb(self)
        except NotFound:
            if not self.httprequest.path.startswith(API_PREFIX):
                raise
            # No database, no language to translate into (and Odoo 18's _() fails here)
            status, body = contract.error_response(
                "processing_failed",
                "The database cannot be reached: nothing was saved, send the event again.")
            return http.Response(
                json.dumps(body, ensure_ascii=False), status=status,
                headers=[("Content-Type", "application/json; charset=utf-8"),
                         ("Cache-Control", "no-store"), ("Retry-After", "1")])

    _serve_nodb.pbx_callcenter = True
    return _serve_nodb


if not getattr(http.Request._serve_nodb, "pbx_callcenter", False):
    http.Request._serve_nodb = _serve_nodb_unless_pbx_api(http.Request._serve_nodb)

# werkzeug's access log (Odoo 17/18 write it at INFO, the gevent server's as "longpolling")
# carries the query string, so ?token=: redacted in every line, once per process.
tokens.install_log_redaction("werkzeug", "longpolling")
