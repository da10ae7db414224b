"""lib/tokens.py: API tokens, request token extraction, webhook signatures."""

from __future__ import annotations

import hashlib
import hmac
import re

import pytest

from lib.tokens import generate_token, hash_token, sign, token_from_request, verify_signature

BODY = b'{"phone": "0989464344", "extension": "101", "callid": "abc"}'


def test_generated_token_has_prefix_and_43_urlsafe_chars():
    assert re.fullmatch(r"pbx_[A-Za-z0-9_-]{43}", generate_token())


def test_generated_tokens_differ():
    assert len({generate_token() for _ in range(100)}) == 100


def test_hash_is_sha256_hex_of_the_token():
    assert hash_token("pbx_abc") == hashlib.sha256(b"pbx_abc").hexdigest()


def test_hash_of_unicode_token_is_stable():
    assert hash_token("pbx_é") == hashlib.sha256("pbx_é".encode()).hexdigest()


def test_bearer_header_is_read_with_any_case():
    assert token_from_request({"authorization": "bearer  pbx_t "}, {}) == "pbx_t"
    assert token_from_request({"AUTHORIZATION": "BEARER pbx_t"}, {}) == "pbx_t"


def test_bearer_wins_over_api_key_and_query():
    headers = {"Authorization": "Bearer a", "X-Api-Key": "b"}
    assert token_from_request(headers, {"token": "c"}) == "a"


def test_api_key_wins_over_query():
    assert token_from_request({"x-api-key": "b"}, {"token": "c"}) == "b"


def test_query_token_is_the_last_resort():
    assert token_from_request({}, {"token": " c "}) == "c"


def test_other_authorization_schemes_fall_through():
    assert token_from_request({"Authorization": "Basic dXNlcjpwYXNz"}, {"token": "c"}) == "c"


@pytest.mark.parametrize(
    "headers, query",
    [({}, {}), ({"Authorization": "Bearer "}, {}), ({"Authorization": "Bearer"}, {}),
     ({"X-Api-Key": "  "}, {"token": ""}), ({"Authorization": "Basic x"}, {}), ({"X-Api-Key": None}, {"token": None})],
)
def test_no_usable_token_gives_none(headers, query):
    assert token_from_request(headers, query) is None


def test_signature_is_prefixed_hmac_sha256_hex():
    expected = hmac.new(b"s3cret", BODY, hashlib.sha256).hexdigest()
    assert sign("s3cret", BODY) == "sha256=" + expected


def test_signature_verifies_with_and_without_prefix_and_any_case():
    signature = sign("s3cret", BODY)
    assert verify_signature("s3cret", BODY, signature)
    assert verify_signature("s3cret", BODY, signature.removeprefix("sha256="))
    assert verify_signature("s3cret", BODY, signature.upper())
    assert verify_signature("s3cret", BODY, f"  {signature}\n")


@pytest.mark.parametrize(
    "secret, body, header",
    [
        ("other", BODY, None),
        ("s3cret", BODY + b" ", None),
        ("s3cret", BODY, ""),
        ("s3cret", BODY, "sha256="),
        ("s3cret", BODY, "sha1=" + "0" * 40),
        ("s3cret", BODY, "sha256=" + "é" * 64),
        ("s3cret", BODY, "sha256=" + "z" * 64),
        ("s3cret", BODY, "\x00" * 71),
        ("", BODY, None),
    ],
)
def test_wrong_or_malformed_signatures_are_refused(secret, body, header):
    if header is None:
        header = sign("s3cret", BODY)
    assert verify_signature(secret, body, header) is False


def test_missing_signature_header_is_refused():
    assert verify_signature("s3cret", BODY, None) is False


def test_signing_without_secret_is_an_error():
    with pytest.raises(ValueError):
        sign("", BODY)
