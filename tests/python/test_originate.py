"""lib/originate.py and the vendors' protocols: click-to-dial requests per originate method, dial
codes and the RPC result."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from urllib.parse import parse_qsl, urlsplit

import pytest
from conftest import FIXTURES, fixture_cases

from lib import contracts, originate
from pbx_callcenter.vendors.yeastar import protocol as yeastar
from pbx_callcenter.vendors.zadarma import protocol as zadarma
from lib.originate import DialChoice, OriginateError, Outcome
from pbx_callcenter.tests.contract_schema import problems

VALUES = {"extension": "101", "number": "90989464344", "e164": "+84989464344"}


def _error_code(call, *args, **kwargs):
    with pytest.raises(OriginateError) as caught:
        call(*args, **kwargs)
    return caught.value.code


# -----------------------------------------------------------------------------
# The number
# -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "raw, country, number_format, digits",
    [
        ("+84 98 946 4344", "VN", "dialable", "0989464344"),
        ("0989464344", "VN", "dialable", "0989464344"),
        ("(098) 946-4344", "VN", "dialable", "0989464344"),
        ("+33 1 42 68 53 00", "VN", "dialable", "0033142685300"),
        ("+44 20 7946 0958", "US", "dialable", "011442079460958"),
        ("+1 650 253 0000", "US", "dialable", "16502530000"),
        ("0989464344", "VN", "e164", "84989464344"),
        ("+84989464344", None, "dialable", "84989464344"),
        ("205", "VN", "dialable", "205"),
        ("*97", "VN", "e164", "*97"),
    ],
)
def test_number_is_dialled_in_the_pbx_country_format(raw, country, number_format, digits):
    assert originate.dial_digits(raw, country, number_format) == digits


@pytest.mark.parametrize("raw", ["", "   ", "abc", None, 123, "1" * 65, "+" + "1" * 40])
def test_nothing_dialable_is_a_bad_number(raw):
    assert _error_code(originate.dial_digits, raw, "VN") == "bad_number"


def test_unknown_number_format_is_a_configuration_error():
    assert _error_code(originate.dial_digits, "0989464344", "VN", "national") == "not_configured"


# -----------------------------------------------------------------------------
# Dial codes
# -----------------------------------------------------------------------------

CODES = "LONGDIS:1000;LOCAL:9"


@pytest.mark.parametrize("setting", [None, "", "  ", "none", "None", "no prefix"])
def test_no_dial_code_means_no_prefix(setting):
    assert originate.resolve_dial_code(setting, CODES) == ""


@pytest.mark.parametrize(
    "setting, prefix",
    [("LOCAL", "9"), ("local", "9"), ("LONGDIS", "1000"), ("OUT:0", "0"), ("9", "9"), ("*67", "*67")],
)
def test_a_label_a_single_code_or_a_prefix_is_a_fixed_prefix(setting, prefix):
    assert originate.resolve_dial_code(setting, CODES) == prefix


def test_ask_offers_every_code_then_no_prefix():
    assert originate.resolve_dial_code("ask", CODES) == [
        DialChoice("LONGDIS", "1000"), DialChoice("LOCAL", "9"), DialChoice("", ""),
    ]


def test_the_extension_own_codes_are_asked_when_there_are_several():
    assert originate.resolve_dial_code("A:1;B:2", CODES) == [
        DialChoice("A", "1"), DialChoice("B", "2"), DialChoice("", ""),
    ]


@pytest.mark.parametrize("chosen, prefix", [("LONGDIS", "1000"), ("LOCAL", "9"), ("", "")])
def test_the_choice_made_gives_its_prefix(chosen, prefix):
    assert originate.resolve_dial_code("ASK", CODES, chosen) == prefix


def test_ask_without_codes_dials_without_prefix():
    assert originate.resolve_dial_code("ask", "") == ""


@pytest.mark.parametrize(
    "setting, codes, chosen",
    [("ask", CODES, "NOPE"), ("ask", CODES, "local"), ("INTL", CODES, None), ("9a", CODES, None),
     ("A:1;A:2", CODES, None), ("ask", "LOCAL", None), ("LOCAL", "X:9;bad", None)],
)
def test_unusable_dial_codes_and_unknown_choices_are_refused(setting, codes, chosen):
    assert _error_code(originate.resolve_dial_code, setting, codes, chosen) == "bad_dial_code"


# -----------------------------------------------------------------------------
# Generic HTTP template
# -----------------------------------------------------------------------------

def _generic(**overrides):
    options = {
        "url_template": "http://pbx.example.com/originate?ext={extension}&to={number}",
        "http_method": "POST",
        "body_template": '{"channel": "SIP/{extension}", "exten": "{number}", "cid": "{e164}"}',
        "body_format": "json",
        "headers": "Authorization: Bearer abc\nX-Tenant: 7",
        "values": VALUES,
    }
    options.update(overrides)
    return originate.generic_request(**options)


def test_generic_template_fills_url_and_json_body():
    request = _generic()
    assert request.method == "POST"
    assert request.url == "http://pbx.example.com/originate?ext=101&to=90989464344"
    assert json.loads(request.body) == {"channel": "SIP/101", "exten": "90989464344", "cid": "+84989464344"}
    assert request.headers == (
        ("Content-Type", "application/json"), ("Authorization", "Bearer abc"), ("X-Tenant", "7"),
    )


def test_values_are_url_encoded_in_the_url_and_json_escaped_in_the_body():
    values = {"extension": 'a"b&c=d/e\\', "number": "*67#", "e164": ""}
    request = _generic(values=values)
    assert urlsplit(request.url).query == "ext=a%22b%26c%3Dd%2Fe%5C&to=%2A67%23"
    assert dict(parse_qsl(urlsplit(request.url).query)) == {"ext": 'a"b&c=d/e\\', "to": "*67#"}
    assert json.loads(request.body)["channel"] == 'SIP/a"b&c=d/e\\'


def test_form_body_is_url_encoded():
    request = _generic(body_template="from={extension}&to={number}&note=a b",
                       body_format="form", values={**VALUES, "extension": "1 0&1"}, headers="")
    assert request.body == b"from=1+0%261&to=90989464344&note=a b"
    assert request.headers == (("Content-Type", "application/x-www-form-urlencoded"),)


def test_text_body_is_sent_as_written():
    request = _generic(body_template="Action: Originate\nExten: {number}", body_format="text", headers="")
    assert request.body == b"Action: Originate\nExten: 90989464344"
    assert request.headers == (("Content-Type", "text/plain; charset=utf-8"),)


def test_get_sends_no_body_and_an_admin_content_type_wins():
    assert _generic(http_method="get").body is None
    request = _generic(headers="content-type: application/vnd.pbx+json")
    assert request.headers == (("content-type", "application/vnd.pbx+json"),)


@pytest.mark.parametrize(
    "overrides",
    [{"url_template": "ftp://pbx/x"}, {"url_template": ""}, {"url_template": "http:///nohost"},
     {"url_template": "{number}"}, {"http_method": "DELETE"}, {"body_format": "xml"},
     {"body_template": '{"to": {number}'}, {"headers": "no colon here"}, {"headers": "Bad Name: x"}],
)
def test_broken_templates_are_configuration_errors(overrides):
    assert _error_code(_generic, **overrides) == "not_configured"


@pytest.mark.parametrize("status, ok", [(200, True), (201, True), (204, True),
                                        (302, False), (403, False), (500, False)])
def test_generic_pbx_accepts_with_any_2xx(status, ok):
    assert originate.http_outcome(status, b"").ok is ok


def test_a_refusal_quotes_the_answer_briefly_without_control_characters():
    outcome = originate.http_outcome(403, b"denied\r\n" + b"x" * 500)
    assert outcome.detail.startswith("HTTP 403: denied xxx")
    assert len(outcome.detail) < 220 and "\n" not in outcome.detail


def test_a_refusal_quotes_no_markup_and_never_the_end_of_a_long_answer():
    page = ("<html><title>Admin</title><script>steal()</script><style>p{}</style>\x1b[2J&lt;b&gt;"
            "<p>hello\u202e\u200b world" + " lorem" * 400 + " END-MARKER</p>").encode()
    detail = originate.http_outcome(500, page).detail
    assert detail.startswith("HTTP 500: Admin hello world lorem")
    assert "END-MARKER" not in detail and detail.endswith("…")
    assert not any(mark in detail for mark in ("<", ">", "steal", "p{}", "[2J", "\u202e"))
    assert len(detail) <= len("HTTP 500: ") + originate.MAX_QUOTED


# -----------------------------------------------------------------------------
# Zadarma
# -----------------------------------------------------------------------------

def _zadarma_reference_signature(method, params, secret):
    """user-api-py-v1's __get_auth_string_for_header, written out independently."""
    query = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
    data = method + query + hashlib.md5(query.encode()).hexdigest()
    return base64.b64encode(hmac.new(secret.encode(), data.encode(), hashlib.sha1).hexdigest().encode()).decode()


def test_zadarma_callback_is_a_signed_get():
    request = zadarma.zadarma_request(base_url=None, key="KEY", secret="SECRET",
                                      extension="100", number="442037691881")
    assert request.method == "GET" and request.body is None
    parts = urlsplit(request.url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "api.zadarma.com", "/v1/request/callback/")
    params = dict(parse_qsl(parts.query))
    assert params == {"format": "json", "from": "100", "to": "442037691881"}
    signature = _zadarma_reference_signature("/v1/request/callback/", params, "SECRET")
    assert request.headers == (("Authorization", f"KEY:{signature}"),)


def test_zadarma_signature_matches_a_known_value():
    # Computed by hand: md5("format=json&from=100&to=442037691881"), HMAC-SHA1 hex, base64.
    header = zadarma.zadarma_authorization(
        "/v1/request/callback/", {"to": "442037691881", "from": "100", "format": "json"}, "k", "s")
    assert header == "k:YTMzOTY0MzRlMmFjMTczNmExYjM1OTU0MTM3YjVmYjQ3NWE4NWFhOA=="


def test_zadarma_query_is_encoded_like_php_rfc1738():
    assert zadarma._php_query([("a", "x y~*")]) == "a=x+y%7E%2A"


def test_zadarma_base_url_can_point_elsewhere_and_keys_are_required():
    request = zadarma.zadarma_request(base_url="http://127.0.0.1:9/", key="k", secret="s",
                                      extension="1", number="2")
    assert request.url.startswith("http://127.0.0.1:9/v1/request/callback/?")
    assert _error_code(zadarma.zadarma_request, base_url=None, key="", secret="s",
                       extension="1", number="2") == "not_configured"


@pytest.mark.parametrize(
    "status, body, outcome",
    [(200, b'{"status":"success","from":100,"to":442037691881,"time":1}', Outcome(True)),
     (200, b'{"status":"error","message":"Wrong parameters!"}', Outcome(False, "Wrong parameters!")),
     (401, b'{"status":"error","message":"Not authorized"}', Outcome(False, "Not authorized")),
     (500, b"oops", Outcome(False, "HTTP 500: oops")),
     (200, b"not json", Outcome(False, "HTTP 200: not json"))],
)
def test_zadarma_answer_is_read(status, body, outcome):
    assert zadarma.zadarma_outcome(status, body) == outcome


# -----------------------------------------------------------------------------
# Yeastar
# -----------------------------------------------------------------------------

def test_yeastar_token_request_sends_client_credentials():
    request = yeastar.yeastar_token_request(base_url="https://pbx:8088/", client_id="id", client_secret="sec")
    assert (request.method, request.url) == ("POST", "https://pbx:8088/openapi/v1.0/get_token")
    assert json.loads(request.body) == {"username": "id", "password": "sec"}
    assert ("User-Agent", "OpenAPI") in request.headers
    assert _error_code(yeastar.yeastar_token_request, base_url="https://pbx", client_id="",
                       client_secret="x") == "not_configured"
    assert _error_code(yeastar.yeastar_token_request, base_url="", client_id="i",
                       client_secret="x") == "not_configured"


def test_yeastar_refresh_request_sends_the_refresh_token():
    request = yeastar.yeastar_refresh_request(base_url="https://pbx:8088", refresh_token="R")
    assert request.url == "https://pbx:8088/openapi/v1.0/refresh_token"
    assert json.loads(request.body) == {"refresh_token": "R"}


def test_yeastar_token_answer_gives_expiry_times():
    body = json.dumps({"errcode": 0, "errmsg": "SUCCESS", "access_token_expire_time": 1800,
                       "access_token": "A", "refresh_token_expire_time": 86400, "refresh_token": "R"})
    token = yeastar.yeastar_token(200, body.encode(), now=1000.0)
    assert token == yeastar.YeastarToken("A", 2800.0, "R", 87400.0)


@pytest.mark.parametrize("status, body", [(200, b'{"errcode":20004,"errmsg":"INVALID USERNAME OR PASSWORD"}'),
                                          (200, b'{"errcode":0}'), (502, b"bad gateway")])
def test_yeastar_token_refusal_is_an_outcome(status, body):
    result = yeastar.yeastar_token(status, body, now=0.0)
    assert isinstance(result, Outcome) and not result.ok and result.detail


def test_yeastar_cached_token_is_not_used_in_its_last_minute():
    assert yeastar.yeastar_token_usable(1000.0, now=900.0)
    assert not yeastar.yeastar_token_usable(1000.0, now=950.0)
    assert not yeastar.yeastar_token_usable(None, now=0.0)


def test_yeastar_dial_carries_the_token_in_the_query():
    request = yeastar.yeastar_dial_request(base_url="https://pbx:8088", access_token="a/b",
                                           extension="1001", number="90989464344")
    assert request.url == "https://pbx:8088/openapi/v1.0/call/dial?access_token=a%2Fb"
    assert json.loads(request.body) == {"caller": "1001", "callee": "90989464344"}
    assert ("User-Agent", "OpenAPI") in request.headers


def test_yeastar_dial_answer_is_read():
    assert yeastar.yeastar_outcome(200, b'{"errcode":0,"errmsg":"SUCCESS","call_id":"1"}').ok
    refused = yeastar.yeastar_outcome(200, b'{"errcode":60002,"errmsg":"EXTENSION NOT EXIST"}')
    assert refused == Outcome(False, "EXTENSION NOT EXIST (errcode 60002)")
    assert not yeastar.yeastar_token_rejected(refused)
    expired = yeastar.yeastar_outcome(200, b'{"errcode":10004,"errmsg":"ACCESS TOKEN EXPIRED"}')
    assert yeastar.yeastar_token_rejected(expired)


# -----------------------------------------------------------------------------
# Links
# -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "template, url",
    [(None, "tel:90989464344"), ("", "tel:90989464344"), ("tel:{e164}", "tel:+84989464344"),
     ("sip:{number}@pbx.example.com", "sip:90989464344@pbx.example.com"),
     ("callto:{number}", "callto:90989464344")],
)
def test_link_is_filled_in(template, url):
    assert originate.link_url(template, VALUES) == url


def test_link_escapes_hash_and_refuses_other_schemes():
    assert originate.link_url("tel:{number}", {"number": "*31#123"}) == "tel:*31%23123"
    for template in ("javascript:alert({number})", "http://x/{number}", "tel:\n{number}"):
        assert _error_code(originate.link_url, template, VALUES) == "not_configured"


# -----------------------------------------------------------------------------
# The RPC result
# -----------------------------------------------------------------------------

DIAL_RESULT_CASES = fixture_cases("dial_results.json")


def test_dial_results_fixture_is_documented_with_unique_names():
    data = json.loads((FIXTURES / "dial_results.json").read_text(encoding="utf-8"))
    assert set(data) == {"description", "cases"} and len(data["description"]) > 40
    names = [case["name"] for case in DIAL_RESULT_CASES]
    assert len(names) == len(set(names))


def test_builder_produces_every_valid_shape_of_the_fixture():
    # each fixture case is judged by the JSON Schema in test_contracts.py, by zod in web/tests/schemas
    built = {
        "ok": originate.dial_result("ok", "m", extension="101", number="90989464344"),
        "ask": originate.dial_result("ask", extension="101", choices=[DialChoice("LOCAL", "9"), DialChoice("", "")]),
        "link": originate.dial_result("link", extension="101", number="1", url="tel:1"),
        "error": originate.dial_result("error", "No extension", code="no_extension"),
    }
    for status, result in built.items():
        assert result["status"] == status and problems("dial_result", result) == []
    assert built["ask"]["choices"] == [{"label": "LOCAL", "prefix": "9"}, {"label": "", "prefix": ""}]
    tables = contracts.tables()
    valid_statuses = {case["value"]["status"] for case in DIAL_RESULT_CASES if case["valid"]}
    valid_codes = {case["value"]["code"] for case in DIAL_RESULT_CASES if case["valid"]} - {None}
    assert valid_statuses == set(tables["dial_statuses"])
    assert valid_codes == set(tables["dial_error_codes"])
