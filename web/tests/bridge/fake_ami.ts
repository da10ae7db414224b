// A stand-in Asterisk Manager Interface on a real TCP socket (127.0.0.1, random port): banner,
// Login (accepted or refused), Ping, CoreShowChannels (from `channels`), Originate (answer from
// `originateAnswer`), Logoff; it records every action received and replays AMI transcripts
// (tests/fixtures/ami/*.txt) to the logged-in client, in chunks of any size, CRLF or LF.
import { readFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { type AmiMessage, AmiParser } from "../../src/bridge/ami_parser";
import { REPO_ROOT } from "../fixtures";

// -----------------------------------------------------------------------------
// Transcripts
// -----------------------------------------------------------------------------

/** The event blocks of a transcript file: `#` comment lines dropped, blocks as text (LF). */
export function loadTranscript(name: string): string[] {
    const text = readFileSync(`${REPO_ROOT}tests/fixtures/ami/${name}`, "utf8");
    return text
        .split("\n")
        .filter((line) => !line.startsWith("#"))
        .join("\n")
        .split(/\n\s*\n/)
        .map((block) => block.trim())
        .filter(Boolean);
}

/** The value of `key` in a block of text. */
export function field(block: string, key: string): string | undefined {
    const line = block.split("\n").find((each) => each.startsWith(`${key}: `) || each === `${key}:`);
    return line?.slice(key.length + 1).trim();
}

// -----------------------------------------------------------------------------
// Server
// -----------------------------------------------------------------------------

export interface FakeAmiOptions {
    username?: string;
    secret?: string;
    banner?: string;
    /** Answer Ping (set false to play a silent, hung Asterisk). */
    answerPing?: boolean;
}

export class FakeAmi {
    readonly actions: AmiMessage[] = [];
    /** CoreShowChannel items (fields without Event/ActionID) answered to CoreShowChannels. */
    channels: Record<string, string>[] = [];
    /** null: Asterisk never answers the Originate. */
    originateAnswer: Record<string, string> | null = { Response: "Success", Message: "Originate successfully queued" };
    logins = 0;
    refusedLogins = 0;
    connections = 0;
    answerPing: boolean;
    private client: Socket | null = null;
    private writing = false;
    private readonly deferred: string[] = [];
    private loginWaiters: (() => void)[] = [];
    private readonly sockets = new Set<Socket>();

    private constructor(
        private readonly server: Server,
        readonly port: number,
        private readonly options: FakeAmiOptions
    ) {
        this.answerPing = options.answerPing ?? true;
    }

    static async start(options: FakeAmiOptions = {}, port = 0): Promise<FakeAmi> {
        const server = createServer();
        await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
        const ami = new FakeAmi(server, (server.address() as AddressInfo).port, options);
        server.on("connection", (socket) => ami.accept(socket));
        return ami;
    }

    /** Resolves once `count` logins in total have been accepted. */
    waitForLogin(count = this.logins + 1, timeoutMs = 5000): Promise<void> {
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`no login #${count} within ${timeoutMs} ms`)), timeoutMs);
            const check = () => {
                if (this.logins >= count) {
                    clearTimeout(timer);
                    resolve();
                } else {
                    this.loginWaiters.push(check);
                }
            };
            check();
        });
    }

    /** Writes blocks to the logged-in client, `chunk` bytes at a time; answers to actions wait
     * for the end of the block being written, as Asterisk never interleaves two messages. */
    async replay(blocks: readonly string[], options: { eol?: "\r\n" | "\n"; chunk?: number } = {}): Promise<void> {
        const eol = options.eol ?? "\r\n";
        for (const block of blocks) {
            await this.sendRaw(`${block.split("\n").join(eol)}${eol}${eol}`, options.chunk);
        }
    }

    async sendRaw(text: string, chunk = 0): Promise<void> {
        const client = this.client;
        if (!client) {
            throw new Error("no client logged in");
        }
        const bytes = Buffer.from(text, "utf8");
        const size = chunk > 0 ? chunk : bytes.length;
        this.writing = true;
        try {
            for (let at = 0; at < bytes.length; at += size) {
                client.write(bytes.subarray(at, at + size));
                if (chunk > 0 && chunk < bytes.length) {
                    await new Promise((resolve) => setImmediate(resolve));
                }
            }
        } finally {
            this.writing = false;
            this.deferred.splice(0).forEach((answer) => client.write(answer));
        }
        await new Promise<void>((resolve) => client.write("", () => resolve()));
    }

    /** Drops the client's connection, as a network cut or an Asterisk restart would. */
    disconnect(): void {
        this.client?.destroy();
        this.client = null;
    }

    async close(): Promise<void> {
        for (const socket of this.sockets) {
            socket.destroy();
        }
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }

    // ---- protocol ------------------------------------------------------------------

    private accept(socket: Socket): void {
        this.connections++;
        this.sockets.add(socket);
        socket.setNoDelay(true);
        socket.on("close", () => this.sockets.delete(socket));
        socket.on("error", () => undefined);
        const parser = new AmiParser({ expectBanner: false });
        socket.write(`${this.options.banner ?? "Asterisk Call Manager/7.0.3"}\r\n`);
        socket.on("data", (chunk) => {
            for (const frame of parser.push(chunk)) {
                if (frame.kind === "message") {
                    this.action(socket, frame.message);
                }
            }
        });
    }

    private write(socket: Socket, fields: Record<string, string>): void {
        const text = `${Object.entries(fields).map(([key, value]) => `${key}: ${value}\r\n`).join("")}\r\n`;
        if (this.writing && socket === this.client) {
            this.deferred.push(text);
        } else {
            socket.write(text);
        }
    }

    private action(socket: Socket, action: AmiMessage): void {
        this.actions.push(action);
        const id = action.ActionID ?? "";
        switch (action.Action?.toLowerCase()) {
            case "login":
                if (action.Username === (this.options.username ?? "odoo") && action.Secret === (this.options.secret ?? "s3cret")) {
                    this.write(socket, { Response: "Success", ActionID: id, Message: "Authentication accepted" });
                    this.write(socket, { Event: "FullyBooted", Privilege: "system,all", Uptime: "1534", LastReload: "1534", Status: "Fully Booted" });
                    this.client = socket;
                    this.logins++;
                    this.loginWaiters.splice(0).forEach((waiter) => waiter());
                } else {
                    this.refusedLogins++;
                    this.write(socket, { Response: "Error", ActionID: id, Message: "Authentication failed" });
                    socket.end();
                }
                break;
            case "ping":
                if (this.answerPing) {
                    this.write(socket, { Response: "Success", ActionID: id, Ping: "Pong", Timestamp: "1732100000.000000" });
                }
                break;
            case "coreshowchannels":
                this.write(socket, { Response: "Success", ActionID: id, EventList: "start", Message: "Channels will follow" });
                for (const channel of this.channels) {
                    this.write(socket, { Event: "CoreShowChannel", ActionID: id, ...channel });
                }
                this.write(socket, { Event: "CoreShowChannelsComplete", ActionID: id, EventList: "Complete", ListItems: String(this.channels.length) });
                break;
            case "originate":
                if (this.originateAnswer) {
                    this.write(socket, { ...this.originateAnswer, ActionID: id });
                }
                break;
            case "logoff":
                this.write(socket, { Response: "Goodbye", ActionID: id, Message: "Thanks for all the fish." });
                socket.end();
                break;
            default:
                this.write(socket, { Response: "Error", ActionID: id, Message: "Invalid/unknown command" });
        }
    }
}
