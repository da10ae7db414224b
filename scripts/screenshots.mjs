// Screenshots of the Odoo Apps page (odoo_addon/pbx_callcenter/static/description/*.png), taken
// in Debian's Chromium from a running demo (`npm run demo`): real widgets fed by real PBX events.
//
//   npm run screenshots -- --url http://127.0.0.1:8069 --db pbx_demo     (or PBX_ODOO_URL, PBX_DEMO_DB)
//        [--token <the demo PBX token>] [--out <dir>] [--chromium /usr/bin/chromium]
//
// As the admin (JSON-RPC) it gives the demo caller Grace Caller a company and an opportunity, the
// Demo PBX dial codes with extension 102 (Sam Sales) on "ask", and plays two earlier calls of
// Grace through the PBX routes with the demo token. Then, logged in as Sam Sales: a call_in of
// Grace (popup card), the dial-code chooser of her phone, her chatter; as the admin: the
// extension binding screen and the Demo PBX form. Each capture first checks that the page shows
// what its caption says; PNGs are squeezed with Debian's optipng when it is installed.
import { execFileSync } from "node:child_process";
import { statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { launchChromium, odooSession } from "./odoo_session.mjs";

/** @typedef {import("playwright-core").Page} Page */

// -----------------------------------------------------------------------------
// Options
// -----------------------------------------------------------------------------

const REPO = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values: opts } = parseArgs({
    options: {
        url: { type: "string", default: process.env.PBX_ODOO_URL ?? "http://127.0.0.1:8069" },
        db: { type: "string", default: process.env.PBX_DEMO_DB ?? "pbx_demo" },
        // the demo data's public token (scripts/demo.sh)
        token: { type: "string", default: process.env.PBX_DEMO_TOKEN ?? "pbx_demo_token_do_not_use_in_production" },
        out: { type: "string", default: join(REPO, "odoo_addon/pbx_callcenter/static/description") },
        chromium: { type: "string", default: process.env.PBX_CHROMIUM ?? "/usr/bin/chromium" },
    },
});
const BASE = opts.url.replace(/\/$/, "");
const VIEWPORT = { width: 1280, height: 800 };
const RUN = Date.now().toString(36);

// -----------------------------------------------------------------------------
// JSON-RPC as the admin, in a web session
// -----------------------------------------------------------------------------

const { jsonrpc, call, cookie } = odooSession(BASE);

/** The id of `module.name` (the module's demo data, the apps' menus). @param {string} module @param {string} name @returns {Promise<number>} */
async function xmlid(module, name) {
    const [row] = await call("ir.model.data", "search_read", [[["module", "=", module], ["name", "=", name]]], {
        fields: ["res_id"],
    });
    if (!row) {
        throw new Error(`no ${module}.${name} in ${opts.db}: run the screenshots against \`npm run demo\``);
    }
    return row.res_id;
}
const demoRecord = (/** @type {string} */ name) => xmlid("pbx_callcenter", name);

/** POST one canonical event with the demo token; the answer must be ok. @param {string} route @param {object} payload */
async function pbxEvent(route, payload) {
    const response = await fetch(`${BASE}/api/callcenter/${route}`, {
        method: "POST",
        headers: { Authorization: `Bearer ${opts.token}`, "Content-Type": "application/json", Cookie: cookie() },
        body: JSON.stringify(payload),
    });
    const body = await response.json();
    if (!body.ok) {
        throw new Error(`${route} refused: ${JSON.stringify(body)}`);
    }
    return body;
}

/** ISO 8601 UTC time `minutes` ago, as a PBX's calldate. */
const minutesAgo = (/** @type {number} */ minutes) => new Date(Date.now() - minutes * 60000).toISOString().replace(/\.\d+Z$/, "Z");

// -----------------------------------------------------------------------------
// The demo data shown
// -----------------------------------------------------------------------------

const login = await jsonrpc("/web/session/authenticate", { db: opts.db, login: "admin", password: "admin" });
if (!login?.uid) {
    throw new Error(`cannot log in as admin/admin on ${opts.db} at ${BASE}`);
}
const connectionId = await demoRecord("demo_connection");
const salesId = await demoRecord("demo_user_sales");
const graceId = await demoRecord("demo_partner_caller");
const [grace] = await call("res.partner", "read", [[graceId], ["name", "phone", "parent_id"]]);
const salesExtension = "102";
// the app whose name the navigation bar shows
const menus = {
    crm: await xmlid("crm", "crm_menu_root"),
    contacts: await xmlid("contacts", "menu_contacts"),
    callCenter: await demoRecord("pbx_callcenter_menu_root"),
};

if (!grace.parent_id) {
    const companyId = await call("res.partner", "create", [{ name: "Bluebird Logistics", is_company: true }]);
    await call("res.partner", "write", [[graceId], { parent_id: companyId }]);
}
const opportunity = { name: "20 desk phones for the new office", partner_id: graceId, type: "opportunity" };
if (!(await call("crm.lead", "search_count", [Object.entries(opportunity).map(([key, value]) => [key, "=", value])]))) {
    await call("crm.lead", "create", [{ ...opportunity, user_id: salesId, expected_revenue: 12400 }]);
}
await call("pbx.connection", "write", [[connectionId], { dial_codes: "LONGDIS:1000;LOCAL:9" }]);
await call("pbx.extension", "write", [[await demoRecord("demo_extension_sales")], { dial_code: "ask" }]);
// two earlier calls, once: an answered one with its recording, and a missed one
if ((await call("pbx.call", "search_count", [[["partner_id", "=", graceId]]])) < 2) {
    const earlier = [
        { status: "ANSWERED", minutes: 26 * 60, duration: 252, billsec: 238, recordingfile: "grace-2711.wav" },
        { status: "NO ANSWER", minutes: 95, duration: 21, billsec: 0 },
    ];
    for (const [index, { minutes, ...fields }] of earlier.entries()) {
        const callid = `shots-${RUN}-${index}`;
        await pbxEvent("call_in", { phone: grace.phone, extension: salesExtension, callid });
        await pbxEvent("call_out", { phone: grace.phone, extension: salesExtension, callid, calldate: minutesAgo(minutes), ...fields });
    }
}

// -----------------------------------------------------------------------------
// Browser
// -----------------------------------------------------------------------------

/** @type {string[]} */
const written = [];
/** @type {string[]} */
const pageErrors = [];

/**
 * Checks the page, then writes `<out>/<name>.png` of the viewport, cut below `bottomOf` if given.
 * @param {Page} page @param {string} name @param {() => Promise<void>} check @param {string} [bottomOf]
 */
async function capture(page, name, check, bottomOf) {
    await check();
    await page.mouse.move(0, VIEWPORT.height - 1); // no hover effect
    await page.waitForTimeout(300); // transitions end
    let clip;
    if (bottomOf) {
        const box = await page.locator(bottomOf).first().boundingBox();
        const height = Math.min(VIEWPORT.height, Math.max(400, Math.ceil((box?.y ?? 0) + (box?.height ?? 0) + 24)));
        clip = { x: 0, y: 0, width: VIEWPORT.width, height };
    }
    const path = join(opts.out, `${name}.png`);
    await page.screenshot({ path, clip, animations: "disabled" });
    written.push(path);
}

/** Fails unless `selector` shows `text`. @param {Page} page @param {string} selector @param {string} text */
async function expectText(page, selector, text) {
    const shown = (await page.textContent(selector)) ?? "";
    if (!shown.includes(text)) {
        throw new Error(`${selector} shows "${shown.trim().slice(0, 200)}", expected "${text}"`);
    }
}

/** A logged-in page of `user`. @param {import("playwright-core").Browser} browser @param {string} user @param {string} password */
async function openSession(browser, user, password) {
    const context = await browser.newContext({ viewport: VIEWPORT, locale: "en-US" });
    const page = await context.newPage();
    page.on("pageerror", (/** @type {Error} */ error) => pageErrors.push(`${user}: ${error.message}`));
    await page.goto(`${BASE}/web/login?db=${encodeURIComponent(opts.db)}`);
    await page.fill("input[name=login]", user);
    await page.fill("input[name=password]", password);
    await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
    await page.waitForSelector(".o_web_client", { timeout: 60000 });
    return page;
}

/**
 * Opens `hash` (the /web# part: action, or model + id) in the app of `menu`; waits for `selector`.
 * @param {Page} page @param {number} menu @param {string} hash @param {string} selector
 */
async function open(page, menu, hash, selector) {
    await page.goto(`${BASE}/web#menu_id=${menu}&${hash}`);
    await page.waitForSelector(selector, { timeout: 60000 });
    await page.waitForTimeout(1000); // images and lazy parts (the bus never lets the network idle)
}

const browser = await launchChromium(opts.chromium);
try {
    // ---- the salesperson --------------------------------------------------------
    const sales = await openSession(browser, "sales", "sales");
    await open(sales, menus.crm, "action=crm.crm_lead_action_pipeline", ".o_kanban_view");
    await sales.waitForSelector(".o_pbx_callcenter_popup_stack", { state: "attached", timeout: 60000 });
    await sales.waitForTimeout(2000); // the bus connects after the web client started
    while (await sales.locator(".o_pbx_callcenter_popup_dismiss").count()) {
        await sales.locator(".o_pbx_callcenter_popup_dismiss").first().click(); // the earlier calls' cards
    }
    const callid = `shots-${RUN}-ringing`;
    await pbxEvent("call_in", { phone: grace.phone, extension: salesExtension, callid });
    const card = `.o_pbx_callcenter_popup[data-callid="${callid}"]`;
    await sales.waitForSelector(`${card} .o_pbx_callcenter_popup_last_calls`, { timeout: 15000 });
    await sales.fill(`${card} .o_pbx_callcenter_popup_notes`, "Wants a quote before Friday");
    await capture(sales, "screenshot_popup", async () => {
        await expectText(sales, `${card} .o_pbx_callcenter_popup_name`, grace.name);
        await expectText(sales, `${card} .o_pbx_callcenter_popup_company`, "Bluebird Logistics");
        await expectText(sales, `${card} .o_pbx_callcenter_popup_opportunities`, opportunity.name);
    });
    await sales.click(`${card} .o_pbx_callcenter_popup_save`);
    await sales.waitForSelector(`${card} .o_pbx_callcenter_popup_save[disabled]`);
    await pbxEvent("call_out", { phone: grace.phone, extension: salesExtension, callid, calldate: minutesAgo(3), duration: 170, billsec: 161, status: "ANSWERED", recordingfile: "grace-quote.wav" });
    await sales.click(`${card} .o_pbx_callcenter_popup_dismiss`);

    await open(sales, menus.contacts, `id=${graceId}&model=res.partner&view_type=form`, ".o_form_view .o_pbx_callcenter_dial_button");
    await sales.click(".o_form_view .o_field_widget[name=phone] .o_pbx_callcenter_dial_button");
    await sales.waitForSelector(".o_pbx_callcenter_dial_chooser");
    await capture(sales, "screenshot_click_to_dial", async () => {
        await expectText(sales, ".o_pbx_callcenter_dial_chooser", "LONGDIS");
        await expectText(sales, ".o_pbx_callcenter_dial_chooser", "No prefix");
    }, ".o_pbx_callcenter_dial_chooser");
    await sales.keyboard.press("Escape");

    const chatter = ".o-mail-Chatter";
    await sales.waitForSelector(`${chatter} .o-mail-Message`);
    await sales.locator(`${chatter} .o-mail-Message`).first().scrollIntoViewIfNeeded();
    await capture(sales, "screenshot_chatter", async () => {
        await expectText(sales, chatter, "Wants a quote before Friday");
        await expectText(sales, chatter, "Play recording");
    });

    // ---- the admin ----------------------------------------------------------------
    const admin = await openSession(browser, "admin", "admin");
    const screen = ".o_pbx_callcenter_extension_binding";
    await open(admin, menus.callCenter, "action=pbx_callcenter.pbx_extension_binding_action", `${screen} select.o_pbx_callcenter_extension_picker`);
    await capture(admin, "screenshot_extension_binding", async () => {
        await expectText(admin, screen, "Sam Sales");
        await expectText(admin, screen, "Demo PBX");
    }, `${screen} .o_pbx_callcenter_binding_table`);

    await open(admin, menus.callCenter, `id=${connectionId}&model=pbx.connection&view_type=form`, ".o_form_view .o_form_sheet");
    await capture(admin, "screenshot_connection", async () => {
        await expectText(admin, ".o_form_view", "Demo PBX");
        await expectText(admin, ".o_form_view", "…tion"); // the token's hint, never the token
        if ((await admin.content()).includes(opts.token)) {
            throw new Error("the connection form shows the API token");
        }
    });
    if (pageErrors.length) {
        throw new Error(`page errors: ${pageErrors.join("; ")}`);
    }
} finally {
    await browser.close();
}

// -----------------------------------------------------------------------------
// Report
// -----------------------------------------------------------------------------

let optimised = false;
try {
    execFileSync("optipng", ["-quiet", "-o2", "-strip", "all", ...written]);
    optimised = true;
} catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code !== "ENOENT") {
        throw error;
    }
}
for (const path of written) {
    console.log(`${path}  ${Math.round(statSync(path).size / 1024)} KB`);
}
console.log(optimised ? "optimised with optipng" : "optipng not installed (apt-get install optipng): PNGs left as Chromium wrote them");
