// The HTTP endpoint Odoo's click-to-dial (originate method generic_http) posts to:
//   POST /originate   Authorization: Bearer <originate.token>   {"extension": "101", "number": "0989..."}
// answered with what Asterisk said about the Originate action:
//   200 {"ok": true, "response": "Success", "message": "Originate successfully queued", "actionid": ...}
//   502 {"ok": false, "response": "Error", "message": "Extension does not exist."}
// and 400 (bad body), 401 (bad token), 404, 405, 413, 503 (Asterisk not connected), 504 (no answer).
import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { AmiClient } from "./ami_client";
import type { OriginateConfig } from "./config";
import { errorText, type Logger } from "./log";
import { originateAction, originateRequestSchema } from "./originate";

// -----------------------------------------------------------------------------
// Helpers
// -----------------------------------------------------------------------------

export const MAX_BODY_BYTES = 4096;

class HttpProblem extends Error {
    constructor(
        readonly status: number,
        message: string,
        readonly fields?: Record<string, string>
    ) {
        super(message);
    }
}

function reply(res: ServerResponse, status: number, body: Record<string, unknown>): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text), "Cache-Control": "no-store" });
    res.end(text);
}

function sameToken(header: string | undefined, token: string): boolean {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
    const given = Buffer.from(match?.[1] ?? "");
    const expected = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > MAX_BODY_BYTES) {
        throw new HttpProblem(413, `the body exceeds ${MAX_BODY_BYTES} bytes`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > MAX_BODY_BYTES) {
            throw new HttpProblem(413, `the body exceeds ${MAX_BODY_BYTES} bytes`);
        }
        chunks.push(chunk as Buffer);
    }
    try {
        return JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
        throw new HttpProblem(400, 'the body must be JSON: {"extension": "101", "number": "0989464344"}');
    }
}

// -----------------------------------------------------------------------------
// Server
// -----------------------------------------------------------------------------

export interface OriginateServer {
    server: Server;
    url: string;
    close(): Promise<void>;
}

export async function startOriginateServer(config: OriginateConfig, ami: AmiClient, logger: Logger): Promise<OriginateServer> {
    async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
        const path = new URL(req.url ?? "/", "http://bridge").pathname;
        if (path !== "/originate") {
            throw new HttpProblem(404, "not found: use POST /originate");
        }
        if (req.method !== "POST") {
            res.setHeader("Allow", "POST");
            throw new HttpProblem(405, "use POST");
        }
        if (!sameToken(req.headers.authorization, config.token)) {
            throw new HttpProblem(401, "missing or wrong bearer token");
        }
        const parsed = originateRequestSchema.safeParse(await readJson(req));
        if (!parsed.success) {
            const fields = Object.fromEntries(parsed.error.issues.map((issue) => [String(issue.path[0] ?? "body"), issue.message]));
            throw new HttpProblem(400, "invalid request", fields);
        }
        if (!ami.ready) {
            throw new HttpProblem(503, "the bridge is not connected to Asterisk");
        }
        const { extension, number } = parsed.data;
        let answer;
        try {
            answer = await ami.action(originateAction(parsed.data, config), { timeoutMs: config.responseTimeoutMs });
        } catch (error) {
            throw new HttpProblem(504, `Asterisk did not answer: ${errorText(error)}`);
        }
        const { Response: response = "", Message: message = "", ActionID: actionid = "" } = answer.response;
        const ok = response === "Success";
        logger.info(`originate ${extension} -> ${number}: ${response} ${message}`.trim());
        reply(res, ok ? 200 : 502, { ok, response, message, actionid });
    }

    const server = createServer((req, res) => {
        handle(req, res).catch((error: unknown) => {
            const problem = error instanceof HttpProblem ? error : new HttpProblem(500, errorText(error));
            if (problem.status >= 500) {
                logger.warn(`originate: ${problem.message}`);
            }
            if (problem.status === 413) {
                res.setHeader("Connection", "close");
            }
            reply(res, problem.status, { ok: false, message: problem.message, ...(problem.fields ? { fields: problem.fields } : {}) });
        });
    });
    server.headersTimeout = 10_000;
    server.requestTimeout = 15_000;
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(config.listenPort, config.listenHost, () => {
            server.off("error", reject);
            resolve();
        });
    });
    const address = server.address() as AddressInfo;
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    logger.info(`click-to-dial endpoint on http://${host}:${address.port}/originate`);
    return {
        server,
        url: `http://${host}:${address.port}`,
        close: () =>
            new Promise((resolve) => {
                server.close(() => resolve());
                server.closeAllConnections();
            }),
    };
}
