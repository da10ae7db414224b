// Delivers the queued events to Odoo one at a time, oldest first: POST
// {odoo}/api/callcenter/<route> with the connection's token. A 2xx answer removes the event; a
// 4xx other than 408/429 is a refusal for good (logged with Odoo's answer, kept in the rejected
// file); a network error, a timeout, 408, 429 or 5xx is retried with backoff, and nothing behind
// it is sent meanwhile, so Odoo sees every call's events in order.
import { routeResponseSchema } from "../schemas/route_response";
import { Backoff, type BackoffSettings } from "./backoff";
import { errorText, type Logger } from "./log";
import type { DurableQueue, QueuedEvent } from "./queue";

// -----------------------------------------------------------------------------
// Types
// -----------------------------------------------------------------------------

export interface SenderOptions {
    url: string;
    token: string;
    timeoutMs: number;
    retry: BackoffSettings;
    logger: Logger;
    random?: () => number;
}

type Outcome =
    | { kind: "delivered"; status: number; text: string }
    | { kind: "rejected"; status: number; text: string }
    | { kind: "retry"; reason: string };

const MAX_ANSWER_CHARS = 4096;

/** Whether Odoo's answer means "try again later". */
export function isTransient(status: number): boolean {
    return status === 408 || status === 429 || status >= 500;
}

// -----------------------------------------------------------------------------
// Sender
// -----------------------------------------------------------------------------

export class Sender {
    private readonly backoff: Backoff;
    private running = false;
    private loop: Promise<void> | null = null;
    private wakeUp: (() => void) | null = null;
    private stopWaiting: (() => void) | null = null;
    private inFlight: AbortController | null = null;
    /** Counters, for the status log and tests. */
    readonly stats = { delivered: 0, rejected: 0, retries: 0 };

    constructor(
        private readonly queue: DurableQueue,
        private readonly options: SenderOptions
    ) {
        this.backoff = new Backoff(options.retry, options.random);
    }

    start(): void {
        if (!this.running) {
            this.running = true;
            this.loop = this.run();
        }
    }

    /** Something was queued: send it now if idle (a pending retry keeps its delay). */
    wake(): void {
        this.wakeUp?.();
    }

    /** Stops after aborting the request in flight (its event stays queued and is resent). */
    async stop(): Promise<void> {
        this.running = false;
        this.inFlight?.abort();
        this.stopWaiting?.();
        await this.loop;
    }

    /** Waits `ms` (null: until wake()); stop() ends any wait. */
    private pause(ms: number | null): Promise<void> {
        return new Promise((resolve) => {
            let timer: NodeJS.Timeout | null = null;
            const done = () => {
                if (timer) {
                    clearTimeout(timer);
                }
                this.wakeUp = null;
                this.stopWaiting = null;
                resolve();
            };
            if (ms === null) {
                this.wakeUp = done;
            } else {
                timer = setTimeout(done, ms);
            }
            this.stopWaiting = done;
        });
    }

    private async run(): Promise<void> {
        while (this.running) {
            const event = this.queue.peek();
            if (!event) {
                await this.pause(null);
                continue;
            }
            const outcome = await this.post(event);
            if (!this.running && outcome.kind === "retry") {
                break;
            }
            this.settle(event, outcome);
            if (outcome.kind === "retry") {
                await this.pause(this.backoff.next());
            } else {
                this.backoff.reset();
            }
        }
    }

    private settle(event: QueuedEvent, outcome: Outcome): void {
        const what = `${event.route} #${event.seq} (callid ${event.payload.callid})`;
        const { logger } = this.options;
        if (outcome.kind === "delivered") {
            this.queue.remove(event.seq);
            this.stats.delivered++;
            logger.info(`delivered ${what}: HTTP ${outcome.status}${this.summary(outcome.text)}`);
        } else if (outcome.kind === "rejected") {
            this.queue.reject(event, { status: outcome.status, answer: outcome.text });
            this.stats.rejected++;
            logger.error(
                `Odoo REJECTED ${what} with HTTP ${outcome.status}: ${outcome.text || "(empty answer)"} -- ` +
                    `payload ${JSON.stringify(event.payload)} kept in ${this.queue.rejectedFile}, not retried`
            );
        } else {
            this.stats.retries++;
            logger.warn(`cannot deliver ${what}: ${outcome.reason}; ${this.queue.size} event(s) waiting, retrying`);
        }
    }

    private summary(text: string): string {
        let body: unknown;
        try {
            body = JSON.parse(text);
        } catch {
            return " (answer is not JSON)";
        }
        const parsed = routeResponseSchema.safeParse(body);
        if (!parsed.success || !parsed.data.ok) {
            return " (unexpected answer)";
        }
        return `, call ${parsed.data.call.id} ${parsed.data.call.state}${parsed.data.duplicate ? " (duplicate)" : ""}`;
    }

    private async post(event: QueuedEvent): Promise<Outcome> {
        const controller = new AbortController();
        this.inFlight = controller;
        const timer = setTimeout(() => controller.abort(new Error(`no answer within ${this.options.timeoutMs} ms`)), this.options.timeoutMs);
        try {
            const response = await fetch(`${this.options.url}/api/callcenter/${event.route}`, {
                method: "POST",
                headers: {
                    "Content-Type": "application/json",
                    Accept: "application/json",
                    Authorization: `Bearer ${this.options.token}`,
                },
                body: JSON.stringify(event.payload),
                signal: controller.signal,
                redirect: "manual",
            });
            const text = (await response.text()).slice(0, MAX_ANSWER_CHARS);
            if (response.ok) {
                return { kind: "delivered", status: response.status, text };
            }
            if (response.status < 400) {
                const location = response.headers.get("location") ?? "?";
                return { kind: "retry", reason: `HTTP ${response.status} redirect to ${location}: set odoo.url to the final address` };
            }
            if (isTransient(response.status)) {
                return { kind: "retry", reason: `HTTP ${response.status} ${text.slice(0, 200)}`.trim() };
            }
            return { kind: "rejected", status: response.status, text };
        } catch (error) {
            const reason = controller.signal.aborted ? errorText(controller.signal.reason) : errorText(error);
            const cause = (error as { cause?: { code?: string } }).cause?.code;
            return { kind: "retry", reason: cause ? `${reason} (${cause})` : reason };
        } finally {
            clearTimeout(timer);
            this.inFlight = null;
        }
    }
}
