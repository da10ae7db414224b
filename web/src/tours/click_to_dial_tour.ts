// Click-to-dial in a real browser: the Odoo test opens a form, list or kanban view showing a
// contact's phone, the tour clicks the call button (and picks a dial code when asked), and the
// test checks what its local PBX listener received.
import { registry } from "../odoo/registry";
import { element, type Tour, type TourStep } from "./tour_types";

export const CLICK_TO_DIAL_TOUR = "pbx_callcenter_click_to_dial";
export const CLICK_TO_DIAL_ASK_TOUR = "pbx_callcenter_click_to_dial_ask";
/** The phone of the contact the Odoo test creates. */
export const TOUR_PHONE = "+84 98 946 43 44";
/** The dial code the *ask* tour picks. */
export const TOUR_DIAL_CODE = "LONGDIS";

const BUTTON = `.o_action_manager .o_pbx_callcenter_dial_button[data-number='${TOUR_PHONE}']`;

/** The view the tour starts in (form, list or kanban): it must still be there after the click. */
let startView = "";

function viewKind(): string {
    const view = element(".o_action_manager .o_view_controller");
    return ["o_form_view", "o_list_view", "o_tree_view", "o_kanban_view"].find((kind) => view.classList.contains(kind)) ?? "";
}

const clickCall: TourStep = {
    content: "click the call button next to the contact's phone",
    trigger: BUTTON,
    run() {
        const buttons = document.querySelectorAll(BUTTON).length;
        if (buttons !== 1) {
            throw new Error(`tour: ${buttons} call buttons for the phone, expected exactly one`);
        }
        startView = viewKind();
        element(BUTTON).click();
    },
};

const callStarted: TourStep = {
    content: "a notification says the call is being placed, and the view did not change",
    trigger: ".o_notification",
    run() {
        const text = element(".o_notification").textContent ?? "";
        if (!/Calling \S+ from extension \S+/.test(text)) {
            throw new Error(`tour: unexpected notification "${text.trim()}"`);
        }
        if (!startView || viewKind() !== startView) {
            throw new Error(`tour: the click left the ${startView || "unknown"} view`);
        }
    },
};

// No `url`: these tours run in the form, list or kanban view the Odoo test opens.
export const clickToDialTour: Tour = {
    test: true,
    steps: () => [clickCall, callStarted],
};

export const clickToDialAskTour: Tour = {
    test: true,
    steps: () => [
        clickCall,
        {
            content: "the dial-code chooser offers the codes: pick one",
            trigger: `.o_pbx_callcenter_dial_chooser .o_pbx_callcenter_dial_choice[data-label='${TOUR_DIAL_CODE}']`,
            run() {
                const labels = [...document.querySelectorAll(".o_pbx_callcenter_dial_choice")].map((b) => b.getAttribute("data-label"));
                if (!labels.includes("")) {
                    throw new Error(`tour: the chooser offers no "no prefix" choice (${labels.join(", ")})`);
                }
                element(`.o_pbx_callcenter_dial_choice[data-label='${TOUR_DIAL_CODE}']`).click();
            },
        },
        callStarted,
    ],
};

registry.category("web_tour.tours").add(CLICK_TO_DIAL_TOUR, clickToDialTour);
registry.category("web_tour.tours").add(CLICK_TO_DIAL_ASK_TOUR, clickToDialAskTour);
