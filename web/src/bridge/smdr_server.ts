// The IP Office SMDR input: IP Office connects to the configured IP address and TCP port and
// writes one CSV record per call segment (it buffers up to "Records to Buffer" records while
// nobody listens). The bridge listens, reads CR LF terminated lines from the addresses in
// smdr.allowFrom, and hands each call's call_out to `emit` (the durable queue).
//   <queueDir>/smdr_calls.json      calls whose last record has not come yet (a restart keeps them)
//   <queueDir>/smdr_rejected.jsonl  lines that are not records, calls no call_out can carry
// A bad line is logged with its reason and kept there; the connection and the listener go on.
import { existsSync, readFileSync } from "node:fs";
import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import type { CanonicalEvent } from "./call_outcome";
import type { SmdrConfig } from "./config";
import { errorText, type Logger } from "./log";
import { appendDurably, type DurableQueue, writeDurably } from "./queue";
import { parseSmdrLine } from "./smdr";
import { type PendingSmdrCall, SmdrCalls, smdrCallid, type SmdrOutcome } from "./smdr_calls";

// -----------------------------------------------------------------------------
// Types
// -----------------------------------------------------------------------------

export interface SmdrInput {
    calls: SmdrCalls;
    /** host:port listened on. */
    address: { host: string; port: number };
    /** Whether an IP Office is connected now. */
    readonly connected: boolean;
    readonly stats: { connections: number; refused: number; records: number; rejected: number };
    close(): Promise<void>;
}

export interface SmdrOptions {
    queueDir: string;
    queue: DurableQueue;
    emit: (event: CanonicalEvent) => void;
    logger: Logger;
}

export const SMDR_CALLS_FILE = "smdr_calls.json";
export const SMDR_REJECTED_FILE = "smdr_rejected.jsonl";
/** A record is some 150 characters: anything this long without CR LF is not one. */
export const MAX_LINE_CHARS = 4096;
const TOO_LONG = `more than ${MAX_LINE_CHARS} characters without CR LF: skipped to the next line`;

// -----------------------------------------------------------------------------
// Helpers
// -----------------------------------------------------------------------------

/** `::ffff:192.0.2.1` (IPv4 on a dual-stack socket) -> `192.0.2.1`. */
export function plainAddress(address: string): string {
    return address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "");
}

function loadPending(dir: string, logger: Logger): PendingSmdrCall[] {
    const path = join(dir, SMDR_CALLS_FILE);
    if (!existsSync(path)) {
        return [];
    }
    try {
        const saved = JSON.parse(readFileSync(path, "utf8")) as { calls?: PendingSmdrCall[] };
        if (!Array.isArray(saved.calls)) {
            throw new Error("unexpected content");
        }
        return saved.calls;
    } catch (error) {
        logger.error(`${path} is unreadable (${errorText(error)}): records of unfinished calls are forgotten`);
        return [];
    }
}

/** Splits a byte stream into lines; a line too long, or cut by the end of the stream, is bad. */
class LineReader {
    private buffer = "";
    private skipping = false;

    constructor(
        private readonly line: (text: string) => void,
        private readonly bad: (text: string, reason: string) => void
    ) {}

    push(chunk: string): void {
        this.buffer += chunk;
        let end: number;
        while ((end = this.buffer.indexOf("\n")) !== -1) {
            const text = this.buffer.slice(0, end).replace(/\r$/, "");
            this.buffer = this.buffer.slice(end + 1);
            if (this.skipping) {
                this.skipping = false;
            } else if (text.length > MAX_LINE_CHARS) {
                this.bad(text.slice(0, MAX_LINE_CHARS), TOO_LONG);
            } else if (text.trim()) {
                this.line(text);
            }
        }
        if (!this.skipping && this.buffer.length > MAX_LINE_CHARS) {
            this.bad(this.buffer.slice(0, MAX_LINE_CHARS), TOO_LONG);
            this.skipping = true;
        }
        if (this.skipping) {
            this.buffer = "";
        }
    }

    end(): void {
        if (this.buffer.trim() && !this.skipping) {
            this.bad(this.buffer, "the connection closed in the middle of a record (no CR LF)");
        }
        this.buffer = "";
    }
}

// -----------------------------------------------------------------------------
// Input
// -----------------------------------------------------------------------------

export async function startSmdrInput(config: SmdrConfig, options: SmdrOptions): Promise<SmdrInput> {
    const { logger, queueDir } = options;
    const calls = new SmdrCalls({ reportInternal: config.reportInternal });
    const stats = { connections: 0, refused: 0, records: 0, rejected: 0 };
    const allowed = new Set(config.allowFrom.map(plainAddress));
    const rejectedFile = join(queueDir, SMDR_REJECTED_FILE);

    const save = () => writeDurably(queueDir, SMDR_CALLS_FILE, JSON.stringify({ savedAt: Date.now(), calls: calls.snapshot() }));
    const reject = (reason: string, lines: string[], peer: string | null) => {
        stats.rejected++;
        appendDurably(rejectedFile, JSON.stringify({ reason, lines, peer, rejectedAt: new Date().toISOString() }));
    };
    const settle = (outcome: SmdrOutcome) => {
        if (outcome.kind === "event") {
            const { payload } = outcome.event;
            logger.info(`call ${payload.callid}: call_out ${payload.direction} ${payload.phone} ext ${payload.extension} ${payload.status}`);
            options.emit(outcome.event);
        } else if (outcome.kind === "internal") {
            logger.debug(`call ${outcome.callid}: internal, not reported (smdr.reportInternal is off)`);
        } else if (outcome.kind === "unreported") {
            logger.warn(`call ${outcome.callid} not reported: ${outcome.reason}; its record(s) kept in ${rejectedFile}`);
            reject(`not reported: ${outcome.reason}`, outcome.lines, null);
        }
    };

    // Calls left unfinished by the last run, minus those whose call_out made it into the queue.
    const queued = new Set(options.queue.pendingEvents().map((event) => String(event.payload.callid)));
    const saved = loadPending(queueDir, logger).filter((call) => {
        const start = parseSmdrLine(call.lines[0] ?? "");
        return !(start.ok && queued.has(smdrCallid(start.record)));
    });
    const unreadable = calls.restore(saved);
    if (unreadable.length) {
        reject("saved record no longer readable", unreadable, null);
    }
    if (calls.size) {
        logger.info(`${calls.size} unfinished call(s) from the previous run waiting for their last record`);
    }

    const take = (text: string, peer: string) => {
        const parsed = parseSmdrLine(text);
        if (!parsed.ok) {
            logger.warn(`bad SMDR line from ${peer}: ${parsed.reason}; kept in ${rejectedFile}: ${JSON.stringify(text.slice(0, 200))}`);
            reject(parsed.reason, [text], peer);
            return;
        }
        stats.records++;
        const wasPending = calls.size;
        const outcome = calls.add(parsed.record, text, Date.now());
        settle(outcome);
        if (outcome.kind === "pending" || calls.size !== wasPending) {
            save(); // after the event is queued: a crash in between is undone at the next start
        }
    };
    const record = (text: string, peer: string) => {
        try {
            take(text, peer);
        } catch (error) {
            // the disk: the line was read but cannot be kept; the log is its last copy
            logger.error(`SMDR line from ${peer} NOT STORED (${errorText(error)}): ${JSON.stringify(text)}`);
        }
    };

    const sockets = new Set<Socket>();
    const server: Server = createServer((socket) => {
        const remote = plainAddress(socket.remoteAddress ?? "");
        const peer = `${remote}:${socket.remotePort}`;
        if (!allowed.has(remote)) {
            stats.refused++;
            logger.warn(`refused SMDR connection from ${peer}: not in smdr.allowFrom`);
            socket.destroy();
            return;
        }
        stats.connections++;
        sockets.add(socket);
        logger.info(`IP Office connected from ${peer}`);
        const reader = new LineReader(
            (text) => record(text, peer),
            (text, reason) => {
                logger.warn(`bad SMDR data from ${peer}: ${reason}; kept in ${rejectedFile}`);
                try {
                    reject(reason, [text], peer);
                } catch (error) {
                    logger.error(`SMDR data from ${peer} NOT STORED (${errorText(error)}): ${JSON.stringify(text)}`);
                }
            }
        );
        socket.setEncoding("utf8");
        socket.setKeepAlive(true, 60_000);
        socket.on("data", (chunk: string) => reader.push(chunk));
        socket.on("error", (error) => logger.warn(`SMDR connection ${peer}: ${errorText(error)}`));
        socket.on("close", () => {
            sockets.delete(socket);
            reader.end();
            logger.info(`IP Office ${peer} disconnected`);
        });
    });
    server.on("error", (error) => logger.error(`SMDR listener: ${errorText(error)}`));
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(config.listenPort, config.listenHost, () => {
            server.off("error", reject);
            resolve();
        });
    });
    const bound = server.address() as AddressInfo;
    logger.info(`listening for IP Office SMDR on ${bound.address}:${bound.port} (from ${[...allowed].join(", ")})`);

    const expiry = setInterval(() => {
        try {
            const outcomes = calls.expire(Date.now(), config.incompleteCallMs);
            for (const outcome of outcomes) {
                const callid = outcome.kind === "event" ? outcome.event.payload.callid : outcome.kind === "pending" ? "?" : outcome.callid;
                logger.warn(`call ${callid}: its last SMDR record did not come within ${config.incompleteCallMs} ms: ended with the records received`);
                settle(outcome);
            }
            if (outcomes.length) {
                save();
            }
        } catch (error) {
            logger.error(`unfinished SMDR calls: ${errorText(error)}`);
        }
    }, Math.min(60_000, Math.max(20, config.incompleteCallMs / 4)));
    expiry.unref();

    return {
        calls,
        address: { host: bound.address, port: bound.port },
        get connected() {
            return sockets.size > 0;
        },
        stats,
        close: () =>
            new Promise((resolve) => {
                clearInterval(expiry);
                server.close(() => resolve());
                for (const socket of sockets) {
                    socket.destroy();
                }
                save();
            }),
    };
}
