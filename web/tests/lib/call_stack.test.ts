import { describe, expect, test } from "vitest";
import {
    dismissCall,
    editNotes,
    expireCards,
    FADE_AFTER_MS,
    isCollapsed,
    isFading,
    isFinal,
    MAX_CARDS,
    nextExpiry,
    notesSaved,
    receiveCall,
    restoreCard,
    setBusy,
    setConfirmingBlock,
    setHovered,
    setPinned,
    stateRank,
    toggleFolded,
    type CallStack,
} from "../../src/lib/call_stack";
import { busCallSchema, type BusCall } from "../../src/schemas/bus_call";
import type { CallState } from "../../src/schemas/call";
import { loadFixture } from "../fixtures";

// -----------------------------------------------------------------------------
// Payloads from the shared fixture
// -----------------------------------------------------------------------------

const BASE = busCallSchema.parse(loadFixture("bus_call.json").cases.find((c) => c.valid)!.value);

function payload(callId: number, patch: Partial<BusCall> = {}): BusCall {
    return { ...BASE, call_id: callId, callid: `c${callId}`, ...patch };
}

function ids(stack: CallStack): number[] {
    return stack.map((card) => card.call.call_id);
}

describe("call stack", () => {
    test("a new call goes on top of the stack", () => {
        let stack = receiveCall([], payload(1), 10);
        stack = receiveCall(stack, payload(2), 20);
        expect(ids(stack)).toEqual([2, 1]);
        expect(stack[0]).toMatchObject({ receivedAt: 20, updatedAt: 20, notes: "", notesDirty: false, busy: false });
    });

    test("a later notification of the same call updates its card in place", () => {
        let stack = receiveCall([], payload(1), 10);
        stack = receiveCall(stack, payload(2), 20);
        stack = receiveCall(stack, payload(1, { state: "answered" }), 30);
        expect(ids(stack)).toEqual([2, 1]);
        expect(stack[1].call.state).toBe("answered");
        expect(stack[1]).toMatchObject({ receivedAt: 10, updatedAt: 30 });
    });

    test("ringing then answered then ended is followed", () => {
        const states: CallState[] = ["ringing", "answered", "ended"];
        let stack: CallStack = [];
        for (const state of states) {
            stack = receiveCall(stack, payload(1, { state }), 0);
            expect(stack[0].call.state).toBe(state);
        }
    });

    test("a late ringing never moves an ended call backwards but its data is taken", () => {
        let stack = receiveCall([], payload(1, { state: "ended" }), 0);
        stack = receiveCall(stack, payload(1, { state: "ringing", notes: "late" }), 1);
        expect(stack[0].call.state).toBe("ended");
        expect(stack[0].call.notes).toBe("late");
    });

    test("a blocked number removes its card and never adds one", () => {
        let stack = receiveCall([], payload(1), 0);
        expect(receiveCall(stack, payload(2, { blocked: true }), 0)).toBe(stack);
        stack = receiveCall(stack, payload(1, { blocked: true }), 0);
        expect(stack).toEqual([]);
    });

    test("too many cards drop the oldest finished call, unsaved notes last, never a live call", () => {
        let stack: CallStack = [];
        stack = receiveCall(stack, payload(1, { state: "ended" }), 0);
        stack = editNotes(stack, 1, "keep me");
        stack = receiveCall(stack, payload(2, { state: "missed" }), 1);
        stack = receiveCall(stack, payload(3, { state: "ended" }), 2);
        for (let id = 4; id <= MAX_CARDS + 1; id++) {
            stack = receiveCall(stack, payload(id), id);
        }
        expect(stack).toHaveLength(MAX_CARDS);
        expect(ids(stack)).not.toContain(2);
        stack = receiveCall(stack, payload(97), 97);
        expect(ids(stack)).not.toContain(3);
        stack = receiveCall(stack, payload(98), 98);
        expect(ids(stack)).not.toContain(1);
        stack = receiveCall(stack, payload(99), 99);
        expect(stack).toHaveLength(MAX_CARDS + 1);
        expect(stack.every((card) => card.call.state === "ringing")).toBe(true);
        expect(stack[0].call.call_id).toBe(99);
    });

    test("ringing calls come first, then calls in progress, then finished ones, newest first", () => {
        let stack: CallStack = [];
        stack = receiveCall(stack, payload(1, { state: "ended" }), 1);
        stack = receiveCall(stack, payload(2), 2);
        stack = receiveCall(stack, payload(3, { state: "answered" }), 3);
        stack = receiveCall(stack, payload(4), 4);
        stack = receiveCall(stack, payload(5, { state: "missed" }), 5);
        expect(ids(stack)).toEqual([4, 2, 3, 5, 1]);
        stack = receiveCall(stack, payload(4, { state: "answered" }), 6);
        expect(ids(stack)).toEqual([2, 4, 3, 5, 1]);
    });

    test("only the top card and the cards being worked on are shown in full", () => {
        let stack: CallStack = [];
        for (const id of [1, 2, 3, 4]) {
            stack = receiveCall(stack, payload(id), id);
        }
        const collapsed = () => stack.map((_card, index) => isCollapsed(stack, index));
        expect(collapsed()).toEqual([false, true, true, true]);
        stack = setPinned(stack, 3, true);
        stack = editNotes(stack, 2, "typing");
        stack = setConfirmingBlock(stack, 1, true);
        expect(ids(stack)).toEqual([4, 3, 2, 1]);
        expect(collapsed()).toEqual([false, false, false, false]);
        stack = setPinned(stack, 3, false);
        expect(collapsed()).toEqual([false, true, false, false]);
    });

    test("the chevron folds any card, the top one included; an open block question shows in full", () => {
        let stack: CallStack = [];
        for (const id of [1, 2]) {
            stack = receiveCall(stack, payload(id), id);
        }
        const collapsed = () => stack.map((_card, index) => isCollapsed(stack, index));
        expect(collapsed()).toEqual([false, true]);
        stack = toggleFolded(stack, 2);
        expect(collapsed()).toEqual([true, true]);
        stack = toggleFolded(stack, 1);
        expect(collapsed()).toEqual([true, false]);
        stack = editNotes(stack, 2, "typing");
        expect(collapsed()).toEqual([true, false]);
        stack = toggleFolded(stack, 2);
        expect(collapsed()).toEqual([false, false]);
        stack = toggleFolded(stack, 2);
        expect(collapsed()).toEqual([true, false]);
        stack = setConfirmingBlock(stack, 2, true);
        expect(collapsed()).toEqual([false, false]);
        expect(toggleFolded(stack, 99)).toBe(stack);
    });

    test("a finished card fades after FADE_AFTER_MS, counted from its end or last touch", () => {
        let stack = receiveCall([], payload(1), 0);
        expect(nextExpiry(stack)).toBeNull();
        stack = receiveCall(stack, payload(1, { state: "answered" }), 1_000);
        expect(stack[0].idleSince).toBeNull();
        stack = receiveCall(stack, payload(1, { state: "ended" }), 2_000);
        expect(stack[0].idleSince).toBe(2_000);
        stack = receiveCall(stack, payload(1, { state: "ended" }), 9_000);
        expect(nextExpiry(stack)).toBe(2_000 + FADE_AFTER_MS);
        expect(expireCards(stack, 2_000 + FADE_AFTER_MS - 1)).toBe(stack);
        stack = setPinned(stack, 1, true, 10_000);
        expect(nextExpiry(stack)).toBe(10_000 + FADE_AFTER_MS);
        expect(expireCards(stack, 10_000 + FADE_AFTER_MS)).toEqual([]);
    });

    test("unsaved notes, a running action or an open block step keep a finished card", () => {
        const ended = receiveCall([], payload(1, { state: "missed" }), 0);
        const later = FADE_AFTER_MS * 10;
        for (const kept of [editNotes(ended, 1, "draft", 0), setBusy(ended, 1, true), setConfirmingBlock(ended, 1, true, 0)]) {
            expect(isFading(kept[0])).toBe(false);
            expect(nextExpiry(kept)).toBeNull();
            expect(expireCards(kept, later)).toBe(kept);
        }
        const saved = notesSaved(editNotes(ended, 1, "draft", 0), 1, "draft", 500);
        expect(isFading(saved[0])).toBe(true);
        expect(expireCards(saved, 500 + FADE_AFTER_MS - 1)).toHaveLength(1);
        expect(expireCards(saved, 500 + FADE_AFTER_MS)).toEqual([]);
        expect(expireCards(saved, 100, 100)).toHaveLength(1);
    });

    test("a finished card under the pointer does not fade; its countdown starts again when it leaves", () => {
        let stack = receiveCall([], payload(1, { state: "missed" }), 0);
        stack = setHovered(stack, 1, true, 5_000);
        expect(isFading(stack[0])).toBe(false);
        expect(nextExpiry(stack)).toBeNull();
        expect(expireCards(stack, FADE_AFTER_MS * 10)).toBe(stack);
        stack = setHovered(stack, 1, false, 60_000);
        expect(isFading(stack[0])).toBe(true);
        expect(nextExpiry(stack)).toBe(60_000 + FADE_AFTER_MS);
        expect(setHovered(stack, 1, false, 90_000)[0]).toBe(stack[0]);
    });

    test("a card brought back by an undo is unblocked and in its place", () => {
        let stack = receiveCall(receiveCall([], payload(1), 1), payload(2, { state: "answered" }), 2);
        const card = setConfirmingBlock(stack, 1, true)[0];
        stack = dismissCall(stack, 1);
        stack = restoreCard(stack, card, 3);
        expect(ids(stack)).toEqual([1, 2]);
        expect(stack[0]).toMatchObject({ confirmingBlock: false, busy: false });
        expect(stack[0].call.blocked).toBe(false);
    });

    test("dismiss removes one card", () => {
        let stack = receiveCall(receiveCall([], payload(1), 0), payload(2), 0);
        stack = dismissCall(stack, 1);
        expect(ids(stack)).toEqual([2]);
        expect(dismissCall(stack, 42)).toEqual(stack);
    });

    test("typed notes survive a server update until they are saved", () => {
        let stack = receiveCall([], payload(1), 0);
        stack = editNotes(stack, 1, "call back");
        expect(stack[0]).toMatchObject({ notes: "call back", notesDirty: true });
        stack = receiveCall(stack, payload(1, { state: "answered", notes: "" }), 1);
        expect(stack[0]).toMatchObject({ notes: "call back", notesDirty: true });
        stack = notesSaved(stack, 1, "call back");
        expect(stack[0]).toMatchObject({ notes: "call back", notesDirty: false });
        expect(stack[0].call.notes).toBe("call back");
        stack = receiveCall(stack, payload(1, { state: "ended", notes: "from another tab" }), 2);
        expect(stack[0].notes).toBe("from another tab");
    });

    test("busy marks one card and unknown ids change nothing", () => {
        let stack = receiveCall([], payload(1), 0);
        stack = setBusy(stack, 1, true);
        expect(stack[0].busy).toBe(true);
        expect(setBusy(stack, 7, true)).toBe(stack);
    });

    test("states rank like the server's", () => {
        expect(stateRank("ringing")).toBe(stateRank("dialing"));
        expect(stateRank("answered")).toBeGreaterThan(stateRank("ringing"));
        expect(["ended", "missed", "busy", "failed"].every((s) => isFinal(s as CallState))).toBe(true);
        expect(isFinal("answered")).toBe(false);
    });
});
