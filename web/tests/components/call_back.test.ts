// @vitest-environment jsdom
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { CallBack, CallBackWidget } from "../../src/components/call_back/call_back";
import { CallPopupStack } from "../../src/components/call_popup_stack/call_popup_stack";
import { CALL_NOTIFICATION, CALL_POPUP_SERVICE, callPopupService } from "../../src/services/call_popup_service";
import type { OdooEnv } from "../../src/odoo/types";
import type { DialResult } from "../../src/schemas/dial_result";
import type { Fixture, FixtureCase } from "../fixtures";
import { $, $$, click, mountComponent, nextRender, type Mounted } from "../helpers/mount";
import { busCall, fakeServices } from "../services/fakes";

// The dial results of the shared fixture (tests/fixtures/dial_results.json).
const FIXTURE: Fixture<FixtureCase> = JSON.parse(readFileSync(join(process.cwd(), "tests/fixtures/dial_results.json"), "utf8"));

function result(name: string): DialResult {
    const found = FIXTURE.cases.find((c) => c.name === name);
    if (!found?.valid) {
        throw new Error(`no valid case ${name} in dial_results.json`);
    }
    return found.value as DialResult;
}

let services: ReturnType<typeof fakeServices>;
let mounted: Mounted<object> | undefined;

async function mount<C extends object>(Component: new (...args: never[]) => C, props: Record<string, unknown>) {
    mounted = await mountComponent(Component as never, { props, env: { services } });
    return mounted.target;
}

beforeEach(() => {
    services = fakeServices();
});

afterEach(() => {
    mounted?.destroy();
    mounted = undefined;
    vi.restoreAllMocks();
});

const BUTTON = ".o_pbx_callcenter_call_back_button";

describe("call back button", () => {
    test("a click dials the call's number through the server and says so", async () => {
        services.answers.set("pbx.call.action_call_back", result("ok with a prefix"));
        const root = await mount(CallBack, { model: "pbx.call", resId: 42 });
        await click($(root, BUTTON));
        expect(services.calls).toEqual([{ method: "pbx.call.action_call_back", args: [[42]] }]);
        expect(services.notifications).toEqual([{ message: "Calling 90989464344 from extension 101.", type: "success" }]);
    });

    test("the activity's button calls the activity's method", async () => {
        services.answers.set("mail.activity.action_pbx_call_back", result("ok with a prefix"));
        const root = await mount(CallBack, { model: "mail.activity", resId: 7 });
        await click($(root, BUTTON));
        expect(services.calls).toEqual([{ method: "mail.activity.action_pbx_call_back", args: [[7]] }]);
    });

    test("the click does not reach the list row or the activity around it", async () => {
        services.answers.set("pbx.call.action_call_back", result("ok with a prefix"));
        const root = await mount(CallBack, { model: "pbx.call", resId: 42 });
        const outer = vi.fn();
        root.addEventListener("click", outer);
        await click($(root, BUTTON));
        expect(outer).not.toHaveBeenCalled();
    });

    test("ask shows the dial codes and calls again with the chosen one", async () => {
        const calls: unknown[] = [];
        services.orm.call = (async (model: string, method: string, args: unknown[], kwargs: unknown) => {
            calls.push([model, method, args, kwargs]);
            return calls.length === 1 ? result("ask with two codes and no prefix") : result("ok with a prefix");
        }) as typeof services.orm.call;
        const root = await mount(CallBack, { model: "pbx.call", resId: 42 });
        await click($(root, BUTTON));
        const labels = $$(root, ".o_pbx_callcenter_call_back_choice").map((b) => b.dataset.label);
        expect(labels).toContain("");
        await click($(root, `.o_pbx_callcenter_call_back_choice[data-label="${labels[0]}"]`));
        expect(calls).toEqual([
            ["pbx.call", "action_call_back", [[42]], {}],
            ["pbx.call", "action_call_back", [[42]], { prefix_label: labels[0] }],
        ]);
        expect($$(root, ".o_pbx_callcenter_call_back_choice")).toEqual([]);
    });

    test("an error result and a refused call are shown as errors", async () => {
        services.answers.set("pbx.call.action_call_back", result("error bad number"));
        const root = await mount(CallBack, { model: "pbx.call", resId: 42 });
        await click($(root, BUTTON));
        services.failures.set("pbx.call.action_call_back", new Error("AccessError"));
        await click($(root, BUTTON));
        expect(services.notifications.map((n) => n.type)).toEqual(["danger", "danger"]);
        expect(services.notifications[1].message).toMatch(/could not be started/);
    });

    test("an answer that is no dial result is refused, not followed", async () => {
        services.answers.set("pbx.call.action_call_back", { status: "link", url: "javascript:alert(1)" });
        vi.spyOn(console, "warn").mockImplementation(() => undefined);
        const root = await mount(CallBack, { model: "pbx.call", resId: 42 });
        await click($(root, BUTTON));
        expect(services.notifications).toEqual([expect.objectContaining({ type: "danger" })]);
    });
});

describe("call back in the Calls list", () => {
    const row = (data: Record<string, unknown>, resId: number | false = 5) => ({ record: { resId, data } });

    test("only missed and busy incoming calls get the button", async () => {
        const cases: [Record<string, unknown>, boolean][] = [
            [{ direction: "in", state: "missed" }, true],
            [{ direction: "in", state: "busy" }, true],
            [{ direction: "in", state: "ended" }, false],
            [{ direction: "out", state: "missed" }, false],
            [{ direction: "internal", state: "missed" }, false],
        ];
        for (const [data, shown] of cases) {
            const root = await mount(CallBackWidget, row(data));
            expect(!!$(root, `${BUTTON}[data-res-id="5"]`), JSON.stringify(data)).toBe(shown);
            mounted?.destroy();
            mounted = undefined;
        }
        const unsaved = await mount(CallBackWidget, row({ direction: "in", state: "missed" }, false));
        expect($(unsaved, BUTTON)).toBeNull();
    });
});

describe("call back in the popup", () => {
    async function mountStack() {
        const model = callPopupService.start({ services } as unknown as OdooEnv, services);
        mounted = await mountComponent(CallPopupStack, { env: { services: { ...services, [CALL_POPUP_SERVICE]: model } } });
        return mounted.target;
    }

    test("a missed incoming card calls back its call; a ringing one does not offer it", async () => {
        services.answers.set("pbx.call.action_call_back", result("ok with a prefix"));
        const root = await mountStack();
        services.notify(CALL_NOTIFICATION, busCall({ call_id: 21, callid: "c21", state: "ringing" }));
        await nextRender();
        expect($$(root, BUTTON)).toEqual([]);
        services.notify(CALL_NOTIFICATION, busCall({ call_id: 21, callid: "c21", state: "missed" }));
        await nextRender();
        const card = $(root, '.o_pbx_callcenter_popup[data-call-id="21"]')!;
        await click($(card, BUTTON));
        expect(services.calls.filter((c) => c.method === "pbx.call.action_call_back")).toEqual([
            { method: "pbx.call.action_call_back", args: [[21]] },
        ]);
        expect(services.notifications).toContainEqual({ message: "Calling 90989464344 from extension 101.", type: "success" });
    });

    test("an outgoing call nobody answered is no call back", async () => {
        const root = await mountStack();
        services.notify(CALL_NOTIFICATION, busCall({ call_id: 22, callid: "c22", state: "missed", direction: "out" }));
        await nextRender();
        expect($(root, '.o_pbx_callcenter_popup[data-call-id="22"] .o_pbx_callcenter_popup_actions')).not.toBeNull();
        expect($$(root, BUTTON)).toEqual([]);
    });
});
