// The bridge's command line (web/src/bridge/main.ts run from source by scripts/run_ts.mjs; the
// built single file: single_file.test.ts) as a real process: bad configurations, and a bridge
// killed (SIGKILL) with events queued or a call open, then restarted.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { REPO_ROOT } from "../fixtures";
import { runTs } from "../run_ts";
import { FakeAmi, field, loadTranscript } from "./fake_ami";
import { FakeOdoo } from "./fake_odoo";
import { TOKEN, waitFor } from "./harness";

const BRIDGE = "web/src/bridge/main.ts";

let dir = "";
let ami: FakeAmi | null = null;
let odoo: FakeOdoo | null = null;
const children: ChildProcess[] = [];

afterEach(async () => {
    children.splice(0).forEach((child) => child.kill("SIGKILL"));
    await ami?.close();
    await odoo?.stop();
    ami = odoo = null;
    if (dir) {
        rmSync(dir, { recursive: true, force: true });
        dir = "";
    }
});

function writeConfig(value: unknown): string {
    dir ||= mkdtempSync(join(tmpdir(), "ami-cli-"));
    const path = join(dir, "bridge.json");
    writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value));
    return path;
}

function bridgeConfig() {
    return writeConfig({
        ami: { port: ami!.port, username: "odoo", secret: "s3cret" },
        odoo: { url: odoo!.url, token: TOKEN, timeoutMs: 2000 },
        queueDir: "queue",
        reconnect: { initialMs: 50, maxMs: 200 },
        retry: { initialMs: 50, maxMs: 200 },
        calls: { cdrGraceMs: 100 },
    });
}

interface Running {
    child: ChildProcess;
    output: () => string;
    exited: Promise<number | null>;
}

function startBridgeProcess(config: string): Running {
    const child = spawn(process.execPath, [`${REPO_ROOT}scripts/run_ts.mjs`, BRIDGE, "--config", config], { cwd: REPO_ROOT });
    children.push(child);
    let output = "";
    child.stdout!.on("data", (chunk) => (output += chunk));
    child.stderr!.on("data", (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    return { child, output: () => output, exited };
}

/** The bridge's own pid (run_ts runs it as a child process): the one in its lock file. */
const bridgePid = () => Number(readFileSync(join(dir, "queue", "bridge.lock"), "utf8"));
const pending = () => readdirSync(join(dir, "queue", "pending")).filter((name) => name.endsWith(".json"));

describe("the bridge command line, from source", () => {
    test("exits 2 with usage when --config is missing", async () => {
        const result = await runTs([BRIDGE]);
        expect(result.code).toBe(2);
        expect(result.stderr).toContain("usage: node pbx_ami_bridge.mjs --config <file.json>");
    });

    test("exits 2 naming every bad key of the configuration", async () => {
        const path = writeConfig({ ami: { username: "odoo", secret: "x", prot: 5038 }, odoo: { url: "odoo.local", token: "pbx_0123456789" }, queueDir: "q" });
        const result = await runTs([BRIDGE, "--config", path]);
        expect(result.code).toBe(2);
        expect(result.stderr).toContain(`${path}: ami.prot: unknown key`);
        expect(result.stderr).toContain(`${path}: odoo.url: must be an http(s) URL`);
    });

    test("events queued while Odoo is down survive a SIGKILL and are delivered once, in order, after a restart", async () => {
        ami = await FakeAmi.start();
        odoo = await FakeOdoo.start();
        await odoo.stop(); // Odoo down: connection refused
        const config = bridgeConfig();
        const first = startBridgeProcess(config);
        await ami.waitForLogin(1, 20_000);
        await ami.replay(loadTranscript("inbound_answered.txt"));
        await waitFor(() => pending().length === 3, "three events on disk", 10_000);
        process.kill(bridgePid(), "SIGKILL");
        expect(await first.exited).not.toBe(0);

        await odoo.start();
        const second = startBridgeProcess(config);
        await waitFor(() => odoo!.received.length === 3 && pending().length === 0, "delivery after restart", 20_000);
        expect(odoo.events.map((event) => [event.route, event.payload.callid])).toEqual([
            ["call_in", "1732100102.84"],
            ["answer", "1732100102.84"],
            ["call_out", "1732100102.84"],
        ]);
        expect(second.output()).toContain("3 event(s) still queued from a previous run: sending them first");
        second.child.kill("SIGTERM");
        expect(await second.exited).toBe(0);
        expect(second.output()).toContain("stopped: 0 open call(s) saved, 0 event(s) queued for the next run");
        expect(odoo.received).toHaveLength(3);
    }, 60_000);

    test("a call open when the bridge was killed is closed after the restart, once Asterisk says it is gone", async () => {
        ami = await FakeAmi.start();
        odoo = await FakeOdoo.start();
        const config = bridgeConfig();
        const first = startBridgeProcess(config);
        await ami.waitForLogin(1, 20_000);
        const blocks = loadTranscript("inbound_answered.txt");
        const answered = blocks.findIndex((block) => field(block, "Event") === "DialEnd");
        await ami.replay(blocks.slice(0, answered + 1));
        // Delivered AND dropped from the queue: a kill in between would send call_in again.
        await waitFor(() => odoo!.received.length === 2 && pending().length === 0, "call_in and answer delivered", 10_000);
        const saved = () => readFileSync(join(dir, "queue", "calls.json"), "utf8");
        await waitFor(() => /"answeredAt":\d/.test(saved()), "the answer saved in calls.json", 10_000);
        process.kill(bridgePid(), "SIGKILL");
        await first.exited;

        const second = startBridgeProcess(config);
        await waitFor(() => odoo!.received.length === 3, "call_out after restart", 20_000);
        expect(odoo.events.map((event) => event.route)).toEqual(["call_in", "answer", "call_out"]); // no answer twice
        expect(odoo.events[2]).toMatchObject({ route: "call_out", payload: { callid: "1732100102.84", status: "ANSWERED", direction: "in" } });
        expect(second.output()).toContain("1 call(s) open before the restart");
    }, 60_000);
});
