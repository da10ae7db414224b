// Click-to-dial in a real browser: the Odoo test opens a form, list or kanban view showing a
// contact's phone. For a user with an extension, the number (or Odoo's *Call* link) is the one
// control that dials through the PBX, and the menu next to it still offers the device's tel:
// link; the menu stays inside the viewport even at its bottom-right corner. The test checks
// what its local PBX listener received. Without an extension, Odoo's tel: link is left alone.
import { registry } from "../odoo/registry";
import { element, type Tour, type TourStep } from "./tour_types";

export const CLICK_TO_DIAL_TOUR = "pbx_callcenter_click_to_dial";
export const CLICK_TO_DIAL_ASK_TOUR = "pbx_callcenter_click_to_dial_ask";
export const CLICK_TO_DIAL_NONE_TOUR = "pbx_callcenter_click_to_dial_none";
/** The phone of the contact the Odoo test creates. */
export const TOUR_PHONE = "+84 98 946 43 44";
/** The extension the Odoo test binds to the tour's user. */
export const TOUR_EXTENSION = "101";
/** The dial code the *ask* tour picks. */
export const TOUR_DIAL_CODE = "LONGDIS";

const FIELD = `.o_action_manager .o_phone_content:has(.o_pbx_callcenter_dial_more[data-number='${TOUR_PHONE}'])`;
/** Odoo's own links of the phone field: the number (read-only) or *Call* (editable form). */
const ODOO_LINKS = ":scope > a.o_form_uri, :scope > a.o_phone_form_link";
const MENU = ".o_pbx_callcenter_dial_chooser";

/** The view the tour starts in (form, list or kanban): it must still be there after the click. */
let startView = "";

function viewKind(): string {
    const view = element(".o_action_manager .o_view_controller");
    return ["o_form_view", "o_list_view", "o_tree_view", "o_kanban_view"].find((kind) => view.classList.contains(kind)) ?? "";
}

/** The one Odoo link of the tour contact's phone field, checked to be the PBX control. */
function pbxLink(): HTMLElement {
    const fields = document.querySelectorAll(FIELD);
    if (fields.length !== 1) {
        throw new Error(`tour: ${fields.length} phone fields with the contact's number, expected one`);
    }
    const links = [...fields[0].querySelectorAll<HTMLElement>(ODOO_LINKS)];
    if (links.length !== 1) {
        throw new Error(`tour: ${links.length} links in the phone field, expected one`);
    }
    const title = links[0].getAttribute("title") ?? "";
    if (title !== `Call through the PBX (ext. ${TOUR_EXTENSION})`) {
        throw new Error(`tour: the phone link does not say it calls through the PBX: "${title}"`);
    }
    const others = fields[0].querySelectorAll(".o_pbx_callcenter_dial_button, .o_pbx_callcenter_click_to_dial .fa-phone");
    if (others.length) {
        throw new Error("tour: a second call button competes with the number");
    }
    return links[0];
}

/** Fails unless the open menu is inside the viewport, unclipped and on top at its corners. */
function assertMenuInViewport(): void {
    const menu = element(MENU);
    const rect = menu.getBoundingClientRect();
    const where = `menu at left ${rect.left}, top ${rect.top}, right ${rect.right}, bottom ${rect.bottom} in a ${window.innerWidth}x${window.innerHeight} window`;
    if (rect.left < 0 || rect.top < 0 || rect.right > window.innerWidth || rect.bottom > window.innerHeight) {
        throw new Error(`tour: the ${where} is cut off by the viewport`);
    }
    for (const [x, y] of [[rect.left + 2, rect.top + 2], [rect.right - 2, rect.top + 2], [rect.left + 2, rect.bottom - 2], [rect.right - 2, rect.bottom - 2]]) {
        const found = document.elementFromPoint(x, y);
        if (!found || !menu.contains(found)) {
            throw new Error(`tour: the ${where} is hidden at (${x}, ${y}) by ${found?.className ?? "nothing"}`);
        }
    }
}

/** Fails unless the menu offers the device's own tel: link. */
function assertDeviceLink(): void {
    const href = element(`${MENU} a.o_pbx_callcenter_dial_device`).getAttribute("href");
    if (href !== `tel:${TOUR_PHONE.replace(/\s+/g, "")}`) {
        throw new Error(`tour: the device link is ${href}`);
    }
}

const clickNumber: TourStep = {
    content: "click the contact's number (or Call): it is the PBX control",
    trigger: FIELD,
    run() {
        startView = viewKind();
        pbxLink().click();
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
    steps: () => [
        clickNumber,
        callStarted,
        {
            content: "open the menu next to the number",
            trigger: `${FIELD} .o_pbx_callcenter_dial_more:not([disabled])`,
            run() {
                element(`${FIELD} .o_pbx_callcenter_dial_more`).click();
            },
        },
        {
            content: "it offers the PBX call and the device's tel: link, inside the viewport; close it",
            trigger: `${MENU} .o_pbx_callcenter_dial_device`,
            run() {
                const pbx = element(`${MENU} .o_pbx_callcenter_dial_pbx`).textContent ?? "";
                if (!pbx.includes(`Call through the PBX (ext. ${TOUR_EXTENSION})`)) {
                    throw new Error(`tour: the menu's PBX item says "${pbx.trim()}"`);
                }
                assertDeviceLink();
                assertMenuInViewport();
                element(`${MENU} .o_pbx_callcenter_dial_cancel`).click();
            },
        },
        {
            content: "the menu is closed",
            trigger: `${FIELD} .o_pbx_callcenter_dial_more[aria-expanded='false']`,
            run() {
                if (document.querySelector(MENU)) {
                    throw new Error("tour: the menu is still open");
                }
            },
        },
    ],
};

export const clickToDialAskTour: Tour = {
    test: true,
    steps: () => [
        {
            content: "move the phone field to the bottom-right corner of the window, click its number",
            trigger: FIELD,
            run() {
                startView = viewKind();
                const link = pbxLink();
                const field = element(FIELD);
                // the menu button ends the field (the form's *Call* link shows on hover only)
                const end = element(`${FIELD} .o_pbx_callcenter_dial_more`);
                const rect = end.getBoundingClientRect();
                field.style.position = "relative";
                field.style.left = `${Math.round(window.innerWidth - 2 - rect.right)}px`;
                field.style.top = `${Math.round(window.innerHeight - 2 - rect.bottom)}px`;
                const moved = end.getBoundingClientRect();
                if (moved.right < window.innerWidth - 10 || moved.bottom < window.innerHeight - 10) {
                    throw new Error(`tour: the phone field did not move to the corner (${moved.right}, ${moved.bottom})`);
                }
                link.click();
            },
        },
        {
            content: "the dial-code chooser is inside the viewport, offers the codes and the device: pick one",
            trigger: `${MENU} .o_pbx_callcenter_dial_choice[data-label='${TOUR_DIAL_CODE}']`,
            run() {
                assertMenuInViewport();
                assertDeviceLink();
                const labels = [...document.querySelectorAll(".o_pbx_callcenter_dial_choice")].map((b) => b.getAttribute("data-label"));
                if (!labels.includes("")) {
                    throw new Error(`tour: the chooser offers no "no prefix" choice (${labels.join(", ")})`);
                }
                element(`${MENU} .o_pbx_callcenter_dial_choice[data-label='${TOUR_DIAL_CODE}']`).click();
            },
        },
        callStarted,
    ],
};

export const clickToDialNoneTour: Tour = {
    test: true,
    steps: () => [
        {
            content: "without an extension, the number is Odoo's own tel: link and nothing else",
            trigger: ".o_action_manager .o_phone_content a[href^='tel:']",
            run() {
                if (document.querySelector(".o_pbx_callcenter_click_to_dial, .o_pbx_callcenter_dial_button")) {
                    throw new Error("tour: click-to-dial controls for a user without an extension");
                }
                const link = element(".o_action_manager .o_phone_content a[href^='tel:']");
                if (link.hasAttribute("title") || link.getAttribute("href") !== `tel:${TOUR_PHONE.replace(/\s+/g, "")}`) {
                    throw new Error(`tour: Odoo's tel: link was changed (${link.outerHTML})`);
                }
            },
        },
    ],
};

registry.category("web_tour.tours").add(CLICK_TO_DIAL_TOUR, clickToDialTour);
registry.category("web_tour.tours").add(CLICK_TO_DIAL_ASK_TOUR, clickToDialAskTour);
registry.category("web_tour.tours").add(CLICK_TO_DIAL_NONE_TOUR, clickToDialNoneTour);
