// @vitest-environment jsdom
import { afterEach, describe, expect, test, vi } from "vitest";
import { CallPopupStack } from "../../src/components/call_popup_stack/call_popup_stack";
import { CALL_NOTIFICATION, CALL_POPUP_SERVICE, callPopupService } from "../../src/services/call_popup_service";
import type { OdooEnv } from "../../src/odoo/types";
import { mountComponent, nextRender, type Mounted } from "../helpers/mount";
import { translatedTerms } from "../odoo_stubs/translation";
import { busCall, fakeServices, unknownCall } from "../services/fakes";

// -----------------------------------------------------------------------------
// Mounting the stack with the real service on fake Odoo services
// -----------------------------------------------------------------------------

let mounted: Mounted<CallPopupStack> | undefined;

async function mountStack() {
    const services = fakeServices();
    const model = callPopupService.start({ services } as unknown as OdooEnv, services);
    mounted = await mountComponent(CallPopupStack, { env: { services: { ...services, [CALL_POPUP_SERVICE]: model } } });
    const target = mounted.target;
    return {
        services,
        model,
        target,
        async notify(payload: unknown) {
            services.notify(CALL_NOTIFICATION, payload);
            await nextRender();
        },
        cards: () => [...target.querySelectorAll<HTMLElement>(".o_pbx_callcenter_popup")],
        card: (callId: number) => target.querySelector<HTMLElement>(`.o_pbx_callcenter_popup[data-call-id="${callId}"]`)!,
        text: (root: Element, selector: string) => root.querySelector(selector)?.textContent?.trim() ?? null,
        async click(root: Element, selector: string) {
            const button = root.querySelector<HTMLButtonElement>(selector);
            if (!button) {
                throw new Error(`no ${selector}`);
            }
            button.click();
            await nextRender();
        },
    };
}

afterEach(() => {
    mounted?.destroy();
    mounted = undefined;
    vi.restoreAllMocks();
});

const KNOWN = busCall({
    caller: {
        model: "res.partner",
        id: 7,
        name: "Brandon Freeman",
        company: "Azure Interior",
        image_url: "/web/image/res.partner/7/avatar_128",
        email: "brandon@example.com",
    },
});

// -----------------------------------------------------------------------------
// Tests
// -----------------------------------------------------------------------------

describe("call popup", () => {
    test("nothing is shown before a call", async () => {
        const { target, cards } = await mountStack();
        expect(target.querySelector(".o_pbx_callcenter_popup_stack")).not.toBeNull();
        expect(cards()).toHaveLength(0);
    });

    test("a known caller shows name, company, photo, number, opportunities and last calls", async () => {
        const ui = await mountStack();
        await ui.notify(KNOWN);
        const card = ui.card(12);
        expect(ui.text(card, ".o_pbx_callcenter_popup_name")).toBe("Brandon Freeman");
        expect(ui.text(card, ".o_pbx_callcenter_popup_company")).toBe("Azure Interior");
        expect(card.querySelector("img.o_pbx_callcenter_popup_avatar")?.getAttribute("src")).toBe("/web/image/res.partner/7/avatar_128");
        expect(ui.text(card, ".o_pbx_callcenter_popup_number")).toBe("+84989464344");
        expect(ui.text(card, ".o_pbx_callcenter_popup_email")).toBe("brandon@example.com");
        expect(ui.text(card, ".o_pbx_callcenter_popup_opportunity_name")).toBe("Office Design Project");
        expect(ui.text(card, ".o_pbx_callcenter_popup_amount")).toBe("$\u00a01,000.00");
        expect(ui.text(card, ".o_pbx_callcenter_popup_last_calls li")).toMatch(/Ended · 1:05$/);
        expect(ui.text(card, ".o_pbx_callcenter_popup_state")).toBe("Ringing");
        expect(ui.text(card, ".o_pbx_callcenter_popup_extension")).toBe("Ext. 101");
        expect(card.querySelector(".o_pbx_callcenter_popup_open")).not.toBeNull();
        expect(card.querySelector(".o_pbx_callcenter_popup_create_partner")).toBeNull();
        expect(card.querySelector(".o_pbx_callcenter_popup_label")).toBeNull();
    });

    test("an opportunity shows its stage and the amount as the server formatted it", async () => {
        const ui = await mountStack();
        const opportunity = { id: 3, name: "Bureaux", stage: "Qualifié", expected_revenue: 12500, expected_revenue_formatted: "12\u202f500,00\u00a0€" };
        await ui.notify(busCall({ opportunities: [opportunity] }));
        const card = ui.card(12);
        expect(ui.text(card, ".o_pbx_callcenter_popup_opportunities .o_pbx_callcenter_popup_muted")).toBe("Qualifié");
        expect(ui.text(card, ".o_pbx_callcenter_popup_amount")).toBe("12\u202f500,00\u00a0€");
    });

    test("an unknown caller is labelled and offers create contact and create lead", async () => {
        const ui = await mountStack();
        await ui.notify(unknownCall());
        const card = ui.card(13);
        expect(ui.text(card, ".o_pbx_callcenter_popup_name")).toBe("+84989464344");
        expect(ui.text(card, ".o_pbx_callcenter_popup_unknown")).toBe("Unknown caller");
        expect(card.querySelector(".o_pbx_callcenter_popup_number")).toBeNull();
        expect(card.querySelector(".o_pbx_callcenter_popup_initials")?.textContent).toBe("#");
        expect(card.querySelector(".o_pbx_callcenter_popup_open")).toBeNull();
        expect(card.querySelector(".o_pbx_callcenter_popup_create_partner")).not.toBeNull();
        expect(card.querySelector(".o_pbx_callcenter_popup_create_lead")).not.toBeNull();
        expect(card.querySelector(".o_pbx_callcenter_popup_opportunities")).toBeNull();
    });

    test("an auto-created caller is labelled as such", async () => {
        const ui = await mountStack();
        await ui.notify(busCall({ known: false, auto_created: true }));
        expect(ui.text(ui.card(12), ".o_pbx_callcenter_popup_auto_created")).toBe("Created automatically for this call");
        expect(ui.card(12).querySelector(".o_pbx_callcenter_popup_unknown")).toBeNull();
    });

    test("the card follows ringing, answered, ended", async () => {
        const ui = await mountStack();
        await ui.notify(KNOWN);
        for (const [state, label] of [["answered", "In progress"], ["ended", "Ended"]] as const) {
            await ui.notify({ ...KNOWN, state });
            expect(ui.cards()).toHaveLength(1);
            expect(ui.card(12).dataset.state).toBe(state);
            expect(ui.card(12).classList.contains(`o_pbx_callcenter_popup_${state}`)).toBe(true);
            expect(ui.text(ui.card(12), ".o_pbx_callcenter_popup_state")).toBe(label);
        }
    });

    test("several calls stack, newest on top, and each is dismissible", async () => {
        const ui = await mountStack();
        await ui.notify(KNOWN);
        await ui.notify(unknownCall());
        expect(ui.cards().map((card) => card.dataset.callId)).toEqual(["13", "12"]);
        await ui.click(ui.card(13), ".o_pbx_callcenter_popup_dismiss");
        expect(ui.cards().map((card) => card.dataset.callId)).toEqual(["12"]);
    });

    test("a malformed notification shows nothing and leaves the popup working", async () => {
        const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
        const ui = await mountStack();
        await ui.notify({ call_id: "12", state: "ringing" });
        expect(ui.cards()).toHaveLength(0);
        expect(warn).toHaveBeenCalledOnce();
        await ui.notify(KNOWN);
        expect(ui.cards()).toHaveLength(1);
    });

    test("open asks the action service for the caller's form", async () => {
        const ui = await mountStack();
        await ui.notify(KNOWN);
        await ui.click(ui.card(12), ".o_pbx_callcenter_popup_open");
        expect(ui.services.calls[0].method).toBe("doAction");
        expect(ui.services.calls[0].args[0]).toMatchObject({ res_model: "res.partner", res_id: 7 });
        // the form shows the caller: the card folds so that it does not cover it
        expect(ui.card(12).classList.contains("o_pbx_callcenter_popup_collapsed")).toBe(true);
    });

    test("open leaves a card with unsaved notes in full", async () => {
        const ui = await mountStack();
        await ui.notify(KNOWN);
        const notes = ui.card(12).querySelector<HTMLTextAreaElement>(".o_pbx_callcenter_popup_notes")!;
        notes.value = "Wants a quote";
        notes.dispatchEvent(new Event("input", { bubbles: true }));
        await nextRender();
        await ui.click(ui.card(12), ".o_pbx_callcenter_popup_open");
        expect(ui.services.calls.map((call) => call.method)).toEqual(["doAction"]);
        expect(ui.card(12).classList.contains("o_pbx_callcenter_popup_collapsed")).toBe(false);
    });

    test("create contact and create lead call the server for this call", async () => {
        const ui = await mountStack();
        await ui.notify(unknownCall());
        await ui.click(ui.card(13), ".o_pbx_callcenter_popup_create_partner");
        await ui.click(ui.card(13), ".o_pbx_callcenter_popup_create_lead");
        const methods = ui.services.calls.map((call) => call.method);
        expect(methods).toEqual(["pbx.call.action_create_partner", "pbx.call.action_create_lead"]);
    });

    test("typed notes enable save, which writes them on the call", async () => {
        const ui = await mountStack();
        await ui.notify(KNOWN);
        const save = () => ui.card(12).querySelector<HTMLButtonElement>(".o_pbx_callcenter_popup_save")!;
        expect(save().disabled).toBe(true);
        const notes = ui.card(12).querySelector<HTMLTextAreaElement>(".o_pbx_callcenter_popup_notes")!;
        notes.value = "Wants a quote";
        notes.dispatchEvent(new Event("input", { bubbles: true }));
        await nextRender();
        expect(save().disabled).toBe(false);
        await ui.click(ui.card(12), ".o_pbx_callcenter_popup_save");
        expect(ui.services.calls).toEqual([{ method: "pbx.call.write", args: [[12], { notes: "Wants a quote" }] }]);
        expect(save().disabled).toBe(true);
        expect(ui.card(12).querySelector<HTMLTextAreaElement>(".o_pbx_callcenter_popup_notes")!.value).toBe("Wants a quote");
    });

    test("notes already on the call are shown", async () => {
        const ui = await mountStack();
        await ui.notify({ ...KNOWN, notes: "Called twice" });
        expect(ui.card(12).querySelector<HTMLTextAreaElement>(".o_pbx_callcenter_popup_notes")!.value).toBe("Called twice");
    });

    test("block number first asks, saying what blocking does; cancel leaves the number alone", async () => {
        const ui = await mountStack();
        await ui.notify(KNOWN);
        await ui.click(ui.card(12), ".o_pbx_callcenter_popup_block");
        const confirm = ui.card(12).querySelector(".o_pbx_callcenter_popup_block_confirm")!;
        expect(confirm.getAttribute("role")).toBe("alertdialog");
        expect(ui.text(confirm, ".o_pbx_callcenter_popup_block_question")).toBe("Block this number for the whole company?");
        expect(ui.text(confirm, ".o_pbx_callcenter_popup_block_effect")).toMatch(/no popup.*every user.*SMS/);
        expect(ui.card(12).querySelector<HTMLButtonElement>(".o_pbx_callcenter_popup_block")!.disabled).toBe(true);
        expect(ui.services.calls).toEqual([]);
        await ui.click(ui.card(12), ".o_pbx_callcenter_popup_block_cancel");
        expect(ui.card(12).querySelector(".o_pbx_callcenter_popup_block_confirm")).toBeNull();
        expect(ui.services.calls).toEqual([]);
    });

    test("confirmed block blocks, closes the card and offers an undo that brings it back", async () => {
        const ui = await mountStack();
        await ui.notify(KNOWN);
        await ui.click(ui.card(12), ".o_pbx_callcenter_popup_block");
        await ui.click(ui.card(12), ".o_pbx_callcenter_popup_block_confirm_yes");
        await nextRender();
        expect(ui.services.calls.map((call) => call.method)).toEqual(["pbx.call.action_block_number"]);
        expect(ui.cards()).toHaveLength(0);
        ui.services.notifications[0].buttons![0].onClick();
        await nextRender();
        await nextRender();
        expect(ui.services.calls.map((call) => call.method)).toEqual(["pbx.call.action_block_number", "pbx.call.action_unblock_number"]);
        expect(ui.cards().map((card) => card.dataset.callId)).toEqual(["12"]);
        expect(ui.card(12).querySelector(".o_pbx_callcenter_popup_block_confirm")).toBeNull();
    });

    test("below the top card, cards show as one line that opens on click; ringing calls on top", async () => {
        const ui = await mountStack();
        await ui.notify({ ...KNOWN, state: "answered" });
        await ui.notify(unknownCall({ state: "missed" }));
        await ui.notify(busCall({ call_id: 14, callid: "c14", caller: { ...KNOWN.caller!, name: "Lea Ring" } }));
        expect(ui.cards().map((card) => card.dataset.callId)).toEqual(["14", "12", "13"]);
        const collapsed = () => ui.cards().map((card) => card.classList.contains("o_pbx_callcenter_popup_collapsed"));
        expect(collapsed()).toEqual([false, true, true]);
        expect(ui.card(12).querySelector(".o_pbx_callcenter_popup_notes")).toBeNull();
        expect(ui.text(ui.card(12), ".o_pbx_callcenter_popup_summary")).toBe("Brandon Freeman");
        expect(ui.text(ui.card(12), ".o_pbx_callcenter_popup_state")).toBe("In progress");
        await ui.click(ui.card(12), ".o_pbx_callcenter_popup_toggle");
        expect(collapsed()).toEqual([false, false, true]);
        expect(ui.card(12).querySelector(".o_pbx_callcenter_popup_notes")).not.toBeNull();
        expect(ui.card(12).querySelector(".o_pbx_callcenter_popup_toggle")!.getAttribute("aria-expanded")).toBe("true");
        await ui.click(ui.card(12), ".o_pbx_callcenter_popup_toggle");
        expect(collapsed()).toEqual([false, true, true]);
    });

    test("the top card's chevron folds it to one line and opens it again", async () => {
        const ui = await mountStack();
        await ui.notify(KNOWN);
        const top = () => ui.card(12);
        expect(top().classList.contains("o_pbx_callcenter_popup_collapsed")).toBe(false);
        await ui.click(top(), ".o_pbx_callcenter_popup_toggle");
        expect(top().classList.contains("o_pbx_callcenter_popup_collapsed")).toBe(true);
        expect(top().querySelector(".o_pbx_callcenter_popup_notes")).toBeNull();
        expect(top().querySelector(".o_pbx_callcenter_popup_toggle")!.getAttribute("aria-expanded")).toBe("false");
        // a later notification of the same call leaves it folded; a new call comes in full
        await ui.notify({ ...KNOWN, state: "answered" });
        await ui.notify(unknownCall());
        expect(ui.card(12).classList.contains("o_pbx_callcenter_popup_collapsed")).toBe(true);
        expect(ui.card(13).classList.contains("o_pbx_callcenter_popup_collapsed")).toBe(false);
        await ui.click(top(), ".o_pbx_callcenter_popup_toggle");
        expect(top().classList.contains("o_pbx_callcenter_popup_collapsed")).toBe(false);
        expect(top().querySelector(".o_pbx_callcenter_popup_notes")).not.toBeNull();
    });

    test("a finished card is marked fading for as long as it has left, not while notes are unsaved", async () => {
        const ui = await mountStack();
        await ui.notify({ ...KNOWN, state: "ended" });
        const card = () => ui.card(12);
        expect(card().classList.contains("o_pbx_callcenter_popup_fading")).toBe(true);
        expect(card().style.animationDuration).toBe("30000ms");
        const notes = card().querySelector<HTMLTextAreaElement>(".o_pbx_callcenter_popup_notes")!;
        notes.value = "unsaved";
        notes.dispatchEvent(new Event("input", { bubbles: true }));
        await nextRender();
        expect(card().classList.contains("o_pbx_callcenter_popup_fading")).toBe(false);
        expect(card().classList.contains("o_pbx_callcenter_popup_ended")).toBe(true);
        await ui.notify({ ...KNOWN, call_id: 20, callid: "c20" });
        expect(ui.card(20).classList.contains("o_pbx_callcenter_popup_fading")).toBe(false);
    });

    test("a finished card stops fading while the pointer is over it", async () => {
        const ui = await mountStack();
        await ui.notify({ ...KNOWN, state: "missed" });
        const fading = () => ui.card(12).classList.contains("o_pbx_callcenter_popup_fading");
        expect(fading()).toBe(true);
        ui.card(12).dispatchEvent(new Event("pointerenter"));
        await nextRender();
        expect(fading()).toBe(false);
        ui.card(12).dispatchEvent(new Event("pointerleave"));
        await nextRender();
        expect(fading()).toBe(true);
    });

    test("labels go through the translation function", async () => {
        translatedTerms.clear();
        const ui = await mountStack();
        await ui.notify(KNOWN);
        expect([...translatedTerms]).toEqual(expect.arrayContaining(["Ringing", "Incoming call", "Ended"]));
    });
});
