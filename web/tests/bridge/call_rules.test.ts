// Channel names, numbers, statuses and Cdr summaries: the pure rules under the call tracker.
import { describe, expect, test } from "vitest";
import { backoffDelay } from "../../src/bridge/backoff";
import { summarizeCdrs, statusFromCause, statusFromDials, statusFromDisposition } from "../../src/bridge/call_outcome";
import type { CdrRecord } from "../../src/bridge/call_state";
import { compileRules, extensionOfChannel, numberFromDialString, phoneNumber } from "../../src/bridge/channels";
import { DEFAULT_EXTENSION_CHANNELS } from "../../src/bridge/config";

const rules = compileRules({ extensionChannels: DEFAULT_EXTENSION_CHANNELS, internalContexts: ["from-internal"] });

describe("channel names", () => {
    test.each([
        ["PJSIP/101-0000002b", "101"],
        ["SIP/2005-00000a1f", "2005"],
        ["IAX2/42-6789", "42"],
        ["IAX2/101-1", "101"],
        ["IAX2/101-32767", "101"],
        ["IAX2/voip_trunk-1234", null],
        ["IAX2/101-0000002b", null],
        ["SIP/101-1234", null],
        ["PJSIP/voip_trunk-0000002a", null],
        ["Local/101@from-queue-00000012;2", null],
        ["PJSIP/101", null],
        ["", null],
    ])("%s is extension %s", (name, extension) => {
        expect(extensionOfChannel(name, rules)).toBe(extension);
    });

    test("a named group (?<ext>) picks the extension out of a custom pattern", () => {
        const custom = compileRules({ extensionChannels: ["^PJSIP/(?:tenant1_)?(?<ext>\\d+)-"], internalContexts: [] });
        expect(extensionOfChannel("PJSIP/tenant1_205-00000001", custom)).toBe("205");
    });
});

describe("numbers", () => {
    test.each([
        ["0989464344@voip_trunk", "0989464344"],
        ["voip_trunk/sip:+84989464344@203.0.113.5:5060", "+84989464344"],
        ["voip_trunk/0989464344", "0989464344"],
        ["0989464344@voip_trunk;transport=tcp", "0989464344"],
        ["101/sip:101@192.168.1.50:5060", "101"],
        ["voip_trunk", null],
        [undefined, null],
    ])("the dial string %s sends %s", (dialString, number) => {
        expect(numberFromDialString(dialString)).toBe(number);
    });

    test.each([["<unknown>", null], ["anonymous", null], ["12", null], ["+84 98 946 4344", "+84 98 946 4344"], ["1".repeat(21), null]])(
        "%s as a phone number is %s",
        (value, expected) => expect(phoneNumber(value)).toBe(expected)
    );
});

describe("statuses", () => {
    test("dial statuses: an answer wins, then a caller who gave up, then no answer, then busy", () => {
        expect(statusFromDials(["BUSY", "ANSWER"])).toBe("ANSWERED");
        expect(statusFromDials(["BUSY", "CANCEL"])).toBe("CANCEL");
        expect(statusFromDials(["BUSY", "NOANSWER"])).toBe("NO ANSWER");
        expect(statusFromDials(["BUSY"])).toBe("BUSY");
        expect(statusFromDials(["CHANUNAVAIL", "CONGESTION"])).toBe("FAILED");
        expect(statusFromDials([])).toBeNull();
    });

    test("hangup causes and Cdr dispositions", () => {
        expect([16, 17, 19, 21, 34, null].map(statusFromCause)).toEqual(["NO ANSWER", "BUSY", "NO ANSWER", "NO ANSWER", "FAILED", "FAILED"]);
        expect(["ANSWERED", "NO ANSWER", "BUSY", "FAILED", "CONGESTION"].map(statusFromDisposition)).toEqual([
            "ANSWERED", "NO ANSWER", "BUSY", "FAILED", "FAILED",
        ]);
    });
});

describe("Cdr summaries", () => {
    const cdr = (overrides: Partial<CdrRecord>): CdrRecord => ({
        uniqueid: "1732100400.101", startTime: "2024-11-20 18:00:00", answerTime: "", endTime: "2024-11-20 18:00:20", duration: 20,
        billableSeconds: 0, disposition: "NO ANSWER", destinationChannel: "PJSIP/101-1", ...overrides,
    });

    test("a ring group's CDRs: the answered leg gives the talk time, the span gives the duration", () => {
        expect(summarizeCdrs([
            cdr({ destinationChannel: "PJSIP/101-1" }),
            cdr({ destinationChannel: "PJSIP/102-2", answerTime: "2024-11-20 18:00:05", endTime: "2024-11-20 18:01:05", duration: 65, billableSeconds: 60, disposition: "ANSWERED" }),
        ])).toEqual({ calldate: "2024-11-20 18:00:00", duration: 65, billsec: 60, status: "ANSWERED" });
    });

    test("without bridge times, a transfer's legs add up and a queue's overlapping Local/ leg does not", () => {
        const answered = { disposition: "ANSWERED", answerTime: "2024-11-20 18:00:05" };
        const leg = (uniqueid: string, destinationChannel: string, billableSeconds: number) =>
            cdr({ ...answered, uniqueid, destinationChannel, billableSeconds });
        expect(summarizeCdrs([leg("1.1", "PJSIP/101-1", 6), leg("1.1", "PJSIP/102-2", 6)]).billsec).toBe(12);
        expect(summarizeCdrs([leg("1.1", "Local/102@q-1;1", 40), leg("1.4", "PJSIP/102-2", 0)]).billsec).toBe(40);
    });

    test("an IVR answer without a dialled phone does not make a missed call answered", () => {
        expect(summarizeCdrs([
            cdr({ destinationChannel: "", disposition: "ANSWERED", billableSeconds: 12, duration: 12, endTime: "2024-11-20 18:00:12" }),
            cdr({ startTime: "2024-11-20 18:00:12", endTime: "2024-11-20 18:00:40", duration: 28, destinationChannel: "PJSIP/101-3" }),
        ])).toEqual({ calldate: "2024-11-20 18:00:00", duration: 40, billsec: 0, status: "NO ANSWER" });
    });
});

describe("backoff", () => {
    test("doubles from the initial delay up to the maximum, with jitter in [d/2, d]", () => {
        const settings = { initialMs: 100, maxMs: 1000 };
        expect([0, 1, 2, 3, 4, 10].map((attempt) => backoffDelay(attempt, settings, () => 1))).toEqual([100, 200, 400, 800, 1000, 1000]);
        expect([0, 1, 2, 3, 4].map((attempt) => backoffDelay(attempt, settings, () => 0))).toEqual([50, 100, 200, 400, 500]);
    });
});
