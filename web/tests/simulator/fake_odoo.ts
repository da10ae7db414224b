// A stand-in for Odoo's /api/callcenter/* routes, answering per the team contract, with switches
// to break it the ways a faulty server would: it lets the simulator's own checks fail. Real Odoo
// plays every scenario in tests/live/test_live_concurrency.py (`npm run simulate`).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { isFinal } from "../../src/lib/call_stack";
import { callOutcome, finalState } from "../../src/lib/call_status";
import type { CallDirection, CallState } from "../../src/schemas/call";
import { routePayloadSchemas, type Route } from "../../src/schemas/route_payload";
import { ERROR_STATUS, type RouteErrorCode } from "../../src/schemas/route_response";

// -----------------------------------------------------------------------------
// Types
// -----------------------------------------------------------------------------

export type Fault = "none" | "no-duplicate" | "broken-body" | "wrong-status";

export interface FakeOdooOptions {
    token: string;
    /** When set, routes answer only with the session cookie of /web/login?db=<db>. */
    db?: string;
    fault?: Fault;
}

export interface FakeOdoo {
    url: string;
    /** Bodies received on the PBX routes. */
    received: { route: string; body: unknown }[];
    close(): Promise<void>;
}

interface FakeCall {
    id: number;
    state: CallState;
    direction: CallDirection;
    record: { model: "res.partner" | "crm.lead"; id: number; name: string };
    created: boolean;
}

// -----------------------------------------------------------------------------
// Server
// -----------------------------------------------------------------------------

const KNOWN = { model: "res.partner", id: 7, name: "Azure Interior" } as const;
const KNOWN_DIGITS = "989464344";
const SESSION = "session_id=fake-session-1";

function send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { "Content-Type": "application/json" });
    res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, code: RouteErrorCode, message: string, fields?: Record<string, string>): void {
    send(res, ERROR_STATUS[code], { ok: false, error: { code, message, ...(fields ? { fields } : {}) } });
}

async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) {
        chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString("utf8");
}

export async function startFakeOdoo(options: FakeOdooOptions): Promise<FakeOdoo> {
    const fault = options.fault ?? "none";
    const calls = new Map<string, FakeCall>();
    const received: FakeOdoo["received"] = [];
    let lastId = 100;

    async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
        const url = new URL(req.url ?? "/", "http://fake");
        if (url.pathname === "/web/login" && options.db && url.searchParams.get("db") === options.db) {
            res.writeHead(302, { Location: "/web/login", "Set-Cookie": `${SESSION}; HttpOnly; Path=/` });
            res.end();
            return;
        }
        const route = url.pathname.replace("/api/callcenter/", "") as Route;
        if (!(route in routePayloadSchemas) || (options.db && req.headers.cookie !== SESSION)) {
            res.writeHead(404, { "Content-Type": "text/html" });
            res.end("<html><body>Not Found</body></html>");
            return;
        }
        if (req.method !== "POST") {
            sendError(res, "method_not_allowed", "Use POST");
            return;
        }
        if (req.headers.authorization !== `Bearer ${options.token}`) {
            sendError(res, "unauthorized", "Missing or invalid API token");
            return;
        }
        const body: unknown = JSON.parse(await readBody(req));
        received.push({ route, body });
        const parsed = routePayloadSchemas[route].safeParse(body);
        if (!parsed.success) {
            const fields = Object.fromEntries(parsed.error.issues.map((issue) => [String(issue.path[0]), issue.message]));
            sendError(res, "invalid_payload", "Invalid payload", fields);
            return;
        }
        const event = parsed.data;
        // Odoo's rule (pbx.call._apply_event/_merge_event): an event is a duplicate when it
        // changes nothing on the call of its callid: a call_in or init once the call exists,
        // a call_out once it has ended. The first event creates the call; a call_out ends it.
        const existing = calls.get(event.callid);
        const duplicate = existing !== undefined && (route !== "call_out" || isFinal(existing.state));
        let call = existing;
        if (!call) {
            const created = !(event.phone ?? "").replace(/\D/g, "").endsWith(KNOWN_DIGITS);
            const record = created
                ? { model: "crm.lead" as const, id: ++lastId, name: `Automatic New Contact - ${event.phone}` }
                : KNOWN;
            call = { id: ++lastId, state: route === "init" ? "dialing" : "ringing", direction: route === "init" ? "out" : "in", record, created };
            calls.set(event.callid, call);
        }
        if (route === "call_out" && !duplicate) {
            const end = routePayloadSchemas.call_out.parse(body);
            const outcome = callOutcome(end.status ?? "") ?? ((end.duration ?? 0) > 0 ? "answered" : "missed");
            call.state = finalState(outcome);
        }
        const success = {
            ok: true,
            event_id: ++lastId,
            call: { id: call.id, callid: event.callid, state: call.state, direction: call.direction },
            record: call.record,
            created: call.created,
            caller_name: call.record.name,
            owner_extension: event.extension,
            blocked: false,
            duplicate: fault === "no-duplicate" ? false : duplicate,
        };
        if (fault === "broken-body") {
            send(res, 200, { ...success, call: { ...success.call, state: "hung-up" } });
        } else {
            send(res, fault === "wrong-status" ? 201 : 200, success);
        }
    }

    const server: Server = createServer((req, res) => {
        handle(req, res).catch((error: unknown) => sendError(res, "processing_failed", String(error)));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        received,
        close: () => new Promise((resolve) => server.close(() => resolve())),
    };
}
