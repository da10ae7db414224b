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
//
//   npm run screenshots -- --url ... --db ... --set issue12 --prefix after
//        the set of issue 12 (docs/screenshots/issue12/<prefix>-<n>-<what>.png): popup stack, missed
//        call card, dial-code chooser in a form and in the last kanban column, phone field, Calls
//        list and pivot, chatter with a recording, connection form, binding screen, the caller's
//        form opened from a card (the card folded). Tolerant: an element a shot waits for that is
//        missing is logged and the page is taken as it is.
import { execFileSync } from "node:child_process";
import { mkdirSync, statSync } from "node:fs";
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
        set: { type: "string", default: "readme" },
        prefix: { type: "string", default: "after" },
    },
});
if (!["readme", "issue12"].includes(opts.set) || !/^[a-z0-9_-]+$/.test(opts.prefix)) {
    throw new Error("--set is readme or issue12; --prefix is made of a-z, 0-9, _ and -");
}
if (opts.set === "issue12" && !process.argv.includes("--out")) {
    opts.out = join(REPO, "docs/screenshots/issue12");
}
mkdirSync(opts.out, { recursive: true });
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
const [{ name: salesExtension }] = await call("pbx.extension", "read", [[await demoRecord("demo_extension_sales")], ["name"]]);
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

const SHORT = { timeout: 10000 };

/**
 * How long to wait after the salesperson's login before ringing: the bus connects after the web
 * client started, and the demo's PBX stand-in (scripts/demo_pbx.ts, click-to-dial "Generic HTTP")
 * rings the salesperson at each login; its calls must end before ours.
 */
async function ringsSettle() {
    const [{ originate_method: method }] = await call("pbx.connection", "read", [[connectionId], ["originate_method"]]);
    return method === "generic_http" ? 25000 : 2000;
}

/**
 * Dials the number of `scope` (a phone field or a card) with the demo extension's dial code on
 * "ask", and waits for the dial-code chooser: through the dial button, or the call menu's
 * "through the PBX" item. @param {Page} page @param {string} scope
 */
async function openDialCodes(page, scope) {
    const button = page.locator(`${scope} .o_pbx_callcenter_dial_button`);
    if (await button.count()) {
        await button.first().click(SHORT);
    } else {
        await page.locator(`${scope} .o_pbx_callcenter_dial_more`).first().click(SHORT);
        await page.locator(".o_pbx_callcenter_dial_pbx").first().click(SHORT);
    }
    await page.waitForSelector(".o_pbx_callcenter_dial_chooser .o_pbx_callcenter_dial_choice", SHORT);
}

// -----------------------------------------------------------------------------
// The README's set (static/description)
// -----------------------------------------------------------------------------

/** @param {import("playwright-core").Browser} browser */
async function readmeSet(browser) {
    // ---- the salesperson --------------------------------------------------------
    const sales = await openSession(browser, "sales", "sales");
    await open(sales, menus.crm, "action=crm.crm_lead_action_pipeline", ".o_kanban_view");
    await sales.waitForSelector(".o_pbx_callcenter_popup_stack", { state: "attached", timeout: 60000 });
    await sales.waitForTimeout(await ringsSettle());
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

    await open(sales, menus.contacts, `id=${graceId}&model=res.partner&view_type=form`, ".o_form_view .o_pbx_callcenter_click_to_dial");
    await openDialCodes(sales, ".o_form_view .o_field_widget[name=phone]");
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
}

// -----------------------------------------------------------------------------
// The set of issue 12 (before / after)
// -----------------------------------------------------------------------------

/**
 * Writes `<out>/<prefix>-<name>.png` of the viewport (or of `clipTo`'s surroundings) after
 * `prepare`; when `prepare` fails (an element of a newer or older UI is not there), says so and
 * takes the page as it is.
 * @param {Page} page @param {string} name @param {() => Promise<void>} prepare @param {string} [clipTo]
 */
async function tolerantShot(page, name, prepare, clipTo) {
    try {
        await prepare();
    } catch (error) {
        console.log(`${name}: ${/** @type {Error} */ (error).message.split("\n")[0]} (page taken as it is)`);
    }
    await page.mouse.move(0, VIEWPORT.height - 1);
    await page.waitForTimeout(500);
    let clip;
    const box = clipTo ? await page.locator(clipTo).first().boundingBox({ timeout: 2000 }).catch(() => null) : null;
    if (box) {
        const width = Math.min(VIEWPORT.width, Math.max(640, Math.ceil(box.width) + 240));
        const height = Math.min(VIEWPORT.height, Math.max(320, Math.ceil(box.height) + 160));
        const x = Math.max(0, Math.min(VIEWPORT.width - width, Math.round(box.x + box.width / 2 - width / 2)));
        const y = Math.max(0, Math.min(VIEWPORT.height - height, Math.round(box.y + box.height / 2 - height / 2)));
        clip = { x, y, width, height };
    }
    const path = join(opts.out, `${opts.prefix}-${name}.png`);
    await page.screenshot({ path, clip, animations: "disabled" });
    written.push(path);
}

/** @param {import("playwright-core").Browser} browser */
async function issue12Set(browser) {
    const sales = await openSession(browser, "sales", "sales");
    const dismissAll = async () => {
        while (await sales.locator(".o_pbx_callcenter_popup_dismiss").count()) {
            await sales.locator(".o_pbx_callcenter_popup_dismiss").first().click(SHORT);
        }
    };
    await open(sales, menus.crm, "action=crm.crm_lead_action_pipeline", ".o_kanban_view");
    await sales.waitForSelector(".o_pbx_callcenter_popup_stack", { state: "attached", timeout: 60000 }).catch(() => {});
    await sales.waitForTimeout(await ringsSettle());
    await dismissAll().catch(() => {});
    // a known caller ringing, an unknown one ringing, an unknown one that hung up
    const unknown = (/** @type {number} */ n) => `+1415555${String(Date.now() % 10000 + n).padStart(4, "0").slice(-4)}`;
    const calls = [
        { callid: `shots-${RUN}-known`, phone: grace.phone },
        { callid: `shots-${RUN}-unknown`, phone: unknown(1) },
        { callid: `shots-${RUN}-missed`, phone: unknown(2), missed: true },
    ];
    for (const { callid, phone, missed } of calls) {
        await pbxEvent("call_in", { phone, extension: salesExtension, callid });
        if (missed) {
            await pbxEvent("call_out", { phone, extension: salesExtension, callid, calldate: minutesAgo(1), duration: 18, billsec: 0, status: "NO ANSWER" });
        }
    }
    const card = (/** @type {string} */ callid) => `.o_pbx_callcenter_popup[data-callid="${callid}"]`;
    await tolerantShot(sales, "01-popup-stack", async () => {
        for (const { callid } of calls) {
            await sales.waitForSelector(card(callid), SHORT);
        }
    });
    await tolerantShot(sales, "02-missed-call-card", async () => {
        for (const { callid } of calls.slice(0, 2)) {
            await sales.locator(`${card(callid)} .o_pbx_callcenter_popup_dismiss`).click(SHORT);
        }
    }, card(calls[2].callid));
    for (const { callid, phone } of calls.filter((ringing) => !ringing.missed)) {
        // answered and over, or a newer web client would show them again on the next pages
        await pbxEvent("call_out", { phone, extension: salesExtension, callid, calldate: minutesAgo(1), duration: 30, billsec: 25, status: "ANSWERED" });
    }
    await dismissAll().catch(() => {});

    // Grace calls again and the salesperson opens her from the card: the card folds off the form
    const opened = `shots-${RUN}-open`;
    await pbxEvent("call_in", { phone: grace.phone, extension: salesExtension, callid: opened });
    await tolerantShot(sales, "11-open-folds-card", async () => {
        await sales.locator(`${card(opened)} .o_pbx_callcenter_popup_open`).click(SHORT);
        await sales.waitForSelector(".o_form_view .o_field_widget[name=phone]", SHORT);
        await sales.waitForSelector(`${card(opened)}.o_pbx_callcenter_popup_collapsed`, SHORT);
    });
    await pbxEvent("call_out", { phone: grace.phone, extension: salesExtension, callid: opened, calldate: minutesAgo(1), duration: 40, billsec: 35, status: "ANSWERED" });
    await dismissAll().catch(() => {});

    const form = `id=${graceId}&model=res.partner&view_type=form`;
    await open(sales, menus.contacts, form, ".o_form_view").catch(() => {});
    await tolerantShot(sales, "03-phone-field", async () => {
        await sales.waitForSelector(".o_form_view .o_field_widget[name=phone]", SHORT);
    }, ".o_form_view .o_field_widget[name=phone]");
    await tolerantShot(sales, "04-dial-chooser-form", () => openDialCodes(sales, ".o_form_view .o_field_widget[name=phone]"));
    await sales.keyboard.press("Escape");

    await tolerantShot(sales, "05-chatter-recording", async () => {
        const player = sales.locator(".o-mail-Chatter .o_pbx_callcenter_recording_player, .o-mail-Chatter a:has-text('recording')");
        await player.first().scrollIntoViewIfNeeded(SHORT);
    });

    await open(sales, menus.contacts, "action=contacts.action_contacts&view_type=kanban", ".o_kanban_view").catch(() => {});
    await tolerantShot(sales, "06-dial-chooser-kanban", async () => {
        const cards = ".o_kanban_record:has(.o_pbx_callcenter_click_to_dial)";
        await sales.waitForSelector(cards, SHORT);
        // the card of the last column: the rightmost one that can dial
        const all = await sales.locator(cards).all();
        let [rightmost, rightmostX] = [0, -1];
        for (const [index, card] of all.entries()) {
            const box = await card.boundingBox();
            if (box && box.x > rightmostX) {
                [rightmost, rightmostX] = [index, box.x];
            }
        }
        await all[rightmost].evaluate((card) => card.setAttribute("data-pbx-shot", "rightmost"));
        await all[rightmost].scrollIntoViewIfNeeded();
        await openDialCodes(sales, ".o_kanban_record[data-pbx-shot=rightmost]");
    });
    await sales.keyboard.press("Escape");

    await open(sales, menus.callCenter, "action=pbx_callcenter.pbx_call_action", ".o_list_view, .o_view_nocontent").catch(() => {});
    await tolerantShot(sales, "07-calls-list", () => sales.waitForSelector(".o_list_view .o_data_row", SHORT).then(() => {}));

    const admin = await openSession(browser, "admin", "admin");
    await open(admin, menus.callCenter, "action=pbx_callcenter.pbx_call_action_all&view_type=pivot", ".o_pivot, .o_view_nocontent").catch(() => {});
    await tolerantShot(admin, "08-calls-pivot", () => admin.waitForSelector(".o_pivot table", SHORT).then(() => {}));

    await open(admin, menus.callCenter, `id=${connectionId}&model=pbx.connection&view_type=form`, ".o_form_view").catch(() => {});
    await tolerantShot(admin, "09-connection-form", () => admin.waitForSelector(".o_form_view .o_form_sheet", SHORT).then(() => {}));

    const screen = ".o_pbx_callcenter_extension_binding";
    await open(admin, menus.callCenter, "action=pbx_callcenter.pbx_extension_binding_action", ".o_action_manager .o_action").catch(() => {});
    await tolerantShot(admin, "10-binding-screen", () => admin.waitForSelector(`${screen} .o_pbx_callcenter_binding_table, ${screen}`, SHORT).then(() => {}));
}

const browser = await launchChromium(opts.chromium);
try {
    await (opts.set === "issue12" ? issue12Set(browser) : readmeSet(browser));
    if (pageErrors.length && opts.set === "issue12") {
        console.log(`page errors: ${pageErrors.join("; ")}`);
    } else if (pageErrors.length) {
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
