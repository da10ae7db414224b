import { describe, expect, test } from "vitest";
import {
    dismissCall,
    editNotes,
    isFinal,
    MAX_CARDS,
    notesSaved,
    receiveCall,
    setBusy,
    stateRank,
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

    test("too many cards drop the oldest finished call first, then the oldest", () => {
        let stack: CallStack = [];
        stack = receiveCall(stack, payload(1), 0);
        stack = receiveCall(stack, payload(2, { state: "missed" }), 0);
        for (let id = 3; id <= MAX_CARDS + 1; id++) {
            stack = receiveCall(stack, payload(id), 0);
        }
        expect(stack).toHaveLength(MAX_CARDS);
        expect(ids(stack)).not.toContain(2);
        expect(ids(stack)).toContain(1);
        stack = receiveCall(stack, payload(99), 0);
        expect(ids(stack)).not.toContain(1);
        expect(stack[0].call.call_id).toBe(99);
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
