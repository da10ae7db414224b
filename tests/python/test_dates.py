"""lib/dates.py: calldate parsing into naive UTC."""

from __future__ import annotations

from datetime import datetime

import pytest

from lib.dates import parse_calldate, zone


def test_naive_text_is_read_in_utc_by_default():
    assert parse_calldate("2024-01-15 10:20:30") == datetime(2024, 1, 15, 10, 20, 30)


def test_result_is_naive():
    assert parse_calldate("2024-01-15T10:20:30+07:00").tzinfo is None


def test_naive_text_is_read_in_the_connection_timezone():
    assert parse_calldate("2024-01-15 10:20:30", "Asia/Ho_Chi_Minh") == datetime(2024, 1, 15, 3, 20, 30)


def test_daylight_saving_time_is_applied():
    winter = parse_calldate("2024-01-15 12:00:00", "Europe/Paris")
    summer = parse_calldate("2024-07-15 12:00:00", "Europe/Paris")
    assert (winter.hour, summer.hour) == (11, 10)


def test_ambiguous_autumn_time_takes_its_first_occurrence():
    assert parse_calldate("2024-10-27 02:30:00", "Europe/Paris") == datetime(2024, 10, 27, 0, 30)


def test_skipped_spring_time_uses_the_offset_before_the_change():
    assert parse_calldate("2024-03-31 02:30:00", "Europe/Paris") == datetime(2024, 3, 31, 1, 30)


def test_t_separator_without_offset_is_local_time():
    assert parse_calldate("2024-01-15T10:20:30", "Asia/Ho_Chi_Minh") == datetime(2024, 1, 15, 3, 20, 30)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024-01-15T10:20:30Z", datetime(2024, 1, 15, 10, 20, 30)),
        ("2024-01-15T10:20:30z", datetime(2024, 1, 15, 10, 20, 30)),
        ("2024-01-15T10:20:30+07:00", datetime(2024, 1, 15, 3, 20, 30)),
        ("2024-01-15T10:20:30-0530", datetime(2024, 1, 15, 15, 50, 30)),
        ("2024-01-15 10:20:30+00:00", datetime(2024, 1, 15, 10, 20, 30)),
        ("2024-01-15T10:20:30.123456789Z", datetime(2024, 1, 15, 10, 20, 30, 123456)),
        ("2024-01-15T10:20:30,5Z", datetime(2024, 1, 15, 10, 20, 30, 500000)),
        ("  2024-01-15T10:20:30Z\n", datetime(2024, 1, 15, 10, 20, 30)),
    ],
)
def test_iso_8601_with_offset_ignores_the_connection_timezone(text, expected):
    assert parse_calldate(text, "America/New_York") == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        (1705314030, datetime(2024, 1, 15, 10, 20, 30)),
        (1705314030.25, datetime(2024, 1, 15, 10, 20, 30, 250000)),
        ("1705314030", datetime(2024, 1, 15, 10, 20, 30)),
        ("1705314030.5", datetime(2024, 1, 15, 10, 20, 30, 500000)),
        ("1705314030250", datetime(2024, 1, 15, 10, 20, 30, 250000)),
        (1705314030250, datetime(2024, 1, 15, 10, 20, 30, 250000)),
    ],
)
def test_unix_timestamps_are_utc_whatever_the_timezone(value, expected):
    assert parse_calldate(value, "Asia/Ho_Chi_Minh") == expected


def test_year_range_bounds_are_inclusive():
    assert parse_calldate("2000-01-01 00:00:00").year == 2000
    assert parse_calldate("2100-12-31 23:59:59").year == 2100


@pytest.mark.parametrize(
    "value",
    [
        "1999-12-31 23:59:59", "2101-01-01 00:00:00", "2100-12-31T23:00:00-05:00",
        0, -1, 946684799, "99999999999", 10**400, "9" * 5000, float("inf"), float("-inf"), float("nan"),
    ],
)
def test_values_outside_2000_to_2100_are_rejected(value):
    with pytest.raises(ValueError):
        parse_calldate(value)


@pytest.mark.parametrize(
    "value",
    [
        True, False, None, [], {}, b"2024-01-15 10:20:30", "", "   ", "2024-01-15", "10:20:30",
        "15/01/2024 10:20:30", "2024-1-5 1:2:3", "2024-02-30 10:00:00", "2024-01-15 25:00:00",
        "2024-01-15T10:20:30+24:00", "2024-01-15T10:20:30 UTC", "yesterday", "-1705314030",
        "1705314030e3", "２０２４-01-15 10:20:30", "2024-01-15 10:20:30\x00", "2024-01-15 10:20:30'; --",
    ],
)
def test_other_types_and_formats_are_rejected_with_a_message(value):
    with pytest.raises(ValueError) as caught:
        parse_calldate(value)
    assert 0 < len(str(caught.value)) < 120


@pytest.mark.parametrize("tz_name", ["Mars/Olympus_Mons", "../../etc/passwd", "/etc/localtime", "UTC\x00"])
def test_unknown_timezone_is_rejected(tz_name):
    with pytest.raises(ValueError, match="unknown timezone"):
        parse_calldate("2024-01-15 10:20:30", tz_name)


def test_empty_timezone_means_utc():
    assert parse_calldate("2024-01-15 10:20:30", "") == datetime(2024, 1, 15, 10, 20, 30)
    assert zone(None).key == "UTC"
