from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from odoo import _, models
from odoo.http import request

from ..lib import contract

API_PREFIX = "/api/callcenter/"


class IrHttp(models.AbstractModel):
    """What Odoo does to a request before the PBX API's routes run, made safe for hostile
    requests (found by tests/live/test_live_fuzz.py)."""

    _inherit = "ir.http"

    @classmethod
    def _pre_dispatch(cls, rule, args):
        super()._pre_dispatch(rule, args)
        if _is_pbx_api(rule.endpoint):
            # Odoo parses form bodies before calling any route, and werkzeug refuses a
            # multipart body of more than max_form_parts (1000) parts with an HTML 413 page.
            # Parse it now, so that the PBX gets the API's JSON answer instead.
            try:
                request.httprequest.form  # noqa: B018 - parsed and cached by werkzeug
            except RequestEntityTooLarge:
                status, body = contract.error_response(
                    "payload_too_large", _("The body has too many form fields."))
                raise HTTPException(response=request.make_json_response(
                    body, headers=[("Cache-Control", "no-store")], status=status)) from None

    @classmethod
    def _dispatch(cls, endpoint):
        if _is_pbx_api(endpoint):
            # Odoo passes every query and form field to the route as a keyword argument: one
            # named "self" made the call itself fail (TypeError, HTTP 500) before our code ran.
            # The PBX routes read the request themselves (controllers/main.py _http_in).
            request.params.pop("self", None)
        return super()._dispatch(endpoint)


def _is_pbx_api(endpoint):
    routing = getattr(endpoint, "routing", None) or {}
    routes = routing.get("routes") or ()
    return routing.get("type") == "http" and bool(routes) and all(
        route.startswith(API_PREFIX) for route in routes)
