// IP Office SMDR records -> one canonical call_out per call. A call that changed hands (transfer,
// pickup, park, voicemail) has several records with the same Call ID, Continuation = 1 on all
// but the last; they are held until the last one and merged:
//   direction   Is Internal 1 -> internal; else Direction I -> in, O -> out (first record)
//   phone       in: Caller (CLI); out: Called Number (a trailing # dropped); internal: Caller
//   extension   the one that ended up with the call: the latest record with an extension
//               (E<n>; for an internal call the party other than the caller)
//   billsec     Connected Time summed over the records, voicemail's left out
//   duration    Connected + Ring + Hold + Park Time summed over the records
//   status      ANSWERED when billsec > 0, else NO ANSWER (voicemail is not an answer)
//   callid      <Call ID>@<Call Start, digits only>: IP Office numbers calls again from 1000000
//               after a restart, the start time keeps the ids apart
//   calldate    Call Start (the PBX's local time: set the connection's PBX timezone)
import { callOutPayloadSchema, type CallOutPayloadInput } from "../schemas/route_payload";
import type { CanonicalEvent } from "./call_outcome";
import { extensionOf, isVoicemail, parseSmdrLine, type SmdrRecord } from "./smdr";

// -----------------------------------------------------------------------------
// Types
// -----------------------------------------------------------------------------

export type SmdrOutcome =
    /** More records of this call are expected. */
    | { kind: "pending" }
    | { kind: "event"; event: CanonicalEvent }
    /** An internal call while internal calls are not reported. */
    | { kind: "internal"; callid: string }
    /** No call_out can be built (no caller number, no extension...): the lines are kept. */
    | { kind: "unreported"; callid: string; reason: string; lines: string[] };

/** A call whose last record has not come yet, as saved next to the queue. */
export interface PendingSmdrCall {
    callId: string;
    lines: string[];
    /** When its latest record came (bridge clock, ms). */
    lastAt: number;
}

interface Pending {
    records: SmdrRecord[];
    lines: string[];
    lastAt: number;
}

// -----------------------------------------------------------------------------
// Mapping
// -----------------------------------------------------------------------------

function issuesText(issues: readonly { path: PropertyKey[]; message: string }[]): string {
    return issues.map((issue) => `${issue.path.map(String).join(".")}: ${issue.message}`).join("; ");
}

/** The extension a record gives the call (see the header), or null. */
function recordExtension(record: SmdrRecord, internal: boolean, caller: string): string | null {
    const party1 = extensionOf(record.party1Device);
    const party2 = extensionOf(record.party2Device);
    if (!internal) {
        return party1 ?? party2;
    }
    const parties = [party2, party1].filter((party) => party !== null);
    return parties.find((party) => party !== caller) ?? parties[0] ?? null;
}

/** The callid Odoo gets for the call of this record (see the header). */
export function smdrCallid(record: SmdrRecord): string {
    return `${record.callId}@${record.callStart.replace(/\D/g, "")}`;
}

/** The call_out of a call's records (oldest first), or why there is none. */
export function buildSmdrCall(
    records: readonly SmdrRecord[]
): { ok: true; payload: CallOutPayloadInput } | { ok: false; callid: string; reason: string } {
    const first = records[0];
    const direction = first.isInternal ? "internal" : first.direction === "I" ? "in" : "out";
    const phone = direction === "out" ? first.calledNumber.replace(/#$/, "") : first.caller;
    const extension = records
        .map((record) => recordExtension(record, direction === "internal", first.caller))
        .reverse()
        .find((found) => found !== null);
    const billsec = records
        .filter((record) => !isVoicemail(record.party1Device, record.party1Name) && !isVoicemail(record.party2Device, record.party2Name))
        .reduce((total, record) => total + record.connectedSeconds, 0);
    const duration = records.reduce(
        (total, record) => total + record.connectedSeconds + record.ringSeconds + record.holdSeconds + record.parkSeconds,
        0
    );
    const callid = smdrCallid(first);
    const payload: CallOutPayloadInput = {
        phone,
        extension: extension ?? "",
        callid,
        calldate: first.callStart,
        duration,
        billsec,
        status: billsec > 0 ? "ANSWERED" : "NO ANSWER",
        direction,
    };
    if (!phone) {
        return { ok: false, callid, reason: direction === "in" ? "no caller number (withheld)" : "no number" };
    }
    if (!extension) {
        return { ok: false, callid, reason: "no extension in any record" };
    }
    const parsed = callOutPayloadSchema.safeParse(payload);
    if (!parsed.success) {
        return { ok: false, callid, reason: issuesText(parsed.error.issues) };
    }
    return { ok: true, payload };
}

// -----------------------------------------------------------------------------
// Calls
// -----------------------------------------------------------------------------

export class SmdrCalls {
    private readonly pending = new Map<string, Pending>();

    constructor(private readonly options: { reportInternal: boolean }) {}

    get size(): number {
        return this.pending.size;
    }

    /** Takes one parsed record (and its line, kept should the call not be reportable). */
    add(record: SmdrRecord, line: string, now: number): SmdrOutcome {
        const call = this.pending.get(record.callId) ?? { records: [], lines: [], lastAt: now };
        call.records.push(record);
        call.lines.push(line);
        call.lastAt = now;
        if (record.continuation) {
            this.pending.set(record.callId, call);
            return { kind: "pending" };
        }
        this.pending.delete(record.callId);
        return this.finish(call);
    }

    /** Ends the calls whose latest record is older than `maxAgeMs` with the records they have. */
    expire(now: number, maxAgeMs: number): SmdrOutcome[] {
        const expired = [...this.pending].filter(([, call]) => now - call.lastAt > maxAgeMs);
        return expired.map(([callId, call]) => {
            this.pending.delete(callId);
            return this.finish(call);
        });
    }

    private finish(call: Pending): SmdrOutcome {
        const built = buildSmdrCall(call.records);
        if (!built.ok) {
            return { kind: "unreported", callid: built.callid, reason: built.reason, lines: call.lines };
        }
        if (built.payload.direction === "internal" && !this.options.reportInternal) {
            return { kind: "internal", callid: built.payload.callid as string };
        }
        return { kind: "event", event: { route: "call_out", payload: built.payload } };
    }

    snapshot(): PendingSmdrCall[] {
        return [...this.pending].map(([callId, call]) => ({ callId, lines: [...call.lines], lastAt: call.lastAt }));
    }

    /** Takes back saved calls; returns the lines that no longer parse (none, unless edited). */
    restore(calls: readonly PendingSmdrCall[]): string[] {
        const bad: string[] = [];
        for (const saved of calls) {
            const records = saved.lines.map(parseSmdrLine).flatMap((parsed) => (parsed.ok ? [parsed.record] : []));
            if (records.length !== saved.lines.length) {
                bad.push(...saved.lines);
                continue;
            }
            this.pending.set(saved.callId, { records, lines: [...saved.lines], lastAt: saved.lastAt });
        }
        return bad;
    }
}
