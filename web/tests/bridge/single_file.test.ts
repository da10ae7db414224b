// The committed single-file bridge (odoo_addon/pbx_callcenter/tools/ami_bridge/pbx_ami_bridge.mjs)
// copied ALONE into a temporary directory with no node_modules above it and run by plain `node`:
// it logs in to a real TCP AMI stand-in (or takes IP Office SMDR records over TCP), posts a
// replayed call to a real HTTP stand-in for Odoo and stops on SIGTERM; a missing configuration
// exits 2.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { BRIDGE_TARGET } from "../../../scripts/build_lib.mjs";
import { REPO_ROOT } from "../fixtures";
import { FakeAmi, loadTranscript } from "./fake_ami";
import { FakeOdoo } from "./fake_odoo";
import { TOKEN, waitFor } from "./harness";
import { example } from "./smdr_fixture";

const FILE = "pbx_ami_bridge.mjs";

let dir = "";
let ami: FakeAmi | null = null;
let odoo: FakeOdoo | null = null;
const children: ChildProcess[] = [];

beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ami-single-file-"));
    copyFileSync(`${REPO_ROOT}${BRIDGE_TARGET}`, join(dir, FILE));
});

afterEach(async () => {
    children.splice(0).forEach((child) => child.kill("SIGKILL"));
    await ami?.close();
    await odoo?.stop();
    ami = odoo = null;
    rmSync(dir, { recursive: true, force: true });
});

interface Running {
    child: ChildProcess;
    stdout: () => string;
    stderr: () => string;
    exited: Promise<number | null>;
}

/** `node pbx_ami_bridge.mjs <args>` in the temporary directory, with no NODE_PATH/NODE_OPTIONS. */
function runNode(args: readonly string[]): Running {
    const child = spawn(process.execPath, [FILE, ...args], { cwd: dir, env: { PATH: process.env.PATH ?? "", HOME: dir } });
    children.push(child);
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (chunk) => (stdout += chunk));
    child.stderr!.on("data", (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

describe("the single-file AMI bridge", () => {
    test("the temporary directory holds the file alone and no npm package is reachable from it", () => {
        expect(readdirSync(dir)).toEqual([FILE]);
        expect(() => createRequire(join(dir, FILE)).resolve("zod")).toThrow(/Cannot find module 'zod'/);
    });

    test("runs with node alone: AMI login, a call posted to Odoo, clean stop on SIGTERM", async () => {
        ami = await FakeAmi.start();
        odoo = await FakeOdoo.start();
        writeFileSync(
            join(dir, "cfg.json"),
            JSON.stringify({
                ami: { port: ami.port, username: "odoo", secret: "s3cret" },
                odoo: { url: odoo.url, token: TOKEN, timeoutMs: 2000 },
                queueDir: "queue",
                calls: { cdrGraceMs: 100 },
            })
        );
        const bridge = runNode(["--config", "cfg.json"]);
        const died = bridge.exited.then((code) => {
            throw new Error(`the bridge exited (${code}) before logging in: ${bridge.stderr()}`);
        });
        await Promise.race([ami.waitForLogin(1, 10_000), died]);
        await waitFor(() => ami!.actions.some((action) => action.Action === "CoreShowChannels"), "CoreShowChannels");
        await ami.replay(loadTranscript("inbound_answered.txt"));
        await waitFor(() => odoo!.received.length === 3, "call_in, answer and call_out", 10_000);
        expect(odoo.events.map((event) => [event.route, event.payload.callid, event.payload.phone])).toEqual([
            ["call_in", "1732100102.84", "0989464344"],
            ["answer", "1732100102.84", undefined],
            ["call_out", "1732100102.84", "0989464344"],
        ]);
        expect(odoo.received[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
        bridge.child.kill("SIGTERM");
        expect(await bridge.exited).toBe(0);
        expect(bridge.stdout()).toContain("SIGTERM: stopping");
        expect(bridge.stdout()).toContain("stopped: 0 open call(s) saved, 0 event(s) queued for the next run");
        expect(bridge.stderr()).toBe("");
        expect(readdirSync(dir).sort()).toEqual(["cfg.json", "pbx_ami_bridge.mjs", "queue"]);
    }, 30_000);

    test("runs with node alone for an IP Office: Avaya's SMDR records over TCP posted to Odoo", async () => {
        odoo = await FakeOdoo.start();
        writeFileSync(
            join(dir, "cfg.json"),
            JSON.stringify({
                odoo: { url: odoo.url, token: TOKEN, timeoutMs: 2000 },
                queueDir: "queue",
                smdr: { listenHost: "127.0.0.1", listenPort: 0, allowFrom: ["127.0.0.1"] },
            })
        );
        const bridge = runNode(["--config", "cfg.json"]);
        await waitFor(() => /bridge started: IP Office SMDR on 127\.0\.0\.1:\d+/.test(bridge.stdout()), "the SMDR listener", 10_000);
        const port = Number(/IP Office SMDR on 127\.0\.0\.1:(\d+)/.exec(bridge.stdout())![1]);
        const socket = createConnection({ host: "127.0.0.1", port });
        await once(socket, "connect");
        socket.end(example("transferred_to_voicemail").map((line) => `${line}\r\n`).join(""));
        await waitFor(() => odoo!.received.length === 1, "the call_out", 10_000);
        expect(odoo.events[0]).toMatchObject({ route: "call_out", payload: { callid: "1000014160@20080628093057", extension: "4750", billsec: 13 } });
        bridge.child.kill("SIGTERM");
        expect(await bridge.exited).toBe(0);
        expect(bridge.stderr()).toBe("");
    }, 30_000);

    test("a missing configuration file exits 2 naming the file", async () => {
        const bridge = runNode(["--config", "missing.json"]);
        expect(await bridge.exited).toBe(2);
        expect(bridge.stderr()).toBe("invalid configuration:\nmissing.json: cannot read: ENOENT\n");
    });

    test("no --config exits 2 with the usage line", async () => {
        const bridge = runNode([]);
        expect(await bridge.exited).toBe(2);
        expect(bridge.stderr()).toContain("usage: node pbx_ami_bridge.mjs --config <file.json>");
    });
});
