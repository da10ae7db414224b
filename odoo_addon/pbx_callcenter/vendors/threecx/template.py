"""The 3CX CRM template shipped with the module (``pbx_callcenter_3cx.xml``): read it and fill
in the Odoo URL for the download. Its replay, which the tests send to the routes, is
``tests/threecx_replay.py``."""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

from ...lib.text import has_control_chars

TEMPLATE_PATH = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "pbx_callcenter_3cx.xml")
TEMPLATE_FILENAME = "odoo_pbx_callcenter_3cx.xml"
URL_PARAMETER = "OdooUrl"

_URL_DEFAULT = re.compile(
    r'(<Parameter\s+Name="' + URL_PARAMETER + r'"[^>]*?\sDefault=")[^"]*(")')


def read_template(path: str = TEMPLATE_PATH) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def render(xml_text: str, base_url: str | None) -> str:
    """The template with the Odoo URL parameter's default set to ``base_url`` (http(s) only,
    trailing slash dropped); unchanged when ``base_url`` is empty or not a web URL."""
    url = (base_url or "").strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(
            ch in url for ch in '"<>&\'') or has_control_chars(url):
        return xml_text
    rendered, count = _URL_DEFAULT.subn(lambda match: match[1] + url + match[2], xml_text, count=1)
    if count != 1:
        raise ValueError(f"the template has no {URL_PARAMETER} parameter")
    return rendered


# ---- reading the scenarios -----------------------------------------------------------------


# ---- what 3CX sends -------------------------------------------------------------------------
