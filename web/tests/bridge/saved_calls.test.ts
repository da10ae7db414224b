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
