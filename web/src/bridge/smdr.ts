// One record of Avaya IP Office SMDR output: comma-separated, no quoting or escaping, CR LF
// terminated, 30 fields in a fixed order (IP Office Manager, Appendix: SMDR, "SMDR Fields"):
//   1 Call Start  2 Connected Time  3 Ring Time  4 Caller  5 Direction  6 Called Number
//   7 Dialled Number  8 Account  9 Is Internal  10 Call ID  11 Continuation  12 Party1Device
//   13 Party1Name  14 Party2Device  15 Party2Name  16 Hold Time  17 Park Time  18-30 charging
//   and external targeting (not used here).
// Later releases append fields (server IPs, unique call ids, record time): they are ignored.
// Avaya's own published examples stop some records after field 17 and print some start times
// without seconds, so 17 fields and `HH:MM` are read too (missing fields empty, seconds 0).

// -----------------------------------------------------------------------------
// Types
// -----------------------------------------------------------------------------

export interface SmdrRecord {
    /** Call Start as `YYYY-MM-DD HH:MM:SS`, the PBX's local time; the same on every record of a call. */
    callStart: string;
    connectedSeconds: number;
    ringSeconds: number;
    /** The calling extension, or the caller's number (CLI) for outside calls; may be empty. */
    caller: string;
    direction: "I" | "O";
    calledNumber: string;
    dialledNumber: string;
    account: string;
    isInternal: boolean;
    callId: string;
    /** More records of this call follow. */
    continuation: boolean;
    party1Device: string;
    party1Name: string;
    party2Device: string;
    party2Name: string;
    holdSeconds: number;
    parkSeconds: number;
}

export type ParsedLine = { ok: true; record: SmdrRecord } | { ok: false; reason: string };

/** The fields up to Park Time: the least a record must have. */
export const SMDR_MIN_FIELDS = 17;
export const SMDR_FIELDS = 30;

const FIELD_NAMES = [
    "Call Start", "Connected Time", "Ring Time", "Caller", "Direction", "Called Number", "Dialled Number",
    "Account", "Is Internal", "Call ID", "Continuation", "Party1Device", "Party1Name", "Party2Device",
    "Party2Name", "Hold Time", "Park Time",
];

// -----------------------------------------------------------------------------
// Fields
// -----------------------------------------------------------------------------

class FieldError extends Error {
    constructor(index: number, message: string, value: string) {
        super(`field ${index + 1} (${FIELD_NAMES[index]}): ${message}, got ${JSON.stringify(value)}`);
    }
}

const CALL_START = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2})(?::(\d{2}))?$/;
const DURATION = /^(\d{1,4}):(\d{2}):(\d{2})$/;

function callStart(value: string): string {
    const match = CALL_START.exec(value);
    const [year, month, day, hour, minute, second = "00"] = match ? match.slice(1) : [];
    const valid =
        match !== null &&
        Number(month) >= 1 && Number(month) <= 12 &&
        Number(day) >= 1 && Number(day) <= 31 &&
        Number(hour) <= 23 && Number(minute) <= 59 && Number(second) <= 59;
    if (!valid) {
        throw new FieldError(0, "must be YYYY/MM/DD HH:MM:SS", value);
    }
    return `${year}-${month}-${day} ${hour}:${minute}:${second}`;
}

function connectedTime(value: string): number {
    const match = DURATION.exec(value);
    if (!match || Number(match[2]) > 59 || Number(match[3]) > 59) {
        throw new FieldError(1, "must be HH:MM:SS", value);
    }
    return Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
}

/** Whole seconds; an empty field is 0 ("empty fields are shown if not applicable"). */
function seconds(index: number, value: string): number {
    if (!/^\d{0,9}$/.test(value)) {
        throw new FieldError(index, "must be a whole number of seconds", value);
    }
    return Number(value);
}

function flag(index: number, value: string): boolean {
    if (value !== "0" && value !== "1") {
        throw new FieldError(index, "must be 0 or 1", value);
    }
    return value === "1";
}

// -----------------------------------------------------------------------------
// Parsing
// -----------------------------------------------------------------------------

/** The record in one line (its CR LF already removed, or not), or why it is not one. */
export function parseSmdrLine(line: string): ParsedLine {
    const fields = line.replace(/[\r\n\s]+$/, "").split(",");
    if (fields.length < SMDR_MIN_FIELDS) {
        return { ok: false, reason: `${fields.length} field(s), expected ${SMDR_FIELDS} (at least ${SMDR_MIN_FIELDS})` };
    }
    const text = (index: number) => fields[index].trim();
    try {
        const direction = text(4);
        if (direction !== "I" && direction !== "O") {
            throw new FieldError(4, "must be I or O", direction);
        }
        const callId = text(9);
        if (!/^\d{1,20}$/.test(callId)) {
            throw new FieldError(9, "must be a number", callId);
        }
        const record: SmdrRecord = {
            callStart: callStart(text(0)),
            connectedSeconds: connectedTime(text(1)),
            ringSeconds: seconds(2, text(2)),
            caller: text(3),
            direction,
            calledNumber: text(5),
            dialledNumber: text(6),
            account: text(7),
            isInternal: flag(8, text(8)),
            callId,
            continuation: flag(10, text(10)),
            party1Device: text(11),
            party1Name: fields[12],
            party2Device: text(13),
            party2Name: fields[14],
            holdSeconds: seconds(15, text(15)),
            parkSeconds: seconds(16, text(16)),
        };
        return { ok: true, record };
    } catch (error) {
        if (error instanceof FieldError) {
            return { ok: false, reason: error.message };
        }
        throw error;
    }
}

// -----------------------------------------------------------------------------
// Parties
// -----------------------------------------------------------------------------

/** The extension number of a party device `E<number>`, or null (trunk T…, voicemail and others V…). */
export function extensionOf(device: string): string | null {
    return /^E(\d+)$/.exec(device)?.[1] ?? null;
}

/** Whether a party is a voicemail channel (`V…` device named `VM Channel <n>`). */
export function isVoicemail(device: string, name: string): boolean {
    return device.startsWith("V") && /^VM Channel\b/i.test(name.trim());
}
