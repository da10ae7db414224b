// What the bridge knows about one call (every channel sharing a Linkedid) while it is going on.
// Plain data, so open calls can be saved to disk and picked up again after a restart.
import type { AmiMessage } from "./ami_parser";
import { type ChannelRules, extensionName, extensionOfChannel, isLocalChannel } from "./channels";

// -----------------------------------------------------------------------------
// Types
// -----------------------------------------------------------------------------

export type Direction = "in" | "out" | "internal";

export interface TrackedChannel {
    uniqueid: string;
    name: string;
    local: boolean;
    /** The extension, when the name matches an extension pattern. */
    extension: string | null;
    /** Caller ID number, context and extension when the channel was first seen. */
    callerIdNum: string;
    connectedLineNum: string;
    context: string;
    exten: string;
    createdAt: number;
    hungUp: boolean;
}

/** The fields of one Cdr event that the final record uses. */
export interface CdrRecord {
    /** Party A's channel (Cdr `UniqueID`): its successive legs (a transfer) follow each other. */
    uniqueid: string;
    startTime: string;
    answerTime: string;
    endTime: string;
    duration: number;
    billableSeconds: number;
    disposition: string;
    destinationChannel: string;
}

export interface TrackedCall {
    linkedid: string;
    channels: Record<string, TrackedChannel>;
    /** Milliseconds since the epoch, from event Timestamp headers when Asterisk sends them. */
    startedAt: number;
    direction: Direction | null;
    /** The external number (inbound: the caller, outbound: the number dialled). */
    phone: string | null;
    /** The extension rung first (inbound) or calling (outbound). */
    extension: string | null;
    answeredBy: string | null;
    answeredAt: number | null;
    /** The channel the call is timed on and ends with: the one that started it, until a
     * transfer hands its party over to another (an agent transferring their outbound call). */
    anchor: string;
    /** Talk time so far: the anchor's time in a bridge with someone else, leg after leg. */
    talkMs: number;
    /** Since when the anchor is in a bridge with someone else, or null. */
    talkSince: number | null;
    endedAt: number | null;
    dialStatuses: string[];
    hangupCause: number | null;
    recording: string | null;
    cdrs: CdrRecord[];
    /** call_in / init queued. */
    announced: boolean;
    /** The extension of the last answer queued (who talks on the call, as Odoo was told). */
    reportedTalker: string | null;
    /** Why the call is not reported (no usable number...), or null. */
    skipped: string | null;
    /** The end happened while the bridge was not connected: times are estimates. */
    endedUnseen: boolean;
}

// -----------------------------------------------------------------------------
// Building
// -----------------------------------------------------------------------------

/** When an event happened: its `Timestamp` header (manager.conf timestampevents=yes), else now. */
export function eventTime(message: AmiMessage, now: number): number {
    const stamp = Number(message.Timestamp);
    return message.Timestamp && Number.isFinite(stamp) && stamp > 0 ? Math.round(stamp * 1000) : now;
}

export function newCall(linkedid: string, startedAt: number): TrackedCall {
    return {
        linkedid,
        channels: {},
        startedAt,
        direction: null,
        phone: null,
        extension: null,
        answeredBy: null,
        answeredAt: null,
        anchor: linkedid,
        talkMs: 0,
        talkSince: null,
        endedAt: null,
        dialStatuses: [],
        hangupCause: null,
        recording: null,
        cdrs: [],
        announced: false,
        reportedTalker: null,
        skipped: null,
        endedUnseen: false,
    };
}

/**
 * The channel described by `message` (its `Dest*` fields with prefix "Dest"), added to the call
 * the first time it is seen; later events never overwrite what the first one said.
 */
export function ensureChannel(
    call: TrackedCall,
    message: AmiMessage,
    prefix: "" | "Dest",
    rules: ChannelRules,
    at: number
): TrackedChannel | null {
    const uniqueid = message[`${prefix}Uniqueid`];
    const name = message[`${prefix}Channel`];
    if (!uniqueid || !name) {
        return null;
    }
    const known = call.channels[uniqueid];
    if (known) {
        return known;
    }
    const channel: TrackedChannel = {
        uniqueid,
        name,
        local: isLocalChannel(name),
        extension: extensionOfChannel(name, rules),
        callerIdNum: message[`${prefix}CallerIDNum`] ?? "",
        connectedLineNum: message[`${prefix}ConnectedLineNum`] ?? "",
        context: message[`${prefix}Context`] ?? "",
        exten: message[`${prefix}Exten`] ?? "",
        createdAt: at,
        hungUp: false,
    };
    call.channels[uniqueid] = channel;
    return channel;
}

/**
 * The extension placing a call from this channel: its own (by name), or, for a channel that
 * started in an internal context (FreePBX `from-internal`), its caller ID number.
 */
export function callingExtension(channel: TrackedChannel | null | undefined, rules: ChannelRules): string | null {
    if (!channel || channel.local) {
        return null;
    }
    if (channel.extension) {
        return channel.extension;
    }
    return rules.internalContexts.has(channel.context) ? extensionName(channel.callerIdNum) : null;
}

/** The channel whose Uniqueid is the Linkedid: the one that started the call. */
export function primaryChannel(call: TrackedCall): TrackedChannel | undefined {
    return call.channels[call.linkedid];
}
