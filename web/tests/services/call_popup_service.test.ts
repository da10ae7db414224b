// @vitest-environment jsdom
import { afterEach, describe, expect, test, vi } from "vitest";
import type { OdooEnv } from "../../src/odoo/types";
import {
    CALL_NOTIFICATION,
    callPopupService,
    CallPopupModel,
    errorMessage,
} from "../../src/services/call_popup_service";
import { busCall, fakeServices, unknownCall } from "./fakes";

function started() {
    const services = fakeServices();
    const model = callPopupService.start({ services } as unknown as OdooEnv, services);
    return { services, model };
}

afterEach(() => {
    vi.restoreAllMocks();
});

describe("call popup service", () => {
    test("a valid bus notification becomes a card", () => {
        const { services, model } = started();
        services.notify(CALL_NOTIFICATION, busCall());
        expect(model.state.cards.map((card) => card.call.call_id)).toEqual([12]);
        expect(model.state.ignored).toBe(0);
    });

    test("other notification types are not listened to", () => {
        const { services, model } = started();
        services.notify("mail.record/insert", busCall());
        expect(model.state.cards).toEqual([]);
    });

    test.each([
        ["null", null],
        ["a string", "ringing"],
        ["an empty object", {}],
        ["a call id as a string", { ...busCall(), call_id: "12" }],
        ["an unknown state", { ...busCall(), state: "exploded" }],
        ["a known call without a caller", { ...busCall(), caller: null }],
    ])("a malformed payload (%s) is logged and ignored, never thrown", (_name, payload) => {
        const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
        const { services, model } = started();
        services.notify(CALL_NOTIFICATION, busCall({ call_id: 1 }));
        expect(() => services.notify(CALL_NOTIFICATION, payload)).not.toThrow();
        expect(model.state.cards.map((card) => card.call.call_id)).toEqual([1]);
        expect(model.state.ignored).toBe(1);
        expect(warn).toHaveBeenCalledOnce();
        expect(String(warn.mock.calls[0][0])).toMatch(/pbx_callcenter: ignored a malformed "pbx_callcenter\/call"/);
    });

    test("a payload whose getters throw is still ignored without throwing", () => {
        vi.spyOn(console, "warn").mockImplementation(() => {});
        const { model } = started();
        const hostile = new Proxy({}, { get: () => { throw new Error("boom"); }, has: () => { throw new Error("boom"); } });
        expect(model.receive(hostile)).toBe(false);
        expect(model.state.ignored).toBe(1);
    });

    test("open uses the action service in this tab", async () => {
        const { services, model } = started();
        model.receive(busCall());
        await model.open(12);
        expect(services.calls).toEqual([
            {
                method: "doAction",
                args: [
                    { type: "ir.actions.act_window", res_model: "res.partner", res_id: 7, views: [[false, "form"]], target: "current" },
                    undefined,
                ],
            },
        ]);
    });

    test("open uses a new tab when the connection says so", async () => {
        const services = fakeServices();
        const opened: string[] = [];
        const model = new CallPopupModel(services, { openWindow: (url) => opened.push(url) });
        model.receive(busCall({ open_in_new_tab: true }));
        await model.open(12);
        expect(opened).toEqual(["/web#id=7&model=res.partner&view_type=form"]);
        expect(services.calls).toEqual([]);
    });

    test("create contact calls the server on the call, then opens what it returns", async () => {
        const { services, model } = started();
        model.receive(unknownCall());
        services.answers.set("pbx.call.action_create_partner", {
            type: "ir.actions.act_window",
            res_model: "res.partner",
            res_id: 99,
            views: [[false, "form"]],
        });
        await model.create(13, "partner");
        expect(services.calls[0]).toEqual({ method: "pbx.call.action_create_partner", args: [[13]] });
        expect(services.calls[1].method).toBe("doAction");
        expect(services.calls[1].args[0]).toMatchObject({ res_model: "res.partner", res_id: 99 });
        expect(model.card(13)?.busy).toBe(false);
    });

    test("an unexpected server answer is reported, not opened", async () => {
        const { services, model } = started();
        model.receive(unknownCall());
        services.answers.set("pbx.call.action_create_lead", false);
        await model.create(13, "lead");
        expect(services.calls.map((c) => c.method)).toEqual(["pbx.call.action_create_lead"]);
        expect(services.notifications).toEqual([{ message: "The server returned an unexpected answer.", type: "danger" }]);
    });

    test("notes are written on the call and the card knows they are saved", async () => {
        const { services, model } = started();
        model.receive(busCall());
        model.editNotes(12, "wants a demo");
        expect(model.card(12)?.notesDirty).toBe(true);
        await model.saveNotes(12);
        expect(services.calls).toEqual([{ method: "pbx.call.write", args: [[12], { notes: "wants a demo" }] }]);
        expect(model.card(12)).toMatchObject({ notes: "wants a demo", notesDirty: false, busy: false });
        expect(services.notifications[0].type).toBe("success");
    });

    test("block number calls action_block_number and closes the card", async () => {
        const { services, model } = started();
        model.receive(busCall());
        await model.block(12);
        expect(services.calls).toEqual([{ method: "pbx.call.action_block_number", args: [[12]] }]);
        expect(model.state.cards).toEqual([]);
        expect(services.notifications[0]).toEqual({ message: "+84989464344 is blocked.", type: "success" });
    });

    test("a server error becomes a notification with the server's message and the card stays", async () => {
        const { services, model } = started();
        model.receive(busCall());
        services.failures.set("pbx.call.action_block_number", { data: { message: "Access denied" } });
        await model.block(12);
        expect(services.notifications).toEqual([{ message: "Access denied", type: "danger" }]);
        expect(model.card(12)?.busy).toBe(false);
    });

    test("a second click while the server works is ignored", async () => {
        const { services, model } = started();
        model.receive(busCall());
        const first = model.block(12);
        const second = model.block(12);
        await Promise.all([first, second]);
        expect(services.calls).toHaveLength(1);
    });

    test("error messages prefer the server's text", () => {
        expect(errorMessage({ data: { message: "Nope" } })).toBe("Nope");
        expect(errorMessage(new Error("plain"))).toBe("plain");
        expect(errorMessage(undefined)).toBe("Something went wrong.");
    });
});
