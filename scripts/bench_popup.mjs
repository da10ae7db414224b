// Popup latency bench: from the `call_in` POST to the popup card visible in Chromium.
//
//   node scripts/bench_popup.mjs --url http://127.0.0.1:8069 --db mydb [--login admin]   (or PBX_ODOO_* env)
//        [--password admin] [--calls 30] [--label odoo17]
//
// Against a running Odoo with pbx_callcenter installed: as the admin (JSON-RPC) it creates a
// salesperson bound to an extension of a new PBX connection and a known caller, logs the
// salesperson in with playwright-core driving Debian's Chromium, then for each call POSTs a
// call_in (real HTTP, Bearer token) and measures until the card of that call is painted
// (MutationObserver + requestAnimationFrame, same machine clock). Prints p50/p95 and a JSON line.
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
    console.error("usage: bench_popup.mjs --url http://127.0.0.1:8069 --db <db> [--calls 30]");
    process.exit(2);
}
const BASE = opts.url.replace(/\/$/, "");
const CALLS = Number(opts.calls);
const WARMUP = Number(opts.warmup);
const RUN = `b${Date.now().toString(36)}`;
const EXTENSION = `7${String(Date.now() % 1000).padStart(3, "0")}`;

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
const connection = await call("pbx.connection", "provision", [{ name: `Bench PBX ${RUN}`, kind: "generic" }]);
await call("pbx.extension", "create", [{ connection_id: connection.id, name: EXTENSION, user_id: userId }]);
const CALLER = `Bench Caller ${RUN}`;
const CALLER_PHONE = `+8428${String(Date.now()).slice(-8)}`;
await call("res.partner", "create", [{ name: CALLER, phone: CALLER_PHONE }]);

/** @param {string} callid */
async function callIn(callid) {
    const response = await fetch(`${BASE}/api/callcenter/call_in`, {
        method: "POST",
        headers: { Authorization: `Bearer ${connection.token}`, "Content-Type": "application/json" },
        body: JSON.stringify({ phone: CALLER_PHONE, extension: EXTENSION, callid }),
    });
    const body = await response.json();
    if (!body.ok) {
        throw new Error(`call_in refused: ${JSON.stringify(body)}`);
    }
}

// -----------------------------------------------------------------------------
// Browser
// -----------------------------------------------------------------------------

const browser = await launchChromium(opts.chromium);
/** @type {number[]} */
const samples = [];
try {
    const page = await browser.newPage();
    /** @type {string[]} */
    const errors = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${BASE}/web/login?db=${encodeURIComponent(opts.db)}`);
    await page.fill("input[name=login]", SALES_LOGIN);
    await page.fill("input[name=password]", SALES_LOGIN);
    await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
    await page.waitForSelector(".o_pbx_callcenter_popup_stack", { state: "attached", timeout: 60000 });
    // The bus connects after the web client started: wait for its first message round.
    await page.waitForTimeout(2000);

    for (let i = 0; i < WARMUP + CALLS; i++) {
        const callid = `${RUN}-${i}`;
        const painted = page.evaluate(
            (id) =>
                /** @type {Promise<number>} */ (new Promise((resolve, reject) => {
                    const selector = `.o_pbx_callcenter_popup[data-callid="${id}"]`;
                    const done = () => {
                        requestAnimationFrame(() => resolve(Date.now()));
                    };
                    if (document.querySelector(selector)) {
                        done();
                        return;
                    }
                    const observer = new MutationObserver(() => {
                        if (document.querySelector(selector)) {
                            observer.disconnect();
                            done();
                        }
                    });
                    observer.observe(document.body, { childList: true, subtree: true });
                    setTimeout(() => reject(new Error(`no popup for ${id} after 15 s`)), 15000);
                })),
            callid
        );
        await page.waitForTimeout(50); // the observer is installed
        const start = Date.now();
        await callIn(callid);
        const end = await painted;
        const name = await page.textContent(`.o_pbx_callcenter_popup[data-callid="${callid}"] .o_pbx_callcenter_popup_name`);
        if (name?.trim() !== CALLER) {
            throw new Error(`popup shows "${name}", expected "${CALLER}"`);
        }
        if (i >= WARMUP) {
            samples.push(end - start);
        }
        await page.click(`.o_pbx_callcenter_popup[data-callid="${callid}"] .o_pbx_callcenter_popup_dismiss`);
    }
    if (errors.length) {
        throw new Error(`page errors: ${errors.join("; ")}`);
    }
} finally {
    await browser.close();
}

// -----------------------------------------------------------------------------
// Report
// -----------------------------------------------------------------------------

/** @param {number[]} sorted @param {number} p */
function percentile(sorted, p) {
    const rank = Math.ceil((p / 100) * sorted.length) - 1;
    return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

const sorted = [...samples].sort((a, b) => a - b);
const result = {
    bench: "popup_latency",
    label: opts.label || undefined,
    calls: sorted.length,
    p50_ms: percentile(sorted, 50),
    p95_ms: percentile(sorted, 95),
    min_ms: sorted[0],
    max_ms: sorted.at(-1),
    mean_ms: Math.round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
};
console.log(
    `popup latency${opts.label ? ` (${opts.label})` : ""}: ${result.calls} calls, ` +
        `p50 ${result.p50_ms} ms, p95 ${result.p95_ms} ms (min ${result.min_ms}, max ${result.max_ms}, mean ${result.mean_ms})`
);
console.log(JSON.stringify(result));
