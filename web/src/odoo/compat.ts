// The differences between Odoo 17 and 18, resolved at runtime so ONE bundle runs on both.
//
// A static `import` of a module that exists on one version only would make Odoo's module loader
// wait forever for a missing dependency (and report the whole bundle as failed). So the
// version-specific modules are looked up, once started, in `odoo.loader.modules` (a Map from
// module name to exports, present on 17 and 18) instead:
//
//   rpc   17: `jsonrpc` in @web/core/network/rpc_service (and the "rpc" service)
//         18: `rpc` in @web/core/network/rpc
//   user  17: the "user" service (env.services.user)
//         18: `user` in @web/core/user (the service is gone)
//   list  17: view type "tree", 18: "list"
//   URLs  17: /web#model=…&id=…, 18: /odoo/<model>/<id>
import { session } from "@web/session";
import type { OdooEnv, OdooUser, RpcFunction } from "./types";

// -----------------------------------------------------------------------------
// Module lookup
// -----------------------------------------------------------------------------

/** Exports of an Odoo JS module that has started, or undefined (absent on this version). */
export function odooModule<T>(name: string): T | undefined {
    const loader = typeof odoo === "undefined" ? undefined : odoo?.loader;
    return loader?.modules.get(name) as T | undefined;
}

// -----------------------------------------------------------------------------
// Version
// -----------------------------------------------------------------------------

/** The server's major version (17, 18, …), or 0 when the session does not say. */
export function odooMajorVersion(): number {
    const info = session.server_version_info;
    const first = info?.[0];
    if (typeof first === "number") {
        return first;
    }
    // saas releases: ["saas~17.2", …]
    const match = typeof first === "string" ? /(\d+)/.exec(first) : null;
    return match ? Number(match[1]) : 0;
}

/** The list view type: "tree" before 18, "list" from 18 on. */
export function listViewType(): "list" | "tree" {
    return odooMajorVersion() >= 18 ? "list" : "tree";
}

/** The web client URL of a record's form view (for opening it in another tab). */
export function recordUrl(model: string, id: number): string {
    if (odooMajorVersion() >= 18) {
        return `/odoo/${model.includes(".") ? model : `m-${model}`}/${id}`;
    }
    return `/web#id=${id}&model=${encodeURIComponent(model)}&view_type=form`;
}

// -----------------------------------------------------------------------------
// rpc
// -----------------------------------------------------------------------------

/** The JSON-RPC function of this Odoo version. Throws when neither is loaded. */
export function getRpc(): RpcFunction {
    const v18 = odooModule<{ rpc?: RpcFunction }>("@web/core/network/rpc");
    if (v18?.rpc) {
        return v18.rpc;
    }
    const v17 = odooModule<{ jsonrpc?: RpcFunction }>("@web/core/network/rpc_service");
    if (v17?.jsonrpc) {
        return v17.jsonrpc;
    }
    throw new Error("pbx_callcenter: neither @web/core/network/rpc (18) nor rpc_service (17) is loaded");
}

/** `rpc(route, params)` on 17 and 18 alike. */
export const rpc: RpcFunction = (route, params, settings) => getRpc()(route, params, settings);

// -----------------------------------------------------------------------------
// user
// -----------------------------------------------------------------------------

/** The current user (id, context, hasGroup): the 18 module, else the 17 service of `env`. */
export function getUser(env: OdooEnv): OdooUser {
    const v18 = odooModule<{ user?: OdooUser }>("@web/core/user");
    if (v18?.user) {
        return v18.user;
    }
    const v17 = env.services.user as OdooUser | undefined;
    if (v17) {
        return v17;
    }
    throw new Error("pbx_callcenter: neither @web/core/user (18) nor the user service (17) is available");
}
