"""Small text checks shared by the parsers."""

from __future__ import annotations


def has_control_chars(text: str) -> bool:
    """Whether ``text`` holds a C0/C1 control character or DEL (Unicode category Cc)."""
    return any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in text)
