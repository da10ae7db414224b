// Test harness: a fake Asterisk, a fake Odoo and a bridge started in-process with short timers
// and a fresh queue directory, plus a logger that keeps its lines for assertions.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningBridge, startBridge } from "../../src/bridge/bridge";
import { type BridgeConfig, type BridgeConfigInput, parseConfig } from "../../src/bridge/config";
import { createLogger, type LogLevel } from "../../src/bridge/log";
import { FakeAmi, type FakeAmiOptions } from "./fake_ami";
import { FakeOdoo } from "./fake_odoo";

// -----------------------------------------------------------------------------
// Waiting
// -----------------------------------------------------------------------------

export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
        if (Date.now() > deadline) {
            throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
    }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// -----------------------------------------------------------------------------
// Harness
// -----------------------------------------------------------------------------

export interface Harness {
    ami: FakeAmi;
    odoo: FakeOdoo;
    bridge: RunningBridge;
    config: BridgeConfig;
    dir: string;
    logs: { level: LogLevel; line: string }[];
    /** Starts another bridge on the same queue directory (after stop()). */
    restart(): Promise<RunningBridge>;
    close(): Promise<void>;
}

export const TOKEN = "pbx_test_token_0123456789";
export const ORIGINATE_TOKEN = "originate-token-0123456789";

export function testConfig(ami: FakeAmi, odoo: FakeOdoo, dir: string, overrides: Partial<BridgeConfigInput> = {}): BridgeConfig {
    return parseConfig({
        ami: { host: "127.0.0.1", port: ami.port, username: "odoo", secret: "s3cret", pingIntervalMs: 200, pingTimeoutMs: 200 },
        odoo: { url: odoo.url, token: TOKEN, timeoutMs: 2000 },
        queueDir: join(dir, "queue"),
        reconnect: { initialMs: 20, maxMs: 100 },
        retry: { initialMs: 20, maxMs: 100 },
        calls: { cdrGraceMs: 60 },
        ...overrides,
    });
}

export async function startHarness(
    options: { ami?: FakeAmiOptions; config?: Partial<BridgeConfigInput>; waitLogin?: boolean } = {}
): Promise<Harness> {
    const ami = await FakeAmi.start(options.ami);
    const odoo = await FakeOdoo.start();
    const dir = mkdtempSync(join(tmpdir(), "ami-bridge-"));
    const config = testConfig(ami, odoo, dir, options.config);
    const logs: Harness["logs"] = [];
    const logger = createLogger("debug", (level, line) => logs.push({ level, line }));
    const harness: Harness = {
        ami,
        odoo,
        config,
        dir,
        logs,
        bridge: await startBridge(config, { logger }),
        async restart() {
            harness.bridge = await startBridge(config, { logger });
            return harness.bridge;
        },
        async close() {
            await harness.bridge.stop();
            await ami.close();
            await odoo.stop();
            rmSync(dir, { recursive: true, force: true });
        },
    };
    if (options.waitLogin ?? true) {
        await ami.waitForLogin(1);
        await waitFor(() => ami.actions.some((action) => action.Action === "CoreShowChannels"), "CoreShowChannels");
    }
    return harness;
}
