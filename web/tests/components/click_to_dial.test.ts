// @vitest-environment jsdom
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, test, vi } from "vitest";
import { ClickToDial } from "../../src/components/click_to_dial/click_to_dial";
import type { DialResult } from "../../src/schemas/dial_result";
import type { Fixture, FixtureCase } from "../fixtures";
import { $, $$, click, mountedPerTest, nextRender } from "../helpers/mount";
import { translatedTerms } from "../odoo_stubs/translation";

// -----------------------------------------------------------------------------
// Fixture results and fake services
// -----------------------------------------------------------------------------

const FIXTURE: Fixture<FixtureCase> = JSON.parse(
    readFileSync(join(process.cwd(), "tests/fixtures/dial_results.json"), "utf8")
);

function result(name: string): DialResult {
    const found = FIXTURE.cases.find((c) => c.name === name);
    if (!found?.valid) {
        throw new Error(`no valid case ${name} in dial_results.json`);
    }
    return found.value as DialResult;
}

const NUMBER = "+84 98 946 43 44";

class FakeServer {
    calls: { model: string; method: string; args: unknown[]; kwargs: Record<string, unknown> }[] = [];
    notifications: { message: string; type?: string }[] = [];
    answers: (unknown | Error)[] = [];

    get services() {
        return {
            orm: {
                call: async (model: string, method: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}) => {
                    this.calls.push({ model, method, args, kwargs });
                    const answer = this.answers.shift();
                    if (answer instanceof Error) {
                        throw answer;
                    }
                    return answer;
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
}

let server: FakeServer;
const mounted = mountedPerTest<ClickToDial>();

async function mount(): Promise<HTMLElement> {
    return (await mounted.mount(ClickToDial, { props: { number: NUMBER }, env: { services: server.services } })).target;
}

beforeEach(() => {
    server = new FakeServer();
});

// -----------------------------------------------------------------------------
// Tests
// -----------------------------------------------------------------------------

describe("click to dial", () => {
    test("clicking the button asks the server to dial the number", async () => {
        server.answers.push(result("ok with a prefix"));
        const root = await mount();
        await click($(root, ".o_pbx_callcenter_dial_button"));
        expect(server.calls).toEqual([{ model: "res.users", method: "pbx_dial", args: [NUMBER], kwargs: {} }]);
        expect(server.notifications).toEqual([{ message: "Calling 90989464344 from extension 101.", type: "success" }]);
    });

    test("the click does not reach the list row or kanban card around it", async () => {
        server.answers.push(result("ok with a prefix"));
        const root = await mount();
        const opened = vi.fn();
        root.addEventListener("click", opened);
        await click($(root, ".o_pbx_callcenter_dial_button"));
        expect(opened).not.toHaveBeenCalled();
    });

    test("an error is shown as a danger notification", async () => {
        for (const name of ["error no extension", "error unreachable", "error refused"]) {
            server.answers.push(result(name));
        }
        const root = await mount();
        for (let i = 0; i < 3; i++) {
            await click($(root, ".o_pbx_callcenter_dial_button"));
        }
        expect(server.notifications.map((n) => n.type)).toEqual(["danger", "danger", "danger"]);
        expect(server.notifications[0].message).toMatch(/no PBX extension/);
        expect(server.notifications[2].message).toMatch(/refused/);
        expect($(root, ".o_pbx_callcenter_dial_chooser")).toBeNull();
    });

    test("ask shows the chooser, and a choice dials again with its label", async () => {
        server.answers.push(result("ask with two codes and no prefix"), result("ok with a prefix"));
        const root = await mount();
        await click($(root, ".o_pbx_callcenter_dial_button"));
        const choices = $$(root, ".o_pbx_callcenter_dial_choice");
        const shown = (c: HTMLElement) => [...c.childNodes].map((n) => n.textContent?.trim()).filter(Boolean);
        expect(choices.map(shown)).toEqual([["LONGDIS", "1000"], ["LOCAL", "9"], ["No prefix"]]);
        expect(server.notifications).toEqual([]);
        await click(choices[1]);
        expect(server.calls.map((c) => c.kwargs)).toEqual([{}, { prefix_label: "LOCAL" }]);
        expect($(root, ".o_pbx_callcenter_dial_chooser")).toBeNull();
        expect(server.notifications.map((n) => n.type)).toEqual(["success"]);
    });

    test("no prefix is chosen with an empty label", async () => {
        server.answers.push(result("ask with two codes and no prefix"), result("ok with a prefix"));
        const root = await mount();
        await click($(root, ".o_pbx_callcenter_dial_button"));
        await click($(root, ".o_pbx_callcenter_dial_choice[data-label='']"));
        expect(server.calls[1].kwargs).toEqual({ prefix_label: "" });
    });

    test("the chooser closes on cancel, escape and a click elsewhere, without dialling", async () => {
        const root = await mount();
        const open = async () => {
            server.answers.push(result("ask with two codes and no prefix"));
            await click($(root, ".o_pbx_callcenter_dial_button"));
            expect($(root, ".o_pbx_callcenter_dial_chooser")).not.toBeNull();
        };
        await open();
        await click($(root, ".o_pbx_callcenter_dial_cancel"));
        expect($(root, ".o_pbx_callcenter_dial_chooser")).toBeNull();
        await open();
        window.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape" }));
        await nextRender();
        expect($(root, ".o_pbx_callcenter_dial_chooser")).toBeNull();
        await open();
        document.body.dispatchEvent(new MouseEvent("mousedown", { bubbles: true }));
        await nextRender();
        expect($(root, ".o_pbx_callcenter_dial_chooser")).toBeNull();
        expect(server.calls).toHaveLength(3);
    });

    test("link mode follows the tel: or sip: link", async () => {
        const follow = vi.spyOn(ClickToDial.prototype, "followLink").mockImplementation(() => undefined);
        server.answers.push(result("tel link"), result("sip link"));
        const root = await mount();
        await click($(root, ".o_pbx_callcenter_dial_button"));
        await click($(root, ".o_pbx_callcenter_dial_button"));
        expect(follow.mock.calls).toEqual([["tel:0989464344"], ["sip:0989464344@pbx.example.com"]]);
        expect(server.notifications).toEqual([]);
    });

    test("a malformed result is reported, never followed", async () => {
        const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
        const follow = vi.spyOn(ClickToDial.prototype, "followLink").mockImplementation(() => undefined);
        for (const c of FIXTURE.cases.filter((c) => !c.valid)) {
            server.answers.push(c.value);
        }
        const root = await mount();
        while (server.answers.length) {
            await click($(root, ".o_pbx_callcenter_dial_button"));
        }
        const invalid = FIXTURE.cases.filter((c) => !c.valid).length;
        expect(server.notifications).toHaveLength(invalid);
        expect(new Set(server.notifications.map((n) => n.type))).toEqual(new Set(["danger"]));
        expect(server.notifications[0].message).toMatch(/unexpected answer/);
        expect(warn).toHaveBeenCalledTimes(invalid);
        expect(follow).not.toHaveBeenCalled();
        expect($(root, ".o_pbx_callcenter_dial_chooser")).toBeNull();
    });

    test("a failed request is reported and the button works again", async () => {
        server.answers.push(new Error("network"), result("ok with a prefix"));
        const root = await mount();
        await click($(root, ".o_pbx_callcenter_dial_button"));
        expect(server.notifications).toEqual([
            { message: "The call could not be started: the server did not answer.", type: "danger" },
        ]);
        expect($(root, ".o_pbx_callcenter_dial_button")?.hasAttribute("disabled")).toBe(false);
        await click($(root, ".o_pbx_callcenter_dial_button"));
        expect(server.notifications[1].type).toBe("success");
    });

    test("a second click while dialling sends nothing", async () => {
        let answer: (value: unknown) => void = () => undefined;
        server.answers.push(new Promise((resolve) => (answer = resolve)));
        const root = await mount();
        const button = $(root, ".o_pbx_callcenter_dial_button");
        await click(button);
        expect(button?.hasAttribute("disabled")).toBe(true);
        await mounted.current?.component.dial(null);
        answer(result("ok with a prefix"));
        await nextRender();
        expect(server.calls).toHaveLength(1);
        expect(button?.hasAttribute("disabled")).toBe(false);
    });

    test("its words go through translation", async () => {
        await mount();
        expect(translatedTerms).toContain("Call %s from your PBX extension");
    });
});
