"""lib/phone.py: normalisation, index keys and the exact/tail matching they allow."""

from __future__ import annotations

import itertools

import pytest

from lib import phone

VN_FORMATS = ("+84989464344", "0989464344", "0084 98 946 4344", "(098) 946-4344", "84989464344")
TAIL = 9


def matches(incoming: str, stored: str, country: str | None, stored_country: str | None) -> bool:
    """The Odoo-side rule: stored_key == exact_key OR stored_key LIKE tail_prefix || '%'."""
    exact, tail = phone.lookup_keys(incoming, country, TAIL)
    stored_key = phone.index_key(stored, stored_country)
    if stored_key is None:
        return False
    return stored_key == exact or (tail is not None and stored_key.startswith(tail))


# ---- normalize ---------------------------------------------------------------

@pytest.mark.parametrize("raw", VN_FORMATS)
def test_every_vietnamese_format_normalizes_to_the_same_e164(raw):
    pn = phone.normalize(raw, "VN")
    assert pn.e164 == "+84989464344"
    assert pn.key == "44346498948"
    assert pn.raw == raw


def test_digits_keep_every_digit_of_the_raw_text():
    assert phone.normalize("+1 (650) 253-0000 ext. 123").digits == "16502530000123"


def test_extension_is_dropped_from_e164():
    assert phone.normalize("+1 (650) 253-0000 ext. 123").e164 == "+16502530000"


def test_country_code_without_plus_is_read_as_international_without_country():
    assert phone.normalize("84989464344").e164 == "+84989464344"


def test_national_number_without_country_keeps_raw_digits_in_its_key():
    pn = phone.normalize("0989464344")
    assert pn.e164 is None
    assert pn.key == "4434649890"


def test_double_zero_prefix_is_stripped_from_raw_key_when_not_parsable():
    pn = phone.normalize("00 999 123")
    assert pn.e164 is None
    assert pn.key == "321999"


def test_plus_number_ignores_the_country():
    assert phone.normalize("+1 650 253 0000", "VN").e164 == "+16502530000"


def test_unknown_or_lowercase_country_does_not_raise():
    assert phone.normalize("0989464344", "vn").e164 == "+84989464344"
    assert phone.normalize("0989464344", "XX").e164 is None
    assert phone.normalize("0989464344", "").e164 is None


def test_fewer_than_three_digits_get_no_key():
    assert phone.normalize("12").key is None
    assert phone.normalize("+1").key is None


def test_short_internal_extension_has_a_key_but_no_e164():
    pn = phone.normalize("101", "VN")
    assert (pn.e164, pn.key) == (None, "101")


def test_unicode_digits_are_read_as_ascii_digits():
    pn = phone.normalize("\u0660\u0669\u0668\u0669\u0664\u0666\u0664\u0663\u0664\u0664", "VN")
    assert pn.digits == "0989464344"
    assert pn.e164 == "+84989464344"


@pytest.mark.parametrize(
    "raw",
    ["", "   ", "abc", "'; DROP TABLE res_partner;--", "\x00\x00", "☎️", "+", "ext. 1"],
)
def test_text_without_enough_digits_has_no_e164_and_no_key(raw):
    pn = phone.normalize(raw, "VN")
    assert pn.e164 is None
    assert pn.key is None


def test_nul_bytes_between_digits_are_ignored():
    assert phone.normalize("098\x00946\x004344", "VN").e164 == "+84989464344"


def test_huge_input_is_not_parsed_and_gets_no_key():
    pn = phone.normalize("1" * 100_000, "VN")
    assert pn.e164 is None
    assert pn.key is None
    assert len(pn.digits) == 100_000


def test_long_but_plausible_garbage_keeps_a_raw_key_up_to_32_digits():
    assert phone.normalize("9" * 32).key == "9" * 32
    assert phone.normalize("9" * 33).key is None


@pytest.mark.parametrize("raw", [None, 989464344, b"0989464344", ["0989464344"]])
def test_non_string_input_is_a_type_error(raw):
    with pytest.raises(TypeError):
        phone.normalize(raw, "VN")


# ---- index_key -----------------------------------------------------------------

@pytest.mark.parametrize("empty", [None, False, ""])
def test_index_key_of_an_empty_field_is_none(empty):
    assert phone.index_key(empty, "VN") is None


def test_index_key_equals_the_normalized_key():
    assert phone.index_key("(098) 946-4344", "VN") == phone.normalize("(098) 946-4344", "VN").key


# ---- lookup_keys / matching ------------------------------------------------------

def test_lookup_keys_give_exact_key_and_reversed_tail():
    assert phone.lookup_keys("+84989464344", None, 9) == ("44346498948", "443464989")


@pytest.mark.parametrize("incoming, stored", itertools.product(VN_FORMATS, repeat=2))
def test_all_formats_of_one_number_match_each_other(incoming, stored):
    assert matches(incoming, stored, "VN", "VN")


@pytest.mark.parametrize("incoming, stored", itertools.product(VN_FORMATS, repeat=2))
def test_formats_match_even_when_stored_without_country(incoming, stored):
    assert matches(incoming, stored, "VN", None)


@pytest.mark.parametrize("incoming, stored", itertools.product(VN_FORMATS, repeat=2))
def test_formats_match_even_when_incoming_without_country(incoming, stored):
    assert matches(incoming, stored, None, "VN")


@pytest.mark.parametrize("other", ["+84989464345", "0989464345", "+84 98 946 4343", "+1 650 253 0000", "0912345678"])
@pytest.mark.parametrize("raw", VN_FORMATS)
def test_different_numbers_do_not_match(raw, other):
    assert not matches(raw, other, "VN", "VN")
    assert not matches(other, raw, "VN", "VN")


def test_short_number_never_tail_matches():
    exact, tail = phone.lookup_keys("1234", "VN", TAIL)
    assert (exact, tail) == ("4321", None)
    assert not matches("1234", "+84 98 946 1234", "VN", "VN")
    assert matches("1234", "1234", "VN", "VN")


def test_short_stored_number_is_not_matched_by_a_long_tail():
    assert not matches("+84989464344", "4344", "VN", "VN")


def test_number_without_key_has_no_lookup_keys():
    assert phone.lookup_keys("ab", "VN", TAIL) == (None, None)


def test_tail_uses_raw_digits_when_number_is_not_parsable():
    assert phone.lookup_keys("0989464344", None, TAIL) == ("4434649890", "443464989")


@pytest.mark.parametrize("tail_digits", [0, 2, -1, True, "9", 9.0])
def test_tail_digits_must_be_an_integer_of_at_least_three(tail_digits):
    with pytest.raises(ValueError):
        phone.lookup_keys("0989464344", "VN", tail_digits)


def test_sql_looking_input_yields_only_digit_keys():
    exact, tail = phone.lookup_keys("0989464344' OR '1'='1", "VN", TAIL)
    assert exact.isdigit() and tail.isdigit()
