// Click-to-dial latency bench: from the click on a contact's number to the originate request
// arriving at the PBX, against one JSON-RPC round trip and the network floor of the same run.
//
//   node scripts/bench_dial.mjs --url http://127.0.0.1:8069 --db mydb [--login admin]   (or PBX_ODOO_* env)
//        [--password admin] [--calls 30] [--label odoo17]
//
// Against a running Odoo with pbx_callcenter installed: the script starts a real local HTTP
// listener standing in for the PBX's originate API (it records each request's arrival), then as
// the admin (JSON-RPC) creates a connection whose "Generic HTTP request" click-to-dial points at
// it, a salesperson bound to an extension of it and a contact with a phone. It logs the
// salesperson in with playwright-core driving Debian's Chromium, opens the contact's form and,
// for each call, clicks the number's *Call* link (the PBX control, real mouse) and measures from
// the click's dispatch in the page to the request's arrival at the listener (Date.now on both
// sides, same machine clock). Interleaved with the calls, the same page measures the baselines:
// a bare fetch() to the listener (page → listener arrival: the network floor) and one JSON-RPC
// round trip (`/web/dataset/call_kw`, a read of the user's name). Prints p50/p95 of each, the
// ratios dial/round trip, and a JSON line.
import { createServer } from "node:http";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { launchChromium, odooSession } from "./odoo_session.mjs";

// -----------------------------------------------------------------------------
// Options
// -----------------------------------------------------------------------------

const { values: opts } = parseArgs({
    options: {
        url: { type: "string", default: process.env.PBX_ODOO_URL },
        db: { type: "string", default: process.env.PBX_ODOO_DB },
        login: { type: "string", default: process.env.PBX_ODOO_LOGIN ?? "admin" },
        password: { type: "string", default: process.env.PBX_ODOO_PASSWORD ?? "admin" },
        calls: { type: "string", default: process.env.BENCH_CALLS ?? "30" },
        warmup: { type: "string", default: "3" },
        label: { type: "string", default: process.env.PBX_BENCH_LABEL ?? "" },
        chromium: { type: "string", default: process.env.PBX_CHROMIUM ?? "/usr/bin/chromium" },
    },
});
if (!opts.url || !opts.db) {
    console.error("usage: bench_dial.mjs --url http://127.0.0.1:8069 --db <db> [--calls 30]");
    process.exit(2);
}
const BASE = opts.url.replace(/\/$/, "");
const CALLS = Number(opts.calls);
const WARMUP = Number(opts.warmup);
const RUN = `d${Date.now().toString(36)}`;
const EXTENSION = `6${String(Date.now() % 1000).padStart(3, "0")}`;
// A Vietnamese mobile, read with the connection's country (as tests/test_click_to_dial.py)
const DIGITS = String(Date.now()).slice(-7);
const PHONE = `+84 98 ${DIGITS.slice(0, 3)} ${DIGITS.slice(3, 5)} ${DIGITS.slice(5)}`;
const WAIT_MS = 15000;

// -----------------------------------------------------------------------------
// The PBX stand-in: a real local HTTP listener recording each request's arrival
// -----------------------------------------------------------------------------

/** @typedef {{ at: number, method: string, path: string, body: string }} Arrival */

/** @type {Map<string, (arrival: Arrival) => void>} */
const waiting = new Map();
/** @type {Arrival[]} */
const unexpected = [];

const listener = createServer((req, res) => {
    const at = Date.now(); // the request line and headers are in
    /** @type {Buffer[]} */
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
        const path = new URL(req.url ?? "/", "http://listener").pathname;
        const arrival = { at, method: req.method ?? "", path, body: Buffer.concat(chunks).toString() };
        const resolve = waiting.get(path);
        if (resolve) {
            waiting.delete(path);
            resolve(arrival);
        } else {
            unexpected.push(arrival);
        }
        res.writeHead(200, { "Content-Type": "application/json", "Access-Control-Allow-Origin": "*" });
        res.end(JSON.stringify({ ok: true }));
    });
});
await new Promise((resolve) => listener.listen(0, "127.0.0.1", () => resolve(undefined)));
const address = listener.address();
if (!address || typeof address === "string") {
    throw new Error("the listener has no port");
}
const LISTENER = `http://127.0.0.1:${address.port}`;

/** The next request to `path` (one at a time per path). @param {string} path @returns {Promise<Arrival>} */
function nextArrival(path) {
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
            waiting.delete(path);
            reject(new Error(`no request to ${path} after ${WAIT_MS / 1000} s`));
        }, WAIT_MS);
        waiting.set(path, (arrival) => {
            clearTimeout(timer);
            resolve(arrival);
        });
    });
}

// -----------------------------------------------------------------------------
// JSON-RPC as the admin, in a web session (/jsonrpc is deprecated on Odoo 19)
// -----------------------------------------------------------------------------

const { jsonrpc, call } = odooSession(BASE);

const session = await jsonrpc("/web/session/authenticate", {
    db: opts.db,
    login: opts.login,
    password: opts.password,
});
if (!session?.uid) {
    throw new Error(`cannot log in as ${opts.login} on ${opts.db}`);
}

/** @param {string} module @param {string} name @returns {Promise<number>} */
async function xmlid(module, name) {
    const [row] = await call("ir.model.data", "search_read", [[["module", "=", module], ["name", "=", name]]], {
        fields: ["res_id"],
    });
    if (!row) {
        throw new Error(`no ${module}.${name}`);
    }
    return row.res_id;
}

const SALES_LOGIN = `pbx_bench_${RUN}`;
const groups = [
    await xmlid("pbx_callcenter", "pbx_callcenter_group_user"),
    await xmlid("sales_team", "group_sale_salesman"),
];
// a user's groups: `groups_id` before Odoo 19, `group_ids` from 19
const groupsField = "group_ids" in (await call("res.users", "fields_get", [["groups_id", "group_ids"]], {
    attributes: ["type"],
}))
    ? "group_ids"
    : "groups_id";
const userId = await call("res.users", "create", [{
    name: `Bench Salesperson ${RUN}`,
    login: SALES_LOGIN,
    password: SALES_LOGIN,
    [groupsField]: groups.map((id) => [4, id]),
}]);
const connection = await call("pbx.connection", "provision", [{ name: `Bench Dial PBX ${RUN}`, kind: "generic" }]);
// the originate settings are the administrator's (base.group_system), as in the form
await call("pbx.connection", "write", [[connection.id], {
    country_id: await xmlid("base", "vn"),
    originate_method: "generic_http",
    originate_http_method: "POST",
    originate_url: `${LISTENER}/originate`,
    originate_body_format: "json",
    originate_body: '{"extension": "{extension}", "number": "{number}"}',
}]);
await call("pbx.extension", "create", [{
    connection_id: connection.id, name: EXTENSION, user_id: userId, is_default: true, dial_code: "none",
}]);
const partnerId = await call("res.partner", "create", [{ name: `Bench Callee ${RUN}`, phone: PHONE }]);

// -----------------------------------------------------------------------------
// Browser
// -----------------------------------------------------------------------------

const FIELD = `.o_form_view .o_phone_content:has(.o_pbx_callcenter_dial_more[data-number='${PHONE}'])`;
/** Odoo's links of the phone field: the number (read-only) or *Call* (editable form). */
const LINK = `${FIELD} > a.o_form_uri, ${FIELD} > a.o_phone_form_link`;

const browser = await launchChromium(opts.chromium);
/** @type {{ dial: number[], rpc: number[], floor: number[] }} */
const samples = { dial: [], rpc: [], floor: [] };
try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    /** @type {string[]} */
    const errors = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${BASE}/web/login?db=${encodeURIComponent(opts.db)}`);
    await page.fill("input[name=login]", SALES_LOGIN);
    await page.fill("input[name=password]", SALES_LOGIN);
    await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
    await page.goto(`${BASE}/web#id=${partnerId}&model=res.partner&view_type=form`);
    await page.waitForSelector(FIELD, { timeout: 60000 });
    // the time each click on the number is dispatched in the page (capture phase: first of all)
    await page.evaluate(() => {
        window.addEventListener(
            "click",
            (ev) => {
                if (ev.target instanceof Element && ev.target.closest("a.o_form_uri, a.o_phone_form_link")) {
                    /** @type {any} */ (window).pbxBenchClickAt = Date.now();
                }
            },
            true
        );
    });
    const title = await page.locator(LINK).first().getAttribute("title");
    if (title !== `Call through the PBX (ext. ${EXTENSION})`) {
        throw new Error(`the number is not the PBX control for this user (title "${title}")`);
    }

    for (let i = 0; i < WARMUP + CALLS; i++) {
        // click on the number → originate request at the listener
        await page.evaluate(() => {
            /** @type {any} */ (window).pbxBenchClickAt = null;
        });
        await page.hover(FIELD); // the form's *Call* link shows on hover
        const originated = nextArrival("/originate");
        const answered = page.waitForResponse((response) => response.url().includes("/pbx_dial"), { timeout: WAIT_MS });
        await page.click(LINK);
        const arrival = await originated;
        const answer = await (await answered).json();
        if (answer.result?.status !== "ok") {
            throw new Error(`pbx_dial answered ${JSON.stringify(answer.result ?? answer.error)}`);
        }
        const clickAt = await page.evaluate(() => /** @type {any} */ (window).pbxBenchClickAt);
        if (typeof clickAt !== "number") {
            throw new Error("the click did not reach the number's link");
        }
        // the "Calling …" notification would cover the field: close it
        await page.click(".o_notification:has-text('Calling') .o_notification_close", { timeout: WAIT_MS });
        await page.waitForSelector(".o_notification", { state: "detached", timeout: WAIT_MS });
        const sent = JSON.parse(arrival.body);
        if (arrival.method !== "POST" || sent.extension !== EXTENSION || !sent.number) {
            throw new Error(`the listener got ${arrival.method} ${arrival.body}`);
        }

        // network floor: the page's own fetch → arrival at the listener
        const floorArrival = nextArrival("/floor");
        const floorSent = await page.evaluate(async (url) => {
            const at = Date.now();
            await fetch(url, { method: "POST", body: "floor" });
            return at;
        }, `${LISTENER}/floor`);
        const floor = (await floorArrival).at - floorSent;

        // one JSON-RPC round trip of a trivial read, as the web client sends it
        const rpc = await page.evaluate(async (uid) => {
            const at = Date.now();
            const response = await fetch("/web/dataset/call_kw/res.users/read", {
                method: "POST",
                headers: { "Content-Type": "application/json" },
                body: JSON.stringify({
                    jsonrpc: "2.0",
                    method: "call",
                    params: { model: "res.users", method: "read", args: [[uid], ["name"]], kwargs: {} },
                }),
            });
            const body = await response.json();
            if (body.error || !body.result?.length) {
                throw new Error(`read failed: ${JSON.stringify(body.error)}`);
            }
            return Date.now() - at;
        }, userId);

        if (i >= WARMUP) {
            samples.dial.push(arrival.at - clickAt);
            samples.floor.push(floor);
            samples.rpc.push(rpc);
        }
    }
    if (errors.length) {
        throw new Error(`page errors: ${errors.join("; ")}`);
    }
    if (unexpected.length) {
        throw new Error(`the listener got unexpected requests: ${unexpected.map((r) => `${r.method} ${r.path}`).join(", ")}`);
    }
} finally {
    await browser.close();
    listener.close();
}

// -----------------------------------------------------------------------------
// Report
// -----------------------------------------------------------------------------

/** @param {number[]} sorted @param {number} p */
function percentile(sorted, p) {
    const rank = Math.ceil((p / 100) * sorted.length) - 1;
    return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

/** @typedef {{ p50_ms: number, p95_ms: number, min_ms: number, max_ms: number, mean_ms: number }} Stats */

/** @param {number[]} values @returns {Stats} */
function stats(values) {
    const sorted = [...values].sort((a, b) => a - b);
    return {
        p50_ms: percentile(sorted, 50),
        p95_ms: percentile(sorted, 95),
        min_ms: sorted[0],
        max_ms: sorted[sorted.length - 1],
        mean_ms: Math.round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
    };
}

const dial = stats(samples.dial);
const rpc = stats(samples.rpc);
const floor = stats(samples.floor);
/** @param {number} a @param {number} b */
const ratio = (a, b) => Math.round((a / Math.max(b, 1)) * 100) / 100;
const result = {
    bench: "dial_latency",
    label: opts.label || undefined,
    calls: samples.dial.length,
    dial,
    rpc_round_trip: rpc,
    network_floor: floor,
    dial_over_rpc_p50: ratio(dial.p50_ms, rpc.p50_ms),
    dial_over_rpc_p95: ratio(dial.p95_ms, rpc.p95_ms),
    // the machine's load at the end (1, 5, 15 min): absolute times depend on it, ratios less
    load_avg: loadavg().map((load) => Math.round(load * 100) / 100),
};
/** @param {Stats} s */
const line = (s) => `p50 ${s.p50_ms} ms, p95 ${s.p95_ms} ms (min ${s.min_ms}, max ${s.max_ms}, mean ${s.mean_ms})`;
console.log(`click-to-dial latency${opts.label ? ` (${opts.label})` : ""}: ${result.calls} calls`);
console.log(`  click on the number → originate at the PBX listener: ${line(dial)}`);
console.log(`  baseline, one JSON-RPC round trip (call_kw read):     ${line(rpc)}`);
console.log(`  baseline, page fetch → listener (network floor):      ${line(floor)}`);
console.log(`  dial / round trip: p50 ${result.dial_over_rpc_p50}x, p95 ${result.dial_over_rpc_p95}x (load average ${result.load_avg.join(", ")})`);
console.log(JSON.stringify(result));
