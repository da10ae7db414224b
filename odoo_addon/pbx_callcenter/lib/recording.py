"""Where a call recording lives: a URL given by the PBX, or a file under a base URL."""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

from .text import has_control_chars

MAX_LENGTH = 2048
_WEB_SCHEMES = ("http", "https")


def _check_segments(path: str) -> None:
    """Refuse ``..`` segments, also percent-encoded or behind backslashes."""
    if any(unquote(segment) == ".." for segment in re.split(r"[/\\]", path)):
        raise ValueError("'..' segments are not allowed")


def _last_segment(path: str) -> str | None:
    return unquote(path.rsplit("/", 1)[-1]) or None


def _base_directory(base_url: str) -> str:
    """``base_url`` as a directory URL (trailing slash, no query), validated."""
    parts = urlsplit(base_url.strip())
    if parts.scheme.lower() not in _WEB_SCHEMES or not parts.netloc:
        raise ValueError("the recording base URL must be an http(s) URL")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def recording_location(value: str | None, base_url: str | None) -> tuple[str | None, str | None]:
    """``(url, filename)`` of a PBX ``recordingfile``.

    An http(s) URL is kept as is. A file name or relative path (leading
    slashes dropped) is percent-encoded and joined under ``base_url``; without
    a base URL only the file name is known. ``(None, None)`` for an empty value.
    ValueError on ``..`` segments, other schemes, control characters, or more
    than 2048 characters.
    """
    if value is None:
        return None, None
    if not isinstance(value, str):
        raise ValueError("must be a string")
    text = value.strip()
    if len(text) > MAX_LENGTH:
        raise ValueError(f"too long (max {MAX_LENGTH})")
    if has_control_chars(text):
        raise ValueError("must not contain control characters")
    if not text:
        return None, None
    parts = urlsplit(text)
    if parts.scheme:
        if parts.scheme.lower() not in _WEB_SCHEMES or not parts.netloc:
            raise ValueError("must be an http(s) URL or a file name")
        _check_segments(parts.path)
        return text, _last_segment(parts.path)
    relative = text.lstrip("/")
    _check_segments(relative)
    filename = _last_segment(relative)
    if filename is None:
        raise ValueError("must name a file")
    if not base_url:
        return None, filename
    return urljoin(_base_directory(base_url), quote(relative, safe="/")), filename
