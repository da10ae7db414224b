// AMI transcripts written by us from Asterisk's documentation (tests/fixtures/ami, not real_*:
// see real_transcripts.test.ts) replayed over TCP to a running bridge: the exact canonical events
// Odoo receives, whatever the packet boundaries or line endings; missing-Cdr cases, PJSIP channel
// names and Local/ ring groups the real captures lack (busy, voicemail and recording have real
// captures too since issue 13: real_inbound_busy, real_voicemail, real_recording).
import { afterEach, describe, expect, test } from "vitest";
import { field, loadTranscript } from "./fake_ami";
import { type Harness, startHarness, TOKEN, waitFor } from "./harness";

let harness: Harness | null = null;

afterEach(async () => {
    await harness?.close();
    harness = null;
});

async function play(name: string, options: { eol?: "\r\n" | "\n"; chunk?: number; without?: string } = {}) {
    // Byte-by-byte, the Cdr arrives long after the Hangup: give it the time a real link would not need.
    harness = await startHarness(options.chunk ? { config: { calls: { cdrGraceMs: 1500 } } } : {});
    const blocks = loadTranscript(name).filter((block) => !options.without || field(block, "Event") !== options.without);
    await harness.ami.replay(blocks, options);
    const h = harness;
    await waitFor(() => h.odoo.received.some((each) => each.route === "call_out"), "call_out", 25_000);
    await waitFor(() => h.bridge.queue.size === 0, "an empty queue");
    return h.odoo.events;
}

interface Call {
    route: "call_in" | "init";
    phone: string;
    /** Rung first (inbound) or calling (outbound), then who answered when another. */
    extension: string;
    answeredBy?: string;
    callid: string;
}

/** The events a call gives: call_in / init, answer when someone talked, then call_out with `end`. */
function events(call: Call, end: Record<string, unknown>) {
    const { route, phone, extension, callid } = call;
    const talker = call.answeredBy ?? extension;
    return [
        { route, payload: { phone, extension, callid } },
        ...(end.status === "ANSWERED" ? [{ route: "answer", payload: { extension: talker, callid } }] : []),
        { route: "call_out", payload: { phone, extension: talker, callid, ...end } },
    ];
}

const INBOUND_ANSWERED = events(
    { route: "call_in", phone: "0989464344", extension: "101", callid: "1732100102.84" },
    { calldate: "2024-11-20 17:55:02", duration: 65, billsec: 57, status: "ANSWERED", direction: "in" }
);

/** More flows: each transcript gives its call's events (see `events`). */
const FLOWS: { title: string; transcript: string; call: Call; end: Record<string, unknown> }[] = [
    {
        title: "an unanswered call sent to voicemail is NO ANSWER: the voicemail Cdr does not count as an answer",
        transcript: "inbound_no_answer_voicemail.txt",
        call: { route: "call_in", phone: "0912345678", extension: "102", callid: "1732100400.101" },
        end: { calldate: "2024-11-20 18:00:00", duration: 55, billsec: 0, status: "NO ANSWER", direction: "in" },
    },
    {
        title: "a busy extension without Cdr is BUSY, from DialStatus",
        transcript: "inbound_busy_no_cdr.txt",
        call: { route: "call_in", phone: "+842838234567", extension: "103", callid: "1732100700.110" },
        end: { calldate: "2024-11-20T11:05:00Z", duration: 4, billsec: 0, status: "BUSY", direction: "in" },
    },
    {
        title: "an outbound call gives init with the dialled number and call_out with the recording",
        transcript: "outbound_answered_recording.txt",
        call: { route: "init", phone: "0989464344", extension: "101", callid: "1732101300.120" },
        end: {
            // 94: timed from its bridge (94.87 s); its hand-written Cdr's 95 contradicts its timestamps.
            calldate: "2024-11-20 18:15:00", duration: 107, billsec: 94, status: "ANSWERED", direction: "out",
            recordingfile: "2024/11/20/out-0989464344-101-20241120-181500-1732101300.120.wav",
        },
    },
    {
        title: "a ring group ignores Local/ channels: one call_in, and the call_out names who answered",
        transcript: "ring_group_no_cdr.txt",
        call: { route: "call_in", phone: "0977123456", extension: "101", answeredBy: "102", callid: "1732102000.140" },
        end: { calldate: "2024-11-20T11:26:40Z", duration: 36, billsec: 30, status: "ANSWERED", direction: "in" },
    },
    {
        title: "an originated call is outbound: ringing the agent's own phone is neither a call_in nor an answer",
        transcript: "click_to_dial_no_answer.txt",
        call: { route: "init", phone: "0989464344", extension: "101", callid: "1732103000.160" },
        end: { calldate: "2024-11-20 18:43:20", duration: 36, billsec: 0, status: "NO ANSWER", direction: "out" },
    },
];

describe("AMI transcripts to canonical events", () => {
    test("an answered inbound call gives call_in at the ring and call_out from the Cdr", async () => {
        expect(await play("inbound_answered.txt")).toEqual(INBOUND_ANSWERED);
        const [first] = harness!.odoo.received;
        expect(first.headers.authorization).toBe(`Bearer ${TOKEN}`);
        expect(first.headers["content-type"]).toBe("application/json");
    });

    test("without its Cdr the same call is timed from the event timestamps", async () => {
        const events = await play("inbound_answered.txt", { without: "Cdr" });
        expect(events.map((event) => event.route)).toEqual(["call_in", "answer", "call_out"]);
        expect(events[2].payload).toEqual({
            ...INBOUND_ANSWERED[2].payload,
            calldate: "2024-11-20T10:55:02Z",
            duration: 65,
            billsec: 57,
        });
    });

    test("the transcript gives the same events with LF-only lines", async () => {
        expect(await play("inbound_answered.txt", { eol: "\n" })).toEqual(INBOUND_ANSWERED);
    });

    // Splitting at every single byte is covered by the parser's own test, without TCP's cost.
    test.each([3, 7, 64, 1500])(
        "the transcript gives the same events split into %i-byte packets",
        async (chunk) => {
            expect(await play("inbound_answered.txt", { chunk })).toEqual(INBOUND_ANSWERED);
        },
        30_000
    );

    test.each(FLOWS.map((flow) => [flow.title, flow] as const))("%s", async (_title, { transcript, call, end }) => {
        expect(await play(transcript)).toEqual(events(call, end));
    });

    test("garbage lines between and inside messages are ignored", async () => {
        harness = await startHarness();
        const blocks = loadTranscript("inbound_answered.txt").map((block, index) =>
            index % 3 === 0 ? `${block}\nthis is not a field\n:no key\n\u0000\u00ff binary` : block
        );
        await harness.ami.sendRaw("\r\n\r\n--END COMMAND--\r\n\r\n");
        await harness.ami.replay(blocks);
        const h = harness;
        await waitFor(() => h.odoo.received.length === 3 && h.bridge.queue.size === 0, "three events");
        expect(h.odoo.events).toEqual(INBOUND_ANSWERED);
    });

    test("two interleaved calls are told apart by Linkedid", async () => {
        harness = await startHarness();
        const a = loadTranscript("inbound_answered.txt");
        const b = loadTranscript("outbound_answered_recording.txt");
        const mixed: string[] = [];
        for (let index = 0; index < Math.max(a.length, b.length); index++) {
            mixed.push(...(a[index] ? [a[index]] : []), ...(b[index] ? [b[index]] : []));
        }
        await harness.ami.replay(mixed);
        const h = harness;
        await waitFor(() => h.odoo.received.length === 6 && h.bridge.queue.size === 0, "six events");
        const byCall = (callid: string) => h.odoo.events.filter((event) => event.payload.callid === callid).map((event) => event.route);
        expect(byCall("1732100102.84")).toEqual(["call_in", "answer", "call_out"]);
        expect(byCall("1732101300.120")).toEqual(["init", "answer", "call_out"]);
    });
});
