"""Small text checks shared by the parsers."""

from __future__ import annotations

import html
import re

_HIDDEN = re.compile(r"<(script|style)\b.*?(?:</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^<>]*>?")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


def has_control_chars(text: str) -> bool:
    """Whether ``text`` holds a C0/C1 control character or DEL (Unicode category Cc)."""
    return any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in text)


def truncate_utf8(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes (never inside a character), followed by
    ``[truncated: N bytes cut]``; unchanged when it fits."""
    data = text.encode("utf-8", "surrogatepass")
    if len(data) <= limit:
        return text
    kept = data[:limit].decode("utf-8", "ignore")
    cut = len(data) - len(kept.encode("utf-8"))
    return f"{kept}\n[truncated: {cut} bytes cut]"


def excerpt(text: str, limit: int) -> str:
    """What a user may read of a remote answer: at most ``limit`` printable characters, with
    markup (tags, script and style blocks, entities) and control characters removed and
    whitespace collapsed; ``…`` ends a cut excerpt. Only the first ``limit * 20`` characters
    are read, so a long answer costs no more than a short one."""
    text = _ANSI.sub(" ", text[: limit * 20])
    text = _TAG.sub(" ", _HIDDEN.sub(" ", html.unescape(text)))
    text = "".join(ch if ch.isprintable() and ch not in "<>" else " " for ch in text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
