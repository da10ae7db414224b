// @vitest-environment jsdom
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Component, xml } from "@odoo/owl";
import { session } from "@web/session";
import { beforeEach, describe, expect, test, vi } from "vitest";
import { ClickToDial, placeMenu } from "../../src/components/click_to_dial/click_to_dial";
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

/** Odoo's phone field as its templates render it (read-only: the number; form: *Call*), with us after. */
class PhoneFieldLike extends Component<{ number: string; form: boolean }> {
    static template = xml`
        <div class="o_phone_content d-inline-flex w-100">
            <a t-if="!props.form" class="o_form_uri" t-att-href="'tel:' + props.number" t-esc="props.number"/>
            <a t-else="" class="o_phone_form_link" t-att-href="'tel:' + props.number">Call</a>
            <ClickToDial number="props.number"/>
        </div>`;
    static components = { ClickToDial };
    static props = { number: String, form: Boolean };
}

let server: FakeServer;
const mounted = mountedPerTest<PhoneFieldLike>();

async function mount(form = false): Promise<HTMLElement> {
    return (await mounted.mount(PhoneFieldLike, { props: { number: NUMBER, form }, env: { services: server.services } })).target;
}

/** Clicks Odoo's link of the field (the number, or *Call*); returns whether the browser would follow it. */
async function clickNumber(root: HTMLElement): Promise<boolean> {
    const link = $(root, "a.o_form_uri, a.o_phone_form_link");
    if (!link) {
        throw new Error("no phone link");
    }
    const ev = new MouseEvent("click", { bubbles: true, cancelable: true });
    link.dispatchEvent(ev);
    await nextRender();
    return !ev.defaultPrevented;
}

beforeEach(() => {
    server = new FakeServer();
    session.pbx_callcenter_dial = { extension: "101" };
});

// -----------------------------------------------------------------------------
// Tests
// -----------------------------------------------------------------------------

describe("click to dial", () => {
    test("clicking the number dials through the PBX instead of following tel:", async () => {
        server.answers.push(result("ok with a prefix"));
        const root = await mount();
        expect(await clickNumber(root)).toBe(false);
        expect(server.calls).toEqual([{ model: "res.users", method: "pbx_dial", args: [NUMBER], kwargs: {} }]);
        expect(server.notifications).toEqual([{ message: "Calling 90989464344 from extension 101.", type: "success" }]);
    });

    test("odoo's call link of the form dials through the PBX too", async () => {
        server.answers.push(result("ok with a prefix"));
        const root = await mount(true);
        expect(await clickNumber(root)).toBe(false);
        expect(server.calls).toHaveLength(1);
    });

    test("the number says what it does, and no second call button competes with it", async () => {
        const root = await mount();
        expect($(root, "a.o_form_uri")?.getAttribute("title")).toBe("Call through the PBX (ext. 101)");
        expect($$(root, "button")).toHaveLength(1);
        expect($(root, ".o_pbx_callcenter_dial_more .fa-phone")).toBeNull();
    });

    test("the click does not reach the list row or kanban card around it", async () => {
        server.answers.push(result("ok with a prefix"), result("ok with a prefix"));
        const root = await mount();
        const opened = vi.fn();
        root.addEventListener("click", opened);
        await clickNumber(root);
        await click($(root, ".o_pbx_callcenter_dial_more"));
        await click($(root, ".o_pbx_callcenter_dial_pbx"));
        expect(opened).not.toHaveBeenCalled();
        expect(server.calls).toHaveLength(2);
    });

    test("without an extension nothing is added and the number stays odoo's tel: link", async () => {
        for (const value of [false, undefined, { extension: "" }, "101"]) {
            session.pbx_callcenter_dial = value;
            const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
            const root = await mount();
            expect($(root, ".o_pbx_callcenter_click_to_dial")).toBeNull();
            expect($(root, "a.o_form_uri")?.hasAttribute("title")).toBe(false);
            expect(await clickNumber(root)).toBe(true);
            expect(warn).toHaveBeenCalledTimes(value === false || value === undefined ? 0 : 1);
            mounted.current?.destroy();
            warn.mockRestore();
        }
        expect(server.calls).toEqual([]);
    });

    test("the menu offers the PBX call and the device's own tel: link", async () => {
        server.answers.push(result("ok with a prefix"));
        const root = await mount();
        await click($(root, ".o_pbx_callcenter_dial_more"));
        expect(server.calls).toEqual([]);
        expect($(root, ".o_pbx_callcenter_dial_pbx")?.textContent?.trim()).toBe("Call through the PBX (ext. 101)");
        expect($(root, ".o_pbx_callcenter_dial_device")?.getAttribute("href")).toBe("tel:+84989464344");
        await click($(root, ".o_pbx_callcenter_dial_pbx"));
        expect(server.calls).toHaveLength(1);
        expect($(root, ".o_pbx_callcenter_dial_chooser")).toBeNull();
    });

    test("an error is shown as a danger notification", async () => {
        for (const name of ["error no extension", "error unreachable", "error refused"]) {
            server.answers.push(result(name));
        }
        const root = await mount();
        for (let i = 0; i < 3; i++) {
            await clickNumber(root);
        }
        expect(server.notifications.map((n) => n.type)).toEqual(["danger", "danger", "danger"]);
        expect(server.notifications[0].message).toMatch(/no PBX extension/);
        expect(server.notifications[2].message).toMatch(/refused/);
        expect($(root, ".o_pbx_callcenter_dial_chooser")).toBeNull();
    });

    test("ask shows the chooser, and a choice dials again with its label", async () => {
        server.answers.push(result("ask with two codes and no prefix"), result("ok with a prefix"));
        const root = await mount();
        await clickNumber(root);
        const choices = $$(root, ".o_pbx_callcenter_dial_choice");
        const shown = (c: HTMLElement) => [...c.childNodes].map((n) => n.textContent?.trim()).filter(Boolean);
        expect(choices.map(shown)).toEqual([["LONGDIS", "1000"], ["LOCAL", "9"], ["No prefix"]]);
        expect($(root, ".o_pbx_callcenter_dial_device")?.getAttribute("href")).toBe("tel:+84989464344");
        expect(server.notifications).toEqual([]);
        await click(choices[1]);
        expect(server.calls.map((c) => c.kwargs)).toEqual([{}, { prefix_label: "LOCAL" }]);
        expect($(root, ".o_pbx_callcenter_dial_chooser")).toBeNull();
        expect(server.notifications.map((n) => n.type)).toEqual(["success"]);
    });

    test("no prefix is chosen with an empty label", async () => {
        server.answers.push(result("ask with two codes and no prefix"), result("ok with a prefix"));
        const root = await mount();
        await clickNumber(root);
        await click($(root, ".o_pbx_callcenter_dial_choice[data-label='']"));
        expect(server.calls[1].kwargs).toEqual({ prefix_label: "" });
    });

    test("the chooser closes on cancel, escape and a click elsewhere, without dialling", async () => {
        const root = await mount();
        const open = async () => {
            server.answers.push(result("ask with two codes and no prefix"));
            await clickNumber(root);
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

    test("the menu is placed inside the window, beside what was clicked", async () => {
        vi.spyOn(window, "innerWidth", "get").mockReturnValue(800);
        vi.spyOn(window, "innerHeight", "get").mockReturnValue(600);
        vi.spyOn(HTMLElement.prototype, "offsetWidth", "get").mockReturnValue(200);
        vi.spyOn(HTMLElement.prototype, "offsetHeight", "get").mockReturnValue(150);
        server.answers.push(result("ask with two codes and no prefix"));
        const root = await mount();
        const link = $(root, "a.o_form_uri")!;
        vi.spyOn(link, "getBoundingClientRect").mockReturnValue(new DOMRect(700, 560, 96, 20));
        await clickNumber(root);
        const menu = $(root, ".o_pbx_callcenter_dial_chooser")!;
        // right edges aligned (796 - 200), above the number (560 - 150)
        expect([menu.style.left, menu.style.top]).toEqual(["596px", "410px"]);
    });

    test("link mode follows the tel: or sip: link", async () => {
        const follow = vi.spyOn(ClickToDial.prototype, "followLink").mockImplementation(() => undefined);
        server.answers.push(result("tel link"), result("sip link"));
        const root = await mount();
        await clickNumber(root);
        await clickNumber(root);
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
            await clickNumber(root);
        }
        const invalid = FIXTURE.cases.filter((c) => !c.valid).length;
        expect(server.notifications).toHaveLength(invalid);
        expect(new Set(server.notifications.map((n) => n.type))).toEqual(new Set(["danger"]));
        expect(server.notifications[0].message).toMatch(/unexpected answer/);
        expect(warn).toHaveBeenCalledTimes(invalid);
        expect(follow).not.toHaveBeenCalled();
        expect($(root, ".o_pbx_callcenter_dial_chooser")).toBeNull();
    });

    test("a failed request is reported and the number works again", async () => {
        server.answers.push(new Error("network"), result("ok with a prefix"));
        const root = await mount();
        await clickNumber(root);
        expect(server.notifications).toEqual([
            { message: "The call could not be started: the server did not answer.", type: "danger" },
        ]);
        expect($(root, ".o_pbx_callcenter_dial_more")?.hasAttribute("disabled")).toBe(false);
        await clickNumber(root);
        expect(server.notifications[1].type).toBe("success");
    });

    test("a second click while dialling sends nothing", async () => {
        let answer: (value: unknown) => void = () => undefined;
        server.answers.push(new Promise((resolve) => (answer = resolve)));
        const root = await mount();
        await clickNumber(root);
        expect($(root, ".o_pbx_callcenter_dial_more")?.hasAttribute("disabled")).toBe(true);
        expect(await clickNumber(root)).toBe(false);
        answer(result("ok with a prefix"));
        await nextRender();
        expect(server.calls).toHaveLength(1);
        expect($(root, ".o_pbx_callcenter_dial_more")?.hasAttribute("disabled")).toBe(false);
    });

    test("its words go through translation", async () => {
        await mount();
        expect(translatedTerms).toContain("Call through the PBX (ext. %s)");
        expect(translatedTerms).toContain("Ways to call %s");
    });
});

describe("menu placement", () => {
    const viewport = { width: 800, height: 600 };
    const menu = { width: 200, height: 150 };

    test("below the anchor, left edges aligned, when it fits", () => {
        expect(placeMenu({ top: 100, bottom: 120, left: 50, right: 150 }, menu, viewport)).toEqual({ top: 120, left: 50 });
    });

    test("at the right edge: right edges aligned", () => {
        expect(placeMenu({ top: 100, bottom: 120, left: 700, right: 790 }, menu, viewport)).toEqual({ top: 120, left: 590 });
    });

    test("past the right edge: shifted inside", () => {
        expect(placeMenu({ top: 100, bottom: 120, left: 790, right: 900 }, menu, viewport)).toEqual({ top: 120, left: 596 });
    });

    test("at the bottom: above the anchor", () => {
        expect(placeMenu({ top: 560, bottom: 580, left: 50, right: 150 }, menu, viewport)).toEqual({ top: 410, left: 50 });
    });

    test("no room above or below: kept inside the window", () => {
        const tall = { width: 200, height: 500 };
        expect(placeMenu({ top: 200, bottom: 220, left: 50, right: 150 }, tall, viewport)).toEqual({ top: 96, left: 50 });
    });

    test("wider than the window: its left edge stays visible", () => {
        expect(placeMenu({ top: 100, bottom: 120, left: 10, right: 50 }, { width: 900, height: 100 }, viewport)).toEqual({ top: 120, left: 4 });
    });
});
