// The canonical events of a tracked call: call_in / init when it is classified, answer each time
// another extension takes the conversation (the first answer, a transfer's target), and the final
// call_out record. The record prefers Asterisk's own Cdr events (cdr_manager) and falls back to
// what the bridge saw: DialEnd statuses, the primary channel's hangup cause, event times. Talk
// time is what the bridge timed in bridges when it saw them: a Cdr's billable seconds count a
// transfer target's ringing, a click-to-dial agent's wait and, once Local/ channels are
// optimised away, nothing at all.
// Every payload is checked against the route schemas before it is queued.
import { DISPOSITIONS } from "../lib/call_status";
import {
    answerPayloadSchema,
    callInPayloadSchema,
    callOutPayloadSchema,
    type AnswerPayloadInput,
    type CallInPayloadInput,
    type CallOutPayloadInput,
} from "../schemas/route_payload";
import { isLocalChannel } from "./channels";
import type { CdrRecord, TrackedCall } from "./call_state";

// -----------------------------------------------------------------------------
// Types
// -----------------------------------------------------------------------------

export type CanonicalEvent =
    | { route: "call_in" | "init"; payload: CallInPayloadInput }
    | { route: "answer"; payload: AnswerPayloadInput }
    | { route: "call_out"; payload: CallOutPayloadInput };

export type Built = { ok: true; event: CanonicalEvent; warnings: string[] } | { ok: false; reason: string };

/** The statuses a call_out carries (a subset of lib/call_status DISPOSITIONS). */
export type FinalStatus = "ANSWERED" | "NO ANSWER" | "BUSY" | "FAILED" | "CANCEL";

// -----------------------------------------------------------------------------
// Statuses
// -----------------------------------------------------------------------------

/** DialEnd DialStatus -> status; the first of this list present wins (a caller who gave up
 * while one phone was busy and another rang was cancelled, not busy). */
const DIAL_STATUS_ORDER: readonly [string, FinalStatus][] = [
    ["ANSWER", "ANSWERED"],
    ["CANCEL", "CANCEL"],
    ["NOANSWER", "NO ANSWER"],
    ["BUSY", "BUSY"],
];

export function statusFromDials(statuses: readonly string[]): FinalStatus | null {
    if (!statuses.length) {
        return null;
    }
    const found = DIAL_STATUS_ORDER.find(([dial]) => statuses.includes(dial));
    return found ? found[1] : "FAILED"; // CONGESTION, CHANUNAVAIL, DONTCALL, TORTURE, INVALIDARGS
}

/** Q.850 cause of the primary channel's Hangup, for calls whose DialEnd was not seen. */
export function statusFromCause(cause: number | null): FinalStatus {
    if (cause === 17) {
        return "BUSY";
    }
    if (cause === 16 || cause === 18 || cause === 19 || cause === 21) {
        return "NO ANSWER";
    }
    return "FAILED";
}

/** Cdr Disposition -> status (CONGESTION and anything unknown are failures). */
export function statusFromDisposition(disposition: string): FinalStatus {
    const outcome = DISPOSITIONS[disposition.trim().toUpperCase()];
    if (outcome === "answered") {
        return "ANSWERED";
    }
    if (outcome === "busy") {
        return "BUSY";
    }
    return outcome === "missed" ? "NO ANSWER" : "FAILED";
}

// -----------------------------------------------------------------------------
// Times
// -----------------------------------------------------------------------------

/** `2026-11-20T10:15:02Z`: the start of a call the bridge timed itself. */
export function isoSeconds(ms: number): string {
    return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** Seconds between two Cdr times (`YYYY-MM-DD HH:MM:SS`, same clock), or null. */
function cdrSeconds(from: string, to: string): number | null {
    const parse = (text: string) => Date.parse(`${text.trim().replace(" ", "T")}Z`);
    const span = (parse(to) - parse(from)) / 1000;
    return Number.isFinite(span) && span >= 0 ? Math.round(span) : null;
}

interface Summary {
    calldate: string;
    duration: number;
    billsec: number;
    status: FinalStatus;
}

/**
 * Talk time from Cdr events: the answered dials of each party A channel (`UniqueID`) follow each
 * other (a transfer's legs) and add up; different channels (a queue's caller and its member's
 * Local/ half) overlap, so the longest total counts. IVR and voicemail answers dial nobody.
 */
export function cdrTalkSeconds(cdrs: readonly CdrRecord[]): number {
    const byChannel = new Map<string, number>();
    for (const cdr of cdrs) {
        if (cdr.destinationChannel && statusFromDisposition(cdr.disposition) === "ANSWERED") {
            byChannel.set(cdr.uniqueid ?? "", (byChannel.get(cdr.uniqueid ?? "") ?? 0) + cdr.billableSeconds);
        }
    }
    return Math.max(0, ...byChannel.values());
}

/**
 * One record from a call's Cdr events. Asterisk writes one per dial attempt of party A; those
 * that reached a real phone (DestinationChannel set, not Local/) tell what happened to the call,
 * the others (IVR, voicemail) only extend it.
 */
export function summarizeCdrs(cdrs: readonly CdrRecord[]): Summary {
    const dialled = cdrs.filter((cdr) => cdr.destinationChannel && !isLocalChannel(cdr.destinationChannel));
    const candidates = dialled.length ? dialled : cdrs;
    const answered = candidates.find((cdr) => statusFromDisposition(cdr.disposition) === "ANSWERED");
    const chosen = answered ?? candidates[candidates.length - 1];
    const start = cdrs.map((cdr) => cdr.startTime).sort()[0];
    const end = cdrs.map((cdr) => cdr.endTime).sort().at(-1) ?? start;
    const billsec = answered ? cdrTalkSeconds(cdrs) : 0;
    const span = cdrSeconds(start, end) ?? Math.max(...cdrs.map((cdr) => cdr.duration));
    return { calldate: start, duration: Math.max(span, billsec), billsec, status: statusFromDisposition(chosen.disposition) };
}

/** Whole seconds the call's anchor spent in a bridge with someone (rounded down, as Asterisk's
 * billable seconds), or null when the bridge saw no conversation. */
export function talkSeconds(call: TrackedCall, end: number): number | null {
    const ms = call.talkMs + (call.talkSince !== null ? Math.max(0, end - call.talkSince) : 0);
    return ms > 0 || call.talkSince !== null ? Math.floor(ms / 1000) : null;
}

/** The record of a call from what the bridge saw (no Cdr). */
export function summarizeSeen(call: TrackedCall, now: number): Summary {
    const end = call.endedAt ?? now;
    const duration = Math.max(0, Math.round((end - call.startedAt) / 1000));
    if (call.answeredAt !== null) {
        const billsec = Math.min(duration, Math.max(0, Math.round((end - call.answeredAt) / 1000)));
        return { calldate: isoSeconds(call.startedAt), duration, billsec, status: "ANSWERED" };
    }
    // A call last seen ringing, whose end the bridge missed, was not answered as far as it knows.
    const status = statusFromDials(call.dialStatuses) ?? (call.endedUnseen ? "NO ANSWER" : statusFromCause(call.hangupCause));
    return { calldate: isoSeconds(call.startedAt), duration, billsec: 0, status: status === "ANSWERED" ? "NO ANSWER" : status };
}

// -----------------------------------------------------------------------------
// Payloads
// -----------------------------------------------------------------------------

function issuesText(issues: readonly { path: PropertyKey[]; message: string }[]): string {
    return issues.map((issue) => `${issue.path.map(String).join(".")}: ${issue.message}`).join("; ");
}

/** call_in (inbound, internal) or init (outbound) of a freshly classified call. */
export function buildStart(call: TrackedCall): Built {
    const route = call.direction === "out" ? "init" : "call_in";
    const payload = { phone: call.phone ?? "", extension: call.extension ?? "", callid: call.linkedid };
    const parsed = callInPayloadSchema.safeParse(payload);
    if (!parsed.success) {
        return { ok: false, reason: issuesText(parsed.error.issues) };
    }
    return { ok: true, event: { route, payload }, warnings: [] };
}

/** answer: `extension` talks on the call now (it picked up, or a transfer handed it the call). */
export function buildAnswer(call: TrackedCall, extension: string): Built {
    const payload = { extension, callid: call.linkedid };
    const parsed = answerPayloadSchema.safeParse(payload);
    if (!parsed.success) {
        return { ok: false, reason: issuesText(parsed.error.issues) };
    }
    return { ok: true, event: { route: "answer", payload }, warnings: [] };
}

/** The recording's path relative to the monitor directory (`2026/11/20/in-...wav`). */
export function recordingPath(filename: string, prefix: string): string {
    return prefix && filename.startsWith(prefix) ? filename.slice(prefix.length) : filename;
}

/** call_out, the final record of an ended call. */
export function buildEnd(call: TrackedCall, options: { now: number; recordingPrefix: string }): Built {
    let summary = call.cdrs.length ? summarizeCdrs(call.cdrs) : summarizeSeen(call, options.now);
    const talk = talkSeconds(call, call.endedAt ?? options.now);
    if (talk !== null) {
        summary = { ...summary, duration: Math.max(summary.duration, talk), billsec: talk, status: "ANSWERED" };
    }
    const payload: CallOutPayloadInput = {
        phone: call.phone ?? "",
        extension: call.answeredBy ?? call.extension ?? "",
        callid: call.linkedid,
        calldate: summary.calldate,
        duration: summary.duration,
        billsec: summary.billsec,
        status: summary.status,
        direction: call.direction ?? "in",
    };
    const warnings: string[] = [];
    if (call.recording) {
        const recordingfile = recordingPath(call.recording, options.recordingPrefix);
        if (callOutPayloadSchema.safeParse({ ...payload, recordingfile }).success) {
            payload.recordingfile = recordingfile;
        } else {
            warnings.push(`recording ${JSON.stringify(call.recording)} is not a file name Odoo accepts: left out`);
        }
    }
    const parsed = callOutPayloadSchema.safeParse(payload);
    if (!parsed.success) {
        return { ok: false, reason: issuesText(parsed.error.issues) };
    }
    return { ok: true, event: { route: "call_out", payload }, warnings };
}
