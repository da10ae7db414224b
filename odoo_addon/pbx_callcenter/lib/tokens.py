"""API tokens and webhook signatures."""

from __future__ import annotations

import hashlib
import hmac
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
