"""Call reports (rates, wait and talk times averaged per user and day) and the rule that closes
a call whose PBX sends no news: never answered -> missed, answered -> ended at the last news."""
import json

from odoo.tests import tagged

from ..models import odoo_compat
from .common import PbxHttpCase, SettledBrowserCase

NUMBER = "0988777666"
E164 = "+84988777666"
AGGREGATOR_KEY = "aggregator" if odoo_compat.ODOO_MAJOR >= 18 else "group_operator"
#: The system parameter of the rule (docs/operations.md, calls without news).
STALE_MINUTES_PARAM = "pbx_callcenter.stale_call_minutes"


@tagged("post_install", "-at_install")
class TestCallReportFigures(PbxHttpCase):

    def answered_and_missed(self):
        callid = self.new_callid()
        self.call_in(NUMBER, callid)
        self.call_out(NUMBER, callid, fields={"status": "ANSWERED", "duration": 145, "billsec": 125,
                                              "calldate": "2024-01-15 10:00:00"})
        missed = self.call_out(NUMBER, fields={"status": "NO ANSWER", "duration": 30,
                                               "calldate": "2024-01-15 11:00:00"})
        Call = self.env["pbx.call"]
        return Call.search([("callid", "=", callid)]), Call.browse(missed["call"]["id"])

    def test_an_answered_and_a_missed_call_have_their_figures(self):
        answered, missed = self.answered_and_missed()
        self.assertEqual((answered.answered_rate, answered.missed_rate), (1.0, 0.0))
        self.assertEqual((answered.wait_time, answered.talk_time, answered.avg_talk_time), (20, 125, 125))
        self.assertEqual((missed.answered_rate, missed.missed_rate), (0.0, 1.0))
        self.assertIs(missed.wait_time, False, "no wait time when nobody answered")
        self.assertIs(missed.avg_talk_time, False)

    def test_averages_per_user_and_day_count_only_the_calls_that_have_the_figure(self):
        self.answered_and_missed()
        [(user, day, count, answered, missed, talk, avg_talk, wait)] = \
            self.env["pbx.call"]._read_group(
                [("phone", "=", NUMBER)], ["user_id", "start_date:day"],
                ["__count", "answered_rate:avg", "missed_rate:avg", "talk_time:sum",
                 "avg_talk_time:avg", "wait_time:avg"])
        self.assertEqual(user, self.salesperson)
        self.assertEqual((count, answered, missed), (2, 0.5, 0.5))
        # NULL for the missed call: the averages are of the answered one, not halved by a 0
        self.assertEqual((talk, avg_talk, wait), (125, 125, 20))

    def test_the_web_client_averages_the_rates_and_times(self):
        fields = self.env["pbx.call"].fields_get(
            ["answered_rate", "missed_rate", "wait_time", "avg_talk_time", "talk_time"])
        self.assertEqual({name: field.get(AGGREGATOR_KEY) for name, field in fields.items()}, {
            "answered_rate": "avg", "missed_rate": "avg", "wait_time": "avg",
            "avg_talk_time": "avg", "talk_time": "sum"})

    def test_a_call_answered_by_the_answer_event_waits_until_then(self):
        callid = self.new_callid()
        self.call_in(NUMBER, callid)
        call = self.env["pbx.call"].search([("callid", "=", callid)])
        self.assertIs(call.wait_time, False, "still ringing")
        self.post("answer", {"extension": "101", "callid": callid})
        self.assertEqual(call.state, "answered")
        self.assertEqual(call.wait_time, int((call.answer_date - call.start_date).total_seconds()))
        self.assertIs(call.avg_talk_time, False, "no talk time while the call goes on")


@tagged("post_install", "-at_install")
class TestStaleCalls(PbxHttpCase):
    """The cron *Call Center: close calls without news* (pbx.call._cron_close_stale)."""

    def setUp(self):
        super().setUp()
        self.partner = self.make_partner("Gemini Furniture", phone=E164)

    def ring(self, callid=None):
        body = self.call_in(NUMBER, callid or self.new_callid())
        return self.env["pbx.call"].browse(body["call"]["id"])

    def backdate(self, call, minutes):
        """Move the call and everything its PBX said about it `minutes` into the past."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE pbx_call SET start_date = start_date - %s * interval '1 minute',"
            " answer_date = answer_date - %s * interval '1 minute' WHERE id = %s",
            [minutes, minutes, call.id])
        self.env.cr.execute(
            "UPDATE pbx_call_event SET create_date = create_date - %s * interval '1 minute'"
            " WHERE call_id = %s", [minutes, call.id])
        self.env.invalidate_all()

    def close_stale(self):
        return self.env["pbx.call"]._cron_close_stale()

    def callbacks(self):
        return self.env["mail.activity"].sudo().search([("pbx_callback_key", "!=", False)])

    def test_a_ringing_call_without_news_becomes_missed_with_a_call_back(self):
        call = self.ring()
        self.backdate(call, 121)
        self.assertEqual(self.close_stale(), 1)
        self.assertEqual((call.state, call.stale_closed, call.talk_time), ("missed", True, 0))
        self.assertLess(call.duration, 5, "it ended at its last news, its start")
        self.assertEqual(call.missed_rate, 1.0)
        self.assertEqual(self.callbacks().pbx_missed_count, 1)
        self.assertEqual(self.callbacks().user_id, self.salesperson)

    def test_an_answered_call_without_news_ends_at_its_last_news(self):
        callid = self.new_callid()
        call = self.ring(callid)
        self.post("answer", {"extension": "101", "callid": callid})
        self.backdate(call, 30)
        self.call_in(NUMBER, callid)  # a PBX retry 30 minutes later: news, changing nothing
        self.backdate(call, 150)
        last_news = max(call.event_ids.mapped("create_date"))
        self.assertEqual(self.close_stale(), 1)
        self.assertEqual((call.state, call.stale_closed), ("ended", True))
        self.assertEqual(call.end_date, last_news)
        self.assertAlmostEqual(call.talk_time, 30 * 60, delta=5)
        self.assertAlmostEqual(call.duration, 30 * 60, delta=5)
        self.assertFalse(self.callbacks(), "answered: no call-back")
        self.assertTrue(call.activity_logged, "the call is in the contact's chatter")

    def test_a_young_call_and_an_old_call_with_recent_news_stay_open(self):
        young = self.ring()
        self.backdate(young, 119)
        old_callid = self.new_callid()
        old = self.ring(old_callid)
        self.backdate(old, 300)
        self.call_in(NUMBER, old_callid)  # the PBX still speaks of it
        self.assertEqual(self.close_stale(), 0)
        self.assertEqual((young.state, old.state), ("ringing", "ringing"))

    def test_the_minutes_are_a_system_parameter_and_zero_turns_the_rule_off(self):
        Param = self.env["ir.config_parameter"].sudo()
        call = self.ring()
        self.backdate(call, 45)
        Param.set_param(STALE_MINUTES_PARAM, "0")
        self.assertEqual(self.close_stale(), 0)
        Param.set_param(STALE_MINUTES_PARAM, "not a number")  # logged; the default (120) applies
        with self.assertLogs("odoo.addons.pbx_callcenter.models.pbx_call", "WARNING"):
            self.assertEqual(self.close_stale(), 0)
        Param.set_param(STALE_MINUTES_PARAM, "30")
        self.assertEqual(self.close_stale(), 1)
        self.assertEqual(call.state, "missed")

    def test_the_real_end_arriving_late_corrects_the_call_without_a_second_call_back(self):
        callid = self.new_callid()
        call = self.ring(callid)
        self.backdate(call, 200)
        self.close_stale()
        self.assertEqual(self.callbacks().pbx_missed_count, 1)
        body = self.call_out(NUMBER, callid, fields={"status": "NO ANSWER", "duration": 40})
        self.assertIs(body["duplicate"], False, "the real end is applied")
        self.assertEqual((call.state, call.stale_closed, call.duration), ("missed", False, 40))
        self.assertEqual(self.callbacks().pbx_missed_count, 1, "the same missed call, counted once")

    def test_a_closed_call_ignores_a_second_late_end(self):
        callid = self.new_callid()
        call = self.ring(callid)
        self.backdate(call, 200)
        self.close_stale()
        self.call_out(NUMBER, callid, fields={"status": "ANSWERED", "duration": 65, "billsec": 60})
        self.assertEqual((call.state, call.talk_time, call.avg_talk_time), ("ended", 60, 60))
        body = self.call_out(NUMBER, callid, fields={"status": "NO ANSWER", "duration": 10})
        self.assertIs(body["duplicate"], True)
        self.assertEqual(call.state, "ended")

    def test_the_popup_of_a_closed_call_ends(self):
        call = self.ring()
        self.backdate(call, 121)
        self.env["bus.bus"].sudo().search([]).unlink()
        self.close_stale()
        messages = self.env["bus.bus"].sudo().search([("message", "like", call.callid)])
        self.assertEqual(len(messages), 1)
        self.assertEqual(json.loads(messages.message)["payload"]["state"], "missed")

    def test_the_cron_job_is_installed_active_and_closes_stale_calls(self):
        cron = self.env.ref("pbx_callcenter.pbx_call_cron_close_stale")
        self.assertTrue(cron.active)
        self.assertEqual(cron.model_id.model, "pbx.call")
        if odoo_compat.ODOO_MAJOR < 18:
            self.assertEqual(cron.numbercall, -1, "Odoo 17 would run it once, then deactivate it")
        call = self.ring()
        self.backdate(call, 121)
        cron.method_direct_trigger()
        self.assertEqual(call.state, "missed")


@tagged("post_install", "-at_install")
class TestCallReportsTour(SettledBrowserCase):
    """In a real browser: web/src/tours/call_reports_tour.ts on *All Calls* (pivot, then list)."""

    def test_the_pivot_shows_counts_rates_and_times_and_the_list_durations(self):
        connection = self.env["pbx.connection"].create({"name": "Tour PBX", "kind": "generic"})
        user = self.env["res.users"].create({"name": "Rita Reporter", "login": "rita_reporter"})
        base = {"connection_id": connection.id, "direction": "in", "user_id": user.id}
        Call = self.env["pbx.call"]
        Call.create(dict(base, callid="tour-rep-1", state="ended", phone="+84900000001",
                         start_date="2026-01-05 10:00:00", answer_date="2026-01-05 10:00:20",
                         end_date="2026-01-05 10:02:25", duration=145, talk_time=125))
        Call.create(dict(base, callid="tour-rep-2", state="missed", phone="+84900000002",
                         start_date="2026-01-05 11:00:00", end_date="2026-01-05 11:00:30",
                         duration=30))
        self.start_tour("/web#action=pbx_callcenter.pbx_call_action_all",
                        "pbx_callcenter_call_reports", login="admin")
