// Entry point of the widget bundle (static/src/pbx_callcenter.bundle.js, in web.assets_backend).
// Named exports only: Odoo's transpiler cannot load a default export (see scripts/build_lib.mjs).
// Each feature registers its services, main components, fields and actions here.
export { getRpc, getUser, listViewType, odooMajorVersion, odooModule, rpc } from "./odoo/compat";
