// A bridge killed between queuing an event and saving its open calls: at restart the saved calls
// are aligned with the queue, so nothing is queued twice.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { newCall } from "../../src/bridge/call_state";
import { createLogger } from "../../src/bridge/log";
import { DurableQueue } from "../../src/bridge/queue";
import { alignWithQueue, loadCalls, saveCalls } from "../../src/bridge/saved_calls";

let dir = "";
let queue: DurableQueue | null = null;

afterEach(() => {
    queue?.close();
    rmSync(dir, { recursive: true, force: true });
});

describe("saved calls", () => {
    test("a call whose call_out is queued is not restored; one whose call_in is queued is restored as announced", () => {
        dir = mkdtempSync(join(tmpdir(), "ami-saved-"));
        queue = new DurableQueue(dir);
        queue.enqueue({ route: "call_out", payload: { phone: "0989464344", extension: "101", callid: "ended.1" } });
        queue.enqueue({ route: "init", payload: { phone: "0912345678", extension: "102", callid: "dialing.2" } });
        const calls = [newCall("ended.1", 1000), newCall("dialing.2", 2000), newCall("other.3", 3000)];
        const aligned = alignWithQueue(calls, queue);
        expect(aligned.map((call) => call.linkedid)).toEqual(["dialing.2", "other.3"]);
        expect(aligned[0]).toMatchObject({ announced: true, direction: "out", phone: "0912345678", extension: "102" });
        expect(aligned[1]).toMatchObject({ announced: false, direction: null });
    });

    test("a queued answer is neither a call's start nor sent again: the call knows who Odoo was told talks", () => {
        dir = mkdtempSync(join(tmpdir(), "ami-saved-"));
        queue = new DurableQueue(dir);
        queue.enqueue({ route: "answer", payload: { extension: "101", callid: "talking.1" } });
        queue.enqueue({ route: "answer", payload: { extension: "102", callid: "talking.1" } });
        const saved = { ...newCall("talking.1", 1000), direction: "in" as const, phone: "0989464344", extension: "101" };
        const [unsaved] = alignWithQueue([saved], queue);
        expect(unsaved).toMatchObject({ announced: false, phone: "0989464344", extension: "101", reportedTalker: "102" });
        queue.enqueue({ route: "call_in", payload: { phone: "0912345678", extension: "103", callid: "ringing.2" } });
        queue.enqueue({ route: "answer", payload: { extension: "103", callid: "ringing.2" } });
        const [, ringing] = alignWithQueue([saved, newCall("ringing.2", 2000)], queue);
        expect(ringing).toMatchObject({ announced: true, direction: "in", phone: "0912345678", extension: "103", reportedTalker: "103" });
    });

    test("saved calls round-trip, and an unreadable file is reported, not fatal", () => {
        dir = mkdtempSync(join(tmpdir(), "ami-saved-"));
        const lines: string[] = [];
        const logger = createLogger("debug", (_, line) => lines.push(line));
        expect(loadCalls(dir, logger)).toBeNull();
        saveCalls(dir, { savedAt: 5, clockSkew: 7, calls: [newCall("a.1", 1)] });
        expect(loadCalls(dir, logger)).toEqual({ savedAt: 5, clockSkew: 7, calls: [newCall("a.1", 1)] });
        writeFileSync(join(dir, "calls.json"), "{not json");
        expect(loadCalls(dir, logger)).toBeNull();
        expect(lines.at(-1)).toContain("calls.json is unreadable");
    });
});
