/** @odoo-module **/
// GENERATED from web/src by scripts/build.mjs — do not edit. esbuild 0.28.2, sha256:604893ef44527d24add7b5ac026e2ff5c1fe10466b51d24cffd69b5c6556b55a
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
var CLICK_TO_DIAL_TOUR = "pbx_callcenter_click_to_dial", CLICK_TO_DIAL_ASK_TOUR = "pbx_callcenter_click_to_dial_ask", CLICK_TO_DIAL_NONE_TOUR = "pbx_callcenter_click_to_dial_none", TOUR_PHONE = "+84 98 946 43 44", TOUR_EXTENSION2 = "101", TOUR_DIAL_CODE = "LONGDIS", FIELD = `.o_action_manager .o_phone_content:has(.o_pbx_callcenter_dial_more[data-number='${TOUR_PHONE}'])`, ODOO_LINKS = ":scope > a.o_form_uri, :scope > a.o_phone_form_link", MENU = ".o_pbx_callcenter_dial_chooser", startView = "";
function viewKind() {
  let view = element(".o_action_manager .o_view_controller");
  return ["o_form_view", "o_list_view", "o_tree_view", "o_kanban_view"].find((kind) => view.classList.contains(kind)) ?? "";
}
function pbxLink() {
  let fields = document.querySelectorAll(FIELD);
  if (fields.length !== 1)
    throw new Error(`tour: ${fields.length} phone fields with the contact's number, expected one`);
  let links = [...fields[0].querySelectorAll(ODOO_LINKS)];
  if (links.length !== 1)
    throw new Error(`tour: ${links.length} links in the phone field, expected one`);
  let title = links[0].getAttribute("title") ?? "";
  if (title !== `Call through the PBX (ext. ${TOUR_EXTENSION2})`)
    throw new Error(`tour: the phone link does not say it calls through the PBX: "${title}"`);
  if (fields[0].querySelectorAll(".o_pbx_callcenter_dial_button, .o_pbx_callcenter_click_to_dial .fa-phone").length)
    throw new Error("tour: a second call button competes with the number");
  return links[0];
}
function assertMenuInViewport() {
  let menu = element(MENU), rect = menu.getBoundingClientRect(), where = `menu at left ${rect.left}, top ${rect.top}, right ${rect.right}, bottom ${rect.bottom} in a ${window.innerWidth}x${window.innerHeight} window`;
  if (rect.left < 0 || rect.top < 0 || rect.right > window.innerWidth || rect.bottom > window.innerHeight)
    throw new Error(`tour: the ${where} is cut off by the viewport`);
  for (let [x, y] of [[rect.left + 2, rect.top + 2], [rect.right - 2, rect.top + 2], [rect.left + 2, rect.bottom - 2], [rect.right - 2, rect.bottom - 2]]) {
    let found = document.elementFromPoint(x, y);
    if (!found || !menu.contains(found))
      throw new Error(`tour: the ${where} is hidden at (${x}, ${y}) by ${found?.className ?? "nothing"}`);
  }
}
function assertDeviceLink() {
  let href = element(`${MENU} a.o_pbx_callcenter_dial_device`).getAttribute("href");
  if (href !== `tel:${TOUR_PHONE.replace(/\s+/g, "")}`)
    throw new Error(`tour: the device link is ${href}`);
}
var clickNumber = {
  content: "click the contact's number (or Call): it is the PBX control",
  trigger: FIELD,
  run() {
    startView = viewKind(), pbxLink().click();
  }
}, callStarted = {
  content: "a notification says the call is being placed, and the view did not change",
  trigger: ".o_notification",
  run() {
    let text2 = element(".o_notification").textContent ?? "";
    if (!/Calling \S+ from extension \S+/.test(text2))
      throw new Error(`tour: unexpected notification "${text2.trim()}"`);
    if (!startView || viewKind() !== startView)
      throw new Error(`tour: the click left the ${startView || "unknown"} view`);
  }
}, clickToDialTour = {
  test: !0,
  steps: () => [
    clickNumber,
    callStarted,
    {
      content: "open the menu next to the number",
      trigger: `${FIELD} .o_pbx_callcenter_dial_more:not([disabled])`,
      run() {
        element(`${FIELD} .o_pbx_callcenter_dial_more`).click();
      }
    },
    {
      content: "it offers the PBX call and the device's tel: link, inside the viewport; close it",
      trigger: `${MENU} .o_pbx_callcenter_dial_device`,
      run() {
        let pbx = element(`${MENU} .o_pbx_callcenter_dial_pbx`).textContent ?? "";
        if (!pbx.includes(`Call through the PBX (ext. ${TOUR_EXTENSION2})`))
          throw new Error(`tour: the menu's PBX item says "${pbx.trim()}"`);
        assertDeviceLink(), assertMenuInViewport(), element(`${MENU} .o_pbx_callcenter_dial_cancel`).click();
      }
    },
    {
      content: "the menu is closed",
      trigger: `${FIELD} .o_pbx_callcenter_dial_more[aria-expanded='false']`,
      run() {
        if (document.querySelector(MENU))
          throw new Error("tour: the menu is still open");
      }
    }
  ]
}, clickToDialAskTour = {
  test: !0,
  steps: () => [
    {
      content: "move the phone field to the bottom-right corner of the window, click its number",
      trigger: FIELD,
      run() {
        startView = viewKind();
        let link = pbxLink(), field = element(FIELD), end = element(`${FIELD} .o_pbx_callcenter_dial_more`), rect = end.getBoundingClientRect();
        field.style.position = "relative", field.style.left = `${Math.round(window.innerWidth - 2 - rect.right)}px`, field.style.top = `${Math.round(window.innerHeight - 2 - rect.bottom)}px`;
        let moved = end.getBoundingClientRect();
        if (moved.right < window.innerWidth - 10 || moved.bottom < window.innerHeight - 10)
          throw new Error(`tour: the phone field did not move to the corner (${moved.right}, ${moved.bottom})`);
        link.click();
      }
    },
    {
      content: "the dial-code chooser is inside the viewport, offers the codes and the device: pick one",
      trigger: `${MENU} .o_pbx_callcenter_dial_choice[data-label='${TOUR_DIAL_CODE}']`,
      run() {
        assertMenuInViewport(), assertDeviceLink();
        let labels = [...document.querySelectorAll(".o_pbx_callcenter_dial_choice")].map((b) => b.getAttribute("data-label"));
        if (!labels.includes(""))
          throw new Error(`tour: the chooser offers no "no prefix" choice (${labels.join(", ")})`);
        element(`${MENU} .o_pbx_callcenter_dial_choice[data-label='${TOUR_DIAL_CODE}']`).click();
      }
    },
    callStarted
  ]
}, clickToDialNoneTour = {
  test: !0,
  steps: () => [
    {
      content: "without an extension, the number is Odoo's own tel: link and nothing else",
      trigger: ".o_action_manager .o_phone_content a[href^='tel:']",
      run() {
        if (document.querySelector(".o_pbx_callcenter_click_to_dial, .o_pbx_callcenter_dial_button"))
          throw new Error("tour: click-to-dial controls for a user without an extension");
        let link = element(".o_action_manager .o_phone_content a[href^='tel:']");
        if (link.hasAttribute("title") || link.getAttribute("href") !== `tel:${TOUR_PHONE.replace(/\s+/g, "")}`)
          throw new Error(`tour: Odoo's tel: link was changed (${link.outerHTML})`);
      }
    }
  ]
};
registry.category("web_tour.tours").add(CLICK_TO_DIAL_TOUR, clickToDialTour);
registry.category("web_tour.tours").add(CLICK_TO_DIAL_ASK_TOUR, clickToDialAskTour);
registry.category("web_tour.tours").add(CLICK_TO_DIAL_NONE_TOUR, clickToDialNoneTour);

// web/src/tours/call_back_tour.ts
var CALL_BACK_LIST_TOUR = "pbx_callcenter_call_back_list", CALL_BACK_ACTIVITY_TOUR = "pbx_callcenter_call_back_activity", BUTTON = ".o_pbx_callcenter_call_back_button";
function clickOnly(scope, model) {
  let selector = `${scope} ${BUTTON}[data-model='${model}']`;
  return {
    content: "click the only Call back button",
    trigger: selector,
    run() {
      let buttons = [...document.querySelectorAll(`${scope} ${BUTTON}`)], records = new Set(buttons.map((button) => `${button.dataset.model}:${button.dataset.resId}`));
      if (records.size !== 1)
        throw new Error(`tour: Call back buttons for ${[...records].join(", ") || "nothing"}, expected one record`);
      element(selector).click();
    }
  };
}
function callStarted2(view) {
  return {
    content: "a notification says the PBX is calling, and the view did not change",
    trigger: ".o_notification",
    run() {
      let text2 = element(".o_notification").textContent ?? "";
      if (!/Calling \S+ from extension \S+/.test(text2))
        throw new Error(`tour: unexpected notification "${text2.trim()}"`);
      element(view);
    }
  };
}
var callBackListTour = {
  test: !0,
  steps: () => [clickOnly(".o_list_view .o_data_row", "pbx.call"), callStarted2(".o_list_view")]
}, callBackActivityTour = {
  test: !0,
  steps: () => [
    { content: "the chatter has loaded its activities", trigger: ".o_form_view .o-mail-Activity", run() {
    } },
    clickOnly(".o-mail-Activity", "mail.activity"),
    callStarted2(".o_form_view .o-mail-Activity")
  ]
};
registry.category("web_tour.tours").add(CALL_BACK_LIST_TOUR, callBackListTour);
registry.category("web_tour.tours").add(CALL_BACK_ACTIVITY_TOUR, callBackActivityTour);

// web/src/tours/recording_chatter_tour.ts
var RECORDING_CHATTER_TOUR = "pbx_callcenter_recording_chatter", TOUR_CHATTER_RECORDING_URL = "https://pbx.example.com/recordings/2024/01/15/chatter-7.wav", recordingChatterTour = {
  test: !0,
  steps: () => [
    {
      content: "the chatter has loaded its messages (its own time on a busy server)",
      trigger: ".o_form_view .o-mail-Message",
      run() {
      }
    },
    {
      content: "the call's message in the chatter has an audio player for the recording",
      trigger: `.o-mail-Message audio.o_pbx_callcenter_chatter_player[src='${TOUR_CHATTER_RECORDING_URL}']`,
      run() {
        let players = document.querySelectorAll(".o-mail-Message audio.o_pbx_callcenter_chatter_player");
        if (players.length !== 1)
          throw new Error(`tour: ${players.length} players in the chatter, expected one`);
        if (element(".o-mail-Message a.o_pbx_callcenter_chatter_recording").getAttribute("href") !== TOUR_CHATTER_RECORDING_URL)
          throw new Error("tour: the recording link is gone or changed");
        let playable = document.querySelectorAll(".o-mail-Message audio[controls]").length;
        if (playable !== 1)
          throw new Error(`tour: ${playable} playable <audio> in the chatter: one a user posted is playable`);
      }
    }
  ]
};
registry.category("web_tour.tours").add(RECORDING_CHATTER_TOUR, recordingChatterTour);

// web/src/tours/call_reports_tour.ts
var CALL_REPORTS_TOUR = "pbx_callcenter_call_reports", TOUR_REPORT_USER = "Rita Reporter", TOUR_ANSWERED_PHONE = "+84900000001", TOUR_PIVOT_ROW = ["2", "50%", "50%", "0:02:05", "0:02:05", "0:00:20"], TOUR_PIVOT_HEADERS = ["Count", "Answered Rate", "Missed Rate", "Talk Time", "Avg Talk Time", "Avg Wait Time"], TOUR_DURATION = "0:02:25";
function text(node) {
  return (node?.textContent ?? "").trim();
}
function samePercent(value) {
  let match = /^(\d+(?:\.\d+)?)%$/.exec(value);
  return match ? `${Number(match[1])}%` : value;
}
function checkPivotRow() {
  let row = [...document.querySelectorAll(".o_pivot table tbody tr")].find((tr) => text(tr.querySelector("th")) === TOUR_REPORT_USER);
  if (!row)
    throw new Error(`tour: no pivot row for ${TOUR_REPORT_USER}`);
  let headers = [...document.querySelectorAll(".o_pivot table thead th.o_pivot_measure_row")].map(text);
  if (JSON.stringify(headers) !== JSON.stringify(TOUR_PIVOT_HEADERS))
    throw new Error(`tour: the pivot's measures read ${JSON.stringify(headers)}, expected ${JSON.stringify(TOUR_PIVOT_HEADERS)}`);
  let values = [...row.querySelectorAll("td.o_pivot_cell_value")].map((td) => samePercent(text(td)));
  if (JSON.stringify(values) !== JSON.stringify(TOUR_PIVOT_ROW))
    throw new Error(`tour: the pivot row of ${TOUR_REPORT_USER} is ${JSON.stringify(values)}, expected ${JSON.stringify(TOUR_PIVOT_ROW)}`);
}
function checkListDuration() {
  let row = [...document.querySelectorAll(".o_list_view tr.o_data_row")].find((tr) => text(tr.querySelector("td[name='phone']")) === TOUR_ANSWERED_PHONE);
  if (!row)
    throw new Error(`tour: no list row for ${TOUR_ANSWERED_PHONE}`);
  let duration = text(row.querySelector("td[name='duration']"));
  if (duration !== TOUR_DURATION)
    throw new Error(`tour: the list shows the duration "${duration}", expected "${TOUR_DURATION}"`);
}
var callReportsTour = {
  test: !0,
  steps: () => [
    {
      content: "the pivot shows count, rates and h:mm:ss times per user",
      trigger: ".o_pivot table tbody td.o_pivot_cell_value",
      run: checkPivotRow
    },
    {
      content: "switch to the list",
      trigger: ".o_switch_view.o_list",
      run() {
        element(".o_switch_view.o_list").click();
      }
    },
    {
      content: "the list shows the call's duration as h:mm:ss",
      trigger: ".o_list_view tr.o_data_row td[name='duration']",
      run: checkListDuration
    }
  ]
};
registry.category("web_tour.tours").add(CALL_REPORTS_TOUR, callReportsTour);

// web/src/tours/setup_screen_tour.ts
var SETUP_SCREEN_TOUR = "pbx_callcenter_setup_screen", TEST_CALLID_PREFIX = "odoo_test_call_", CANONICAL_ROUTES = ["call_in", "init", "call_out"], FORM = ".o_action_manager .o_form_view", TEST_CALL_BUTTON = `${FORM} button.o_pbx_callcenter_send_test_call`, POPUP = `.o_pbx_callcenter_popup[data-callid^='${TEST_CALLID_PREFIX}']`;
function urlField(route) {
  return `${FORM} .o_field_widget[name='setup_${route}_url']`;
}
var setupScreenTour = {
  test: !0,
  steps: () => [
    {
      content: "the PBX Setup tab shows each canonical route's full URL with a copy button",
      trigger: `${urlField("call_out")} .o_clipboard_button`,
      run() {
        for (let route of CANONICAL_ROUTES) {
          let field = element(urlField(route)), value = field.cloneNode(!0);
          value.querySelectorAll(".o_clipboard_button").forEach((button) => button.remove());
          let shown = value.textContent?.trim() ?? "", expected = `${window.location.origin}/api/callcenter/${route}`;
          if (shown !== expected)
            throw new Error(`tour: the ${route} URL shows "${shown}", expected "${expected}"`);
          if (!field.querySelector(".o_clipboard_button"))
            throw new Error(`tour: the ${route} URL has no copy button`);
        }
      }
    },
    {
      content: "send a test call",
      trigger: `${TEST_CALL_BUTTON}:not([disabled])`,
      run() {
        element(TEST_CALL_BUTTON).click();
      }
    },
    {
      content: "the test call's popup appears and follows the call to its end",
      trigger: `${POPUP}[data-state='ended']`,
      run() {
        let cards = document.querySelectorAll(POPUP).length;
        if (cards !== 1)
          throw new Error(`tour: ${cards} popups for the test call, expected one`);
      }
    },
    {
      content: "a notification says what happened",
      trigger: ".o_notification",
      run() {
        let text2 = element(".o_notification").textContent ?? "";
        if (!/rang, then the call ended/.test(text2))
          throw new Error(`tour: unexpected notification "${text2.trim()}"`);
      }
    }
  ]
};
registry.category("web_tour.tours").add(SETUP_SCREEN_TOUR, setupScreenTour);
