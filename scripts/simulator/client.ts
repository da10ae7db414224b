// HTTP side of the simulator: posts canonical events to an Odoo with the module installed.
import type { Route, RoutePayload } from "../../web/src/schemas/route_payload";

// -----------------------------------------------------------------------------
// Types
// -----------------------------------------------------------------------------

export interface ClientOptions {
    /** Odoo base URL, e.g. http://localhost:8069 */
    url: string;
    token: string;
    /** Database to select when the server hosts several (through a web session). */
    db?: string;
}

export interface HttpReply {
    status: number;
    /** Parsed JSON body, or undefined when the body is not JSON. */
    body: unknown;
    text: string;
}

// -----------------------------------------------------------------------------
// Client
// -----------------------------------------------------------------------------

export const ROUTE_PREFIX = "/api/callcenter/";

export class PbxClient {
    readonly options: ClientOptions;
    cookie: string | null = null;

    constructor(options: ClientOptions) {
        this.options = { ...options, url: options.url.replace(/\/+$/, "") };
    }

    /**
     * With a database name, opens a web session bound to it: Odoo's `/web/login?db=` stores the
     * database in the session and answers with its cookie, which then selects the database for
     * the auth="none" PBX routes. Without one, Odoo must serve a single database (or a dbfilter).
     */
    async open(): Promise<void> {
        const { url, db } = this.options;
        if (!db) {
            return;
        }
        const response = await fetch(`${url}/web/login?db=${encodeURIComponent(db)}`, { redirect: "manual" });
        await response.arrayBuffer();
        const session = response.headers
            .getSetCookie()
            .map((cookie) => cookie.split(";")[0])
            .find((cookie) => cookie.startsWith("session_id="));
        if (!session) {
            throw new Error(`${url} did not open a session on database ${db} (HTTP ${response.status})`);
        }
        this.cookie = session;
    }

    async post(route: Route, payload: RoutePayload): Promise<HttpReply> {
        const headers: Record<string, string> = {
            "Content-Type": "application/json",
            Accept: "application/json",
            Authorization: `Bearer ${this.options.token}`,
        };
        if (this.cookie) {
            headers.Cookie = this.cookie;
        }
        const response = await fetch(`${this.options.url}${ROUTE_PREFIX}${route}`, {
            method: "POST",
            headers,
            body: JSON.stringify(payload),
        });
        const text = await response.text();
        let body: unknown;
        try {
            body = JSON.parse(text);
        } catch {
            body = undefined;
        }
        return { status: response.status, body, text };
    }
}
