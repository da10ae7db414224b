"""Extension lists from Zadarma and Yeastar (vendors/*/protocol.py, on lib/pbx_api.py), built and read
without a network."""

from __future__ import annotations

import json

import pytest

from lib import originate, pbx_api
from pbx_callcenter.vendors.yeastar import protocol as yeastar
from pbx_callcenter.vendors.zadarma import protocol as zadarma
from lib.extension_binding import ExtensionEntry


#: Computed with openssl (see the test that uses it), not with the code under test.
OPENSSL_INTERNAL_SIGNATURE = "YzgxYThjZGE5NmU5Yzk0MjFjYjI5NTYxNzVjMDc3YmZmNDcyNThlMQ=="


def _body(data):
    return json.dumps(data).encode()


# ---- Zadarma ----------------------------------------------------------------------------

def test_zadarma_internal_list_request_is_signed_like_click_to_dial():
    # Zadarma's clients (user-api-v1 Client::call) always add and sign format=json.
    request = zadarma.zadarma_internal_list(base_url=None, key="key1", secret="secret1")
    authorization = zadarma.zadarma_authorization("/v1/pbx/internal/", {"format": "json"}, "key1", "secret1")
    assert request == originate.HttpRequest(
        "GET", "https://api.zadarma.com/v1/pbx/internal/?format=json", (("Authorization", authorization),)
    )


def test_zadarma_internal_list_signature_matches_openssl():
    # printf %s "/v1/pbx/internal/format=json$(printf %s format=json | md5sum | cut -c1-32)" \
    #   | openssl dgst -sha1 -hmac secret1 | awk '{print $2}' | tr -d '\n' | base64
    request = zadarma.zadarma_internal_list(base_url=None, key="key1", secret="secret1")
    assert request.headers == (("Authorization", "key1:" + OPENSSL_INTERNAL_SIGNATURE),)


def test_zadarma_info_request_signs_its_own_path_on_a_custom_base_url():
    request = zadarma.zadarma_internal_info("101", base_url="http://127.0.0.1:8099/", key="k", secret="s")
    assert request.url == "http://127.0.0.1:8099/v1/pbx/internal/101/info/?format=json"
    assert request.headers == (
        ("Authorization", zadarma.zadarma_authorization(
            "/v1/pbx/internal/101/info/", {"format": "json"}, "k", "s")),
    )


@pytest.mark.parametrize("call", [
    lambda: zadarma.zadarma_internal_list(base_url=None, key="", secret="s"),
    lambda: zadarma.zadarma_internal_list(base_url=None, key="k", secret=None),
    lambda: zadarma.zadarma_internal_list(base_url="ftp://pbx", key="k", secret="s"),
    lambda: zadarma.zadarma_internal_list(base_url="https://pbx/?x=1", key="k", secret="s"),
    lambda: zadarma.zadarma_internal_info("1/../2", base_url=None, key="k", secret="s"),
])
def test_zadarma_requests_refuse_bad_settings(call):
    with pytest.raises(pbx_api.PbxApiError):
        call()


def test_zadarma_internal_list_answer():
    answer = _body({"status": "success", "pbx_id": 1234, "numbers": [100, "101", 102]})
    assert zadarma.parse_zadarma_internal_list(200, answer) == ["100", "101", "102"]


@pytest.mark.parametrize("status, answer", [
    (200, _body({"status": "error", "message": "Wrong key"})),
    (401, _body({"status": "success", "numbers": []})),
    (200, _body({"status": "success"})),
    (200, _body({"status": "success", "numbers": "100"})),
    (200, _body({"status": "success", "numbers": ["1 00"]})),
    (200, _body(["100"])),
    (200, b"<html>"),
])
def test_zadarma_internal_list_refuses(status, answer):
    with pytest.raises(pbx_api.PbxApiError):
        zadarma.parse_zadarma_internal_list(status, answer)


def test_zadarma_info_answer_gives_the_recordings_address():
    answer = _body({"status": "success", "pbx_id": 1234, "number": 101, "name": "Ann",
                    "record_email": "Ann@Example.com"})
    assert zadarma.parse_zadarma_internal_info("101", 200, answer) == ExtensionEntry("101", "ann@example.com")
    bare = _body({"status": "success", "number": 102, "name": "Bob"})
    assert zadarma.parse_zadarma_internal_info("102", 200, bare) == ExtensionEntry("102")


# ---- Yeastar ----------------------------------------------------------------------------

def test_yeastar_extension_list_request_pages_with_the_token():
    request = yeastar.yeastar_extension_list(base_url="https://pbx/", access_token="a b", page=2,
                                             page_size=50)
    assert request.method == "GET"
    assert request.url == "https://pbx/openapi/v1.0/extension/list?access_token=a+b&page=2&page_size=50"
    assert request.headers == (("User-Agent", "OpenAPI"),)


def test_yeastar_extension_list_answer():
    answer = _body({"errcode": 0, "errmsg": "SUCCESS", "total_number": 3, "data": [
        {"id": 1, "number": "1000", "caller_id_name": "Ann", "email_addr": "ANN@example.com"},
        {"id": 2, "number": "1001", "caller_id_name": "Bob", "email_addr": ""},
    ]})
    entries, total = yeastar.parse_yeastar_extension_list(200, answer)
    assert entries == [ExtensionEntry("1000", "ann@example.com"), ExtensionEntry("1001")]
    assert total == 3


@pytest.mark.parametrize("status, answer", [
    (200, _body({"errcode": 10002, "errmsg": "TOKEN EXPIRED"})),
    (500, _body({"errcode": 0, "data": []})),
    (200, _body({"errcode": 0, "data": {}})),
    (200, _body({"errcode": 0, "data": [], "total_number": "3"})),
    (200, _body({"errcode": 0, "data": [{"number": ""}], "total_number": 1})),
    (200, _body({"errcode": 0, "data": ["1000"], "total_number": 1})),
])
def test_yeastar_extension_list_refuses(status, answer):
    with pytest.raises(pbx_api.PbxApiError):
        yeastar.parse_yeastar_extension_list(status, answer)
