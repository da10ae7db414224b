// The open calls saved next to the queue (calls.json), so a restarted bridge still ends the calls
// it announced. The file is written right after each event is queued; a crash between the two
// writes leaves an event queued that the saved calls do not know about yet: loading aligns them
// with the queue, so no call_in or call_out is queued twice.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { TrackedCall } from "./call_state";
import { errorText, type Logger } from "./log";
import { type DurableQueue, writeDurably } from "./queue";

// -----------------------------------------------------------------------------
// Types
// -----------------------------------------------------------------------------

export interface SavedCalls {
    /** When the calls were last known alive (bridge clock, ms). */
    savedAt: number;
    /** Bridge clock minus Asterisk clock then. */
    clockSkew: number;
    calls: TrackedCall[];
}

export const CALLS_FILE = "calls.json";

// -----------------------------------------------------------------------------
// Files
// -----------------------------------------------------------------------------

export function saveCalls(dir: string, saved: SavedCalls): void {
    writeDurably(dir, CALLS_FILE, JSON.stringify(saved));
}

export function loadCalls(dir: string, logger: Logger): SavedCalls | null {
    const path = join(dir, CALLS_FILE);
    if (!existsSync(path)) {
        return null;
    }
    try {
        const saved = JSON.parse(readFileSync(path, "utf8")) as SavedCalls;
        if (!Array.isArray(saved.calls) || !Number.isFinite(saved.savedAt)) {
            throw new Error("unexpected content");
        }
        return { ...saved, clockSkew: Number(saved.clockSkew) || 0 };
    } catch (error) {
        logger.error(`${path} is unreadable (${errorText(error)}): the calls open before the restart are forgotten`);
        return null;
    }
}

// -----------------------------------------------------------------------------
// Alignment
// -----------------------------------------------------------------------------

/** The saved calls, minus those whose call_out is queued, marked announced when their
 * call_in / init is, and told of the talker of their last queued answer. */
export function alignWithQueue(calls: readonly TrackedCall[], queue: DurableQueue): TrackedCall[] {
    const queued = queue.pendingEvents();
    const ended = new Set(queued.filter((event) => event.route === "call_out").map((event) => event.payload.callid));
    return calls
        .filter((call) => !ended.has(call.linkedid))
        .map((call) => {
            const mine = queued.filter((event) => event.payload.callid === call.linkedid);
            const answer = mine.filter((event) => event.route === "answer").at(-1);
            if (answer) {
                call = { ...call, reportedTalker: String(answer.payload.extension) };
            }
            const start = mine.find((event) => event.route === "call_in" || event.route === "init");
            if (!start || call.announced) {
                return call;
            }
            return {
                ...call,
                announced: true,
                direction: call.direction ?? (start.route === "init" ? "out" : "in"),
                phone: call.phone ?? String(start.payload.phone),
                extension: call.extension ?? String(start.payload.extension),
            };
        });
}
