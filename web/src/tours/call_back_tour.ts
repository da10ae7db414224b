// Call back in a real browser: the Odoo test opens the Calls list (one missed and one answered
// call) or the form of a contact with a *Call back* activity; the tour clicks Call back and the
// test checks what its local PBX listener received.
import { registry } from "../odoo/registry";
import { element, type Tour, type TourStep } from "./tour_types";

export const CALL_BACK_LIST_TOUR = "pbx_callcenter_call_back_list";
export const CALL_BACK_ACTIVITY_TOUR = "pbx_callcenter_call_back_activity";

const BUTTON = ".o_pbx_callcenter_call_back_button";

function clickOnly(scope: string, model: string): TourStep {
    const selector = `${scope} ${BUTTON}[data-model='${model}']`;
    return {
        content: "click the only Call back button",
        trigger: selector,
        run() {
            // One record to call back in the view (the popup may show the missed call too).
            const buttons = [...document.querySelectorAll<HTMLElement>(`${scope} ${BUTTON}`)];
            const records = new Set(buttons.map((button) => `${button.dataset.model}:${button.dataset.resId}`));
            if (records.size !== 1) {
                throw new Error(`tour: Call back buttons for ${[...records].join(", ") || "nothing"}, expected one record`);
            }
            element(selector).click();
        },
    };
}

function callStarted(view: string): TourStep {
    return {
        content: "a notification says the PBX is calling, and the view did not change",
        trigger: ".o_notification",
        run() {
            const text = element(".o_notification").textContent ?? "";
            if (!/Calling \S+ from extension \S+/.test(text)) {
                throw new Error(`tour: unexpected notification "${text.trim()}"`);
            }
            element(view);
        },
    };
}

// No `url`: the tours run in the view the Odoo test opens.
export const callBackListTour: Tour = {
    test: true,
    steps: () => [clickOnly(".o_list_view .o_data_row", "pbx.call"), callStarted(".o_list_view")],
};

export const callBackActivityTour: Tour = {
    test: true,
    steps: () => [
        { content: "the chatter has loaded its activities", trigger: ".o_form_view .o-mail-Activity", run() {} },
        clickOnly(".o-mail-Activity", "mail.activity"),
        callStarted(".o_form_view .o-mail-Activity"),
    ],
};

registry.category("web_tour.tours").add(CALL_BACK_LIST_TOUR, callBackListTour);
registry.category("web_tour.tours").add(CALL_BACK_ACTIVITY_TOUR, callBackActivityTour);
