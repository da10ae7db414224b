"""vendors/zadarma/protocol.py against replays (issue 9, point 7): the freshness check credits only a bounded
part of the unsigned duration, and the call id a signature is bound to is read as mapped."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from lib import payload
from pbx_callcenter.vendors.zadarma import protocol as zadarma

TZ = "UTC"
START = datetime(2024, 11, 20, 17, 0, 5)


def _end(start, duration):
    return {"event": "NOTIFY_END", "call_start": start.strftime("%Y-%m-%d %H:%M:%S"),
            "pbx_call_id": "in_1", "caller_id": "84989464344", "called_did": "442037691881",
            "internal": "101", "duration": str(duration), "disposition": "answered"}


def test_an_end_signed_six_days_ago_cannot_claim_six_days_of_duration():
    six_days = 6 * 86400
    with pytest.raises(payload.PayloadError) as error:
        zadarma.check_fresh("NOTIFY_END", _end(START, six_days), TZ,
                            START + timedelta(seconds=six_days), 24)
    assert set(error.value.fields) == {"call_start"}


def test_the_duration_credited_stops_at_the_documented_cap():
    cap = zadarma.MAX_CREDITED_DURATION
    assert cap == 4 * 3600
    fields = _end(START, 10 * 3600)
    edge = START + timedelta(seconds=cap, hours=24)
    zadarma.check_fresh("NOTIFY_END", fields, TZ, edge, 24)
    with pytest.raises(payload.PayloadError):
        zadarma.check_fresh("NOTIFY_END", fields, TZ, edge + timedelta(seconds=1), 24)
    # a call of up to the cap still counts from its end
    zadarma.check_fresh("NOTIFY_OUT_END", _end(START, cap), TZ, edge, 24)


@pytest.mark.parametrize(("value", "expected"), [
    (" in_42 ", "in_42"), (42, "42"), ("", ""), (None, ""), (["in_1"], ""),
])
def test_the_call_id_is_read_as_the_events_are_mapped(value, expected):
    assert zadarma.call_id({"pbx_call_id": value}) == expected
