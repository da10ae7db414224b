// The popup's stack of call cards, as pure functions: one card per call (keyed by call_id),
// calls waiting for an answer first, then calls in progress, then finished ones, newest first in
// each group. A later notification of the same call updates its card, never moving its state
// backwards (ringing/dialing < answered < ended/missed/busy/failed). Finished cards fade out
// after FADE_AFTER_MS unless their notes are not saved; only the top card and the cards the user
// works on are shown in full, the others as one line, so the stack fits the screen.
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
    /** Since when a finished card is left alone (final state, last touch); null in progress. */
    readonly idleSince: number | null;
    /** The user opened this card in full (by clicking its one-line header's chevron). */
    readonly pinned: boolean;
    /** The user folded this card to one line (its chevron), even the top one. */
    readonly folded: boolean;
    /** The pointer is over the card: the user is reading it, it does not fade meanwhile. */
    readonly hovered: boolean;
    /** *Block number* was clicked: the card asks for confirmation. */
    readonly confirmingBlock: boolean;
    /** The user talked on this call (a notification said answered, not yet moved elsewhere):
     * when it moves on, it was transferred; else another phone answered it (ring group, queue). */
    readonly talkedHere: boolean;
}

export type CallStack = readonly CallCard[];

/** More cards than this: the oldest finished calls go (saved notes first); never a live call. */
export const MAX_CARDS = 5;

/** A finished card with nothing unsaved is removed this long after it was last touched. */
export const FADE_AFTER_MS = 30_000;

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
    const next = keepState ? { ...call, state: card.call.state } : call;
    return {
        ...card,
        call: next,
        updatedAt: now,
        // What the user is typing wins over the server's copy until it is saved.
        notes: card.notesDirty ? card.notes : call.notes,
        idleSince: isFinal(next.state) ? (card.idleSince ?? now) : null,
        talkedHere: card.talkedHere || talked(call),
    };
}

function talked(call: BusCall): boolean {
    return call.state === "answered" && !call.transferred_to;
}

/** Ringing/dialing, then answered, then finished; newest first in each group. */
function order(stack: CallCard[]): CallCard[] {
    return stack.sort(
        (a, b) =>
            stateRank(a.call.state) - stateRank(b.call.state) ||
            b.receivedAt - a.receivedAt ||
            b.call.call_id - a.call.call_id
    );
}

function trim(stack: CallCard[]): CallCard[] {
    while (stack.length > MAX_CARDS) {
        const finished = stack.filter((card) => isFinal(card.call.state));
        const victim = finished.filter((card) => !card.notesDirty).pop() ?? finished.pop();
        if (!victim) {
            break;
        }
        stack.splice(stack.indexOf(victim), 1);
    }
    return stack;
}

/** Bumps a finished card's fade-out: the user just did something with it. */
function touch(card: CallCard, now: number): CallCard {
    return card.idleSince === null ? card : { ...card, idleSince: now };
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
        return order(next);
    }
    const card: CallCard = {
        call,
        receivedAt: now,
        updatedAt: now,
        notes: call.notes,
        notesDirty: false,
        busy: false,
        idleSince: isFinal(call.state) ? now : null,
        pinned: false,
        folded: false,
        hovered: false,
        confirmingBlock: false,
        talkedHere: talked(call),
    };
    return trim(order([card, ...stack]));
}

/** The card again, as it was before being dismissed (undo of a block). */
export function restoreCard(stack: CallStack, card: CallCard, now: number): CallStack {
    const back = { ...card, call: { ...card.call, blocked: false }, busy: false, confirmingBlock: false };
    return trim(order([touch(back, now), ...dismissCall(stack, card.call.call_id)]));
}

export function dismissCall(stack: CallStack, callId: number): CallStack {
    return stack.filter((card) => card.call.call_id !== callId);
}

/** The notes typed in a card (not saved yet). */
export function editNotes(stack: CallStack, callId: number, notes: string, now = 0): CallStack {
    return update(stack, callId, (card) => touch({ ...card, notes, notesDirty: notes !== card.call.notes }, now));
}

/** The server now has `notes` for this call. */
export function notesSaved(stack: CallStack, callId: number, notes: string, now = 0): CallStack {
    return update(stack, callId, (card) =>
        touch({ ...card, call: { ...card.call, notes }, notesDirty: card.notes !== notes }, now)
    );
}

/** Shows a card in full, or back as one line. */
export function setPinned(stack: CallStack, callId: number, pinned: boolean, now = 0): CallStack {
    return update(stack, callId, (card) => touch({ ...card, pinned, folded: !pinned }, now));
}

/** The card's chevron: a card shown as one line opens in full, a card in full folds to one line. */
export function toggleFolded(stack: CallStack, callId: number, now = 0): CallStack {
    const index = stack.findIndex((card) => card.call.call_id === callId);
    return index === -1 ? stack : setPinned(stack, callId, isCollapsed(stack, index), now);
}

/** The pointer enters or leaves the card: a finished card waits while it is read, and its
 * countdown starts again when the pointer leaves. */
export function setHovered(stack: CallStack, callId: number, hovered: boolean, now = 0): CallStack {
    return update(stack, callId, (card) => (card.hovered === hovered ? card : touch({ ...card, hovered }, now)));
}

/** Opens or closes the card's "really block?" step. */
export function setConfirmingBlock(stack: CallStack, callId: number, confirming: boolean, now = 0): CallStack {
    return update(stack, callId, (card) => touch({ ...card, confirmingBlock: confirming }, now));
}

/**
 * Whether the card shows as one line: folded by the user, or not the top card and nothing going
 * on in it. A card asking "really block?" always shows in full.
 */
export function isCollapsed(stack: CallStack, index: number): boolean {
    const card = stack[index];
    if (card.confirmingBlock) {
        return false;
    }
    if (card.folded) {
        return true;
    }
    return index > 0 && !card.pinned && !card.notesDirty && !card.busy;
}

/** Whether the card is fading out: finished, not being read, and nothing in it would be lost. */
export function isFading(card: CallCard): boolean {
    return card.idleSince !== null && !card.hovered && !card.notesDirty && !card.busy && !card.confirmingBlock;
}

/** The stack without the finished cards left alone for `fadeAfter` ms. */
export function expireCards(stack: CallStack, now: number, fadeAfter = FADE_AFTER_MS): CallStack {
    const kept = stack.filter((card) => !isFading(card) || now - card.idleSince! < fadeAfter);
    return kept.length === stack.length ? stack : kept;
}

/** When the next card fades out (ms, same clock), or null if none will. */
export function nextExpiry(stack: CallStack, fadeAfter = FADE_AFTER_MS): number | null {
    const times = stack.filter(isFading).map((card) => card.idleSince! + fadeAfter);
    return times.length ? Math.min(...times) : null;
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
