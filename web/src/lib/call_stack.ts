// The popup's stack of call cards, as pure functions: one card per call (keyed by call_id),
// newest first. A later notification of the same call updates its card in place, never moving
// its state backwards (ringing/dialing < answered < ended/missed/busy/failed).
import type { BusCall } from "../schemas/bus_call";
import { FINAL_RANK, STATE_RANK, type CallState } from "../schemas/call";

// -----------------------------------------------------------------------------
// Types
// -----------------------------------------------------------------------------

export interface CallCard {
    /** The latest payload, with the highest state seen. */
    readonly call: BusCall;
    /** Milliseconds (clock of the caller of receiveCall) of the first and latest notification. */
    readonly receivedAt: number;
    readonly updatedAt: number;
    /** Notes as typed in the card; `notesDirty` while they differ from what the server has. */
    readonly notes: string;
    readonly notesDirty: boolean;
    /** A server action of this card is running (buttons are disabled). */
    readonly busy: boolean;
}

export type CallStack = readonly CallCard[];

/** More cards than this: the oldest finished calls go first, then the oldest ones. */
export const MAX_CARDS = 5;

// -----------------------------------------------------------------------------
// States
// -----------------------------------------------------------------------------

export function stateRank(state: CallState): number {
    return STATE_RANK[state];
}

export function isFinal(state: CallState): boolean {
    return STATE_RANK[state] === FINAL_RANK;
}

// -----------------------------------------------------------------------------
// Reducers
// -----------------------------------------------------------------------------

function merge(card: CallCard, call: BusCall, now: number): CallCard {
    const keepState = stateRank(call.state) < stateRank(card.call.state);
    return {
        ...card,
        call: keepState ? { ...call, state: card.call.state } : call,
        updatedAt: now,
        // What the user is typing wins over the server's copy until it is saved.
        notes: card.notesDirty ? card.notes : call.notes,
    };
}

function trim(stack: CallCard[]): CallCard[] {
    while (stack.length > MAX_CARDS) {
        let index = -1;
        for (let i = stack.length - 1; i >= 0; i--) {
            if (isFinal(stack[i].call.state)) {
                index = i;
                break;
            }
        }
        stack.splice(index === -1 ? stack.length - 1 : index, 1);
    }
    return stack;
}

/**
 * The stack after a (validated) notification. A blocked number shows no card: a notification
 * saying the number is blocked removes the call's card.
 */
export function receiveCall(stack: CallStack, call: BusCall, now: number): CallStack {
    const index = stack.findIndex((card) => card.call.call_id === call.call_id);
    if (call.blocked) {
        return index === -1 ? stack : dismissCall(stack, call.call_id);
    }
    if (index !== -1) {
        const next = [...stack];
        next[index] = merge(stack[index], call, now);
        return next;
    }
    const card: CallCard = {
        call,
        receivedAt: now,
        updatedAt: now,
        notes: call.notes,
        notesDirty: false,
        busy: false,
    };
    return trim([card, ...stack]);
}

export function dismissCall(stack: CallStack, callId: number): CallStack {
    return stack.filter((card) => card.call.call_id !== callId);
}

/** The notes typed in a card (not saved yet). */
export function editNotes(stack: CallStack, callId: number, notes: string): CallStack {
    return update(stack, callId, (card) => ({ ...card, notes, notesDirty: notes !== card.call.notes }));
}

/** The server now has `notes` for this call. */
export function notesSaved(stack: CallStack, callId: number, notes: string): CallStack {
    return update(stack, callId, (card) => ({
        ...card,
        call: { ...card.call, notes },
        notesDirty: card.notes !== notes,
    }));
}

export function setBusy(stack: CallStack, callId: number, busy: boolean): CallStack {
    return update(stack, callId, (card) => ({ ...card, busy }));
}

export function findCard(stack: CallStack, callId: number): CallCard | undefined {
    return stack.find((card) => card.call.call_id === callId);
}

function update(stack: CallStack, callId: number, change: (card: CallCard) => CallCard): CallStack {
    const index = stack.findIndex((card) => card.call.call_id === callId);
    if (index === -1) {
        return stack;
    }
    const next = [...stack];
    next[index] = change(stack[index]);
    return next;
}
