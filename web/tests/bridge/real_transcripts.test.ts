// Every capture from a real Asterisk (tests/fixtures/ami/real_*.txt: Asterisk 22.10.1, IAX2
// phones and trunk, provenance in each file's header) replayed over TCP to a running bridge. The
// expected events are read from the capture itself, not typed in: who rang first (DialBegin), who
// talked, in turn and last (DialEnd ANSWER), the talk of each leg (that answer to the answering channel's
// Hangup), the call's talk (the time its first channel spent in a bridge with another channel: its
// conversations, summed over transfers, not its hold while an agent consults a colleague; rounded
// down as Asterisk does), the call's span from its Cdr times, the recording MixMonitor names.
import { readdirSync, readFileSync } from "node:fs";
import { afterEach, describe, expect, test } from "vitest";
import { REPO_ROOT } from "../fixtures";
import { loadTranscript } from "./fake_ami";
import { type Harness, sleep, startHarness, waitFor } from "./harness";

let harness: Harness | null = null;

afterEach(async () => {
    await harness?.close();
    harness = null;
});

type Fields = Record<string, string>;

function parse(block: string): Fields {
    const fields: Fields = {};
    for (const line of block.split("\n")) {
        const at = line.indexOf(":");
        if (at > 0 && !(line.slice(0, at) in fields)) {
            fields[line.slice(0, at)] = line.slice(at + 1).trim();
        }
    }
    return fields;
}

const phoneOf = (channel: string | undefined) => /^IAX2\/(\d+)-\d+$/.exec(channel ?? "")?.[1] ?? null;
const seconds = (text: string) => Date.parse(`${text.replace(" ", "T")}Z`) / 1000;

/** What a capture says happened: the call's two canonical events. */
function readCapture(name: string) {
    const events = loadTranscript(name).map(parse);
    const first = events.find((event) => event.Event === "Newchannel") as Fields;
    const linkedid = first.Linkedid;
    const outbound = phoneOf(first.Channel) !== null;
    const rung = events.find((event) => event.Event === "DialBegin" && event.DestUniqueid !== linkedid && phoneOf(event.DestChannel)) ?? {};
    const answers = events.filter(
        (event) => event.Event === "DialEnd" && event.DialStatus === "ANSWER" && event.DestUniqueid !== linkedid && !event.DestChannel.startsWith("Local/")
    );
    const hangupAt = (uniqueid: string) => Number(events.find((event) => event.Event === "Hangup" && event.Uniqueid === uniqueid)?.Timestamp);
    const legs = answers.map((answer) => hangupAt(answer.DestUniqueid) - Number(answer.Timestamp));
    const cdrs = events.filter((event) => event.Event === "Cdr");
    const start = cdrs.map((cdr) => cdr.StartTime).sort()[0];
    const end = cdrs.map((cdr) => cdr.EndTime).sort().at(-1) as string;
    const lastStatus = events.filter((event) => event.Event === "DialEnd").at(-1)?.DialStatus;
    const recording = events.filter((event) => event.Event === "VarSet" && event.Variable === "MIXMONITOR_FILENAME").at(-1)?.Value;
    const monitorDir = recording ? recording.slice(0, recording.indexOf("/spool/monitor/") + "/spool/monitor/".length) : undefined;
    const caller = outbound ? (phoneOf(first.Channel) as string) : null;
    const phone = outbound ? cdrs[0].Destination : first.CallerIDNum;
    // Who talked, in turn: the answering phones (outbound: the caller, once the callee answers).
    const talkers = outbound ? answers.slice(0, 1).map(() => caller as string) : answers.map((answer) => phoneOf(answer.DestChannel) as string);
    return {
        events,
        legs,
        cdrs,
        answers: talkers
            .filter((talker, index) => talker !== talkers[index - 1])
            .map((extension) => ({ route: "answer", payload: { extension, callid: linkedid } })),
        start: { route: outbound ? "init" : "call_in", payload: { phone, extension: caller ?? phoneOf(rung.DestChannel), callid: linkedid } },
        end: {
            route: "call_out",
            payload: {
                phone,
                extension: caller ?? phoneOf(answers.at(-1)?.DestChannel) ?? phoneOf(rung.DestChannel),
                callid: linkedid,
                calldate: start,
                duration: seconds(end) - seconds(start),
                billsec: Math.floor(conversation(events, linkedid)),
                status: answers.length ? "ANSWERED" : ({ NOANSWER: "NO ANSWER", BUSY: "BUSY" } as Fields)[lastStatus ?? ""],
                direction: outbound ? "out" : "in",
                ...(recording && monitorDir ? { recordingfile: recording.slice(monitorDir.length) } : {}),
            },
        },
        monitorDir,
    };
}

/** Seconds the channel `uniqueid` spent in a bridge with at least one other channel. */
function conversation(events: Fields[], uniqueid: string): number {
    const members = new Map<string, Set<string>>();
    let total = 0;
    let since: number | null = null;
    for (const event of events.filter((each) => each.Event === "BridgeEnter" || each.Event === "BridgeLeave")) {
        const bridge = members.get(event.BridgeUniqueid) ?? new Set<string>();
        members.set(event.BridgeUniqueid, bridge);
        if (event.Event === "BridgeEnter") {
            bridge.add(event.Uniqueid);
        } else {
            bridge.delete(event.Uniqueid);
        }
        const talking = [...members.values()].some((each) => each.has(uniqueid) && each.size >= 2);
        const at = Number(event.Timestamp);
        if (talking && since === null) {
            since = at;
        } else if (!talking && since !== null) {
            total += at - since;
            since = null;
        }
    }
    return total;
}

async function play(name: string) {
    // the bridge as configured on that PBX: its monitor directory is where MixMonitor wrote
    const recordingPrefix = readCapture(name).monitorDir;
    harness = await startHarness(recordingPrefix ? { config: { calls: { cdrGraceMs: 60, recordingPrefix } } } : {});
    await harness.ami.replay(loadTranscript(name));
    const h = harness;
    await waitFor(() => h.odoo.received.some((each) => each.route === "call_out") && h.bridge.queue.size === 0, "call_out");
    await sleep(300); // five grace periods: a second call_out would be here by now
    return h.odoo.events;
}

const CAPTURES = readdirSync(`${REPO_ROOT}tests/fixtures/ami`).filter((name) => /^real_.*\.txt$/.test(name)).sort();

describe("real Asterisk captures to canonical events", () => {
    test("there are captures, and each one says where it comes from", () => {
        expect(CAPTURES.length).toBeGreaterThanOrEqual(7);
        for (const name of CAPTURES) {
            expect(readFileSync(`${REPO_ROOT}tests/fixtures/ami/${name}`, "utf8")).toMatch(/^# Captured from Asterisk \d+\.\d+/);
        }
    });

    test.each(CAPTURES)("%s gives one call_in / init, an answer per phone that talked and one call_out, as the capture shows", async (name) => {
        const { start, answers, end } = readCapture(name);
        expect(await play(name)).toEqual([start, ...answers, end]);
    });

    test("a ring group answered by its 2nd member: call_in for the 1st rung, call_out for 102 with its talk", async () => {
        const capture = readCapture("real_ring_group_second_member.txt");
        const events = await play("real_ring_group_second_member.txt");
        const answered = capture.cdrs.find((cdr) => cdr.Disposition === "ANSWERED") as Fields;
        expect(events.map((event) => event.payload.extension)).toEqual(["101", "102", "102"]);
        expect(events[2].payload).toMatchObject({ billsec: Number(answered.BillableSeconds), status: "ANSWERED" });
    });

    test("a ring group through Local/ channels (FreePBX's way) names the phones behind them: 101 rung, 102 answered", async () => {
        const capture = readCapture("real_ring_group_local.txt");
        expect(capture.events.some((event) => event.Event === "DialBegin" && event.DestChannel?.startsWith("Local/101@"))).toBe(true);
        const events = await play("real_ring_group_local.txt");
        expect(events.map((event) => [event.route, event.payload.extension])).toEqual([
            ["call_in", "101"],
            ["answer", "102"],
            ["call_out", "102"],
        ]);
        expect(events[2].payload).toMatchObject({ status: "ANSWERED", billsec: capture.end.payload.billsec });
    });

    test("a queue answered by its 2nd member, whose Cdr of the 1st arrives mid-call, names 102", async () => {
        const capture = readCapture("real_queue_second_member.txt");
        const events = await play("real_queue_second_member.txt");
        const answered = capture.cdrs.filter((cdr) => cdr.Disposition === "ANSWERED").map((cdr) => Number(cdr.BillableSeconds));
        expect(events.map((event) => event.route)).toEqual(["call_in", "answer", "call_out"]);
        expect(events[2].payload).toMatchObject({ extension: "102", billsec: Math.max(...answered), status: "ANSWERED" });
    });

    test.each(["real_queue_second_member.txt", "real_inbound_answered.txt"])(
        "%s: a Cdr before the caller's Hangup ends nothing, however long the call goes on after it",
        async (name) => {
            harness = await startHarness();
            const blocks = loadTranscript(name);
            const firstCdr = blocks.findIndex((block) => parse(block).Event === "Cdr");
            await harness.ami.replay(blocks.slice(0, firstCdr + 1));
            await sleep(300); // five grace periods
            const routes = harness.odoo.events.map((event) => event.route);
            expect(routes[0]).toBe(readCapture(name).start.route);
            expect(routes).not.toContain("call_out");
            await harness.ami.replay(blocks.slice(firstCdr + 1));
            const h = harness;
            await waitFor(() => h.odoo.received.some((each) => each.route === "call_out") && h.bridge.queue.size === 0, "call_out");
            const { start, answers, end } = readCapture(name);
            expect(h.odoo.events).toEqual([start, ...answers, end]);
        }
    );

    test("a blind transfer 101 -> 102 is credited to 102 with both legs' talk, not its Cdrs' ringing", async () => {
        const capture = readCapture("real_blind_transfer.txt");
        const events = await play("real_blind_transfer.txt");
        const cdrTalk = capture.cdrs.reduce((sum, cdr) => sum + Number(cdr.BillableSeconds), 0);
        expect(capture.legs).toHaveLength(2);
        const end = events.at(-1) as (typeof events)[number];
        expect(end.payload).toMatchObject({ extension: "102", billsec: Math.floor(capture.legs[0] + capture.legs[1]), duration: 14 });
        expect(end.payload.billsec).toBeLessThan(cdrTalk); // the 2nd Cdr counts 102 ringing
    });

    test("a blind transfer moves the call to 102 when 102 answers, before the caller or 102 hangs up", async () => {
        harness = await startHarness();
        const blocks = loadTranscript("real_blind_transfer.txt");
        const answer102 = blocks.findIndex((block) => parse(block).Event === "DialEnd" && parse(block).DestChannel?.startsWith("IAX2/102-"));
        const linkedid = parse(blocks[0]).Linkedid;
        const callerHangup = blocks.findIndex((block) => parse(block).Event === "Hangup" && parse(block).Uniqueid === linkedid);
        expect(answer102).toBeGreaterThan(0);
        expect(callerHangup).toBeGreaterThan(answer102 + 1);
        await harness.ami.replay(blocks.slice(0, answer102 + 1));
        const h = harness;
        await waitFor(() => h.odoo.received.length === 3 && h.bridge.queue.size === 0, "answer 102");
        expect(h.odoo.events.map((event) => [event.route, event.payload.extension])).toEqual([
            ["call_in", "101"],
            ["answer", "101"],
            ["answer", "102"],
        ]);
    });

    test("a busy phone: BUSY from its DialStatus, no answer, nothing talked", async () => {
        const events = await play("real_inbound_busy.txt");
        expect(events.map((event) => event.route)).toEqual(["call_in", "call_out"]);
        expect(events[1].payload).toMatchObject({ extension: "101", status: "BUSY", billsec: 0, direction: "in" });
    });

    test("voicemail answers the caller (an ANSWERED Cdr by VoiceMail) but nobody talked: NO ANSWER, for 103", async () => {
        const capture = readCapture("real_voicemail.txt");
        const events = await play("real_voicemail.txt");
        const voicemail = capture.cdrs.find((cdr) => cdr.LastApplication === "VoiceMail") as Fields;
        expect(voicemail).toMatchObject({ Disposition: "ANSWERED" });
        expect(Number(voicemail.BillableSeconds)).toBeGreaterThan(0);
        expect(events.map((event) => event.route)).toEqual(["call_in", "call_out"]);
        expect(events[1].payload).toMatchObject({ extension: "103", status: "NO ANSWER", billsec: 0 });
    });

    test("a recorded call names MixMonitor's file relative to the monitor directory (FreePBX's Y/m/d path)", async () => {
        const events = await play("real_recording.txt");
        const end = events.at(-1) as (typeof events)[number];
        expect(end.payload.recordingfile).toMatch(/^\d{4}\/\d{2}\/\d{2}\/in-\d+-800-\d{8}-\d{6}-[\d.]+\.wav$/);
        expect(end.payload).toMatchObject({ extension: "101", status: "ANSWERED" });
    });

    test("an attended transfer 101 -> 102 is one call credited to 102; the caller's talk, not 101's consultation", async () => {
        const capture = readCapture("real_attended_transfer.txt");
        const events = await play("real_attended_transfer.txt");
        expect(capture.legs).toHaveLength(2);
        expect(events.map((event) => [event.route, event.payload.extension])).toEqual([
            ["call_in", "101"],
            ["answer", "101"],
            ["answer", "102"],
            ["call_out", "102"],
        ]);
        const end = events[3].payload;
        const legs = capture.legs[0] + capture.legs[1];
        expect(end.billsec).toBe(Math.floor(conversation(capture.events, capture.start.payload.callid)));
        expect(end.billsec).toBeLessThan(legs - 3); // 101 and 102 consulting while the caller was on hold
        expect(new Set(events.map((event) => event.payload.callid)).size).toBe(1); // the consultation is no call of its own
    });

    test("click-to-dial talk counts from the callee's answer, not from the agent's", async () => {
        const capture = readCapture("real_click_to_dial.txt");
        const events = await play("real_click_to_dial.txt");
        const agentCdr = capture.cdrs.find((cdr) => cdr.Disposition === "ANSWERED") as Fields;
        expect(events[0]).toMatchObject({ route: "init", payload: { extension: "101" } });
        expect(events[1]).toMatchObject({ route: "answer", payload: { extension: "101" } });
        expect(events[2].payload).toMatchObject({ billsec: Math.floor(capture.legs[0]), direction: "out" });
        expect(events[2].payload.billsec).toBeLessThan(Number(agentCdr.BillableSeconds));
    });
});
