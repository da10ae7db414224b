// The sender against a real local HTTP server standing in for Odoo: retries while it is down or
// failing, in order and exactly once when it is back; refusals go to the rejected file.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import type { CanonicalEvent } from "../../src/bridge/call_outcome";
import { createLogger, type LogLevel } from "../../src/bridge/log";
import { DurableQueue } from "../../src/bridge/queue";
import { Sender } from "../../src/bridge/sender";
import { FakeOdoo, okAnswer } from "./fake_odoo";
import { TOKEN, waitFor } from "./harness";

const event = (callid: string, route: "call_in" | "init" = "call_in"): CanonicalEvent => ({
    route,
    payload: { phone: "0989464344", extension: "101", callid },
});

let dir = "";
let odoo: FakeOdoo | null = null;
let sender: Sender | null = null;
let queue: DurableQueue | null = null;
const logs: { level: LogLevel; line: string }[] = [];

async function setup() {
    dir = mkdtempSync(join(tmpdir(), "ami-sender-"));
    odoo = await FakeOdoo.start();
    queue = new DurableQueue(dir);
    sender = new Sender(queue, {
        url: odoo.url,
        token: TOKEN,
        timeoutMs: 1000,
        retry: { initialMs: 20, maxMs: 80 },
        logger: createLogger("debug", (level, line) => logs.push({ level, line })),
    });
    return { odoo, queue, sender };
}

afterEach(async () => {
    await sender?.stop();
    queue?.close();
    await odoo?.stop();
    rmSync(dir, { recursive: true, force: true });
    logs.length = 0;
});

describe("sender", () => {
    test("posts JSON with the bearer token to the route of each event", async () => {
        const { odoo, queue, sender } = await setup();
        queue.enqueue(event("1"));
        queue.enqueue(event("2", "init"));
        sender.start();
        await waitFor(() => queue.size === 0, "delivery");
        expect(odoo.received.map((each) => [each.route, each.body.callid])).toEqual([["call_in", "1"], ["init", "2"]]);
        expect(odoo.received[0].headers).toMatchObject({ authorization: `Bearer ${TOKEN}`, "content-type": "application/json" });
    });

    test("while Odoo answers 503 nothing is lost or reordered; once back, each event arrives exactly once", async () => {
        const { odoo, queue, sender } = await setup();
        let failures = 0;
        odoo.respond = (received, index) => (failures++ < 5 ? { status: 503, body: { ok: false, error: { code: "integration_disabled", message: "off" } } } : okAnswer(received, index));
        ["1", "2", "3"].forEach((callid) => queue.enqueue(event(callid)));
        sender.start();
        await waitFor(() => queue.size === 0, "delivery");
        const delivered = odoo.received.slice(5).map((each) => each.body.callid);
        expect(delivered).toEqual(["1", "2", "3"]);
        expect(odoo.received.slice(0, 5).every((each) => each.body.callid === "1")).toBe(true);
        expect(sender.stats).toEqual({ delivered: 3, rejected: 0, retries: 5 });
    });

    test("connection refused (Odoo stopped) is retried until Odoo listens again", async () => {
        const { odoo, queue, sender } = await setup();
        await odoo.stop();
        queue.enqueue(event("1"));
        sender.start();
        await waitFor(() => sender.stats.retries >= 3, "three retries");
        expect(logs.some(({ level, line }) => level === "warn" && line.includes("ECONNREFUSED"))).toBe(true);
        queue.enqueue(event("2"));
        await odoo.start();
        await waitFor(() => queue.size === 0, "delivery");
        expect(odoo.received.map((each) => each.body.callid)).toEqual(["1", "2"]);
    });

    test.each([408, 429, 500, 502])("HTTP %i is retried", async (status) => {
        const { odoo, queue, sender } = await setup();
        odoo.respond = (received, index) => (index === 0 ? { status, body: {} } : okAnswer(received, index));
        queue.enqueue(event("1"));
        sender.start();
        await waitFor(() => queue.size === 0, "delivery");
        expect(odoo.received.map((each) => each.body.callid)).toEqual(["1", "1"]);
    });

    test("a 400 goes to the rejected file with Odoo's answer, loudly, and the next event is sent", async () => {
        const { odoo, queue, sender } = await setup();
        const refusal = { ok: false, error: { code: "invalid_payload", message: "Some fields are invalid.", fields: { phone: "must contain 3 to 20 digits" } } };
        odoo.respond = (received, index) => (received.body.callid === "bad" ? { status: 400, body: refusal } : okAnswer(received, index));
        queue.enqueue(event("bad"));
        queue.enqueue(event("good"));
        sender.start();
        await waitFor(() => queue.size === 0, "both handled");
        expect(odoo.received.map((each) => each.body.callid)).toEqual(["bad", "good"]);
        const rejected = JSON.parse(readFileSync(queue.rejectedFile, "utf8"));
        expect(rejected).toMatchObject({ route: "call_in", payload: { callid: "bad" }, status: 400 });
        expect(JSON.parse(rejected.answer)).toEqual(refusal);
        const error = logs.find(({ level }) => level === "error");
        expect(error?.line).toContain("Odoo REJECTED call_in #1 (callid bad) with HTTP 400");
        expect(error?.line).toContain("must contain 3 to 20 digits");
    });

    test("a 401 (wrong token) is a refusal too, never retried forever", async () => {
        const { odoo, queue, sender } = await setup();
        odoo.respond = () => ({ status: 401, body: { ok: false, error: { code: "unauthorized", message: "Missing or invalid API token." } } });
        queue.enqueue(event("1"));
        sender.start();
        await waitFor(() => sender.stats.rejected === 1, "rejection");
        expect(odoo.received).toHaveLength(1);
    });

    test("a redirect is not followed (a POST would become a GET) but retried with advice", async () => {
        const { odoo, queue, sender } = await setup();
        odoo.respond = (received, index) => (index < 2 ? { status: 301, body: {} } : okAnswer(received, index));
        queue.enqueue(event("1"));
        sender.start();
        await waitFor(() => queue.size === 0, "delivery");
        expect(odoo.received.map((each) => each.route)).toEqual(["call_in", "call_in", "call_in"]);
        expect(logs.some(({ line }) => line.includes("set odoo.url to the final address"))).toBe(true);
    });

    test("stop() during a retry delay leaves the event queued for the next run", async () => {
        const { odoo, queue, sender } = await setup();
        odoo.respond = () => ({ status: 503, body: {} });
        queue.enqueue(event("1"));
        sender.start();
        await waitFor(() => odoo!.received.length >= 1, "a first attempt");
        await sender.stop();
        expect(queue.size).toBe(1);
    });
});
