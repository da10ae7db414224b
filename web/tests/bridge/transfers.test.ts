// Transfers the real captures lack (tests/fixtures/ami/real_blind_transfer.txt has an inbound
// blind one): an agent transferring their outbound call, and an attended transfer. The events are
// written by us, shaped like those of that capture (Asterisk 22, IAX2) with the fields Asterisk's
// AMI documentation gives BlindTransfer and AttendedTransfer; only those the bridge reads are kept.
import { describe, expect, test } from "vitest";
import { type AmiMessage } from "../../src/bridge/ami_parser";
import { CallTracker } from "../../src/bridge/call_tracker";
import { type CanonicalEvent } from "../../src/bridge/call_outcome";
import { compileRules } from "../../src/bridge/channels";
import { DEFAULT_EXTENSION_CHANNELS } from "../../src/bridge/config";
import { createLogger } from "../../src/bridge/log";
import { sleep } from "./harness";

const T0 = 1796307065;

function tracker() {
    const emitted: CanonicalEvent[] = [];
    const calls = new CallTracker({
        rules: compileRules({ extensionChannels: DEFAULT_EXTENSION_CHANNELS, internalContexts: ["from-internal"] }),
        cdrGraceMs: 5,
        recordingPrefix: "",
        reportInternal: false,
        logger: createLogger("error", () => undefined),
        emit: (event) => emitted.push(event),
    });
    return { calls, emitted };
}

/** A channel event at `at` seconds into the call. */
function channel(event: string, at: number, name: string, uniqueid: string, linkedid: string, extra: AmiMessage = {}): AmiMessage {
    const callerid = /IAX2\/(\d+)-/.exec(name)?.[1] ?? "0919280154";
    return { Event: event, Timestamp: (T0 + at).toFixed(6), Channel: name, Uniqueid: uniqueid, Linkedid: linkedid,
        CallerIDNum: callerid, Context: name.includes("trunk") ? "from-trunk" : "from-internal", Exten: "s", ...extra };
}

function dial(event: string, at: number, from: AmiMessage, to: AmiMessage, extra: AmiMessage = {}): AmiMessage {
    return { ...channel(event, at, from.Channel, from.Uniqueid, from.Linkedid),
        DestChannel: to.Channel, DestUniqueid: to.Uniqueid, DestLinkedid: to.Linkedid, ...extra };
}

const bridge = (event: string, at: number, who: AmiMessage, id: string, count: number) =>
    channel(event, at, who.Channel, who.Uniqueid, who.Linkedid, { BridgeUniqueid: id, BridgeNumChannels: String(count) });

async function ended(emitted: CanonicalEvent[]) {
    await sleep(30);
    return emitted;
}

describe("transfers", () => {
    test("an agent blind-transferring their outbound call: the call goes on with 102, both legs timed", async () => {
        const { calls, emitted } = tracker();
        const agent = channel("Newchannel", 0, "IAX2/101-100", "1.1", "1.1", { Exten: "0917005934" });
        const trunk = channel("Newchannel", 0, "IAX2/trunk-200", "1.2", "1.1");
        const target = channel("Newchannel", 12, "IAX2/102-300", "1.3", "1.1");
        [
            agent, trunk,
            dial("DialBegin", 0, agent, trunk, { DialString: "trunk/0917005934" }),
            dial("DialEnd", 2, agent, trunk, { DialStatus: "ANSWER" }),
            bridge("BridgeEnter", 2, trunk, "b1", 1), bridge("BridgeEnter", 2, agent, "b1", 2),
            { Event: "BlindTransfer", Timestamp: String(T0 + 10), Result: "Success", TransfererChannel: agent.Channel,
                TransfererUniqueid: "1.1", TransfererLinkedid: "1.1", TransfereeChannel: trunk.Channel,
                TransfereeUniqueid: "1.2", TransfereeLinkedid: "1.1", Extension: "102" },
            bridge("BridgeLeave", 10, agent, "b1", 1), channel("Hangup", 10, agent.Channel, "1.1", "1.1", { Cause: "16" }),
            bridge("BridgeLeave", 10, trunk, "b1", 0),
            target, dial("DialBegin", 12, trunk, target), dial("DialEnd", 15, trunk, target, { DialStatus: "ANSWER" }),
            bridge("BridgeEnter", 15, target, "b2", 1), bridge("BridgeEnter", 15, trunk, "b2", 2),
            bridge("BridgeLeave", 20, target, "b2", 1), channel("Hangup", 20, target.Channel, "1.3", "1.1", { Cause: "16" }),
            bridge("BridgeLeave", 20, trunk, "b2", 0), channel("Hangup", 20, trunk.Channel, "1.2", "1.1", { Cause: "16" }),
        ].forEach((message) => calls.handle(message));
        expect(await ended(emitted)).toEqual([
            { route: "init", payload: { phone: "0917005934", extension: "101", callid: "1.1" } },
            { route: "answer", payload: { extension: "101", callid: "1.1" } },
            { route: "answer", payload: { extension: "102", callid: "1.1" } },
            { route: "call_out", payload: expect.objectContaining({ extension: "102", billsec: 8 + 5, duration: 20, status: "ANSWERED" }) },
        ]);
    });

    test("an attended transfer 101 -> 102 of an inbound call: credited to 102, talk with 101 and 102 summed", async () => {
        const { calls, emitted } = tracker();
        const trunk = channel("Newchannel", 0, "IAX2/trunk-200", "2.1", "2.1", { CallerIDNum: "0919280154" });
        const first = channel("Newchannel", 0, "IAX2/101-100", "2.2", "2.1");
        const consult = channel("Newchannel", 6, "IAX2/101-101", "2.3", "2.3", { Exten: "102" });
        const target = channel("Newchannel", 6, "IAX2/102-300", "2.4", "2.3");
        [
            trunk, first, dial("DialBegin", 0, trunk, first), dial("DialEnd", 1, trunk, first, { DialStatus: "ANSWER" }),
            bridge("BridgeEnter", 1, first, "a", 1), bridge("BridgeEnter", 1, trunk, "a", 2),
            // 101 puts the caller on hold (still bridged) and calls 102: another call, Linkedid 2.3.
            consult, target, dial("DialBegin", 6, consult, target), dial("DialEnd", 8, consult, target, { DialStatus: "ANSWER" }),
            bridge("BridgeEnter", 8, target, "c", 1), bridge("BridgeEnter", 8, consult, "c", 2),
            { Event: "AttendedTransfer", Timestamp: String(T0 + 12), Result: "Success", DestType: "Bridge",
                OrigTransfererChannel: first.Channel, OrigTransfererUniqueid: "2.2", OrigTransfererLinkedid: "2.1",
                SecondTransfererChannel: consult.Channel, SecondTransfererUniqueid: "2.3", SecondTransfererLinkedid: "2.3",
                TransfereeChannel: trunk.Channel, TransfereeUniqueid: "2.1", TransfereeLinkedid: "2.1",
                TransferTargetChannel: target.Channel, TransferTargetUniqueid: "2.4", TransferTargetLinkedid: "2.3" },
            // Asterisk moves the target into the caller's bridge; from then on it has the caller's Linkedid.
            bridge("BridgeLeave", 12, first, "a", 1), bridge("BridgeLeave", 12, consult, "c", 1),
            bridge("BridgeLeave", 12, target, "c", 0), { ...bridge("BridgeEnter", 12, target, "a", 2), Linkedid: "2.1" },
            channel("Hangup", 12, first.Channel, "2.2", "2.1", { Cause: "16" }), channel("Hangup", 12, consult.Channel, "2.3", "2.3", { Cause: "16" }),
            { ...bridge("BridgeLeave", 19, target, "a", 1), Linkedid: "2.1" }, channel("Hangup", 19, target.Channel, "2.4", "2.1", { Cause: "16" }),
            bridge("BridgeLeave", 19, trunk, "a", 0), channel("Hangup", 19, trunk.Channel, "2.1", "2.1", { Cause: "16" }),
        ].forEach((message) => calls.handle(message));
        expect(await ended(emitted)).toEqual([
            { route: "call_in", payload: { phone: "0919280154", extension: "101", callid: "2.1" } },
            { route: "answer", payload: { extension: "101", callid: "2.1" } },
            { route: "answer", payload: { extension: "102", callid: "2.1" } },
            { route: "call_out", payload: expect.objectContaining({ callid: "2.1", extension: "102", billsec: 11 + 7, duration: 19, status: "ANSWERED" }) },
        ]);
    });
});
