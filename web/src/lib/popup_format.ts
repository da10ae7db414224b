// Text shown by the call popup: durations, dates, amounts. Pure: locale and clock are arguments.
import type { BusCall } from "../schemas/bus_call";

// -----------------------------------------------------------------------------
// Numbers and durations
// -----------------------------------------------------------------------------

/** "0:05", "1:05", "1:02:03": seconds as a clock duration. */
export function formatDuration(seconds: number): string {
    const total = Math.max(0, Math.floor(seconds));
    const hours = Math.floor(total / 3600);
    const minutes = Math.floor((total % 3600) / 60);
    const secs = total % 60;
    const ss = String(secs).padStart(2, "0");
    return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${ss}` : `${minutes}:${ss}`;
}

/** An opportunity's expected revenue, grouped for the locale, without decimals when whole. */
export function formatAmount(amount: number, locale?: string): string {
    const whole = Number.isInteger(amount);
    return new Intl.NumberFormat(locale, {
        minimumFractionDigits: whole ? 0 : 2,
        maximumFractionDigits: whole ? 0 : 2,
    }).format(amount);
}

// -----------------------------------------------------------------------------
// Dates
// -----------------------------------------------------------------------------

/**
 * A past call's start (UTC ISO 8601) in the user's time zone: the time alone when it is today,
 * else date and time. Invalid input is returned unchanged.
 */
export function formatCallStart(iso: string, now: Date, locale?: string, timeZone?: string): string {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) {
        return iso;
    }
    const day = new Intl.DateTimeFormat(locale, { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    const time: Intl.DateTimeFormatOptions = { timeZone, hour: "2-digit", minute: "2-digit" };
    if (day.format(date) === day.format(now)) {
        return new Intl.DateTimeFormat(locale, time).format(date);
    }
    return new Intl.DateTimeFormat(locale, { ...time, year: "numeric", month: "short", day: "numeric" }).format(date);
}

// -----------------------------------------------------------------------------
// Caller
// -----------------------------------------------------------------------------

/** The number to show: E.164 when the server could read it, else as the PBX sent it. */
export function displayNumber(call: Pick<BusCall, "phone" | "phone_e164">): string {
    return call.phone_e164 ?? call.phone;
}

/** Initials for the avatar placeholder: "Azure Interior" → "AI", "+8498…" → "#". */
export function initials(name: string | null | undefined): string {
    const words = (name ?? "").split(/\s+/).filter((word) => /^\p{L}/u.test(word));
    if (!words.length) {
        return "#";
    }
    const letters = words.length === 1 ? [words[0]] : [words[0], words[words.length - 1]];
    return letters.map((word) => Array.from(word)[0].toUpperCase()).join("");
}
