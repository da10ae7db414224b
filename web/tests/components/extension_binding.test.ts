// @vitest-environment jsdom
import { beforeEach, describe, expect, test, vi } from "vitest";
import { ExtensionBinding } from "../../src/components/extension_binding/extension_binding";
import type { BindingData } from "../../src/schemas/extension_binding";
import type { FixtureCase } from "../fixtures";
import { $, $$, click, mountedPerTest, nextRender } from "../helpers/mount";
import { readFixture } from "../helpers/repo";

// -----------------------------------------------------------------------------
// Fake services
// -----------------------------------------------------------------------------

const DATA = readFixture<FixtureCase>("extension_binding.json").cases.find((c) => c.name.startsWith("two connections"))
    ?.value as BindingData;

type Answer = unknown | ((args: unknown[]) => unknown);

class FakeServer {
    calls: { method: string; args: unknown[] }[] = [];
    notifications: { message: string; type?: string }[] = [];
    answers = new Map<string, Answer>([["get_binding_data", DATA]]);

    get services() {
        return {
            orm: {
                call: async (model: string, method: string, args: unknown[] = []) => {
                    expect(model).toBe("pbx.extension.binding");
                    this.calls.push({ method, args });
                    const answer = this.answers.get(method);
                    if (answer instanceof Error) {
                        throw answer;
                    }
                    return typeof answer === "function" ? (answer as (a: unknown[]) => unknown)(args) : answer;
                },
            },
            notification: {
                add: (message: string, options: { type?: string } = {}) => {
                    this.notifications.push({ message, type: options.type });
                    return () => undefined;
                },
            },
        };
    }

    methods(): string[] {
        return this.calls.map((call) => call.method);
    }
}

let server: FakeServer;
const mounted = mountedPerTest<ExtensionBinding>();

async function mount(): Promise<HTMLElement> {
    const { target } = await mounted.mount(ExtensionBinding, { env: { services: server.services } });
    await nextRender();
    return target;
}

function picker(root: HTMLElement, login: string, connectionId: number): HTMLSelectElement {
    const select = $(root, `tr[data-login='${login}'] select[data-connection-id='${connectionId}']`);
    if (!(select instanceof HTMLSelectElement)) {
        throw new Error(`no picker for ${login} on ${connectionId}`);
    }
    return select;
}

const offered = (select: HTMLSelectElement) => [...select.options].map((option) => option.textContent?.trim());

async function choose(select: HTMLSelectElement, value: string): Promise<void> {
    select.value = value;
    select.dispatchEvent(new Event("change"));
    await nextRender();
}

beforeEach(() => {
    server = new FakeServer();
});

// -----------------------------------------------------------------------------
// Tests
// -----------------------------------------------------------------------------

describe("extension binding screen", () => {
    test("lists every user with e-mail and kind, one picker per connection", async () => {
        const root = await mount();
        expect(server.methods()).toEqual(["get_binding_data"]);
        const rows = $$(root, "tr.o_pbx_callcenter_binding_user");
        expect(rows.map((row) => row.dataset.login)).toEqual(["admin", "ann", "joel@example.com", "public"]);
        expect($$(rows[2], "td").map((td) => td.textContent?.trim()).slice(0, 3)).toEqual([
            "Joel Portal",
            "joel@example.com",
            "Portal",
        ]);
        expect($$(root, "th.o_pbx_callcenter_binding_connection").map((th) => th.dataset.connectionId)).toEqual(["1", "2"]);
        expect($$(rows[0], "select.o_pbx_callcenter_extension_picker")).toHaveLength(2);
    });

    test("an extension already bound is not offered to another user", async () => {
        const root = await mount();
        expect(offered(picker(root, "ann", 1))).toEqual(["–", "103 (ann@example.com)"]);
        expect(picker(root, "admin", 1).value).toBe("10");
        await choose(picker(root, "ann", 1), "12");
        expect(offered(picker(root, "public", 1))).toEqual(["–"]);
        await choose(picker(root, "admin", 1), "");
        expect(offered(picker(root, "public", 1))).toEqual(["–", "101 (admin@example.com)"]);
    });

    test("save sends the changed extensions, then shows the fresh data", async () => {
        server.answers.set("save_bindings", () => {
            const fresh = structuredClone(DATA);
            fresh.extensions["1"][2].user_id = 7;
            fresh.users[1].bindings = { "1": 12 };
            return { changed: 1, data: fresh };
        });
        const root = await mount();
        const save = $(root, ".o_pbx_callcenter_binding_save") as HTMLButtonElement;
        expect(save.disabled).toBe(true);
        await choose(picker(root, "ann", 1), "12");
        expect(save.disabled).toBe(false);
        expect(save.textContent?.replace(/\s+/g, " ").trim()).toBe("Save (1)");
        expect($$(root, ".o_pbx_callcenter_binding_changed")).toHaveLength(1);
        await click(save);
        expect(server.calls[1]).toEqual({
            method: "save_bindings",
            args: [[{ extension_id: 12, user_id: 7, previous_user_id: null }]],
        });
        expect(server.notifications).toEqual([{ message: "1 extension binding(s) saved.", type: "success" }]);
        expect($$(root, ".o_pbx_callcenter_binding_changed")).toHaveLength(0);
        expect(picker(root, "ann", 1).value).toBe("12");
        expect(save.disabled).toBe(true);
    });

    test("discard puts the server's bindings back", async () => {
        const root = await mount();
        await choose(picker(root, "admin", 2), "");
        await click($(root, ".o_pbx_callcenter_binding_discard"));
        expect(picker(root, "admin", 2).value).toBe("20");
        expect(server.methods()).toEqual(["get_binding_data"]);
    });

    test("auto-bind lists the pairs and saves them only once confirmed", async () => {
        server.answers.set("auto_bind", {
            connection_id: 1,
            pairs: [{ user_id: 7, user_name: "Ann Sales", extension_id: 12, extension_name: "103", email: "ann@example.com" }],
            ambiguous: ["team@example.com"],
        });
        server.answers.set("save_bindings", { changed: 1, data: DATA });
        const root = await mount();
        await click($(root, "th[data-connection-id='1'] .o_pbx_callcenter_binding_auto"));
        expect(server.calls[1]).toEqual({ method: "auto_bind", args: [1] });
        const dialog = $(root, ".o_pbx_callcenter_auto_bind_dialog");
        expect($$(dialog!, ".o_pbx_callcenter_auto_bind_pairs tbody tr").map((tr) => tr.textContent)).toEqual([
            "103Ann Salesann@example.com",
        ]);
        expect(dialog?.textContent).toContain("team@example.com");
        expect(server.methods()).not.toContain("save_bindings");

        await click($(root, ".o_pbx_callcenter_auto_bind_cancel"));
        expect($(root, ".o_pbx_callcenter_auto_bind_dialog")).toBeNull();
        expect(server.methods()).not.toContain("save_bindings");

        await click($(root, "th[data-connection-id='1'] .o_pbx_callcenter_binding_auto"));
        await click($(root, ".o_pbx_callcenter_auto_bind_confirm"));
        expect(server.calls.at(-1)).toEqual({
            method: "save_bindings",
            args: [[{ extension_id: 12, user_id: 7, previous_user_id: null }]],
        });
    });

    test("auto-bind without pairs only says so", async () => {
        server.answers.set("auto_bind", { connection_id: 2, pairs: [], ambiguous: [] });
        const root = await mount();
        await click($(root, "th[data-connection-id='2'] .o_pbx_callcenter_binding_auto"));
        expect($(root, ".o_pbx_callcenter_auto_bind_dialog")).toBeNull();
        expect(server.notifications[0].type).toBe("warning");
    });

    test("import is offered where the PBX has an API, and keeps unsaved edits", async () => {
        server.answers.set("import_extensions", () => {
            const fresh = structuredClone(DATA);
            fresh.extensions["1"].push({ id: 14, name: "104", email: null, user_id: null });
            return { created: ["104"], updated: [], unchanged: ["101", "102", "103"], fetched: 4, data: fresh };
        });
        const root = await mount();
        expect($(root, "th[data-connection-id='2'] .o_pbx_callcenter_binding_import")).toBeNull();
        await choose(picker(root, "ann", 1), "12");
        await click($(root, "th[data-connection-id='1'] .o_pbx_callcenter_binding_import"));
        expect(server.calls.at(-1)).toEqual({ method: "import_extensions", args: [1] });
        expect(server.notifications[0].message).toBe("Office PBX: 4 extension(s) read, 1 new, 0 e-mail(s) updated.");
        expect(picker(root, "ann", 1).value).toBe("12");
        expect(offered(picker(root, "public", 1))).toEqual(["–", "104"]);
    });

    test("extensions are added from pasted lines", async () => {
        server.answers.set("add_extensions", { created: ["110"], updated: [], unchanged: ["101"], data: DATA });
        const root = await mount();
        await click($(root, "th[data-connection-id='2'] .o_pbx_callcenter_binding_add"));
        const textarea = $(root, ".o_pbx_callcenter_add_numbers") as HTMLTextAreaElement;
        textarea.value = "110, zoe@example.com\n\n 101 \n";
        textarea.dispatchEvent(new Event("input"));
        await click($(root, ".o_pbx_callcenter_add_confirm"));
        expect(server.calls.at(-1)).toEqual({ method: "add_extensions", args: [2, ["110, zoe@example.com", "101"]] });
        expect($(root, ".o_pbx_callcenter_add_dialog")).toBeNull();
        expect(server.notifications[0].message).toBe("1 extension(s) added; already there: 101.");
    });

    test("a malformed answer is reported, never rendered", async () => {
        const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
        server.answers.set("get_binding_data", { connections: "nope" });
        const root = await mount();
        expect($(root, ".alert-danger")?.textContent).toContain("unexpected");
        expect($(root, ".o_pbx_callcenter_binding_table")).toBeNull();
        expect(error).toHaveBeenCalled();
    });

    test("the user filter narrows the rows", async () => {
        const root = await mount();
        const kind = $(root, ".o_pbx_callcenter_binding_kind") as HTMLSelectElement;
        kind.value = "portal";
        kind.dispatchEvent(new Event("change"));
        await nextRender();
        expect($$(root, "tr.o_pbx_callcenter_binding_user").map((row) => row.dataset.login)).toEqual(["joel@example.com"]);
        const search = $(root, ".o_pbx_callcenter_binding_search") as HTMLInputElement;
        search.value = "nobody";
        search.dispatchEvent(new Event("input"));
        await nextRender();
        expect($$(root, "tr.o_pbx_callcenter_binding_user")).toHaveLength(0);
    });

    test("the kind filter is hidden when every user listed is internal", async () => {
        const users = DATA.users.filter((user) => user.kind === "internal");
        server.answers.set("get_binding_data", { ...DATA, users });
        const root = await mount();
        expect($(root, ".o_pbx_callcenter_binding_kind")).toBeNull();
        expect($$(root, "tr.o_pbx_callcenter_binding_user").map((row) => row.dataset.login)).toEqual(["admin", "ann"]);
    });

    test("without any connection it says where to create one", async () => {
        const users = DATA.users.map((user) => ({ ...user, bindings: {} }));
        server.answers.set("get_binding_data", { connections: [], users, extensions: {} });
        const root = await mount();
        expect($(root, ".o_pbx_callcenter_binding_empty")).not.toBeNull();
    });
});
