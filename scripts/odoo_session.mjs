// What the scripts that drive a running Odoo share: JSON-RPC to the web client's routes in one
// web session (its cookie kept; /jsonrpc is deprecated on Odoo 19), and a headless Chromium.
import { chromium } from "playwright-core";

/**
 * Debian's Chromium, headless, as root: no sandbox, and none of its background connections,
 * which this machine's closed network refuses many at a time.
 * @param {string} executablePath
 */
export function launchChromium(executablePath) {
    return chromium.launch({
        executablePath,
        headless: true,
        args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    });
}

/**
 * @param {string} base the server's URL, without a trailing slash
 * @returns {{ jsonrpc: (path: string, params: object) => Promise<any>,
 *             call: (model: string, method: string, args: unknown[], kwargs?: object) => Promise<any>,
 *             cookie: () => string }}
 */
export function odooSession(base) {
    let sessionCookie = "";

    /** @param {string} path @param {object} params @returns {Promise<any>} */
    async function jsonrpc(path, params) {
        const response = await fetch(`${base}${path}`, {
            method: "POST",
            headers: { "Content-Type": "application/json", ...(sessionCookie ? { Cookie: sessionCookie } : {}) },
            body: JSON.stringify({ jsonrpc: "2.0", method: "call", params }),
        });
        const session = response.headers.getSetCookie().find((cookie) => cookie.startsWith("session_id="));
        if (session) {
            sessionCookie = session.split(";")[0];
        }
        const body = await response.json();
        if (body.error) {
            throw new Error(`${path}: ${body.error.data?.message ?? body.error.message}`);
        }
        return body.result;
    }

    /** @param {string} model @param {string} method @param {unknown[]} args @param {object} [kwargs] */
    const call = (model, method, args, kwargs = {}) =>
        jsonrpc(`/web/dataset/call_kw/${model}/${method}`, { model, method, args, kwargs });

    return { jsonrpc, call, cookie: () => sessionCookie };
}
