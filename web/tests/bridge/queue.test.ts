import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import type { CanonicalEvent } from "../../src/bridge/call_outcome";
import { DurableQueue, QueueLockedError } from "../../src/bridge/queue";

const event = (callid: string, route: "call_in" | "call_out" = "call_in"): CanonicalEvent =>
    route === "call_in"
        ? { route, payload: { phone: "0989464344", extension: "101", callid } }
        : { route, payload: { phone: "0989464344", extension: "101", callid, status: "ANSWERED", duration: 5, billsec: 3 } };

let dir = "";
const queues: DurableQueue[] = [];
const open = () => {
    const queue = new DurableQueue(dir);
    queues.push(queue);
    return queue;
};

afterEach(() => {
    queues.splice(0).forEach((queue) => queue.close());
    rmSync(dir, { recursive: true, force: true });
});

describe("durable queue", () => {
    test("events come out in the order they went in, and are files on disk before enqueue returns", () => {
        dir = mkdtempSync(join(tmpdir(), "ami-queue-"));
        const queue = open();
        const first = queue.enqueue(event("a"));
        queue.enqueue(event("a", "call_out"));
        expect(readdirSync(queue.pendingDir)).toEqual(["00000000000000000001.json", "00000000000000000002.json"]);
        expect(JSON.parse(readFileSync(join(queue.pendingDir, "00000000000000000001.json"), "utf8"))).toMatchObject({ seq: 1, ...event("a") });
        expect(queue.peek()).toMatchObject({ seq: first.seq, route: "call_in" });
        queue.remove(first.seq);
        expect(queue.peek()).toMatchObject({ seq: 2, route: "call_out" });
        expect(queue.size).toBe(1);
    });

    test("a new process finds what an earlier one left, and numbers after it", () => {
        dir = mkdtempSync(join(tmpdir(), "ami-queue-"));
        const before = open();
        before.enqueue(event("a"));
        before.enqueue(event("b"));
        before.close();
        const after = open();
        expect(after.size).toBe(2);
        expect(after.peek()?.payload.callid).toBe("a");
        expect(after.enqueue(event("c")).seq).toBe(3);
    });

    test("a second bridge on the same directory is refused while the first lives", () => {
        dir = mkdtempSync(join(tmpdir(), "ami-queue-"));
        open();
        writeFileSync(join(dir, "bridge.lock"), String(process.ppid));
        expect(() => new DurableQueue(dir)).toThrow(QueueLockedError);
    });

    test("the lock of a dead bridge is taken over", () => {
        dir = mkdtempSync(join(tmpdir(), "ami-queue-"));
        writeFileSync(join(dir, "bridge.lock"), "2147483646");
        expect(open().size).toBe(0);
        expect(readFileSync(join(dir, "bridge.lock"), "utf8")).toBe(String(process.pid));
    });

    test("an unreadable file is moved to the rejected file instead of blocking the queue", () => {
        dir = mkdtempSync(join(tmpdir(), "ami-queue-"));
        const queue = open();
        queue.enqueue(event("a"));
        queue.enqueue(event("b"));
        writeFileSync(join(queue.pendingDir, "00000000000000000001.json"), "{truncated");
        expect(queue.peek()?.payload.callid).toBe("b");
        const [line] = readFileSync(queue.rejectedFile, "utf8").trim().split("\n").map((text) => JSON.parse(text));
        expect(line).toMatchObject({ seq: 1, unreadable: "{truncated" });
    });

    test("a rejected event is kept with Odoo's answer and leaves the queue", () => {
        dir = mkdtempSync(join(tmpdir(), "ami-queue-"));
        const queue = open();
        const queued = queue.enqueue(event("a"));
        queue.reject(queued, { status: 400, answer: '{"ok": false}' });
        expect(queue.size).toBe(0);
        expect(JSON.parse(readFileSync(queue.rejectedFile, "utf8"))).toMatchObject({ seq: 1, route: "call_in", status: 400, answer: '{"ok": false}' });
    });
});
