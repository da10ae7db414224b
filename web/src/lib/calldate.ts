// `calldate` of a `call_out` event: when the call started, as PBXs send it (as lib/dates.py).
//   "YYYY-MM-DD HH:MM:SS"          naive, in the connection's timezone ("T" also accepted)
//   ISO 8601 with an offset or Z   "2026-11-20T10:00:00+07:00", optional fraction
//   Unix timestamp                 seconds (number or digit string), 13 digits = milliseconds
// The year must fall in 2000..2100: in UTC when the instant is known, as written for naive
// times (their timezone is the connection's, applied server-side).

// -----------------------------------------------------------------------------
// Types
// -----------------------------------------------------------------------------

export type CalldateKind = "naive" | "aware" | "timestamp";

export interface Calldate {
    kind: CalldateKind;
    year: number;
}

// -----------------------------------------------------------------------------
// Parsing
// -----------------------------------------------------------------------------

export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;

const DATETIME =
    /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,]\d{1,9})?(Z|z|[+-]\d{2}:?\d{2})?$/;
const TIMESTAMP = /^\d+(?:\.\d+)?$/;
const MS_THRESHOLD = 1e12; // 13 digits
const MAX_TIMESTAMP_DIGITS = 16;

function fromTimestamp(value: number): Calldate | null {
    if (!Number.isFinite(value)) {
        return null;
    }
    const ms = value >= MS_THRESHOLD ? value : value * 1000;
    return { kind: "timestamp", year: new Date(ms).getUTCFullYear() };
}

function offsetMinutes(offset: string): number | null {
    if (offset === "Z" || offset === "z") {
        return 0;
    }
    const hours = Number(offset.slice(1, 3));
    const minutes = Number(offset.slice(-2));
    if (hours > 23 || minutes > 59) {
        return null;
    }
    return (offset[0] === "-" ? -1 : 1) * (hours * 60 + minutes);
}

function fromText(text: string): Calldate | null {
    if (TIMESTAMP.test(text)) {
        const digits = text.split(".")[0].length;
        return digits > MAX_TIMESTAMP_DIGITS ? null : fromTimestamp(Number(text));
    }
    const match = DATETIME.exec(text);
    if (!match) {
        return null;
    }
    const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
    const monthDays = new Date(Date.UTC(year, month, 0)).getUTCDate();
    const validClock =
        year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= monthDays &&
        hour <= 23 && minute <= 59 && second <= 59;
    if (!validClock) {
        return null;
    }
    if (match[7] === undefined) {
        return { kind: "naive", year };
    }
    const offset = offsetMinutes(match[7]);
    if (offset === null) {
        return null;
    }
    const utc = new Date(0);
    utc.setUTCFullYear(year, month - 1, day);
    utc.setUTCHours(hour, minute - offset, second);
    return { kind: "aware", year: utc.getUTCFullYear() };
}

/** The kind and year of a calldate, or null when it is malformed or outside 2000..2100. */
export function parseCalldate(value: string | number): Calldate | null {
    const calldate = typeof value === "number" ? fromTimestamp(value) : fromText(value.trim());
    return calldate && calldate.year >= MIN_YEAR && calldate.year <= MAX_YEAR ? calldate : null;
}
