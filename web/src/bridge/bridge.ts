// Wires the bridge together: AMI client -> call tracker -> durable queue -> sender -> Odoo, plus
// the click-to-dial endpoint. Open calls are saved next to the queue (calls.json) so a restarted
// bridge still closes the calls it announced; CoreShowChannels after every login tells which of
// them are still up. An IP Office feeds the same queue through its SMDR records (smdr_server.ts),
// with or without an Asterisk.
import { AmiClient } from "./ami_client";
import { CallTracker } from "./call_tracker";
import { compileRules } from "./channels";
import type { BridgeConfig } from "./config";
import { createLogger, errorText, type Logger } from "./log";
import { type OriginateServer, startOriginateServer } from "./originate_server";
import { DurableQueue } from "./queue";
import { alignWithQueue, loadCalls, saveCalls } from "./saved_calls";
import { Sender } from "./sender";
import { type SmdrInput, startSmdrInput } from "./smdr_server";

// -----------------------------------------------------------------------------
// Types
// -----------------------------------------------------------------------------

export interface BridgeOptions {
    logger?: Logger;
    random?: () => number;
    /** How often the status line is logged and open calls saved (ms). */
    statusIntervalMs?: number;
}

export interface RunningBridge {
    /** Null without an ami block (an IP Office alone). */
    ami: AmiClient | null;
    tracker: CallTracker;
    queue: DurableQueue;
    sender: Sender;
    originate: OriginateServer | null;
    smdr: SmdrInput | null;
    stop(): Promise<void>;
}

/** Open calls are saved this long after a change (at once after an event is queued). */
const SAVE_DELAY_MS = 100;

// -----------------------------------------------------------------------------
// Bridge
// -----------------------------------------------------------------------------

export async function startBridge(config: BridgeConfig, options: BridgeOptions = {}): Promise<RunningBridge> {
    const logger = options.logger ?? createLogger(config.logLevel);
    const queue = new DurableQueue(config.queueDir);
    const saved = loadCalls(config.queueDir, logger);
    let lastAliveAt = saved?.savedAt ?? Date.now();
    let saveTimer: NodeJS.Timeout | null = null;

    const sender = new Sender(queue, { ...config.odoo, retry: config.retry, logger: logger.child("odoo"), random: options.random });
    const save = () => {
        if (saveTimer) {
            clearTimeout(saveTimer);
            saveTimer = null;
        }
        saveCalls(config.queueDir, { savedAt: Date.now(), clockSkew: tracker.clockSkew, calls: tracker.snapshot() });
    };
    const tracker = new CallTracker({
        rules: compileRules(config.calls),
        cdrGraceMs: config.calls.cdrGraceMs,
        recordingPrefix: config.calls.recordingPrefix,
        reportInternal: config.calls.reportInternal,
        logger: logger.child("calls"),
        emit: (event) => {
            queue.enqueue(event);
            save(); // at once: a restart must neither lose nor repeat this event
            sender.wake();
        },
        changed: () => (saveTimer ??= setTimeout(save, SAVE_DELAY_MS)),
    });
    if (saved?.calls.length) {
        const calls = alignWithQueue(saved.calls, queue);
        tracker.restore(calls, saved.clockSkew);
        logger.info(`${calls.length} call(s) open before the restart, checked at the next login`);
    }

    const amiLogger = logger.child("ami");
    let ami: AmiClient | null = null;
    if (config.ami) {
        const client: AmiClient = new AmiClient(
            { ...config.ami, reconnect: config.reconnect, logger: amiLogger, random: options.random },
            {
                event: (message) => tracker.handle(message),
                ready: () => {
                    const known = tracker.openLinkedids();
                    client.action({ Action: "CoreShowChannels" }, { timeoutMs: 30_000 })
                        .then(({ events }) => tracker.reconcile(events.filter((event) => event.Event === "CoreShowChannel"), lastAliveAt, known))
                        .catch((error: unknown) => amiLogger.warn(`CoreShowChannels failed: ${errorText(error)}`));
                },
                down: () => (lastAliveAt = Date.now()),
            }
        );
        ami = client;
    }

    let originate: OriginateServer | null = null;
    let smdr: SmdrInput | null = null;
    try {
        if (config.originate && ami) {
            originate = await startOriginateServer(config.originate, ami, logger.child("originate"));
        }
        if (config.smdr) {
            smdr = await startSmdrInput(config.smdr, {
                queueDir: config.queueDir,
                queue,
                logger: logger.child("smdr"),
                emit: (event) => {
                    queue.enqueue(event);
                    sender.wake();
                },
            });
        }
    } catch (error) {
        await originate?.close();
        queue.close();
        throw error;
    }
    if (queue.size) {
        logger.info(`${queue.size} event(s) still queued from a previous run: sending them first`);
    }
    sender.start();
    ami?.start();

    const status = setInterval(() => {
        const sources = [
            ...(ami ? [`Asterisk ${ami.ready ? "connected" : "DISCONNECTED"}, ${tracker.openCalls} open call(s)`] : []),
            ...(smdr ? [`IP Office ${smdr.connected ? "connected" : "NOT CONNECTED"}, ${smdr.calls.size} unfinished call(s)`] : []),
        ];
        logger.info(
            `status: ${sources.join(", ")}, ` +
                `${queue.size} event(s) queued, ${sender.stats.delivered} delivered, ${sender.stats.rejected} rejected`
        );
        if (tracker.openCalls) {
            save();
        }
    }, options.statusIntervalMs ?? 60_000);
    status.unref();

    return {
        ami,
        tracker,
        queue,
        sender,
        originate,
        smdr,
        async stop() {
            clearInterval(status);
            await originate?.close();
            await smdr?.close();
            await ami?.stop();
            tracker.close();
            save();
            await sender.stop();
            queue.close();
            logger.info(`stopped: ${tracker.openCalls} open call(s) saved, ${queue.size} event(s) queued for the next run`);
        },
    };
}
