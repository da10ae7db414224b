import { describe, expect, test } from "vitest";
import { displayNumber, formatAmount, formatCallStart, formatDuration, initials } from "../../src/lib/popup_format";

describe("popup formatting", () => {
    test("durations read like a clock", () => {
        expect(formatDuration(0)).toBe("0:00");
        expect(formatDuration(5)).toBe("0:05");
        expect(formatDuration(65)).toBe("1:05");
        expect(formatDuration(3723)).toBe("1:02:03");
        expect(formatDuration(-4)).toBe("0:00");
        expect(formatDuration(59.9)).toBe("0:59");
    });

    test("amounts are grouped and keep cents only when there are some", () => {
        expect(formatAmount(12500, "en-US")).toBe("12,500");
        expect(formatAmount(1000.5, "en-US")).toBe("1,000.50");
        expect(formatAmount(12500, "fr-FR")).toMatch(/^12\s500$/u);
    });

    test("a call of today shows its time, an older one its date too", () => {
        const now = new Date("2026-11-20T15:00:00Z");
        expect(formatCallStart("2026-11-20T10:05:00Z", now, "en-GB", "UTC")).toBe("10:05");
        expect(formatCallStart("2026-11-19T10:05:00Z", now, "en-GB", "UTC")).toBe("19 Nov 2026, 10:05");
        expect(formatCallStart("not a date", now, "en-GB", "UTC")).toBe("not a date");
    });

    test("today is the user's day, not UTC's", () => {
        const now = new Date("2026-11-20T23:30:00Z");
        expect(formatCallStart("2026-11-20T16:00:00Z", now, "en-GB", "Asia/Ho_Chi_Minh")).toBe("20 Nov 2026, 23:00");
    });

    test("the number shown is E.164 when known", () => {
        expect(displayNumber({ phone: "0989464344", phone_e164: "+84989464344" })).toBe("+84989464344");
        expect(displayNumber({ phone: "0989464344", phone_e164: null })).toBe("0989464344");
    });

    test("initials come from the first and last words", () => {
        expect(initials("Azure Interior")).toBe("AI");
        expect(initials("Brandon Mark Freeman")).toBe("BF");
        expect(initials("élodie")).toBe("É");
        expect(initials("+84989464344")).toBe("#");
        expect(initials(null)).toBe("#");
    });
});
