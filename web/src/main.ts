// Entry point of the widget bundle (static/src/pbx_callcenter.bundle.js, in web.assets_backend).
// Named exports only: Odoo's transpiler cannot load a default export (see scripts/build_lib.mjs).
// Each feature registers its services, main components, fields and actions here.
import { CallPopupStack } from "./components/call_popup_stack/call_popup_stack";
import { registry } from "./odoo/registry";
import { CALL_POPUP_SERVICE, callPopupService } from "./services/call_popup_service";

export { getRpc, getUser, listViewType, odooMajorVersion, odooModule, recordUrl, rpc } from "./odoo/compat";
export { CallPopup } from "./components/call_popup/call_popup";
export { CallPopupModel } from "./services/call_popup_service";
export { CallPopupStack };

// ---- incoming-call popup ----------------------------------------------------------

registry.category("services").add(CALL_POPUP_SERVICE, callPopupService);
registry.category("main_components").add("pbx_callcenter.CallPopupStack", { Component: CallPopupStack, props: {} });

// ---- extension binding screen, recording player (they register themselves) ------------
import "./components/extension_binding/register";
import "./components/recording_player/register";
import "./components/click_to_dial/register";
import "./components/call_back/register";
import "./components/chatter_recording/register";
import "./components/duration_field/register";
