/** @odoo-module **/
// GENERATED from web/src by scripts/build.mjs — do not edit. esbuild 0.28.2, sha256:0234a816d672a6627bfc2daca8b66db6712a5dd1e62fabd586305f5c48a369ed
// web/src/odoo/compat.ts
import { session } from "@web/session";
function odooModule(name) {
  return (typeof odoo > "u" ? void 0 : odoo?.loader)?.modules.get(name);
}
function odooMajorVersion() {
  let first = session.server_version_info?.[0];
  if (typeof first == "number")
    return first;
  let match = typeof first == "string" ? /(\d+)/.exec(first) : null;
  return match ? Number(match[1]) : 0;
}
function listViewType() {
  return odooMajorVersion() >= 18 ? "list" : "tree";
}
function getRpc() {
  let v18 = odooModule("@web/core/network/rpc");
  if (v18?.rpc)
    return v18.rpc;
  let v17 = odooModule("@web/core/network/rpc_service");
  if (v17?.jsonrpc)
    return v17.jsonrpc;
  throw new Error("pbx_callcenter: neither @web/core/network/rpc (18) nor rpc_service (17) is loaded");
}
var rpc = (route, params, settings) => getRpc()(route, params, settings);
function getUser(env) {
  let v18 = odooModule("@web/core/user");
  if (v18?.user)
    return v18.user;
  let v17 = env.services.user;
  if (v17)
    return v17;
  throw new Error("pbx_callcenter: neither @web/core/user (18) nor the user service (17) is available");
}
export {
  getRpc,
  getUser,
  listViewType,
  odooMajorVersion,
  odooModule,
  rpc
};
