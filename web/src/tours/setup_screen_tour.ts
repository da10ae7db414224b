// A manager sets a PBX up from its connection form: the PBX Setup tab shows the full URL of each
// canonical route with a copy button, and *Send test call* rings the manager's own extension (the
// popup appears) then ends the call. The Odoo test (tests/test_setup_screen.py) opens the form of
// a Generic connection and then checks the journal and the chatter.
import { registry } from "../odoo/registry";
import { element, type Tour } from "./tour_types";

export const SETUP_SCREEN_TOUR = "pbx_callcenter_setup_screen";
/** The call id of every test call starts with this (pbx.connection TEST_CALL_EVENT). */
export const TEST_CALLID_PREFIX = "odoo_test_call_";
export const CANONICAL_ROUTES = ["call_in", "init", "call_out"] as const;

const FORM = ".o_action_manager .o_form_view";
const TEST_CALL_BUTTON = `${FORM} button.o_pbx_callcenter_send_test_call`;
const POPUP = `.o_pbx_callcenter_popup[data-callid^='${TEST_CALLID_PREFIX}']`;

function urlField(route: string): string {
    return `${FORM} .o_field_widget[name='setup_${route}_url']`;
}

/** Started by the Odoo test on the connection's form (no url here: the tour would redirect). */
export const setupScreenTour: Tour = {
    test: true,
    steps: () => [
        {
            content: "the PBX Setup tab shows each canonical route's full URL with a copy button",
            trigger: `${urlField("call_out")} .o_clipboard_button`,
            run() {
                for (const route of CANONICAL_ROUTES) {
                    const field = element(urlField(route));
                    const value = field.cloneNode(true) as HTMLElement;
                    value.querySelectorAll(".o_clipboard_button").forEach((button) => button.remove());
                    const shown = value.textContent?.trim() ?? "";
                    const expected = `${window.location.origin}/api/callcenter/${route}`;
                    if (shown !== expected) {
                        throw new Error(`tour: the ${route} URL shows "${shown}", expected "${expected}"`);
                    }
                    if (!field.querySelector(".o_clipboard_button")) {
                        throw new Error(`tour: the ${route} URL has no copy button`);
                    }
                }
            },
        },
        {
            content: "send a test call",
            trigger: `${TEST_CALL_BUTTON}:not([disabled])`,
            run() {
                element<HTMLButtonElement>(TEST_CALL_BUTTON).click();
            },
        },
        {
            content: "the test call's popup appears and follows the call to its end",
            trigger: `${POPUP}[data-state='ended']`,
            run() {
                const cards = document.querySelectorAll(POPUP).length;
                if (cards !== 1) {
                    throw new Error(`tour: ${cards} popups for the test call, expected one`);
                }
            },
        },
        {
            content: "a notification says what happened",
            trigger: ".o_notification",
            run() {
                const text = element(".o_notification").textContent ?? "";
                if (!/rang, then the call ended/.test(text)) {
                    throw new Error(`tour: unexpected notification "${text.trim()}"`);
                }
            },
        },
    ],
};

registry.category("web_tour.tours").add(SETUP_SCREEN_TOUR, setupScreenTour);
