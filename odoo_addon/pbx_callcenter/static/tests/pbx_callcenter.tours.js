/** @odoo-module **/
// GENERATED from web/src by scripts/build.mjs — do not edit. esbuild 0.28.2, sha256:06321657f4f2ec10de90c2277af295e47e774ca36621cd4bf97a61d020c5cc6a
// web/src/odoo/registry.ts
import { registry } from "@web/core/registry";

// web/src/tours/tour_types.ts
function element(selector) {
  let found = document.querySelector(selector);
  if (!found)
    throw new Error(`tour: nothing matches ${selector}`);
  return found;
}

// web/src/tours/extension_binding_tour.ts
var EXTENSION_BINDING_TOUR = "pbx_callcenter_extension_binding", TOUR_LOGIN = "pbx_tour_agent", TOUR_EXTENSION = "7001", SCREEN = ".o_pbx_callcenter_extension_binding", PICKER = `${SCREEN} tr[data-login='${TOUR_LOGIN}'] select.o_pbx_callcenter_extension_picker`, EXTENSION_BINDING_URL = "/web#action=pbx_callcenter.pbx_extension_binding_action", extensionBindingTour = {
  test: !0,
  url: EXTENSION_BINDING_URL,
  steps: () => [
    {
      content: "the agent has a picker offering the free extension",
      trigger: PICKER,
      run() {
        let picker = element(PICKER), option = [...picker.options].find((item) => item.textContent?.trim().startsWith(TOUR_EXTENSION));
        if (!option)
          throw new Error(`tour: extension ${TOUR_EXTENSION} is not offered to ${TOUR_LOGIN}`);
        picker.value = option.value, picker.dispatchEvent(new Event("change", { bubbles: !0 }));
      }
    },
    {
      content: "save the binding",
      trigger: `${SCREEN} .o_pbx_callcenter_binding_save:not([disabled])`,
      run() {
        element(`${SCREEN} .o_pbx_callcenter_binding_save`).click();
      }
    },
    {
      content: "the server confirmed the save",
      trigger: `${SCREEN}[data-saves='1']`,
      run() {
        if (element(PICKER).selectedOptions[0]?.textContent?.trim().startsWith(TOUR_EXTENSION) !== !0)
          throw new Error("tour: the saved binding is not shown");
      }
    }
  ]
};
registry.category("web_tour.tours").add(EXTENSION_BINDING_TOUR, extensionBindingTour);

// web/src/tours/recording_player_tour.ts
var RECORDING_PLAYER_TOUR = "pbx_callcenter_recording_player", TOUR_RECORDING_URL = "https://pbx.example.com/rec/tour-101.wav", recordingPlayerTour = {
  test: !0,
  steps: () => [
    {
      content: "the call form shows an audio player for the recording",
      trigger: `.o_form_view .o_pbx_callcenter_recording_player audio[src='${TOUR_RECORDING_URL}']`,
      run() {
        let link = element(".o_pbx_callcenter_recording_player a.o_pbx_callcenter_recording_link");
        if (link.getAttribute("href") !== TOUR_RECORDING_URL || link.target !== "_blank")
          throw new Error("tour: the recording link does not open the recording in a new tab");
      }
    }
  ]
};
registry.category("web_tour.tours").add(RECORDING_PLAYER_TOUR, recordingPlayerTour);
