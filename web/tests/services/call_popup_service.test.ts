// @vitest-environment jsdom
import { afterEach, describe, expect, test, vi } from "vitest";
import type { OdooEnv } from "../../src/odoo/types";
import {
    CALL_NOTIFICATION,
    callPopupService,
    CallPopupModel,
    errorMessage,
} from "../../src/services/call_popup_service";
import { FADE_AFTER_MS, isCollapsed } from "../../src/lib/call_stack";
import { busCall, fakeServices, RESTORE_METHOD, unknownCall } from "./fakes";

function started(services = fakeServices()) {
    const model = callPopupService.start({ services } as unknown as OdooEnv, services);
    return { services, model };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

const CONTACT_FORM = {
    type: "ir.actions.act_window",
    res_model: "res.partner",
    views: [[false, "form"]],
    target: "current",
    context: { default_phone: "+84989464344", pbx_popup_call_id: 13 },
};

afterEach(() => {
    vi.useRealTimers();
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

    test("create contact asks the server for the new contact's form, then opens it", async () => {
        const { services, model } = started();
        model.receive(unknownCall());
        services.answers.set("pbx.call.action_create_partner", CONTACT_FORM);
        await model.create(13, "partner");
        expect(services.calls[0]).toEqual({ method: "pbx.call.action_create_partner", args: [[13]] });
        expect(services.calls[1].method).toBe("doAction");
        expect(services.calls[1].args[0]).toEqual(CONTACT_FORM);
        expect(model.card(13)?.busy).toBe(false);
        expect(isCollapsed(model.state.cards, 0)).toBe(true);
    });

    test("create saves the notes being typed first, so the new form gets them", async () => {
        const { services, model } = started();
        model.receive(unknownCall());
        model.editNotes(13, "wants a quote");
        services.answers.set("pbx.call.action_create_lead", { ...CONTACT_FORM, res_model: "crm.lead" });
        await model.create(13, "lead");
        expect(services.calls.map((c) => c.method)).toEqual(["pbx.call.write", "pbx.call.action_create_lead", "doAction"]);
        expect(services.calls[0].args).toEqual([[13], { notes: "wants a quote" }]);
        expect(model.card(13)?.notesDirty).toBe(false);
    });

    test("a create answer naming an existing record instead of a new form is refused", async () => {
        const { services, model } = started();
        model.receive(unknownCall());
        services.answers.set("pbx.call.action_create_partner", { type: "ir.actions.act_window", res_model: "res.users", res_id: 2, context: {} });
        await model.create(13, "partner");
        expect(services.calls.map((c) => c.method)).toEqual(["pbx.call.action_create_partner"]);
        expect(services.notifications[0].type).toBe("danger");
        expect(isCollapsed(model.state.cards, 0)).toBe(false);
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
        expect(services.notifications[0].buttons?.map((b) => b.name)).toEqual(["Undo"]);
    });

    test("the block confirmation step opens and closes on the card", () => {
        const { services, model } = started();
        model.receive(busCall());
        model.askBlock(12);
        expect(model.card(12)?.confirmingBlock).toBe(true);
        model.cancelBlock(12);
        expect(model.card(12)?.confirmingBlock).toBe(false);
        expect(services.calls).toEqual([]);
    });

    test("undo of a block unblocks the number and brings the card back", async () => {
        const { services, model } = started();
        model.receive(busCall({ notes: "kept" }));
        model.askBlock(12);
        await model.block(12);
        services.notifications[0].buttons![0].onClick();
        await flush();
        expect(services.notifications[0].closed).toBe(true);
        expect(services.calls.map((c) => c.method)).toEqual(["pbx.call.action_block_number", "pbx.call.action_unblock_number"]);
        expect(services.calls[1].args).toEqual([[12]]);
        expect(model.state.cards.map((card) => [card.call.call_id, card.call.blocked, card.confirmingBlock, card.notes])).toEqual([
            [12, false, false, "kept"],
        ]);
        expect(services.notifications[1]).toEqual({ message: "+84989464344 is no longer blocked.", type: "info" });
    });

    test("a refused undo says why and brings nothing back", async () => {
        const { services, model } = started();
        model.receive(busCall());
        await model.block(12);
        services.failures.set("pbx.call.action_unblock_number", { data: { message: "Only the user who just blocked" } });
        services.notifications[0].buttons![0].onClick();
        await flush();
        expect(model.state.cards).toEqual([]);
        expect(services.notifications[1]).toEqual({ message: "Only the user who just blocked", type: "danger" });
    });

    test("at start the calls still in progress come back (after a reload)", async () => {
        const services = fakeServices();
        services.answers.set(RESTORE_METHOD, [busCall({ call_id: 1 }), busCall({ call_id: 2, state: "answered" })]);
        const { model } = started(services);
        await flush();
        expect(services.restores).toEqual([{ method: RESTORE_METHOD, args: [] }]);
        expect(model.state.cards.map((card) => card.call.call_id)).toEqual([1, 2]);
    });

    test("a bad answer or an error at start is logged, never thrown, and the bus still works", async () => {
        const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
        const services = fakeServices();
        services.answers.set(RESTORE_METHOD, [busCall({ call_id: 1 }), { call_id: "two" }]);
        const { model } = started(services);
        await flush();
        expect(model.state.cards.map((card) => card.call.call_id)).toEqual([1]);
        expect(model.state.ignored).toBe(1);
        for (const answer of [false, { cards: [] }]) {
            services.answers.set(RESTORE_METHOD, answer);
            await new CallPopupModel(services).restore();
        }
        services.failures.set(RESTORE_METHOD, new Error("offline"));
        const offline = started(services).model;
        await flush();
        expect(warn).toHaveBeenCalledTimes(4);
        services.notify("pbx_callcenter/call", busCall({ call_id: 3 }));
        expect(offline.state.cards.map((card) => card.call.call_id)).toEqual([3]);
    });

    test("finished cards fade out on their own, unless their notes are unsaved", async () => {
        vi.useFakeTimers();
        const { model } = started();
        await vi.advanceTimersByTimeAsync(0);
        model.receive(busCall({ call_id: 1, state: "missed" }));
        model.receive(busCall({ call_id: 2, state: "ended" }));
        model.receive(busCall({ call_id: 3 }));
        model.editNotes(2, "call back tomorrow");
        vi.advanceTimersByTime(FADE_AFTER_MS - 1);
        expect(model.state.cards.map((card) => card.call.call_id)).toEqual([3, 2, 1]);
        vi.advanceTimersByTime(1);
        expect(model.state.cards.map((card) => card.call.call_id)).toEqual([3, 2]);
        vi.advanceTimersByTime(FADE_AFTER_MS * 10);
        expect(model.state.cards.map((card) => card.call.call_id)).toEqual([3, 2]);
        model.receive(busCall({ call_id: 3, state: "ended" }));
        vi.advanceTimersByTime(FADE_AFTER_MS);
        expect(model.state.cards.map((card) => card.call.call_id)).toEqual([2]);
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
