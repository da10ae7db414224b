// PBX call scenarios the simulator plays against /api/callcenter/*: which events, in which
// order, and what the module must answer to each. Pure: ids and clock come from `ScenarioSource`.
import { randomInt, randomUUID } from "node:crypto";
import { callOutcome, finalState } from "../../web/src/lib/call_status";
import type { CallDirection, CallState } from "../../web/src/schemas/call";
import type { CallOutPayloadInput, Route } from "../../web/src/schemas/route_payload";

// -----------------------------------------------------------------------------
// Types
// -----------------------------------------------------------------------------

export type ScenarioName = "incoming-answered" | "incoming-missed" | "outbound" | "unknown-caller" | "retries";

export const SCENARIO_NAMES: readonly ScenarioName[] = [
    "incoming-answered",
    "incoming-missed",
    "outbound",
    "unknown-caller",
    "retries",
];

/** What the response to a step must say; absent keys are not checked. */
export interface Expectation {
    state?: CallState;
    direction?: CallDirection;
    duplicate?: boolean;
    /** The number is unknown: no record, or one created by this very event. */
    unknownCaller?: boolean;
}

export interface ScenarioStep {
    route: Route;
    /** Sent after validation by the route's zod schema. */
    payload: CallOutPayloadInput;
    expect: Expectation;
}

export interface Scenario {
    name: ScenarioName;
    description: string;
    /** Every step concerns the same PBX call, so every response must name the same call. */
    steps: ScenarioStep[];
}

export interface ScenarioSource {
    phone: string;
    extension: string;
    callid(): string;
    unknownPhone(): string;
    now(): Date;
}

// -----------------------------------------------------------------------------
// Sources
// -----------------------------------------------------------------------------

/** Fresh call ids and an unknown number per scenario run, the real clock. */
export function randomSource(phone: string, extension: string): ScenarioSource {
    return {
        phone,
        extension,
        callid: () => `sim-${Date.now()}-${randomUUID().slice(0, 8)}`,
        // A well-formed Vietnamese mobile number (+84 90 + 7 digits) no demo contact has.
        unknownPhone: () => `+8490${String(randomInt(0, 1e7)).padStart(7, "0")}`,
        now: () => new Date(),
    };
}

// -----------------------------------------------------------------------------
// Builders
// -----------------------------------------------------------------------------

/** Call start `seconds` before `now`, as ISO 8601 UTC without milliseconds. */
function startedBefore(now: Date, seconds: number): string {
    return new Date(now.getTime() - seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function ringing(route: "call_in" | "init", phone: string, extension: string, callid: string) {
    return { route, payload: { phone, extension, callid } };
}

function ended(
    source: ScenarioSource,
    phone: string,
    callid: string,
    status: string,
    duration: number,
    billsec: number
): { route: Route; payload: CallOutPayloadInput } {
    const payload = {
        phone,
        extension: source.extension,
        callid,
        calldate: startedBefore(source.now(), duration),
        duration,
        billsec,
        status,
        // answered calls are recorded, as a file under the connection's recording base URL
        ...(billsec > 0 ? { recordingfile: `${callid}.wav` } : {}),
    };
    return { route: "call_out", payload };
}

function endState(status: string): CallState {
    const outcome = callOutcome(status);
    if (!outcome) {
        throw new Error(`scenario uses an unknown status ${status}`);
    }
    return finalState(outcome);
}

// -----------------------------------------------------------------------------
// Scenarios
// -----------------------------------------------------------------------------

export function buildScenario(name: ScenarioName, source: ScenarioSource): Scenario {
    const { phone, extension } = source;
    const callid = source.callid();
    switch (name) {
        case "incoming-answered":
            return {
                name,
                description: "a known number rings an extension, the call is answered and lasts 65 s",
                steps: [
                    { ...ringing("call_in", phone, extension, callid), expect: { state: "ringing", direction: "in", duplicate: false } },
                    {
                        ...ended(source, phone, callid, "ANSWERED", 65, 60),
                        expect: { state: endState("ANSWERED"), direction: "in", duplicate: false },
                    },
                ],
            };
        case "incoming-missed":
            return {
                name,
                description: "a known number rings an extension, nobody answers",
                steps: [
                    { ...ringing("call_in", phone, extension, callid), expect: { state: "ringing", direction: "in", duplicate: false } },
                    {
                        ...ended(source, phone, callid, "NO ANSWER", 20, 0),
                        expect: { state: endState("NO ANSWER"), direction: "in", duplicate: false },
                    },
                ],
            };
        case "outbound":
            return {
                name,
                description: "an extension dials a known number from its phone, the call is answered",
                steps: [
                    {
                        ...ringing("init", phone, extension, callid),
                        expect: { state: "dialing", direction: "out", duplicate: false },
                    },
                    {
                        ...ended(source, phone, callid, "ANSWERED", 125, 118),
                        expect: { state: endState("ANSWERED"), direction: "out", duplicate: false },
                    },
                ],
            };
        case "unknown-caller": {
            const unknown = source.unknownPhone();
            return {
                name,
                description: `an unknown number (${unknown}) rings and hangs up`,
                steps: [
                    {
                        ...ringing("call_in", unknown, extension, callid),
                        expect: { state: "ringing", direction: "in", duplicate: false, unknownCaller: true },
                    },
                    {
                        ...ended(source, unknown, callid, "NO ANSWER", 12, 0),
                        expect: { state: endState("NO ANSWER"), direction: "in", duplicate: false },
                    },
                ],
            };
        }
        case "retries": {
            const callIn = ringing("call_in", phone, extension, callid);
            const callOut = ended(source, phone, callid, "ANSWERED", 42, 40);
            const answered = endState("ANSWERED");
            return {
                name,
                description: "the PBX retries: call_in sent 3 times, call_out twice; one call, repeats are duplicates",
                steps: [
                    { ...callIn, expect: { state: "ringing", duplicate: false } },
                    { ...callIn, expect: { state: "ringing", duplicate: true } },
                    { ...callIn, expect: { state: "ringing", duplicate: true } },
                    { ...callOut, expect: { state: answered, duplicate: false } },
                    { ...callOut, expect: { state: answered, duplicate: true } },
                ],
            };
        }
    }
}
