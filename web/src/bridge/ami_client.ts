// AMI client over one TCP connection at a time: banner, Login (Events: on), actions matched to
// their responses by ActionID (list actions such as CoreShowChannels collect their events), a
// Ping keepalive that drops a silent connection, and reconnection with exponential backoff and
// jitter whenever the socket closes, for as long as the client is started.
import { connect, type Socket } from "node:net";
import { type AmiFields, type AmiMessage, AmiParser, serializeAction } from "./ami_parser";
import { Backoff, type BackoffSettings } from "./backoff";
import { errorText, type Logger } from "./log";

// -----------------------------------------------------------------------------
// Types
// -----------------------------------------------------------------------------

export interface AmiClientOptions {
    host: string;
    port: number;
    username: string;
    secret: string;
    connectTimeoutMs: number;
    pingIntervalMs: number;
    pingTimeoutMs: number;
    reconnect: BackoffSettings;
    logger: Logger;
    random?: () => number;
}

export interface AmiHandlers {
    /** An event not answering one of our list actions. */
    event(message: AmiMessage): void;
    /** Logged in (again): events flow from now on. */
    ready(banner: string): void;
    /** The logged-in connection was lost. */
    down(reason: string): void;
}

export interface AmiReply {
    response: AmiMessage;
    /** The events of a list action (EventList: start ... Complete), else empty. */
    events: AmiMessage[];
}

interface Pending {
    resolve(reply: AmiReply): void;
    reject(error: Error): void;
    timer: NodeJS.Timeout;
    response: AmiMessage | null;
    events: AmiMessage[];
}

export class AmiError extends Error {}

// -----------------------------------------------------------------------------
// Client
// -----------------------------------------------------------------------------

export class AmiClient {
    private socket: Socket | null = null;
    private parser = new AmiParser();
    private readonly pending = new Map<string, Pending>();
    private readonly backoff: Backoff;
    private reconnectTimer: NodeJS.Timeout | null = null;
    private pingTimer: NodeJS.Timeout | null = null;
    private pinging = false;
    private started = false;
    private loggedIn = false;
    private nextId = 1;
    private closeReason = "";
    private loginId = "";
    private bannerText = "";
    /** Connections attempted and logins accepted, for tests and the status log. */
    readonly stats = { connects: 0, logins: 0, refusals: 0 };

    constructor(
        private readonly options: AmiClientOptions,
        private readonly handlers: AmiHandlers
    ) {
        this.backoff = new Backoff(options.reconnect, options.random);
    }

    get ready(): boolean {
        return this.loggedIn;
    }

    start(): void {
        if (!this.started) {
            this.started = true;
            this.open();
        }
    }

    /** Logs off, closes the socket and stops reconnecting. */
    async stop(): Promise<void> {
        this.started = false;
        if (this.reconnectTimer) {
            clearTimeout(this.reconnectTimer);
            this.reconnectTimer = null;
        }
        const socket = this.socket;
        if (!socket) {
            return;
        }
        await new Promise<void>((resolve) => {
            socket.once("close", () => resolve());
            if (this.loggedIn && socket.writable) {
                socket.end(serializeAction({ Action: "Logoff", ActionID: this.actionId() }));
                setTimeout(() => socket.destroy(), 200).unref();
            } else {
                socket.destroy();
            }
        });
    }

    /** Sends an action and resolves with its response (and list events); rejects on timeout. */
    action(fields: AmiFields, options: { timeoutMs?: number } = {}): Promise<AmiReply> {
        const socket = this.socket;
        if (!socket || !socket.writable || (!this.loggedIn && fields.Action !== "Login")) {
            return Promise.reject(new AmiError("not connected to Asterisk"));
        }
        const id = String(fields.ActionID ?? this.actionId());
        const wire = serializeAction({ ...fields, ActionID: id });
        return new Promise<AmiReply>((resolve, reject) => {
            const timer = setTimeout(() => {
                this.pending.delete(id);
                reject(new AmiError(`no answer to ${fields.Action} within ${options.timeoutMs ?? 10_000} ms`));
            }, options.timeoutMs ?? 10_000);
            this.pending.set(id, { resolve, reject, timer, response: null, events: [] });
            socket.write(wire);
        });
    }

    // ---- connection ----------------------------------------------------------------

    private actionId(): string {
        return `odoo-bridge-${process.pid}-${this.nextId++}`;
    }

    private open(): void {
        const { host, port, connectTimeoutMs, logger } = this.options;
        this.stats.connects++;
        this.parser = new AmiParser();
        this.closeReason = "";
        const socket = connect({ host, port });
        this.socket = socket;
        socket.setNoDelay(true);
        socket.setKeepAlive(true, 10_000);
        socket.setTimeout(connectTimeoutMs, () => socket.destroy(new Error(`no banner within ${connectTimeoutMs} ms`)));
        socket.on("data", (chunk) => this.receive(chunk));
        socket.on("error", (error) => (this.closeReason ||= errorText(error)));
        socket.on("close", () => this.closed(socket));
        logger.debug(`connecting to ${host}:${port}`);
    }

    private closed(socket: Socket): void {
        if (this.socket !== socket) {
            return;
        }
        this.socket = null;
        const wasReady = this.loggedIn;
        this.loggedIn = false;
        this.stopPing();
        for (const [id, pending] of this.pending) {
            clearTimeout(pending.timer);
            pending.reject(new AmiError("connection to Asterisk closed"));
            this.pending.delete(id);
        }
        const reason = this.closeReason || "connection closed";
        if (!this.started) {
            this.options.logger.info("disconnected from Asterisk");
            return;
        }
        if (wasReady) {
            this.options.logger.warn(`connection lost: ${reason}`);
            this.handlers.down(reason);
        }
        const delay = this.backoff.next();
        this.options.logger.info(`reconnecting to ${this.options.host}:${this.options.port} in ${delay} ms (${reason})`);
        this.reconnectTimer = setTimeout(() => {
            this.reconnectTimer = null;
            if (this.started) {
                this.open();
            }
        }, delay);
    }

    private drop(reason: string): void {
        this.closeReason ||= reason;
        this.socket?.destroy();
    }

    // ---- messages ------------------------------------------------------------------

    private receive(chunk: Buffer): void {
        for (const frame of this.parser.push(chunk)) {
            if (frame.kind === "banner") {
                this.banner(frame.text);
            } else if (frame.message.Response !== undefined) {
                this.response(frame.message);
            } else if (frame.message.Event !== undefined) {
                this.event(frame.message);
            }
        }
    }

    private banner(text: string): void {
        if (!/Call Manager/i.test(text)) {
            this.options.logger.error(`${this.options.host}:${this.options.port} is not an AMI server (it said ${JSON.stringify(text.slice(0, 80))})`);
            this.drop("not an AMI server");
            return;
        }
        this.socket?.setTimeout(0);
        this.bannerText = text;
        this.loginId = this.actionId();
        this.action({ Action: "Login", ActionID: this.loginId, Username: this.options.username, Secret: this.options.secret, Events: "on" })
            .catch((error: unknown) => this.drop(`login: ${errorText(error)}`));
    }

    /**
     * Handled synchronously, not in a promise callback: `ready` must run before the events
     * that follow the answer in the same TCP packet.
     */
    private loginAnswered(response: AmiMessage): void {
        const { username, logger, host, port } = this.options;
        if (response.Response !== "Success") {
            this.stats.refusals++;
            logger.error(`Asterisk refused the login as ${JSON.stringify(username)}: ${response.Message ?? response.Response} (check manager.conf)`);
            this.drop("login refused");
            return;
        }
        this.loggedIn = true;
        this.stats.logins++;
        this.backoff.reset();
        this.startPing();
        logger.info(`logged in to ${host}:${port} as ${username} (${this.bannerText})`);
        this.handlers.ready(this.bannerText);
    }

    private response(message: AmiMessage): void {
        const id = message.ActionID;
        const pending = id === undefined ? undefined : this.pending.get(id);
        if (!pending || id === undefined) {
            return;
        }
        if (id === this.loginId) {
            this.settle(id, pending, message);
            this.loginAnswered(message);
            return;
        }
        if (message.Response === "Success" && message.EventList?.toLowerCase() === "start") {
            pending.response = message;
            return;
        }
        this.settle(id, pending, message);
    }

    private event(message: AmiMessage): void {
        const id = message.ActionID;
        const pending = id === undefined ? undefined : this.pending.get(id);
        if (pending?.response && id !== undefined) {
            if (message.EventList?.toLowerCase() === "complete") {
                this.settle(id, pending, pending.response);
            } else {
                pending.events.push(message);
            }
            return;
        }
        this.handlers.event(message);
    }

    private settle(id: string, pending: Pending, response: AmiMessage): void {
        clearTimeout(pending.timer);
        this.pending.delete(id);
        pending.resolve({ response, events: pending.events });
    }

    // ---- keepalive -----------------------------------------------------------------

    private startPing(): void {
        this.stopPing();
        this.pingTimer = setInterval(() => {
            if (this.pinging) {
                return;
            }
            this.pinging = true;
            this.action({ Action: "Ping" }, { timeoutMs: this.options.pingTimeoutMs })
                .catch((error: unknown) => this.drop(`keepalive: ${errorText(error)}`))
                .finally(() => (this.pinging = false));
        }, this.options.pingIntervalMs);
    }

    private stopPing(): void {
        if (this.pingTimer) {
            clearInterval(this.pingTimer);
            this.pingTimer = null;
        }
        this.pinging = false;
    }
}
