"""Hostile roles, Zadarma (issue 9, point 7): Zadarma signs neither the call id, nor the
extension, nor the duration, so a captured signed notification must not be reusable for other
calls, and the freshness check must not trust the unsigned duration."""
import time
from datetime import datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from odoo.tests import tagged
from odoo.tools import mute_logger

from ..vendors.zadarma import protocol as zadarma
from .hostile_roles import HostileRolesCase
from .test_zadarma import reference_signature

SECRET = "zd-hostile-secret-42"
CALLER, DID = "84989464344", "442037691881"


@tagged("post_install", "-at_install")
class TestHostileZadarma(HostileRolesCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.zd = cls.kind_connections["zadarma"]
        cls.zd.sudo().write({"zadarma_api_key": "zd-key", "zadarma_api_secret": SECRET})
        cls.zd_token = cls.kind_tokens["zadarma"]
        cls.env["pbx.extension"].create({"connection_id": cls.zd.id, "name": "101",
                                         "user_id": cls.salesperson.id})

    def call_start(self, delta=timedelta()):
        return (datetime.now(ZoneInfo(self.zd.tz)) + delta).strftime("%Y-%m-%d %H:%M:%S")

    def notify(self, fields, signature=None):
        """POST a notification signed like Zadarma (or with `signature`); (status, answer)."""
        self.assertRoutesUsable()
        signature = signature or reference_signature(
            zadarma.signature_string(fields["event"], fields), SECRET)
        response = self.url_open(
            "/api/callcenter/zadarma?" + urlencode({"token": self.zd_token}),
            data=urlencode(fields).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Signature": signature},
            timeout=30)
        return response.status_code, response.json()

    def zd_call(self, callid):
        return self.find_call(callid, self.zd)

    def test_a_signature_replayed_for_another_call_id_is_refused_and_writes_nothing(self):
        callid, forged = f"in_{time.time_ns():x}", f"in_forged_{time.time_ns():x}"
        start = {"event": "NOTIFY_START", "call_start": self.call_start(), "pbx_call_id": callid,
                 "caller_id": CALLER, "called_did": DID}
        captured = reference_signature(zadarma.signature_string("NOTIFY_START", start), SECRET)
        self.assertEqual(self.notify(start)[0], 200)
        ringing = dict(start, event="NOTIFY_INTERNAL", internal="101")
        status, body = self.notify(ringing)
        self.assertEqual((status, body["call"]["state"]), (200, "ringing"), body)

        # START, INTERNAL and END sign the same string: the captured header fits them all
        before = self.counts()
        forgeries = {
            "start": dict(start, pbx_call_id=forged),
            "internal": dict(ringing, pbx_call_id=forged, internal="102"),
            "end": dict(ringing, event="NOTIFY_END", pbx_call_id=forged, duration="3600",
                        disposition="answered", is_recorded="0"),
        }
        for case, fields in forgeries.items():
            with self.subTest(case=case), mute_logger("odoo.addons.pbx_callcenter.models.pbx_zadarma"):
                status, body = self.notify(fields, signature=captured)
                self.assertContractResponse(status, body)
                self.assertEqual((status, body["error"]["code"]), (403, "forbidden"), body)
        self.assertCounts(before, msg="a refused replay is neither applied nor journaled")
        self.assertFalse(self.zd_call(forged))

        # Zadarma's own retry of the same notification stays a duplicate, and the call goes on
        status, body = self.notify(ringing)
        self.assertEqual((status, body["duplicate"]), (200, True), body)
        end = dict(ringing, event="NOTIFY_END", duration="65", disposition="answered",
                   is_recorded="0")
        status, body = self.notify(end)
        self.assertEqual((status, body["call"]["state"]), (200, "ended"), body)
        self.assertEqual(self.zd_call(callid).duration, 65)

    def test_an_end_signed_six_days_ago_cannot_claim_a_six_day_duration(self):
        callid = f"in_{time.time_ns():x}"
        before = self.counts()
        status, body = self.notify({
            "event": "NOTIFY_END", "call_start": self.call_start(-timedelta(days=6)),
            "pbx_call_id": callid, "caller_id": CALLER, "called_did": DID, "internal": "101",
            "duration": str(6 * 86400), "disposition": "answered", "is_recorded": "0"})
        self.assertContractResponse(status, body)
        self.assertEqual((status, body["error"]["code"]), (400, "invalid_payload"), body)
        self.assertEqual(set(body["error"]["fields"]), {"call_start"})
        self.assertCounts(before, events=1, msg="journaled as rejected, like any stale event")
        event = self.env["pbx.call.event"].sudo().browse(body["event_id"])
        self.assertEqual((event.state, event.native_event), ("rejected", "NOTIFY_END"))
        self.assertFalse(self.zd_call(callid))
