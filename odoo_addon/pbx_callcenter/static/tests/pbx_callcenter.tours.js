/** @odoo-module **/
// GENERATED from web/src by scripts/build.mjs — do not edit. esbuild 0.28.2, sha256:366d55d9cd7a68009a572b2ca962837125d7c7b455025c12cd2221d53fb4223b
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

// web/src/tours/click_to_dial_tour.ts
var CLICK_TO_DIAL_TOUR = "pbx_callcenter_click_to_dial", CLICK_TO_DIAL_ASK_TOUR = "pbx_callcenter_click_to_dial_ask", TOUR_PHONE = "+84 98 946 43 44", TOUR_DIAL_CODE = "LONGDIS", BUTTON = `.o_action_manager .o_pbx_callcenter_dial_button[data-number='${TOUR_PHONE}']`, startView = "";
function viewKind() {
  let view = element(".o_action_manager .o_view_controller");
  return ["o_form_view", "o_list_view", "o_tree_view", "o_kanban_view"].find((kind) => view.classList.contains(kind)) ?? "";
}
var clickCall = {
  content: "click the call button next to the contact's phone",
  trigger: BUTTON,
  run() {
    let buttons = document.querySelectorAll(BUTTON).length;
    if (buttons !== 1)
      throw new Error(`tour: ${buttons} call buttons for the phone, expected exactly one`);
    startView = viewKind(), element(BUTTON).click();
  }
}, callStarted = {
  content: "a notification says the call is being placed, and the view did not change",
  trigger: ".o_notification",
  run() {
    let text = element(".o_notification").textContent ?? "";
    if (!/Calling \S+ from extension \S+/.test(text))
      throw new Error(`tour: unexpected notification "${text.trim()}"`);
    if (!startView || viewKind() !== startView)
      throw new Error(`tour: the click left the ${startView || "unknown"} view`);
  }
}, clickToDialTour = {
  test: !0,
  steps: () => [clickCall, callStarted]
}, clickToDialAskTour = {
  test: !0,
  steps: () => [
    clickCall,
    {
      content: "the dial-code chooser offers the codes: pick one",
      trigger: `.o_pbx_callcenter_dial_chooser .o_pbx_callcenter_dial_choice[data-label='${TOUR_DIAL_CODE}']`,
      run() {
        let labels = [...document.querySelectorAll(".o_pbx_callcenter_dial_choice")].map((b) => b.getAttribute("data-label"));
        if (!labels.includes(""))
          throw new Error(`tour: the chooser offers no "no prefix" choice (${labels.join(", ")})`);
        element(`.o_pbx_callcenter_dial_choice[data-label='${TOUR_DIAL_CODE}']`).click();
      }
    },
    callStarted
  ]
};
registry.category("web_tour.tours").add(CLICK_TO_DIAL_TOUR, clickToDialTour);
registry.category("web_tour.tours").add(CLICK_TO_DIAL_ASK_TOUR, clickToDialAskTour);
