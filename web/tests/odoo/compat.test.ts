import { afterEach, describe, expect, test } from "vitest";
import { getRpc, getUser, listViewType, odooMajorVersion, odooModule, recordUrl } from "../../src/odoo/compat";
import type { OdooEnv } from "../../src/odoo/types";
import { session } from "../odoo_stubs/session";

// -----------------------------------------------------------------------------
// A fake `odoo.loader.modules`, as Odoo 17 and 18 fill it
// -----------------------------------------------------------------------------

const globals = globalThis as { odoo?: unknown };

function withModules(modules: Record<string, unknown>): void {
    globals.odoo = { loader: { modules: new Map(Object.entries(modules)) } };
}

const env = (services: Record<string, unknown>) => ({ services }) as unknown as OdooEnv;

afterEach(() => {
    delete globals.odoo;
    session.server_version_info = [17, 0, 0, "final", 0, ""];
});

describe("odoo 17 / 18 compatibility", () => {
    test("a module absent from the loader is undefined, also without any odoo global", () => {
        expect(odooModule("@web/core/user")).toBeUndefined();
        withModules({});
        expect(odooModule("@web/core/user")).toBeUndefined();
    });

    test("rpc is the 18 module's function when it is loaded", async () => {
        const rpc18 = async () => "18";
        withModules({ "@web/core/network/rpc": { rpc: rpc18 }, "@web/core/network/rpc_service": {} });
        expect(getRpc()).toBe(rpc18);
    });

    test("rpc falls back to 17's jsonrpc", () => {
        const jsonrpc = async () => "17";
        withModules({ "@web/core/network/rpc_service": { jsonrpc } });
        expect(getRpc()).toBe(jsonrpc);
    });

    test("rpc with neither version loaded throws a clear error", () => {
        withModules({});
        expect(() => getRpc()).toThrow(/rpc_service/);
    });

    test("user is the 18 module, else the 17 service", () => {
        const user18 = { userId: 2 };
        const user17 = { userId: 3 };
        withModules({ "@web/core/user": { user: user18 } });
        expect(getUser(env({ user: user17 }))).toBe(user18);
        withModules({});
        expect(getUser(env({ user: user17 }))).toBe(user17);
        expect(() => getUser(env({}))).toThrow(/user/);
    });

    test("the major version and list view type follow the session", () => {
        expect(odooMajorVersion()).toBe(17);
        expect(listViewType()).toBe("tree");
        session.server_version_info = [18, 0, 0, "final", 0, ""];
        expect(listViewType()).toBe("list");
        session.server_version_info = ["saas~17.4", 0];
        expect(odooMajorVersion()).toBe(17);
        session.server_version_info = undefined;
        expect(odooMajorVersion()).toBe(0);
    });

    test("a record's url is /web#… on 17 and /odoo/<model>/<id> on 18", () => {
        expect(recordUrl("res.partner", 7)).toBe("/web#id=7&model=res.partner&view_type=form");
        session.server_version_info = [18, 0, 0, "final", 0, ""];
        expect(recordUrl("crm.lead", 3)).toBe("/odoo/crm.lead/3");
        expect(recordUrl("website", 1)).toBe("/odoo/m-website/1");
    });
});
