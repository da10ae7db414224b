// Durable FIFO of canonical events, one JSON file per event under <dir>/pending, named by a
// sequence number. An event is written to a temporary file, fsynced, renamed into place and the
// directory fsynced before enqueue() returns, so it survives a crash or power loss from then on;
// it is deleted only once Odoo has answered for it. Events Odoo refused for good are appended
// (fsynced) to <dir>/rejected.jsonl. A lock file keeps a second bridge off the same directory.
import {
    closeSync,
    fsyncSync,
    mkdirSync,
    openSync,
    readdirSync,
    readFileSync,
    renameSync,
    unlinkSync,
    writeSync,
} from "node:fs";
import { join } from "node:path";
import type { CanonicalEvent } from "./call_outcome";

// -----------------------------------------------------------------------------
// Types
// -----------------------------------------------------------------------------

export type QueuedEvent = CanonicalEvent & { seq: number; queuedAt: string };

export interface Rejection {
    status: number | null;
    answer: string;
}

const NAME = /^(\d{20})\.json$/;

// -----------------------------------------------------------------------------
// Files
// -----------------------------------------------------------------------------

function fsyncPath(path: string, flags = "r"): void {
    const fd = openSync(path, flags);
    try {
        fsyncSync(fd);
    } finally {
        closeSync(fd);
    }
}

/** Writes `text` to `path` durably (temporary file, fsync, rename, fsync of the directory). */
export function writeDurably(dir: string, name: string, text: string): void {
    const temp = join(dir, `.${name}.tmp`);
    const fd = openSync(temp, "w", 0o600);
    try {
        writeSync(fd, text);
        fsyncSync(fd);
    } finally {
        closeSync(fd);
    }
    renameSync(temp, join(dir, name));
    fsyncPath(dir);
}

/** Appends `line` and a newline to `path`, fsynced before it returns. */
export function appendDurably(path: string, line: string): void {
    const fd = openSync(path, "a", 0o600);
    try {
        writeSync(fd, `${line}\n`);
        fsyncSync(fd);
    } finally {
        closeSync(fd);
    }
}

function processAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (error) {
        return (error as NodeJS.ErrnoException).code === "EPERM";
    }
}

// -----------------------------------------------------------------------------
// Queue
// -----------------------------------------------------------------------------

export class QueueLockedError extends Error {}

export class DurableQueue {
    readonly pendingDir: string;
    readonly rejectedFile: string;
    private readonly lockFile: string;
    private readonly seqs: number[];
    private lastSeq: number;
    private locked = false;

    constructor(readonly dir: string) {
        this.pendingDir = join(dir, "pending");
        this.rejectedFile = join(dir, "rejected.jsonl");
        this.lockFile = join(dir, "bridge.lock");
        mkdirSync(this.pendingDir, { recursive: true, mode: 0o700 });
        this.lock();
        this.seqs = readdirSync(this.pendingDir)
            .map((name) => NAME.exec(name))
            .filter((match) => match !== null)
            .map((match) => Number(match[1]))
            .sort((a, b) => a - b);
        this.lastSeq = this.seqs.at(-1) ?? 0;
    }

    get size(): number {
        return this.seqs.length;
    }

    private lock(): void {
        try {
            const fd = openSync(this.lockFile, "wx", 0o600);
            writeSync(fd, String(process.pid));
            closeSync(fd);
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
                throw error;
            }
            const holder = Number(readFileSync(this.lockFile, "utf8").trim());
            if (holder && holder !== process.pid && processAlive(holder)) {
                throw new QueueLockedError(`${this.dir} is used by another bridge (pid ${holder})`);
            }
            writeDurably(this.dir, "bridge.lock", String(process.pid)); // stale lock of a dead bridge
        }
        this.locked = true;
    }

    /** Releases the lock; the pending events stay for the next run. */
    close(): void {
        if (this.locked) {
            this.locked = false;
            try {
                unlinkSync(this.lockFile);
            } catch {
                // already gone
            }
        }
    }

    /** Appends an event; once this returns, it is on disk. */
    enqueue(event: CanonicalEvent): QueuedEvent {
        const queued: QueuedEvent = { ...event, seq: ++this.lastSeq, queuedAt: new Date().toISOString() };
        writeDurably(this.pendingDir, this.fileName(queued.seq), JSON.stringify(queued));
        this.seqs.push(queued.seq);
        return queued;
    }

    /** The oldest event, or null. An unreadable file is moved to the rejected file. */
    peek(): QueuedEvent | null {
        while (this.seqs.length) {
            const seq = this.seqs[0];
            const path = join(this.pendingDir, this.fileName(seq));
            let text = "";
            try {
                text = readFileSync(path, "utf8");
                const event = JSON.parse(text) as QueuedEvent;
                if (event && typeof event.route === "string" && event.payload && typeof event.payload === "object") {
                    return { ...event, seq };
                }
            } catch {
                // fall through: unreadable
            }
            appendDurably(this.rejectedFile, JSON.stringify({ seq, unreadable: text.slice(0, 4096), rejectedAt: new Date().toISOString() }));
            this.remove(seq);
        }
        return null;
    }

    /** Every queued event, oldest first (unreadable files skipped). */
    pendingEvents(): QueuedEvent[] {
        return this.seqs.flatMap((seq) => {
            try {
                return [{ ...(JSON.parse(readFileSync(join(this.pendingDir, this.fileName(seq)), "utf8")) as QueuedEvent), seq }];
            } catch {
                return [];
            }
        });
    }

    /** Deletes a delivered event. */
    remove(seq: number): void {
        const index = this.seqs.indexOf(seq);
        if (index === -1) {
            return;
        }
        this.seqs.splice(index, 1);
        try {
            unlinkSync(join(this.pendingDir, this.fileName(seq)));
            fsyncPath(this.pendingDir);
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
                throw error;
            }
        }
    }

    /** Moves an event Odoo refused for good to the rejected file (kept for a human). */
    reject(event: QueuedEvent, rejection: Rejection): void {
        appendDurably(this.rejectedFile, JSON.stringify({ ...event, ...rejection, rejectedAt: new Date().toISOString() }));
        this.remove(event.seq);
    }

    private fileName(seq: number): string {
        return `${String(seq).padStart(20, "0")}.json`;
    }
}
