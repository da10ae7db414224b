// The bridge's IP Office SMDR input over real TCP: a socket plays the IP Office (it connects to
// the bridge and writes Avaya's example records, tests/fixtures/avaya_smdr.json), a local HTTP
// listener plays Odoo (fake_odoo.ts), the bridge runs in-process without any Asterisk.
import { once } from "node:events";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createConnection, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { type RunningBridge, startBridge } from "../../src/bridge/bridge";
import { type BridgeConfig, parseConfig } from "../../src/bridge/config";
import { createLogger, type LogLevel } from "../../src/bridge/log";
import { DurableQueue, writeDurably } from "../../src/bridge/queue";
import { SMDR_CALLS_FILE, SMDR_REJECTED_FILE } from "../../src/bridge/smdr_server";
import { FakeOdoo } from "./fake_odoo";
import { sleep, TOKEN, waitFor } from "./harness";
import { example } from "./smdr_fixture";

// -----------------------------------------------------------------------------
// Setup
// -----------------------------------------------------------------------------

let dir = "";
let odoo: FakeOdoo | null = null;
let bridge: RunningBridge | null = null;
const sockets: Socket[] = [];
const logs: { level: LogLevel; line: string }[] = [];

afterEach(async () => {
    sockets.splice(0).forEach((socket) => socket.destroy());
    await bridge?.stop();
    await odoo?.stop();
    bridge = odoo = null;
    logs.length = 0;
    rmSync(dir, { recursive: true, force: true });
});

function smdrConfig(smdr: Record<string, unknown> = {}): BridgeConfig {
    dir ||= mkdtempSync(join(tmpdir(), "smdr-bridge-"));
    return parseConfig({
        odoo: { url: odoo!.url, token: TOKEN, timeoutMs: 2000 },
        queueDir: join(dir, "queue"),
        retry: { initialMs: 20, maxMs: 100 },
        smdr: { listenHost: "127.0.0.1", listenPort: 0, allowFrom: ["127.0.0.1"], ...smdr },
    });
}

async function start(smdr: Record<string, unknown> = {}): Promise<RunningBridge> {
    odoo ??= await FakeOdoo.start();
    bridge = await startBridge(smdrConfig(smdr), { logger: createLogger("debug", (level, line) => logs.push({ level, line })) });
    return bridge;
}

/** A socket connected the way IP Office connects: to the bridge's port. */
async function connect(): Promise<Socket> {
    const socket = createConnection({ host: "127.0.0.1", port: bridge!.smdr!.address.port });
    socket.setNoDelay(true);
    socket.on("error", () => {}); // a refused or stopped peer resets the connection
    sockets.push(socket);
    await once(socket, "connect");
    return socket;
}

const send = (socket: Socket, text: string) =>
    new Promise<void>((resolve, reject) => socket.write(text, (error) => (error ? reject(error) : resolve())));

const records = (lines: string[]) => lines.map((line) => `${line}\r\n`).join("");

const queueDir = () => join(dir, "queue");
const rejected = () =>
    existsSync(join(queueDir(), SMDR_REJECTED_FILE))
        ? readFileSync(join(queueDir(), SMDR_REJECTED_FILE), "utf8").trim().split("\n").map((line) => JSON.parse(line))
        : [];

const LOST = {
    phone: "8004206", extension: "4324", callid: "1000014155@20080628092841", calldate: "2008-06-28 09:28:41",
    duration: 9, billsec: 0, status: "NO ANSWER", direction: "in",
};
const TO_VOICEMAIL = {
    phone: "01707392200", extension: "4750", callid: "1000014160@20080628093057", calldate: "2008-06-28 09:30:57",
    duration: 52, billsec: 13, status: "ANSWERED", direction: "in",
};

// -----------------------------------------------------------------------------
// Tests
// -----------------------------------------------------------------------------

describe("IP Office SMDR input", () => {
    test("records written in small pieces, cut mid-record, reach Odoo as one call_out per call", async () => {
        await start();
        expect(bridge!.ami).toBeNull();
        const socket = await connect();
        const text = records([...example("lost_incoming"), ...example("transferred_to_voicemail"), ...example("external_incoming")]);
        for (let at = 0; at < text.length; at += 7) {
            await send(socket, text.slice(at, at + 7));
            await sleep(1);
        }
        await waitFor(() => odoo!.received.length === 3, "three call_outs");
        expect(odoo!.received.map((received) => received.route)).toEqual(["call_out", "call_out", "call_out"]);
        expect(odoo!.received[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
        expect(odoo!.events.map((event) => event.payload)).toEqual([
            LOST,
            TO_VOICEMAIL,
            { phone: "01707299900", extension: "403", callid: "1000013@20080801151419", calldate: "2008-08-01 15:14:19", duration: 12, billsec: 5, status: "ANSWERED", direction: "in" },
        ]);
        expect(bridge!.smdr!.stats).toMatchObject({ connections: 1, records: 4, rejected: 0 });
    });

    test("several records in one write, calls interleaved: each call goes when its last record comes", async () => {
        await start({ reportInternal: true });
        const socket = await connect();
        await send(socket, records([...example("conference_add_short_code"), ...example("call_pickup"), ...example("transferred_manually_dated")]));
        await waitFor(() => odoo!.received.length === 6, "six call_outs");
        expect(odoo!.events.map((event) => [event.payload.callid, event.payload.direction, event.payload.extension, event.payload.billsec])).toEqual([
            ["1000026@20080709175500", "internal", "2101", 46],
            ["1000023@20080709175400", "internal", "2121", 78],
            ["1000024@20080709175500", "out", "2101", 52],
            ["1000038@20080709180000", "internal", "2121", 38],
            ["1000043@20080709163309", "internal", "203", 2],
            ["1000044@20080709163319", "out", "207", 9],
        ]);
    });

    test("internal calls are not sent by default", async () => {
        await start();
        const socket = await connect();
        await send(socket, records([...example("park_and_unpark"), ...example("lost_incoming")]));
        await waitFor(() => odoo!.received.length === 1, "the lost call");
        await sleep(50);
        expect(odoo!.events.map((event) => event.payload)).toEqual([LOST]);
    });

    test("a bad line is logged with its reason and kept; the connection and the listener go on", async () => {
        await start();
        const socket = await connect();
        await send(socket, records([...example("answered_by_voicemail"), ...example("transferred_manually"), ...example("lost_incoming")]));
        await waitFor(() => odoo!.received.length === 1, "the good record after the bad ones");
        expect(rejected().map((entry) => [entry.reason, entry.lines])).toEqual([
            ['field 9 (Is Internal): must be 0 or 1, got "I"', example("answered_by_voicemail")],
            ...example("transferred_manually").map((line) => [`field 1 (Call Start): must be YYYY/MM/DD HH:MM:SS, got "${line.split(",")[0]}"`, [line]]),
        ]);
        expect(rejected()[0].peer).toMatch(/^127\.0\.0\.1:\d+$/);
        expect(logs.filter((log) => log.level === "warn" && log.line.includes("bad SMDR line"))).toHaveLength(4);
        await send(socket, records(example("external_incoming")));
        const other = await connect();
        await send(other, records(example("transferred_to_voicemail")));
        await waitFor(() => odoo!.received.length === 3, "both connections still read");
    });

    test("a record cut by the end of the connection, and lines too long, are kept, not lost", async () => {
        await start();
        const socket = await connect();
        const [lost] = example("lost_incoming");
        await send(socket, `${"x".repeat(5000)}\r\n`); // whole
        await sleep(20);
        await send(socket, "y".repeat(5000)); // its end not come yet
        await sleep(20);
        await send(socket, `yyy\r\n${records(example("external_incoming"))}${lost}`);
        socket.end();
        await waitFor(() => rejected().length === 3, "three rejected entries");
        expect(rejected().map((entry) => [entry.reason, entry.lines[0].length])).toEqual([
            ["more than 4096 characters without CR LF: skipped to the next line", 4096],
            ["more than 4096 characters without CR LF: skipped to the next line", 4096],
            ["the connection closed in the middle of a record (no CR LF)", lost.length],
        ]);
        expect(rejected()[2].lines).toEqual([lost]);
        await waitFor(() => odoo!.received.length === 1, "the record between them");
        expect(odoo!.events.map((event) => event.payload.callid)).toEqual(["1000013@20080801151419"]);
    });

    test("while Odoo is down the call_outs wait on disk, and go in order once it is back", async () => {
        await start();
        await odoo!.stop();
        const socket = await connect();
        await send(socket, records([...example("transferred_to_voicemail"), ...example("lost_incoming")]));
        await waitFor(() => bridge!.queue.size === 2, "two queued events");
        expect(readdirSync(join(queueDir(), "pending")).filter((name) => name.endsWith(".json"))).toHaveLength(2);
        await sleep(150); // a few refused attempts
        expect(bridge!.sender.stats.retries).toBeGreaterThan(0);
        await odoo!.start();
        await waitFor(() => odoo!.received.length === 2 && bridge!.queue.size === 0, "delivery once Odoo is back");
        expect(odoo!.events.map((event) => event.payload)).toEqual([TO_VOICEMAIL, LOST]);
    });

    test("a restart between a call's records: the first is saved and merged with the last after the restart", async () => {
        await start();
        const [first, last] = example("transferred_to_voicemail");
        await send(await connect(), records([first]));
        await waitFor(() => bridge!.smdr!.calls.size === 1, "the unfinished call");
        await bridge!.stop();
        expect(JSON.parse(readFileSync(join(queueDir(), SMDR_CALLS_FILE), "utf8")).calls).toMatchObject([{ callId: "1000014160", lines: [first] }]);
        await start();
        expect(bridge!.smdr!.calls.size).toBe(1);
        await send(await connect(), records([last]));
        await waitFor(() => odoo!.received.length === 1, "the merged call");
        expect(odoo!.events[0].payload).toEqual(TO_VOICEMAIL);
        expect(JSON.parse(readFileSync(join(queueDir(), SMDR_CALLS_FILE), "utf8")).calls).toEqual([]);
    });

    test("a crash after the call_out was queued but before the unfinished calls were saved: the call is not sent twice", async () => {
        odoo = await FakeOdoo.start();
        const config = smdrConfig({ incompleteCallMs: 100 });
        const [first] = example("transferred_to_voicemail");
        const queue = new DurableQueue(config.queueDir);
        queue.enqueue({ route: "call_out", payload: TO_VOICEMAIL });
        queue.close();
        writeDurably(config.queueDir, SMDR_CALLS_FILE, JSON.stringify({ savedAt: 0, calls: [{ callId: "1000014160", lines: [first], lastAt: 0 }] }));
        await start({ incompleteCallMs: 100 });
        expect(bridge!.smdr!.calls.size).toBe(0);
        await waitFor(() => odoo!.received.length === 1, "the queued call_out");
        await sleep(300); // more than incompleteCallMs
        expect(odoo!.events.map((event) => event.payload)).toEqual([TO_VOICEMAIL]);
    });

    test("a call whose last record never comes is sent after smdr.incompleteCallMs with what came", async () => {
        await start({ incompleteCallMs: 100 });
        await send(await connect(), records(example("transferred_to_voicemail").slice(0, 1)));
        await waitFor(() => odoo!.received.length === 1, "the incomplete call");
        expect(odoo!.events[0].payload).toEqual({ ...TO_VOICEMAIL, duration: 31 });
        expect(logs.some((log) => log.level === "warn" && log.line.includes("its last SMDR record did not come within 100 ms"))).toBe(true);
    });

    test("a connection from an address not in smdr.allowFrom is closed unread", async () => {
        await start({ allowFrom: ["192.0.2.10"] });
        const socket = await connect();
        socket.write(records(example("lost_incoming")));
        await once(socket, "close");
        await sleep(50);
        expect(odoo!.received).toEqual([]);
        expect(bridge!.smdr!.stats).toMatchObject({ refused: 1, connections: 0, records: 0 });
        expect(logs.some((log) => log.level === "warn" && /refused SMDR connection from 127\.0\.0\.1:\d+: not in smdr\.allowFrom/.test(log.line))).toBe(true);
    });
});
