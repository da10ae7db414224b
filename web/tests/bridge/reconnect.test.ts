// The AMI link failing: disconnects mid-call, calls that end or begin while the bridge is away,
// a refused login, a silent Asterisk, something else listening on the port.
//
// What cannot be recovered: Asterisk does not buffer events for a disconnected manager client.
// A call that ENDED during the gap is closed at reconnection from the CoreShowChannels list
// (its channels are gone) with estimated times: it ends when the link was lost, its status is
// what was known then (answered or not), and its Cdr, sent during the gap, is lost. A call that
// BEGAN during the gap is announced at reconnection from its live channels.
import { afterEach, describe, expect, test } from "vitest";
import { field, loadTranscript } from "./fake_ami";
import { type Harness, startHarness, waitFor } from "./harness";

let harness: Harness | null = null;

afterEach(async () => {
    await harness?.close();
    harness = null;
});

const INBOUND = loadTranscript("inbound_answered.txt");
const upTo = (event: string, nth = 1) => {
    let seen = 0;
    const index = INBOUND.findIndex((block) => field(block, "Event") === event && ++seen === nth);
    return [INBOUND.slice(0, index + 1), INBOUND.slice(index + 1)];
};

/** The two channels of inbound_answered.txt as CoreShowChannels lists them while they talk. */
const LIVE_CHANNELS = [
    {
        Channel: "PJSIP/voip_trunk-0000002a", ChannelState: "6", ChannelStateDesc: "Up", CallerIDNum: "0989464344",
        CallerIDName: "<unknown>", ConnectedLineNum: "101", ConnectedLineName: "Alice", Language: "en", AccountCode: "",
        Context: "macro-dial-one", Exten: "s", Priority: "52", Uniqueid: "1732100102.84", Linkedid: "1732100102.84",
        Application: "Dial", ApplicationData: "PJSIP/101/sip:101@192.168.1.50:5060,,HhtrIb(func-apply-sipheaders^s^1)",
        Duration: "00:00:09", BridgeId: "8a1e4a8c-5d7e-4bd4-9c2d-0b7b5e4e8e71",
    },
    {
        Channel: "PJSIP/101-0000002b", ChannelState: "6", ChannelStateDesc: "Up", CallerIDNum: "101", CallerIDName: "Alice",
        ConnectedLineNum: "0989464344", ConnectedLineName: "<unknown>", Language: "en", AccountCode: "", Context: "from-internal",
        Exten: "", Priority: "1", Uniqueid: "1732100102.85", Linkedid: "1732100102.84", Application: "AppDial",
        ApplicationData: "(Outgoing Line)", Duration: "00:00:08", BridgeId: "8a1e4a8c-5d7e-4bd4-9c2d-0b7b5e4e8e71",
    },
];

const CALL_IN = { route: "call_in", payload: { phone: "0989464344", extension: "101", callid: "1732100102.84" } };
const ANSWER = { route: "answer", payload: { extension: "101", callid: "1732100102.84" } };
const CALL_OUT_FROM_CDR = {
    route: "call_out",
    payload: {
        phone: "0989464344", extension: "101", callid: "1732100102.84", calldate: "2024-11-20 17:55:02",
        duration: 65, billsec: 57, status: "ANSWERED", direction: "in",
    },
};

describe("AMI disconnections", () => {
    test("a disconnect mid-call, the call still up at reconnection: the rest of its events complete it", async () => {
        harness = await startHarness();
        const h = harness;
        const [before, after] = upTo("BridgeEnter", 2);
        await h.ami.replay(before);
        await waitFor(() => h.odoo.received.length === 2, "call_in and answer");
        h.ami.channels = LIVE_CHANNELS;
        h.ami.disconnect();
        await h.ami.waitForLogin(2);
        await waitFor(() => h.ami.actions.filter((action) => action.Action === "CoreShowChannels").length === 2, "a second CoreShowChannels");
        await h.ami.replay(after);
        await waitFor(() => h.odoo.received.length === 3 && h.bridge.queue.size === 0, "call_out");
        expect(h.odoo.events).toEqual([CALL_IN, ANSWER, CALL_OUT_FROM_CDR]);
        expect(h.logs.some(({ level, line }) => level === "warn" && line.includes("ami: connection lost"))).toBe(true);
    });

    test("a call that ended during the gap is closed at reconnection, answered, with estimated times", async () => {
        harness = await startHarness();
        const h = harness;
        const [before] = upTo("BridgeEnter", 2);
        await h.ami.replay(before);
        await waitFor(() => h.bridge.tracker.snapshot().some((call) => call.answeredAt !== null), "the answer seen");
        h.ami.channels = [];
        h.ami.disconnect();
        await waitFor(() => h.odoo.received.length === 3 && h.bridge.queue.size === 0, "call_out");
        expect(h.odoo.events.slice(0, 2)).toEqual([CALL_IN, ANSWER]);
        const { payload } = h.odoo.events[2];
        expect(payload).toMatchObject({ phone: "0989464344", extension: "101", callid: "1732100102.84", calldate: "2024-11-20T10:55:02Z", status: "ANSWERED", direction: "in" });
        // Ends when the link was lost: 8 s after the start (the answer) plus the test's own delays.
        expect(payload.duration).toBeGreaterThanOrEqual(8);
        expect(payload.duration).toBeLessThanOrEqual(12);
        // Talk time: from the answer, 8.1 s after the start, to the same estimated end.
        expect([(payload.duration as number) - 9, (payload.duration as number) - 8]).toContain(payload.billsec);
        expect(h.logs.some(({ line }) => line.includes("ended while disconnected: times estimated"))).toBe(true);
    });

    test("a ringing call that ended during the gap is closed as not answered", async () => {
        harness = await startHarness();
        const h = harness;
        const [before] = upTo("DialBegin");
        await h.ami.replay(before);
        await waitFor(() => h.odoo.received.length === 1, "call_in");
        h.ami.disconnect();
        await waitFor(() => h.odoo.received.length === 2, "call_out");
        expect(h.odoo.events[1].payload).toMatchObject({ status: "NO ANSWER", billsec: 0 });
    });

    test("a call that began during the gap is announced at reconnection, then completed by its events", async () => {
        harness = await startHarness();
        const h = harness;
        const [, after] = upTo("BridgeEnter", 2);
        h.ami.channels = LIVE_CHANNELS;
        h.ami.disconnect();
        await h.ami.waitForLogin(2);
        await waitFor(() => h.odoo.received.length === 2, "call_in and answer from the snapshot");
        expect(h.odoo.events).toEqual([CALL_IN, ANSWER]);
        await h.ami.replay(after);
        await waitFor(() => h.odoo.received.length === 3 && h.bridge.queue.size === 0, "call_out");
        expect(h.odoo.events).toEqual([CALL_IN, ANSWER, CALL_OUT_FROM_CDR]);
    });

    test("the reconnection backs off exponentially while Asterisk is unreachable", async () => {
        harness = await startHarness();
        const h = harness;
        const port = h.ami.port;
        await h.ami.close();
        const started = Date.now();
        await waitFor(() => h.bridge.ami!.stats.connects >= 5, "five connection attempts");
        // 20 ms doubling up to 100 ms, jitter in [d/2, d]: at least 10 + 20 + 40 + 50 ms.
        expect(Date.now() - started).toBeGreaterThanOrEqual(120);
        expect(h.logs.some(({ line }) => line.includes(`reconnecting to 127.0.0.1:${port}`) && line.includes("ECONNREFUSED"))).toBe(true);
    });
});

describe("AMI login and keepalive", () => {
    test("a refused login is logged with Asterisk's message and retried with backoff, no events read", async () => {
        harness = await startHarness({ ami: { secret: "other" }, waitLogin: false });
        const h = harness;
        await waitFor(() => h.ami.refusedLogins >= 3, "three refused logins");
        const error = h.logs.find(({ level }) => level === "error");
        expect(error?.line).toContain('Asterisk refused the login as "odoo": Authentication failed (check manager.conf)');
        expect(h.bridge.ami!.ready).toBe(false);
        expect(h.ami.actions.filter((action) => action.Action !== "Login")).toEqual([]);
    });

    test("a silent Asterisk (no answer to Ping) is dropped and reconnected", async () => {
        harness = await startHarness({ ami: { answerPing: false } });
        const h = harness;
        await h.ami.waitForLogin(2, 3000);
        expect(h.logs.some(({ line }) => line.includes("keepalive: no answer to Ping"))).toBe(true);
    });

    test("a server that is not AMI is refused from its banner", async () => {
        harness = await startHarness({ ami: { banner: "SSH-2.0-OpenSSH_9.2p1 Debian-2" }, waitLogin: false });
        const h = harness;
        await waitFor(() => h.ami.connections >= 2, "a second attempt");
        expect(h.logs.some(({ level, line }) => level === "error" && line.includes('is not an AMI server (it said "SSH-2.0-OpenSSH_9.2p1'))).toBe(true);
        expect(h.ami.actions).toEqual([]);
    });
});
