// The demo's PBX stand-in: a real local HTTP listener doing what a PBX does around Odoo.
// - GET /recordings/<name>.wav   serves a recording (made at run time, scripts/simulator/wav.ts);
// - POST /originate              click-to-dial, as the connection's "Generic HTTP request" sends
//                                it ({"extension", "number"}): answers at once, then plays the
//                                call back into Odoo (init, then call_out with a recording);
// - POST /ring/<scenario>        rings an extension with one of the simulator's scenarios;
// - GET /                        a page with the ring buttons.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { formatStep, runScenario, type EventSender, type StepReport } from "./runner";
import { buildScenario, randomSource, type ScenarioName } from "./scenarios";
import { recordingWav } from "./wav";

// -----------------------------------------------------------------------------
// Types
// -----------------------------------------------------------------------------

export interface StandInOptions {
    /** Where Odoo's PBX routes are (a PbxClient). */
    sender: EventSender;
    /** The extension rung by /ring, and its known caller's number. */
    extension: string;
    phone: string;
    host?: string;
    /** 0: any free port. */
    port?: number;
    /** Between a call's events, so a person sees it ring (ms). */
    pauseMs?: number;
    log?: (line: string) => void;
}

/** The scenarios the ring page offers, with what a person sees. */
export const RING_CHOICES: readonly { scenario: ScenarioName; label: string }[] = [
    { scenario: "incoming-answered", label: "The known caller rings, the call is answered and recorded" },
    { scenario: "unknown-caller", label: "An unknown number rings and hangs up" },
    { scenario: "incoming-missed", label: "The known caller rings, nobody answers (a call-back activity)" },
];

const MAX_BODY = 4096;
const RECORDING_PATH = /^\/recordings\/[\w.-]{1,100}\.wav$/;

// -----------------------------------------------------------------------------
// Server
// -----------------------------------------------------------------------------

export class PbxStandIn {
    readonly options: StandInOptions;
    /** Calls played so far (finished or not): wait for them with `settled()`. */
    readonly played: Promise<StepReport[]>[] = [];
    server: Server | null = null;
    url = "";
    protected readonly wav = recordingWav();

    constructor(options: StandInOptions) {
        this.options = options;
    }

    async start(): Promise<string> {
        const server = createServer((req, res) => {
            this.handle(req, res).catch((error: unknown) => {
                this.log(`stand-in: ${String(error)}`);
                if (!res.headersSent) {
                    this.json(res, 500, { status: "error", message: "internal error" });
                }
            });
        });
        this.server = server;
        await new Promise<void>((resolve, reject) => {
            server.once("error", reject); // e.g. the port is taken
            server.listen(this.options.port ?? 0, this.options.host ?? "127.0.0.1", resolve);
        });
        const { address, port } = server.address() as AddressInfo;
        this.url = `http://${address.includes(":") ? `[${address}]` : address}:${port}`;
        return this.url;
    }

    async close(): Promise<void> {
        await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
        this.server?.closeAllConnections();
    }

    /** Every call played so far, once its last event is answered. */
    async settled(): Promise<StepReport[]> {
        return (await Promise.all(this.played)).flat();
    }

    /** Plays `scenario` against Odoo (the stand-in's own calls: /ring, /originate). */
    play(name: ScenarioName, overrides: { phone?: string; extension?: string; callid?: string } = {}): string {
        const source = randomSource(overrides.phone ?? this.options.phone, overrides.extension ?? this.options.extension);
        const callid = overrides.callid ?? source.callid();
        const scenario = buildScenario(name, { ...source, callid: () => callid });
        const onStep = (report: StepReport) => this.log(formatStep(report));
        this.played.push(runScenario(this.options.sender, scenario, 1, onStep, this.options.pauseMs ?? 0));
        return callid;
    }

    // ---- routes ------------------------------------------------------------------

    protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
        const path = new URL(req.url ?? "/", "http://stand-in").pathname;
        if (req.method === "GET" && RECORDING_PATH.test(path)) {
            res.writeHead(200, { "Content-Type": "audio/wav", "Content-Length": this.wav.length, "Accept-Ranges": "none" });
            res.end(this.wav);
            return;
        }
        if (req.method === "GET" && path === "/") {
            res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
            res.end(this.page());
            return;
        }
        if (req.method === "POST" && path === "/originate") {
            await this.originate(req, res);
            return;
        }
        const ring = /^\/ring\/([a-z-]+)$/.exec(path);
        if (req.method === "POST" && ring && RING_CHOICES.some(({ scenario }) => scenario === ring[1])) {
            const callid = this.play(ring[1] as ScenarioName);
            res.writeHead(303, { Location: `/?rang=${encodeURIComponent(callid)}` });
            res.end();
            return;
        }
        this.json(res, 404, { status: "error", message: `no ${req.method} ${path} here` });
    }

    /** Click-to-dial: the extension rings first, then the number; the call is played back. */
    protected async originate(req: IncomingMessage, res: ServerResponse): Promise<void> {
        const text = await readBody(req, MAX_BODY);
        let body: unknown;
        try {
            body = text === null ? null : JSON.parse(text);
        } catch {
            body = null;
        }
        const { extension, number } = (body ?? {}) as { extension?: unknown; number?: unknown };
        const bad = [
            typeof extension !== "string" || !/^\w{1,20}$/.test(extension) ? "extension" : "",
            typeof number !== "string" || !/^\+?[\d*#]{3,32}$/.test(number) ? "number" : "",
        ].filter(Boolean);
        if (text === null || bad.length) {
            this.json(res, 400, { status: "error", message: text === null ? "body too large" : `bad ${bad.join(", ")}` });
            return;
        }
        const callid = this.play("outbound", { phone: number as string, extension: extension as string });
        this.log(`stand-in: extension ${extension as string} dials ${number as string} (call ${callid})`);
        this.json(res, 200, { status: "success", callid });
    }

    // ---- helpers -----------------------------------------------------------------

    protected page(): string {
        const { extension, phone } = this.options;
        const buttons = RING_CHOICES.map(
            ({ scenario, label }) =>
                `<form method="post" action="/ring/${scenario}"><button type="submit">${escapeHtml(label)}</button></form>`
        ).join("\n");
        return `<!doctype html><html><head><meta charset="utf-8"><title>Demo PBX</title></head><body>
<h1>Demo PBX</h1><p>Rings extension ${escapeHtml(extension)}; the known caller is ${escapeHtml(phone)}.</p>
${buttons}</body></html>`;
    }

    protected json(res: ServerResponse, status: number, body: unknown): void {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify(body));
    }

    protected log(line: string): void {
        (this.options.log ?? console.log)(line);
    }
}

/** The body, or null past `limit` bytes (read no further). */
async function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > limit) {
            req.destroy();
            return null;
        }
        chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString("utf8");
}

function escapeHtml(text: string): string {
    return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
