"""The incoming-call popup's cards in a real browser (Chromium) inside real Odoo 17/18/19: a
page load shows the calls still in progress, cards fit the screen with ringing calls on top and
finished ones fade, *Block number* asks first and can be undone, *Create lead* / *Create contact*
open a form ready to be named that links the call on save, a call that moves to another extension
says whether it was answered there (ring group) or transferred there.

The salesperson's page plays the PBX itself: it POSTs `call_in` / `call_out` to the real routes
with the connection's token (what a PBX does), and the popups arrive over the real bus. Odoo
disables PostgreSQL NOTIFY in tests, so, as in test_popup_browser.py, each popup notification
wakes the user's websockets (what NOTIFY does in production).
"""
import json

from odoo.addons.bus.models.bus import channel_with_db, dispatch, hashable
from odoo.addons.bus.tests.common import WebsocketCase
from odoo.tests import tagged

from ..models.pbx_call import PbxCall
from .common import ODOO_MAJOR, PbxHttpCase

WEB_CLIENT = "/odoo" if ODOO_MAJOR >= 18 else "/web"

# Helpers of every check; `P` holds the test's parameters. Logs "test successful" or throws.
PRELUDE = """
const until = async (what, check, timeout = 30000) => {
    const end = Date.now() + timeout;
    for (;;) {
        const value = await check();
        if (value) {
            return value;
        }
        if (Date.now() > end) {
            throw new Error(`timed out waiting for ${what}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const fail = (message) => { throw new Error(message); };
const pbx = async (route, data) => {
    const response = await fetch(`/api/callcenter/${route}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${P.token}` },
        body: JSON.stringify({ extension: "101", ...data }),
    });
    const body = await response.json();
    if (response.status !== 200) {
        fail(`${route} answered ${response.status}: ${JSON.stringify(body)}`);
    }
    return body;
};
const card = (callid) => document.querySelector(`.o_pbx_callcenter_popup[data-callid="${callid}"]`);
const cards = () => [...document.querySelectorAll(".o_pbx_callcenter_popup")];
const typeIn = (element, value) => {
    element.value = value;
    element.dispatchEvent(new Event("input", { bubbles: true }));
    element.dispatchEvent(new Event("change", { bubbles: true }));
};
const click = (root, selector) => {
    const element = root.querySelector(selector) || fail(`no ${selector}`);
    element.click();
};
const noErrorDialog = () => {
    if (document.querySelector(".o_error_dialog, .o_dialog_error")) {
        fail("an error dialog is open");
    }
};
const start = async () => {
    const env = await until("the web client", () => odoo.__WOWL_DEBUG__?.root?.env);
    const popup = env.services["pbx_callcenter.call_popup"] || fail("no popup service");
    return { env, popup };
};
"""

RELOAD_CHECK = """
(async () => {
    await start();
    await until("the calls in progress", () => cards().length >= 2, 20000);
    await sleep(1000);
    const shown = cards().map((c) => `${c.dataset.callid}:${c.dataset.state}`);
    const expected = [`${P.ringing}:ringing`, `${P.answered}:answered`];
    if (JSON.stringify(shown) !== JSON.stringify(expected)) {
        fail(`after the page load the popup shows ${shown}, expected ${expected}`);
    }
    const name = card(P.ringing).querySelector(".o_pbx_callcenter_popup_name").textContent.trim();
    if (name !== "Azure Interior") {
        fail(`the restored card shows "${name}"`);
    }
    noErrorDialog();
    console.log("test successful");
})().catch((error) => console.error(`popup cards test: ${error.message}`));
"""

STACK_CHECK = """
(async () => {
    const { popup } = await start();
    const ids = [1, 2, 3, 4, 5, 6].map((i) => `stack-${i}`);
    for (const [i, callid] of ids.entries()) {
        await pbx("call_in", { phone: `091100000${i}`, callid });
        await until(`the card of ${callid}`, () => card(callid));
    }
    await until("six cards", () => cards().length === 6, 10000);
    const visible = (what) => {
        const stack = document.querySelector(".o_pbx_callcenter_popup_stack").getBoundingClientRect();
        for (const c of cards()) {
            const box = c.getBoundingClientRect();
            const inside = box.height > 0 && box.top >= Math.max(0, stack.top) - 1
                && box.bottom <= Math.min(window.innerHeight, stack.bottom) + 1;
            if (!inside) {
                fail(`${what}: the card of ${c.dataset.callid} (${c.dataset.state}) is out of sight: `
                    + `${Math.round(box.top)}-${Math.round(box.bottom)} in a ${window.innerHeight}px window`);
            }
        }
    };
    visible("six ringing calls");
    // The second call: its notes are being typed when it ends; the first is missed.
    popup.fadeAfterMs = 1500;
    const second = card(ids[1]);
    if (!second.querySelector(".o_pbx_callcenter_popup_notes")) {
        click(second, ".o_pbx_callcenter_popup_toggle");
    }
    const notes = await until("the second card in full", () =>
        card(ids[1]).querySelector(".o_pbx_callcenter_popup_notes"));
    typeIn(notes, "Call back about the desks");
    await pbx("call_out", { phone: "0911000000", callid: ids[0], status: "NO ANSWER", duration: 0 });
    await pbx("call_out", { phone: "0911000001", callid: ids[1], status: "ANSWERED", duration: 30 });
    await until("the second call to end", () => card(ids[1])?.dataset.state === "ended");
    await until("the missed call to fade out", () => !card(ids[0]), 15000);
    await sleep(3000);
    if (!card(ids[1])) {
        fail("the card with unsaved notes faded out");
    }
    const order = cards().map((c) => c.dataset.state);
    if (JSON.stringify(order) !== JSON.stringify(["ringing", "ringing", "ringing", "ringing", "ended"])) {
        fail(`cards in the order ${order}, expected the ringing calls first`);
    }
    visible("after two calls ended");
    click(card(ids[1]), ".o_pbx_callcenter_popup_save");
    await until("the saved card to fade out", () => !card(ids[1]), 15000);
    if (cards().length !== 4) {
        fail(`${cards().length} cards left, expected the 4 ringing calls`);
    }
    // The top card's chevron folds it to one line (what it covered is reachable), and opens it again.
    const top = cards()[0];
    const tall = top.getBoundingClientRect().height;
    click(top, ".o_pbx_callcenter_popup_toggle");
    await until("the top card folded", () => top.classList.contains("o_pbx_callcenter_popup_collapsed"), 5000);
    const short = top.getBoundingClientRect().height;
    if (!(short < tall / 2) || top.querySelector(".o_pbx_callcenter_popup_notes")) {
        fail(`the folded top card is ${Math.round(short)}px high (${Math.round(tall)}px in full) `
            + "or still shows its notes");
    }
    click(top, ".o_pbx_callcenter_popup_toggle");
    await until("the top card open again", () => top.querySelector(".o_pbx_callcenter_popup_notes"), 5000);
    // A missed card under the pointer is being read: it stays; it fades once the pointer leaves.
    await pbx("call_out", { phone: "0911000002", callid: ids[2], status: "NO ANSWER", duration: 0 });
    const read = await until("the third call missed", () => card(ids[2])?.dataset.state === "missed" && card(ids[2]));
    read.dispatchEvent(new Event("pointerenter"));
    await sleep(4000);
    if (!card(ids[2])) {
        fail("the missed card faded out under the pointer");
    }
    card(ids[2]).dispatchEvent(new Event("pointerleave"));
    await until("the missed card to fade once left", () => !card(ids[2]), 15000);
    noErrorDialog();
    console.log("test successful");
})().catch((error) => console.error(`popup cards test: ${error.message}`));
"""

BLOCK_CHECK = """
(async () => {
    const { env } = await start();
    const answer = await pbx("call_in", { phone: "0911222333", callid: P.callid });
    const callId = answer.call.id;
    const blocked = async () => (await env.services.orm.read("pbx.call", [callId], ["blocked"]))[0].blocked;
    const c = await until("the card", () => card(P.callid));
    click(c, ".o_pbx_callcenter_popup_block");
    await sleep(500);
    const confirm = c.querySelector(".o_pbx_callcenter_popup_block_confirm")
        || fail("Block number acted at once: no confirmation in the card");
    if (!/whole company/.test(confirm.textContent) || !/SMS/.test(confirm.textContent)) {
        fail(`the confirmation does not say what blocking does: ${confirm.textContent}`);
    }
    if (await blocked()) {
        fail("the number is blocked before the confirmation");
    }
    click(c, ".o_pbx_callcenter_popup_block_cancel");
    await until("the confirmation to close", () =>
        !card(P.callid).querySelector(".o_pbx_callcenter_popup_block_confirm"));
    click(card(P.callid), ".o_pbx_callcenter_popup_block");
    (await until("the confirmation", () =>
        card(P.callid).querySelector(".o_pbx_callcenter_popup_block_confirm_yes"))).click();
    await until("the card to close", () => !card(P.callid));
    if (!(await blocked())) {
        fail("the confirmed block did not block");
    }
    const undo = await until("the Undo of the notification", () =>
        [...document.querySelectorAll(".o_notification button")].find((b) => b.textContent.trim() === "Undo"));
    undo.click();
    await until("the card to come back", () => card(P.callid));
    await until("the number to be unblocked", async () => !(await blocked()));
    noErrorDialog();
    console.log("test successful");
})().catch((error) => console.error(`popup cards test: ${error.message}`));
"""

CREATE_CHECK = """
(async () => {
    const { env } = await start();
    const field = (form, name) => until(`the ${name} field`, () =>
        form.querySelector(`.o_field_widget[name="${name}"] input, .o_field_widget[name="${name}"] textarea`));
    const linked = (callId, fieldName) => async () =>
        (await env.services.orm.read("pbx.call", [callId], [fieldName]))[0][fieldName];
    for (const step of P.steps) {
        const answer = await pbx("call_in", { phone: step.phone, callid: step.callid });
        const c = await until("the card", () => card(step.callid));
        typeIn(c.querySelector(".o_pbx_callcenter_popup_notes"), step.notes);
        await sleep(100);
        const previous = document.querySelector(".o_form_view");
        click(c, step.button);
        const form = await until(`the new ${step.model} form`, () => {
            const view = document.querySelector(".o_form_view");
            return view !== previous && view;
        });
        const name = await field(form, "name");
        await until("the card folded off the new form", () =>
            card(step.callid).classList.contains("o_pbx_callcenter_popup_collapsed"), 5000)
            .catch(() => fail("the card still covers the form it opened"));
        await sleep(500);
        if (name.value !== "") {
            fail(`the new ${step.model} is named "${name.value}" before the user names it`);
        }
        const phone = (await field(form, "phone")).value.replace(/\\D/g, "");
        if (phone !== step.digits) {
            fail(`the new ${step.model}'s phone is "${phone}", expected ${step.digits}`);
        }
        typeIn(name, step.name);
        await sleep(100);
        click(document, ".o_form_button_save");
        const record = await until(`the call to be linked to the new ${step.model}`,
            linked(answer.call.id, step.field));
        if (record[1] !== step.name && !String(record[1]).startsWith(step.name)) {
            fail(`the call is linked to "${record[1]}"`);
        }
        await until("the folded card to name the caller", () =>
            card(step.callid)?.querySelector(".o_pbx_callcenter_popup_summary")?.textContent.includes(step.name));
        click(card(step.callid), ".o_pbx_callcenter_popup_toggle");
        await until("the card to know the caller", () =>
            card(step.callid)?.querySelector(".o_pbx_callcenter_popup_open"));
    }
    noErrorDialog();
    console.log("test successful");
})().catch((error) => console.error(`popup cards test: ${error.message}`));
"""


MOVED_CHECK = """
(async () => {
    await start();
    const label = (callid) => card(callid)?.querySelector(".o_pbx_callcenter_popup_state")?.textContent.trim();
    // A ring group rings this user's 101, and 102 picks up.
    await pbx("call_in", { phone: "0911333001", callid: "moved-ring" });
    await until("the ringing card", () => card("moved-ring")?.dataset.state === "ringing");
    await pbx("answer", { extension: "102", callid: "moved-ring" });
    await until("'Answered by ext. 102'", () => label("moved-ring") === "Answered by ext. 102", 15000)
        .catch(() => fail(`the ring group's card reads '${label("moved-ring")}'`));
    // 101 talks, then transfers the caller to 102.
    await pbx("call_in", { phone: "0911333002", callid: "moved-xfer" });
    await pbx("answer", { extension: "101", callid: "moved-xfer" });
    await until("the call in progress", () => card("moved-xfer")?.dataset.state === "answered");
    await pbx("answer", { extension: "102", callid: "moved-xfer" });
    await until("'Transferred to ext. 102'", () => label("moved-xfer") === "Transferred to ext. 102", 15000)
        .catch(() => fail(`the transferred card reads '${label("moved-xfer")}'`));
    noErrorDialog();
    console.log("test successful");
})().catch((error) => console.error(`popup cards test: ${error.message}`));
"""


@tagged("post_install", "-at_install")
class TestPopupCardsBrowser(PbxHttpCase, WebsocketCase):

    def setUp(self):
        super().setUp()
        self.connection.auto_create_inbound = False  # unknown callers: the create buttons
        self.caller = self.make_partner("Azure Interior", phone="+84989111222")
        self.env.flush_all()  # the routes read the database: nothing may wait in the ORM cache
        test = self
        original = PbxCall._notify_popup

        def _notify_popup(call, user=None, transferred_to=None):
            original(call, user, transferred_to)
            if user or call.user_id:  # the user it moved away from, or the call's
                test._wake_websockets(call.env.cr.dbname, (user or call.user_id).partner_id)

        self.patch(PbxCall, "_notify_popup", _notify_popup)

    @staticmethod
    def _wake_websockets(dbname, partner):
        """What PostgreSQL NOTIFY does in production: the subscribed websockets poll the bus."""
        channel = hashable(channel_with_db(dbname, partner))
        for websocket in list(dispatch._channels_to_ws.get(channel, ())):
            websocket.trigger_notification_dispatching()

    def check_in_browser(self, script, **params):
        params["token"] = self.token
        code = f"const P = {json.dumps(params)};\n{PRELUDE}\n{script}"
        self.browser_js(WEB_CLIENT, code, login=self.salesperson.login, timeout=180)

    def test_a_page_load_shows_the_calls_still_in_progress(self):
        # Calls that reached Odoo before the page loaded (a reload drops the page's cards).
        self.call_in("0989111222", callid="restore-ringing")
        self.call_in("0911000009", callid="restore-answered")
        self.find_call("restore-answered").write({"state": "answered"})
        self.call_in("0911000008", callid="restore-ended")
        self.call_out("0911000008", callid="restore-ended", fields={"status": "ANSWERED", "duration": 9})
        self.call_in("0911000007", callid="restore-sams", extension="102")
        # Their notifications are gone from the bus (as some time after they were sent): only
        # the page's own request may bring the cards back.
        self.env["bus.bus"].sudo().search([]).unlink()
        self.check_in_browser(RELOAD_CHECK, ringing="restore-ringing", answered="restore-answered")

    def test_cards_fit_the_screen_ringing_first_and_finished_ones_fade(self):
        self.check_in_browser(STACK_CHECK)
        self.assertEqual(self.find_call("stack-2").notes, "Call back about the desks")

    def test_block_number_asks_first_and_can_be_undone(self):
        self.check_in_browser(BLOCK_CHECK, callid="block-1")
        call = self.find_call("block-1")
        self.assertFalse(call.blocked)
        self.assertFalse(self.env["phone.blacklist"].sudo().search([("number", "=", "+84911222333")]))

    def test_a_moved_call_says_answered_elsewhere_or_transferred(self):
        self.check_in_browser(MOVED_CHECK)
        self.assertEqual(self.find_call("moved-ring").user_id, self.salesperson2)
        self.assertEqual(self.find_call("moved-xfer").user_id, self.salesperson2)

    def test_create_lead_and_contact_open_a_form_ready_to_be_named(self):
        steps = [
            {"phone": "0911222444", "callid": "create-lead", "notes": "Wants 12 desks",
             "button": ".o_pbx_callcenter_popup_create_lead", "model": "lead", "field": "lead_id",
             "name": "Desks for the new office", "digits": "84911222444"},
            {"phone": "0911222555", "callid": "create-contact", "notes": "Prefers e-mail",
             "button": ".o_pbx_callcenter_popup_create_partner", "model": "contact",
             "field": "partner_id", "name": "Jane Doe", "digits": "84911222555"},
        ]
        self.check_in_browser(CREATE_CHECK, steps=steps)
        lead = self.find_call("create-lead").lead_id
        self.assertEqual(lead.name, "Desks for the new office")
        self.assertIn("Wants 12 desks", str(lead.description))
        self.assertEqual(lead.user_id, self.salesperson)
        partner = self.find_call("create-contact").partner_id
        self.assertEqual(partner.name, "Jane Doe")
        self.assertIn("Prefers e-mail", str(partner.comment))
