// The IP Office SMDR parser and the merge of a call's records into one call_out, on Avaya's own
// example records (tests/fixtures/avaya_smdr.json). The expected values follow each example's
// explanation on Avaya's page.
import { describe, expect, test } from "vitest";
import { parseSmdrLine, type SmdrRecord } from "../../src/bridge/smdr";
import { buildSmdrCall, SmdrCalls, type SmdrOutcome } from "../../src/bridge/smdr_calls";
import { EXAMPLES, example } from "./smdr_fixture";

function record(line: string): SmdrRecord {
    const parsed = parseSmdrLine(line);
    if (!parsed.ok) {
        throw new Error(parsed.reason);
    }
    return parsed.record;
}

/** Every outcome of feeding lines, in order, to one SmdrCalls. */
function feed(lines: string[], reportInternal = true): SmdrOutcome[] {
    const calls = new SmdrCalls({ reportInternal });
    return lines.map((line) => calls.add(record(line), line, 0));
}

const payloads = (outcomes: SmdrOutcome[]) => outcomes.flatMap((outcome) => (outcome.kind === "event" ? [outcome.event.payload] : []));

// -----------------------------------------------------------------------------
// Parser
// -----------------------------------------------------------------------------

describe("SMDR parser", () => {
    test("reads every field of Avaya's lost incoming call record", () => {
        expect(record(example("lost_incoming")[0])).toEqual({
            callStart: "2008-06-28 09:28:41", connectedSeconds: 0, ringSeconds: 9, caller: "8004206", direction: "I",
            calledNumber: "4324", dialledNumber: "4324", account: "", isInternal: false, callId: "1000014155",
            continuation: false, party1Device: "E4324", party1Name: "Joe Bloggs", party2Device: "T9161",
            party2Name: "LINE 5.1", holdSeconds: 0, parkSeconds: 0,
        });
    });

    test("the 17-field and the 30-field forms of a record read the same; a 31st field is ignored", () => {
        expect(record(example("lost_incoming_30_fields")[0])).toEqual(record(example("lost_incoming")[0]));
        expect(record(example("transferred_to_voicemail_30_fields")[1])).toEqual(record(example("transferred_to_voicemail")[1]));
        expect(record(example("external_incoming")[0])).toMatchObject({ callId: "1000013", connectedSeconds: 5, ringSeconds: 7 });
    });

    test("CR LF, a start time without seconds, hold and park times", () => {
        const [parked] = example("park_and_unpark");
        expect(record(`${parked}\r\n`)).toEqual(record(parked));
        expect(record(example("call_pickup")[1])).toMatchObject({ callStart: "2008-07-09 18:00:00", connectedSeconds: 38, ringSeconds: 1 });
        expect(record(parked)).toMatchObject({ parkSeconds: 4, continuation: true });
        expect(record(example("transferred_to_voicemail")[0])).toMatchObject({ holdSeconds: 11, continuation: true });
    });

    test("Avaya's own examples that break the format are refused with the field at fault", () => {
        expect(parseSmdrLine(example("answered_by_voicemail")[0])).toEqual({ ok: false, reason: 'field 9 (Is Internal): must be 0 or 1, got "I"' });
        for (const line of example("transferred_manually")) {
            expect(parseSmdrLine(line)).toEqual({ ok: false, reason: `field 1 (Call Start): must be YYYY/MM/DD HH:MM:SS, got "${line.split(",")[0]}"` });
        }
    });

    test("every other example record parses", () => {
        const broken = ["answered_by_voicemail", "transferred_manually"];
        const lines = EXAMPLES.filter((candidate) => !broken.includes(candidate.name)).flatMap((candidate) => candidate.lines);
        expect(lines.length).toBeGreaterThan(15);
        expect(lines.map(parseSmdrLine).filter((parsed) => !parsed.ok)).toEqual([]);
    });

    test("too few fields, bad times and flags are named (lines written by us)", () => {
        const [line] = example("lost_incoming");
        const fields = line.split(",");
        const replaced = (index: number, value: string) => fields.map((field, at) => (at === index ? value : field)).join(",");
        expect(parseSmdrLine(fields.slice(0, 12).join(","))).toEqual({ ok: false, reason: "12 field(s), expected 30 (at least 17)" });
        expect(parseSmdrLine("")).toEqual({ ok: false, reason: "1 field(s), expected 30 (at least 17)" });
        expect(parseSmdrLine(replaced(0, "2008/13/28 09:28:41"))).toMatchObject({ reason: 'field 1 (Call Start): must be YYYY/MM/DD HH:MM:SS, got "2008/13/28 09:28:41"' });
        expect(parseSmdrLine(replaced(1, "0:00"))).toMatchObject({ reason: 'field 2 (Connected Time): must be HH:MM:SS, got "0:00"' });
        expect(parseSmdrLine(replaced(2, "9s"))).toMatchObject({ reason: 'field 3 (Ring Time): must be a whole number of seconds, got "9s"' });
        expect(parseSmdrLine(replaced(4, "X"))).toMatchObject({ reason: 'field 5 (Direction): must be I or O, got "X"' });
        expect(parseSmdrLine(replaced(9, ""))).toMatchObject({ reason: 'field 10 (Call ID): must be a number, got ""' });
        expect(parseSmdrLine(replaced(10, "2"))).toMatchObject({ reason: 'field 11 (Continuation): must be 0 or 1, got "2"' });
        expect(parseSmdrLine(`"${line}"`)).toMatchObject({ ok: false }); // no quoting in SMDR
    });
});

// -----------------------------------------------------------------------------
// Calls
// -----------------------------------------------------------------------------

describe("SMDR calls", () => {
    test("a lost incoming call: missed, rang 9 s, on the extension it rang", () => {
        expect(payloads(feed(example("lost_incoming")))).toEqual([{
            phone: "8004206", extension: "4324", callid: "1000014155@20080628092841", calldate: "2008-06-28 09:28:41",
            duration: 9, billsec: 0, status: "NO ANSWER", direction: "in",
        }]);
    });

    test("an external incoming call: answered, 5 s talk after 7 s ringing", () => {
        expect(payloads(feed(example("external_incoming")))).toEqual([{
            phone: "01707299900", extension: "403", callid: "1000013@20080801151419", calldate: "2008-08-01 15:14:19",
            duration: 12, billsec: 5, status: "ANSWERED", direction: "in",
        }]);
    });

    test("a call transferred to voicemail is one call: the agent's talk, not voicemail's, with hold and both segments in its duration", () => {
        const outcomes = feed(example("transferred_to_voicemail"));
        expect(outcomes[0]).toEqual({ kind: "pending" });
        expect(payloads(outcomes)).toEqual([{
            phone: "01707392200", extension: "4750", callid: "1000014160@20080628093057", calldate: "2008-06-28 09:30:57",
            duration: 13 + 7 + 11 + 21, billsec: 13, status: "ANSWERED", direction: "in",
        }]);
        expect(payloads(feed(example("transferred_to_voicemail_30_fields")))).toEqual(payloads(outcomes));
    });

    test("an outside call transferred to another extension ends on it, talk summed over the segments (dates written by us)", () => {
        const outcomes = feed(example("transferred_manually_dated"));
        expect(outcomes.map((outcome) => outcome.kind)).toEqual(["pending", "event", "event"]);
        expect(payloads(outcomes)).toEqual([
            { phone: "207", extension: "203", callid: "1000043@20080709163309", calldate: "2008-07-09 16:33:09", duration: 15, billsec: 2, status: "ANSWERED", direction: "internal" },
            { phone: "9416", extension: "207", callid: "1000044@20080709163319", calldate: "2008-07-09 16:33:19", duration: 12, billsec: 9, status: "ANSWERED", direction: "out" },
        ]);
    });

    test("a call picked up by another extension is credited to the one that answered", () => {
        expect(payloads(feed(example("call_pickup")))).toEqual([{
            phone: "2122", extension: "2121", callid: "1000038@20080709180000", calldate: "2008-07-09 18:00:00",
            duration: 8 + 38 + 1, billsec: 38, status: "ANSWERED", direction: "internal",
        }]);
    });

    test("a call parked at one extension and unparked at another ends on the second, park time in its duration", () => {
        expect(payloads(feed(example("park_and_unpark")))).toEqual([{
            phone: "207", extension: "201", callid: "1000052@20080709163911", calldate: "2008-07-09 16:39:11",
            duration: 2 + 4 + 2, billsec: 2, status: "ANSWERED", direction: "internal",
        }]);
    });

    test("interleaved conference records: each call waits for its own last record; the outside call's # is dropped", () => {
        const outcomes = feed(example("conference_add_short_code"));
        expect(outcomes.map((outcome) => outcome.kind)).toEqual(["pending", "pending", "event", "event", "event"]);
        expect(payloads(outcomes).map(({ callid, phone, extension, duration, billsec, direction }) => ({ callid, phone, extension, duration, billsec, direction }))).toEqual([
            { callid: "1000026@20080709175500", phone: "2101", extension: "2101", duration: 46, billsec: 46, direction: "internal" },
            { callid: "1000023@20080709175400", phone: "2101", extension: "2121", duration: 29 + 7 + 23 + 49, billsec: 78, direction: "internal" },
            { callid: "1000024@20080709175500", phone: "8262623", extension: "2101", duration: 3 + 3 + 8 + 49, billsec: 52, direction: "out" },
        ]);
    });

    test("internal calls are left out unless reportInternal", () => {
        expect(feed(example("internal"), false)).toEqual([{ kind: "internal", callid: "1000013898@20080626102744" }]);
        expect(payloads(feed(example("internal")))).toEqual([{
            phone: "4688", extension: "4207", callid: "1000013898@20080626102744", calldate: "2008-06-26 10:27:44",
            duration: 48, billsec: 44, status: "ANSWERED", direction: "internal",
        }]);
        expect(payloads(feed(example("internal_twinning")))).toMatchObject([{ phone: "207", extension: "203", billsec: 3 }]);
    });

    test("a call with no number to report is kept with its lines and the reason (line written by us: the CLI withheld)", () => {
        const line = example("external_incoming")[0].replace("01707299900", "");
        expect(feed([line])).toEqual([{ kind: "unreported", callid: "1000013@20080801151419", reason: "no caller number (withheld)", lines: [line] }]);
        expect(buildSmdrCall([record(example("conference_add_short_code")[4])])).toMatchObject({ ok: false, reason: "no extension in any record" });
    });

    test("a call whose last record never comes is ended with what came, once it is older than the limit", () => {
        const calls = new SmdrCalls({ reportInternal: false });
        const [first] = example("transferred_to_voicemail");
        expect(calls.add(record(first), first, 1000)).toEqual({ kind: "pending" });
        expect(calls.expire(1000 + 60_000, 60_000)).toEqual([]);
        expect(payloads(calls.expire(1001 + 60_000, 60_000))).toMatchObject([{ callid: "1000014160@20080628093057", extension: "4750", billsec: 13, duration: 31 }]);
        expect(calls.size).toBe(0);
    });

    test("unfinished calls survive a snapshot and restore", () => {
        const [first, last] = example("transferred_to_voicemail");
        const before = new SmdrCalls({ reportInternal: false });
        before.add(record(first), first, 5);
        const after = new SmdrCalls({ reportInternal: false });
        expect(after.restore(JSON.parse(JSON.stringify(before.snapshot())))).toEqual([]);
        expect(payloads([after.add(record(last), last, 6)])).toEqual(payloads(feed([first, last])));
    });
});
