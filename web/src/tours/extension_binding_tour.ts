// An admin binds an extension on the extension binding screen and saves; the Odoo test
// (tests/test_extension_binding.py) then finds the binding in the database.
import { registry } from "../odoo/registry";
import { element, type Tour } from "./tour_types";

export const EXTENSION_BINDING_TOUR = "pbx_callcenter_extension_binding";
/** Created by the Odoo test before the tour starts. */
export const TOUR_LOGIN = "pbx_tour_agent";
export const TOUR_EXTENSION = "7001";

const SCREEN = ".o_pbx_callcenter_extension_binding";
const PICKER = `${SCREEN} tr[data-login='${TOUR_LOGIN}'] select.o_pbx_callcenter_extension_picker`;

/** What the Odoo test passes to start_tour. */
export const EXTENSION_BINDING_URL = "/web#action=pbx_callcenter.pbx_extension_binding_action";

export const extensionBindingTour: Tour = {
    test: true,
    url: EXTENSION_BINDING_URL,
    steps: () => [
        {
            content: "the agent has a picker offering the free extension",
            trigger: PICKER,
            run() {
                const picker = element<HTMLSelectElement>(PICKER);
                const option = [...picker.options].find((item) => item.textContent?.trim().startsWith(TOUR_EXTENSION));
                if (!option) {
                    throw new Error(`tour: extension ${TOUR_EXTENSION} is not offered to ${TOUR_LOGIN}`);
                }
                picker.value = option.value;
                picker.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "save the binding",
            trigger: `${SCREEN} .o_pbx_callcenter_binding_save:not([disabled])`,
            run() {
                element<HTMLButtonElement>(`${SCREEN} .o_pbx_callcenter_binding_save`).click();
            },
        },
        {
            content: "the server confirmed the save",
            trigger: `${SCREEN}[data-saves='1']`,
            run() {
                const picker = element<HTMLSelectElement>(PICKER);
                if (picker.selectedOptions[0]?.textContent?.trim().startsWith(TOUR_EXTENSION) !== true) {
                    throw new Error("tour: the saved binding is not shown");
                }
            },
        },
    ],
};

registry.category("web_tour.tours").add(EXTENSION_BINDING_TOUR, extensionBindingTour);
