"""lib/text.py: control characters and byte-bounded truncation."""

from __future__ import annotations

from lib.text import truncate_utf8


def test_a_text_that_fits_is_unchanged():
    assert truncate_utf8("x" * 10, 10) == "x" * 10


def test_a_long_text_keeps_its_first_bytes_and_says_how_many_were_cut():
    assert truncate_utf8("abcdef", 4) == "abcd\n[truncated: 2 bytes cut]"


def test_a_multibyte_character_is_never_split():
    # "é" is 2 bytes: a cut inside it drops the whole character
    assert truncate_utf8("aé" * 3, 5) == "aéa\n[truncated: 5 bytes cut]"
