// A local HTTP listener standing in for Odoo's /api/callcenter/* routes: records every POST
// (route, JSON body, headers), answers 200 with a contract-shaped body, or whatever `respond`
// says (503, 400...); stop() and start() again on the same port play "Odoo down" (connection
// refused) and "Odoo back".
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";

// -----------------------------------------------------------------------------
// Types
// -----------------------------------------------------------------------------

export interface Received {
    route: string;
    body: Record<string, unknown>;
    headers: IncomingHttpHeaders;
}

export type Responder = (received: Received, index: number) => { status: number; body: unknown };

const STATE: Record<string, string> = { call_in: "ringing", init: "dialing", call_out: "ended" };

export function okAnswer(received: Received, index: number) {
    const route = received.route;
    return {
        status: 200,
        body: {
            ok: true,
            event_id: index + 1,
            call: { id: 1, callid: String(received.body.callid), state: STATE[route] ?? "ended", direction: route === "init" ? "out" : "in" },
            record: null,
            created: false,
            caller_name: null,
            owner_extension: null,
            blocked: false,
            duplicate: false,
        },
    };
}

// -----------------------------------------------------------------------------
// Server
// -----------------------------------------------------------------------------

export class FakeOdoo {
    readonly received: Received[] = [];
    respond: Responder = okAnswer;
    private server: Server | null = null;
    private readonly sockets = new Set<Socket>();
    port = 0;

    get url(): string {
        return `http://127.0.0.1:${this.port}`;
    }

    /** The bodies received, in order, with their route. */
    get events(): { route: string; payload: Record<string, unknown> }[] {
        return this.received.map(({ route, body }) => ({ route, payload: body }));
    }

    static async start(): Promise<FakeOdoo> {
        const odoo = new FakeOdoo();
        await odoo.start();
        return odoo;
    }

    async start(): Promise<void> {
        const server = createServer((req, res) => {
            const chunks: Buffer[] = [];
            req.on("data", (chunk: Buffer) => chunks.push(chunk));
            req.on("end", () => {
                const route = (req.url ?? "").replace(/^\/api\/callcenter\//, "");
                let body: Record<string, unknown>;
                try {
                    body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
                } catch {
                    body = { unparsable: Buffer.concat(chunks).toString("utf8") };
                }
                const received = { route, body, headers: req.headers };
                const index = this.received.push(received) - 1;
                const answer = this.respond(received, index);
                const text = JSON.stringify(answer.body);
                res.writeHead(answer.status, { "Content-Type": "application/json" });
                res.end(text);
            });
        });
        server.on("connection", (socket) => {
            this.sockets.add(socket);
            socket.on("close", () => this.sockets.delete(socket));
        });
        await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
        this.port = (server.address() as AddressInfo).port;
        this.server = server;
    }

    /** Stops listening: connections are refused until start() again. */
    async stop(): Promise<void> {
        const server = this.server;
        this.server = null;
        if (!server) {
            return;
        }
        for (const socket of this.sockets) {
            socket.destroy();
        }
        await new Promise<void>((resolve) => server.close(() => resolve()));
    }
}
