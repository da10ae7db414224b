"""lib/recording.py: recording URL and file name of a PBX recordingfile."""

from __future__ import annotations

import pytest

from lib.recording import recording_location

BASE = "https://pbx.example.com/monitor"


def test_http_url_is_kept_with_its_last_segment_as_file_name():
    url = "https://pbx.example.com/rec/2024/out-101.wav?sig=abc"
    assert recording_location(url, BASE) == (url, "out-101.wav")


def test_percent_encoded_url_file_name_is_decoded():
    assert recording_location("http://h/rec/a%20b.wav", None) == ("http://h/rec/a%20b.wav", "a b.wav")


def test_url_ending_with_a_slash_has_no_file_name():
    assert recording_location("https://h/rec/", None) == ("https://h/rec/", None)


def test_file_name_is_joined_under_the_base_path():
    assert recording_location("out-101.wav", BASE) == (BASE + "/out-101.wav", "out-101.wav")


def test_base_with_trailing_slash_gives_the_same_url():
    assert recording_location("out-101.wav", BASE + "/") == recording_location("out-101.wav", BASE)


def test_relative_path_keeps_its_directories():
    assert recording_location("2024/01/15/a.wav", BASE) == (BASE + "/2024/01/15/a.wav", "a.wav")


def test_absolute_path_stays_under_the_base():
    assert recording_location("/var/spool/a.wav", BASE) == (BASE + "/var/spool/a.wav", "a.wav")


def test_protocol_relative_name_cannot_escape_the_base_host():
    url, _ = recording_location("//evil.example/a.wav", BASE)
    assert url.startswith(BASE + "/")


@pytest.mark.parametrize(
    "name, encoded",
    [("a b.wav", "a%20b.wav"), ("x#1.wav", "x%231.wav"), ("q?.wav", "q%3F.wav"), ("été.wav", "%C3%A9t%C3%A9.wav"),
     ("'; DROP TABLE pbx_call;--.wav", "%27%3B%20DROP%20TABLE%20pbx_call%3B--.wav"), ("100%.wav", "100%25.wav")],
)
def test_file_name_is_percent_encoded(name, encoded):
    url, filename = recording_location(name, BASE)
    assert url == f"{BASE}/{encoded}"
    assert filename == name


def test_base_query_and_fragment_are_dropped():
    assert recording_location("a.wav", "https://h/rec?x=1#f")[0] == "https://h/rec/a.wav"


def test_without_base_only_the_file_name_is_known():
    assert recording_location("2024/a.wav", None) == (None, "a.wav")
    assert recording_location("a.wav", "") == (None, "a.wav")


@pytest.mark.parametrize("value", [None, "", "   "])
def test_empty_value_has_no_location(value):
    assert recording_location(value, BASE) == (None, None)


@pytest.mark.parametrize(
    "value",
    ["../a.wav", "a/../../b.wav", "..", "a/%2e%2e/b.wav", "a/%2E%2E/b.wav", "..\\a.wav", "https://h/a/../b.wav"],
)
def test_dot_dot_segments_are_refused(value):
    with pytest.raises(ValueError, match=r"'\.\.'"):
        recording_location(value, BASE)


@pytest.mark.parametrize(
    "value",
    ["javascript:alert(1)", "JavaScript:alert(1)", "file:///etc/passwd", "ftp://h/a.wav", "data:audio/wav;base64,AA",
     "C:\\rec\\a.wav", "http:/a.wav", "https://", "vbscript:x"],
)
def test_other_schemes_are_refused(value):
    with pytest.raises(ValueError, match="http"):
        recording_location(value, BASE)


@pytest.mark.parametrize("value", ["a\x00.wav", "a\n.wav", "a\x7f.wav", "a\x85.wav", "https://h/a\r\nX: y"])
def test_control_characters_are_refused(value):
    with pytest.raises(ValueError, match="control"):
        recording_location(value, BASE)


def test_values_over_2048_characters_are_refused():
    assert recording_location("a" * 2044 + ".wav", None) == (None, "a" * 2044 + ".wav")
    with pytest.raises(ValueError, match="too long"):
        recording_location("a" * 2045 + ".wav", None)


def test_directory_without_file_is_refused():
    with pytest.raises(ValueError):
        recording_location("2024/01/", BASE)


@pytest.mark.parametrize("base", ["ftp://h/rec", "javascript:alert(1)", "/monitor", "pbx.example.com"])
def test_base_url_must_be_http(base):
    with pytest.raises(ValueError, match="base URL"):
        recording_location("a.wav", base)


@pytest.mark.parametrize("value", [1, b"a.wav", ["a.wav"]])
def test_non_string_value_is_refused(value):
    with pytest.raises(ValueError, match="string"):
        recording_location(value, BASE)
