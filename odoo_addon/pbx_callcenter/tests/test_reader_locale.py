"""Call logs, call-backs and the popup in the language, time zone and currency of who reads them.

A French salesperson in Europe/Paris owns the caller; the PBX (Asia/Ho_Chi_Minh, UTC+7) posts
its events over real HTTP. French comes from the module's shipped i18n/fr.po and crm's own
(stage names), loaded as `--load-language=fr_FR` would; the amounts from Odoo's format_amount.
"""
import json
import threading
import time
from types import SimpleNamespace

import requests

from odoo.addons.bus.models.bus import channel_with_db, dispatch, hashable
from odoo.addons.bus.tests.common import WebsocketCase
from odoo.tests import common as odoo_tests_common
from odoo.tests import tagged
from odoo.tools.translate import code_translations

from ..models.pbx_call import PbxCall
from . import test_popup_browser
from .common import E164, PbxHttpCase

MODULE = "pbx_callcenter"
# calldate 10:20:30 at the PBX (UTC+7) is 03:20:30 UTC, 04:20:30 in Paris (UTC+1 in January)
CALLDATE = "2024-01-15 10:20:30"
PARIS_TIME = "15/01/2024 04:20:30 (Europe/Paris)"
CALLBACK_NOTE = "%(count)s missed call(s) from %(number)s, last at %(when)s."


def spaces(text):
    """French groups digits with a (narrow) no-break space: compare with plain spaces."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


class ReaderLocaleCase(PbxHttpCase):
    """French loaded; Fabienne (fr_FR, Europe/Paris) bound to extension 103."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["crm", MODULE], ["fr_FR"], overwrite=True)
        # a login of 8+ characters is its own password (new_test_user), as browser_js expects
        cls.french = cls.make_user("pbx_french", "Fabienne Français",
                                   "pbx_callcenter.pbx_callcenter_group_user,sales_team.group_sale_salesman")
        cls.french.write({"lang": "fr_FR", "tz": "Europe/Paris"})
        cls.ext103 = cls.env["pbx.extension"].create({
            "connection_id": cls.connection.id, "name": "103", "user_id": cls.french.id,
        })

    def make_euro_opportunity(self):
        """A Qualified opportunity of 12,500 of the caller's, in a company that counts in euros."""
        euro = self.env.ref("base.EUR")
        euro.active = True
        self.company.currency_id = euro
        company = self.make_partner("Azure Interior", is_company=True, phone=E164)
        qualified = self.env.ref("crm.stage_lead2")
        self.assertEqual(qualified.name, "Qualified")
        return self.make_lead("Bureaux", type="opportunity", partner_id=company.id,
                              expected_revenue=12500, stage_id=qualified.id,
                              user_id=self.french.id, company_id=self.company.id)

    def popups(self, user, callid):
        """Payloads of the popup notifications of `callid` sent to `user`."""
        found = []
        for row in self.env["bus.bus"].sudo().search([("message", "like", callid)], order="id"):
            channel, message = json.loads(row.channel), json.loads(row.message)
            if channel[1:] == ["res.partner", user.partner_id.id] and message["payload"].get("callid") == callid:
                found.append(message["payload"])
        return found


@tagged("post_install", "-at_install")
class TestReaderLocale(ReaderLocaleCase):

    def test_the_call_log_is_written_for_the_records_salesperson(self):
        # the call rings Sally (English, no time zone); the contact is Fabienne's
        partner = self.make_partner("Gemini Furniture", phone=E164, user_id=self.french.id)
        self.call_out("0989464344", extension="101", fields={
            "status": "ANSWERED", "duration": 65, "billsec": 60, "calldate": CALLDATE})
        body = spaces(str(self.call_messages(partner).body))
        for french in ("Numéro", "Début", "Durée",
                       "Temps de conversation", "Statut", "Terminé (ANSWERED)", PARIS_TIME):
            self.assertIn(french, body)
        for english in ("Started", "Duration", "Talk time", "UTC"):
            self.assertNotIn(english, body)

    def test_the_call_back_is_written_for_the_calls_user_when_the_record_has_no_salesperson(self):
        self.make_partner("Gemini Furniture", phone=E164)
        for _ in range(2):
            self.call_out("0989464344", extension="103", fields={
                "status": "NO ANSWER", "duration": 20, "calldate": CALLDATE})
        callback = self.env["mail.activity"].sudo().search([("pbx_callback_key", "!=", False)])
        self.assertEqual(callback.user_id, self.french)
        self.assertEqual(callback.summary, f"Rappeler le {E164}")
        french = code_translations.get_python_translations(MODULE, "fr_FR").get(CALLBACK_NOTE)
        self.assertTrue(french and french != CALLBACK_NOTE, "fr.po lacks the call-back note")
        self.assertIn(french % {"count": 2, "number": E164, "when": PARIS_TIME},
                      spaces(str(callback.note)))

    def test_a_late_recording_and_a_done_call_back_speak_the_readers_language_and_zone(self):
        partner = self.make_partner("Gemini Furniture", phone=E164, user_id=self.french.id)
        body = self.call_out("0989464344", extension="103", fields={
            "status": "ANSWERED", "duration": 65, "billsec": 60, "calldate": CALLDATE})
        call = self.env["pbx.call"].browse(body["call"]["id"])
        # a recording that arrives after the call was logged (Zadarma's NOTIFY_RECORD...)
        self.assertTrue(call._merge_recording(SimpleNamespace(recordingfile="2024/01/15/late.wav")))
        late = self.env["mail.message"].sudo().search(
            [("model", "=", "res.partner"), ("res_id", "=", partner.id), ("body", "ilike", "late.wav")])
        self.assertEqual(len(late), 1)
        self.assertIn(PARIS_TIME, spaces(str(late.body)))
        self.assertNotIn("UTC", str(late.body))
        # Fabienne misses a call, calls back through the PBX, and the answered call closes it
        self.call_out("0989464344", extension="103", fields={
            "status": "NO ANSWER", "duration": 20, "calldate": CALLDATE})
        callback = self.env["mail.activity"].sudo().search([("pbx_callback_key", "!=", False)])
        callback.sudo().pbx_callback_user_id = self.french
        callid = self.new_callid()
        self.init("0989464344", callid, extension="103")
        self.call_out("0989464344", callid, extension="103", fields={
            "status": "ANSWERED", "duration": 42, "calldate": CALLDATE})
        self.assertFalse(callback.exists() and callback.active, "the call-back is done")
        done = self.env["mail.message"].sudo().search(
            [("model", "=", "res.partner"), ("res_id", "=", partner.id), ("body", "ilike", "Rappel effectué")])
        self.assertEqual(len(done), 1, "the call-back's feedback, in French for Fabienne")
        text = spaces(str(done.body))
        self.assertIn(PARIS_TIME, text)
        self.assertNotIn("UTC", text)

    def test_the_popup_shows_the_stage_and_the_amount_in_the_recipients_language_and_currency(self):
        opportunity = self.make_euro_opportunity()
        callid = self.new_callid()
        self.call_in("0989464344", callid, extension="103")
        [payload] = self.popups(self.french, callid)
        self.assertBusPayload(payload)
        [shown] = payload["opportunities"]
        self.assertEqual((shown["id"], shown["stage"]), (opportunity.id, "Qualifié"))
        self.assertEqual(spaces(shown["expected_revenue_formatted"]), "12 500,00 €")


# Runs in the French salesperson's page; logs "test successful" or throws.
BROWSER_CHECK = """
(async () => {
    const until = async (what, check, timeout = 30000) => {
        const end = Date.now() + timeout;
        for (;;) {
            const value = check();
            if (value) {
                return value;
            }
            if (Date.now() > end) {
                throw new Error(`timed out waiting for ${what}`);
            }
            await new Promise((resolve) => setTimeout(resolve, 50));
        }
    };
    const card = await until("the popup of the call", () =>
        document.querySelector('.o_pbx_callcenter_popup[data-callid="%(callid)s"]'));
    const text = (selector) => card.querySelector(selector)?.textContent.trim().replace(/[\\u00a0\\u202f]/g, " ");
    const stage = text(".o_pbx_callcenter_popup_opportunities .o_pbx_callcenter_popup_muted");
    const amount = text(".o_pbx_callcenter_popup_amount");
    if (stage !== "Qualifié" || amount !== "12 500,00 €") {
        throw new Error(`the popup shows stage "${stage}" and amount "${amount}"`);
    }
    console.log("test successful");
})().catch((error) => console.error(`popup locale browser test: ${error.message}`));
"""


@tagged("post_install", "-at_install")
class TestReaderLocaleBrowser(ReaderLocaleCase, WebsocketCase):
    """The same popup, seen in Chromium by the French salesperson (bus as in test_popup_browser)."""

    def setUp(self):
        super().setUp()
        original = PbxCall._notify_popup

        def _notify_popup(call):
            original(call)
            test_popup_browser.TestPopupBrowser._wake_websockets(call.env.cr.dbname, call.user_id.partner_id)

        self.patch(PbxCall, "_notify_popup", _notify_popup)

    def _post_as_pbx(self, data):
        """call_in as a PBX sends it: the token, none of the browser's session cookies (whose
        French context would hide a popup built in the request's language)."""
        with requests.Session() as session:
            key = getattr(self, "http_request_key", None)  # 18+ admit a test request by its cookie
            if key:
                session.cookies.set(odoo_tests_common.TEST_CURSOR_COOKIE_NAME, key)
            response = session.post(self.base_url() + "/api/callcenter/call_in", json=data,
                                    headers={"Authorization": f"Bearer {self.token}"}, timeout=30)
        return response.status_code, response.json()

    def _drive_pbx(self, channel, callid, results):
        """Once the browser listens on the bus, the PBX rings extension 103 (HTTP only: this
        thread must not touch self.env)."""
        try:
            deadline = time.monotonic() + 60
            while channel not in dispatch._channels_to_ws:
                if time.monotonic() > deadline:
                    raise AssertionError("the browser never subscribed to the salesperson's bus channel")
                time.sleep(0.1)
            results.append(self._post_as_pbx({"phone": "0989464344", "extension": "103", "callid": callid}))
        except Exception as error:  # reported by the test thread
            results.append(error)

    def test_the_popup_in_the_browser_shows_the_french_stage_and_the_euro_amount(self):
        self.make_euro_opportunity()
        callid = self.new_callid()
        results = []
        channel = hashable(channel_with_db(self.env.cr.dbname, self.french.partner_id))
        driver = threading.Thread(target=self._drive_pbx, args=(channel, callid, results), daemon=True)
        driver.start()
        self.browser_js(test_popup_browser.WEB_CLIENT, BROWSER_CHECK % {"callid": callid},
                        login=self.french.login, timeout=120)
        driver.join(30)
        self.assertFalse(driver.is_alive(), "the PBX driver thread is stuck")
        errors = [r for r in results if isinstance(r, Exception)]
        if errors:
            raise errors[0]
        self.assertEqual([status for status, _body in results], [200])
