"""API tokens and webhook signatures."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Mapping

TOKEN_PREFIX = "pbx_"
SIGNATURE_PREFIX = "sha256="
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}", re.ASCII)


def generate_token() -> str:
    """A new API token: ``pbx_`` followed by 43 URL-safe characters (256 bits)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """SHA-256 hex digest of a token: the only form a token is stored in."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _header(headers: Mapping[str, str], name: str) -> str:
    """Case-insensitive header value, stripped ('' when absent or not text)."""
    for key, value in headers.items():
        if isinstance(key, str) and key.lower() == name and isinstance(value, str):
            return value.strip()
    return ""


def token_from_request(headers: Mapping[str, str], query: Mapping[str, str]) -> str | None:
    """The token a request carries: ``Authorization: Bearer``, then ``X-Api-Key``, then ``?token=``."""
    scheme, _, credentials = _header(headers, "authorization").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    api_key = _header(headers, "x-api-key")
    if api_key:
        return api_key
    token = query.get("token")
    if isinstance(token, str) and token.strip():
        return token.strip()
    return None


def sign(secret: str, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256(secret, body)>``, the ``X-Signature`` header value."""
    if not secret:
        raise ValueError("a signing secret is required")
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


def verify_signature(secret: str, body: bytes, header: str | None) -> bool:
    """Whether ``header`` (with or without ``sha256=``) signs ``body``; constant time.

    An empty secret verifies nothing (False).
    """
    if not secret or not isinstance(header, str):
        return False
    candidate = header.strip()
    if candidate[: len(SIGNATURE_PREFIX)].lower() == SIGNATURE_PREFIX:
        candidate = candidate[len(SIGNATURE_PREFIX):]
    candidate = candidate.lower()
    if not _HEX_DIGEST.fullmatch(candidate):
        return False
    expected = sign(secret, body)[len(SIGNATURE_PREFIX):]
    return hmac.compare_digest(expected, candidate)


# ---- v2: the request signature (method, path, time) ---------------------------------------

SIGNATURE_V2_PREFIX = "v2="
#: Seconds a v2 signature's X-Signature-Timestamp may be away from Odoo's clock, either way.
SIGNATURE_WINDOW = 300
_TIMESTAMP = re.compile(r"[0-9]{1,12}", re.ASCII)


def sign_request(secret: str, timestamp: int | str, method: str, path: str, body: bytes) -> str:
    """``v2=<hex HMAC-SHA256(secret, "<timestamp>\\n<METHOD>\\n<path>\\n" + body)>``: the
    ``X-Signature`` of a request sent with ``X-Signature-Timestamp: <timestamp>`` (Unix seconds).
    ``path`` is the URL path without its query string, e.g. ``/api/callcenter/call_in``."""
    if not secret:
        raise ValueError("a signing secret is required")
    message = f"{timestamp}\n{method.upper()}\n{path}\n".encode("utf-8") + body
    return SIGNATURE_V2_PREFIX + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signature_problem(secret: str, headers: Mapping[str, str], method: str, path: str, body: bytes,
                      now: float, *, require_v2: bool = False,
                      window: int = SIGNATURE_WINDOW) -> str | None:
    """Why the request's ``X-Signature`` does not hold, or None when it does (constant time).

    ``v2=`` signs timestamp, method, path and body (see sign_request); anything else is read as
    the body-only ``sha256=`` scheme (see verify_signature), which a body replayed to another
    route also passes. Problems: ``scheme`` (not v2 where v2 is required), ``timestamp``
    (missing, unreadable or more than ``window`` seconds away from ``now``), ``invalid``.
    """
    header = _header(headers, "x-signature")
    if header[: len(SIGNATURE_V2_PREFIX)].lower() != SIGNATURE_V2_PREFIX:
        if require_v2:
            return "scheme"
        return None if verify_signature(secret, body, header) else "invalid"
    stamp = _header(headers, "x-signature-timestamp")
    if not _TIMESTAMP.fullmatch(stamp) or abs(int(stamp) - now) > window:
        return "timestamp"
    candidate = header[len(SIGNATURE_V2_PREFIX):].strip().lower()
    if not secret or not _HEX_DIGEST.fullmatch(candidate):
        return "invalid"
    expected = sign_request(secret, stamp, method, path, body)[len(SIGNATURE_V2_PREFIX):]
    return None if hmac.compare_digest(expected, candidate) else "invalid"


# ---- tokens kept out of logs ------------------------------------------------------------------

REDACTED = "***"
#: A credential in a query string: token=, access_token=, api_key=, secret=, password=...
_SECRET_PARAM = re.compile(
    r"(?i)((?:^|(?<=[?&;\s]))[\w.-]*(?:token|secret|key|password|passwd|signature)=)[^&\s\"'#]*")
#: An API token of this module wherever it appears.
_TOKEN_SHAPE = re.compile(re.escape(TOKEN_PREFIX) + r"[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])")


def redact(text: str) -> str:
    """``text`` with every credential of a URL query (``token=…`` → ``token=***``) and every
    API token of this module replaced by ``***``."""
    if "=" in text:
        text = _SECRET_PARAM.sub(r"\g<1>" + REDACTED, text)
    if TOKEN_PREFIX in text:
        text = _TOKEN_SHAPE.sub(REDACTED, text)
    return text


def _redact_arg(value):
    return redact(value) if isinstance(value, str) else value


class RedactTokens(logging.Filter):
    """Redacts the message and text arguments of every record of its logger (see redact): for
    werkzeug's access log, whose request line carries ``?token=`` at INFO."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, Mapping):
            record.args = {key: _redact_arg(value) for key, value in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(_redact_arg(value) for value in record.args)
        return True


def install_log_redaction(*logger_names: str) -> None:
    """Add a RedactTokens filter to each named logger, once per process. A logger's filters see
    only its own records, not those of its children."""
    for name in logger_names:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, RedactTokens) for existing in logger.filters):
            logger.addFilter(RedactTokens())
