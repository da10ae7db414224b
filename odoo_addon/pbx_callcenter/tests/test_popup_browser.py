"""The incoming-call popup in a real browser (Chromium) inside real Odoo 17/18.

A salesperson bound to extension 101 is logged in; a `call_in` is POSTed over real HTTP to the
PBX route with the connection's token; the popup must show the caller's name. Before it, a
malformed `pbx_callcenter/call` payload goes through the real bus (bus.bus._sendone, the
websocket, the bus service): the web client must keep working and the popup service must have
dropped it.

Odoo disables websockets and PostgreSQL NOTIFY in tests; WebsocketCase re-enables the websocket
route, and this test wakes the user's websockets after each popup notification (what NOTIFY
does in production) so the browser polls the bus.
"""
import threading
import time

from odoo.addons.bus.models.bus import channel_with_db, dispatch, hashable
from odoo.addons.bus.tests.common import WebsocketCase
from odoo.tests import tagged

from ..models.pbx_call import POPUP_NOTIFICATION, PbxCall
from .common import ODOO_MAJOR, PbxHttpCase

WEB_CLIENT = "/odoo" if ODOO_MAJOR >= 18 else "/web"
BAD_CALLID = "popup-malformed"
GOOD_CALLID = "popup-good"
MALFORMED = {"call_id": "twelve", "state": "exploded", "caller": 42}

# Runs in the salesperson's page once it is loaded; logs "test successful" or throws.
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
    const env = await until("the web client", () => odoo.__WOWL_DEBUG__?.root?.env);
    const popup = env.services["pbx_callcenter.call_popup"];
    if (!popup) {
        throw new Error("the pbx_callcenter.call_popup service is not started");
    }
    const card = await until("the popup of the call", () =>
        document.querySelector('.o_pbx_callcenter_popup[data-callid="%(good)s"]'));
    const name = card.querySelector(".o_pbx_callcenter_popup_name").textContent.trim();
    if (name !== "%(name)s") {
        throw new Error(`the popup shows "${name}", expected "%(name)s"`);
    }
    if (card.dataset.state !== "ringing") {
        throw new Error(`the popup says ${card.dataset.state}, expected ringing`);
    }
    await until("the malformed payload to be dropped", () => popup.state.ignored >= 1);
    if (document.querySelectorAll(".o_pbx_callcenter_popup").length !== 1) {
        throw new Error("the malformed payload produced a card");
    }
    if (document.querySelector(".o_error_dialog, .o_dialog_error")) {
        throw new Error("an error dialog is open");
    }
    // The web client still works: open the contacts and save notes from the popup.
    await env.services.action.doAction("contacts.action_contacts");
    await until("the contacts view", () => document.querySelector(".o_kanban_view, .o_list_view"));
    const notes = card.querySelector(".o_pbx_callcenter_popup_notes");
    notes.value = "%(notes)s";
    notes.dispatchEvent(new Event("input", { bubbles: true }));
    await until("the save button", () => !card.querySelector(".o_pbx_callcenter_popup_save").disabled);
    card.querySelector(".o_pbx_callcenter_popup_save").click();
    await until("the notes to be saved", () =>
        popup.state.cards.length === 1 && !popup.state.cards[0].notesDirty && !popup.state.cards[0].busy);
    console.log("test successful");
})().catch((error) => console.error(`popup browser test: ${error.message}`));
"""


@tagged("post_install", "-at_install")
class TestPopupBrowser(PbxHttpCase, WebsocketCase):

    def setUp(self):
        super().setUp()
        self.caller = self.make_partner("Azure Interior", phone="+84989464344")
        test = self
        original = PbxCall._notify_popup

        def _notify_popup(call):
            if call.callid == BAD_CALLID:
                call.env["bus.bus"]._sendone(call.user_id.partner_id, POPUP_NOTIFICATION, MALFORMED)
            else:
                original(call)
            test._wake_websockets(call.env.cr.dbname, call.user_id.partner_id)

        self.patch(PbxCall, "_notify_popup", _notify_popup)

    @staticmethod
    def _wake_websockets(dbname, partner):
        """What PostgreSQL NOTIFY does in production: the subscribed websockets poll the bus.
        They wait for the test cursor, so they read once this request has committed."""
        channel = hashable(channel_with_db(dbname, partner))
        for websocket in list(dispatch._channels_to_ws.get(channel, ())):
            websocket.trigger_notification_dispatching()

    def _drive_pbx(self, channel, results):
        """Once the salesperson's browser listens on the bus, the PBX sends a call whose popup
        notification is malformed, then a real one. Runs in its own thread: it must not touch
        self.env (the test cursor belongs to the test thread), only HTTP."""
        try:
            deadline = time.monotonic() + 60
            while channel not in dispatch._channels_to_ws:
                if time.monotonic() > deadline:
                    raise AssertionError("the browser never subscribed to the salesperson's bus channel")
                time.sleep(0.1)
            for callid in (BAD_CALLID, GOOD_CALLID):
                results.append(self.post("call_in", {"phone": "0989464344", "extension": "101", "callid": callid}))
        except Exception as error:  # reported by the test thread
            results.append(error)

    def test_popup_shows_the_caller_and_survives_a_malformed_payload(self):
        notes = "Wants a quote for 12 desks"
        results = []
        channel = hashable(channel_with_db(self.env.cr.dbname, self.salesperson.partner_id))
        driver = threading.Thread(target=self._drive_pbx, args=(channel, results), daemon=True)
        driver.start()
        self.browser_js(
            WEB_CLIENT,
            BROWSER_CHECK % {"good": GOOD_CALLID, "name": "Azure Interior", "notes": notes},
            login=self.salesperson.login,
            timeout=120,
        )
        driver.join(30)
        self.assertFalse(driver.is_alive(), "the PBX driver thread is stuck")
        errors = [r for r in results if isinstance(r, Exception)]
        if errors:
            raise errors[0]
        self.assertEqual([status for status, _body in results], [200, 200])
        for _status, body in results:
            self.assertEqual(body["record"]["name"], "Azure Interior")
        call = self.find_call(GOOD_CALLID)
        self.assertEqual(call.user_id, self.salesperson)
        self.assertEqual(call.notes, notes, "the notes typed in the popup are saved on the call")
