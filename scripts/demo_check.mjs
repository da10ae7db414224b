// Checks a running demo (`npm run demo`) as its salesperson sees it, in Debian's Chromium:
// 1. logs in with the login the banner advertises; the demo PBX then rings their extension: a
//    popup card names the known caller, another shows an unknown number, a third a missed call;
// 2. the missed call left a call-back activity; clicking the caller's phone on her form calls
//    through the PBX stand-in (no tel: link), whose call comes back answered and recorded;
// 3. the recording of that call is a WAV file the stand-in serves.
// One line per check, exit 1 when one fails.
//
//   node scripts/demo_check.mjs --url http://127.0.0.1:8069 --db pbx_demo [--login sales --password sales]
import { parseArgs } from "node:util";
import { launchChromium } from "./odoo_session.mjs";

const { values: opts } = parseArgs({
    options: {
        url: { type: "string", default: "http://127.0.0.1:8069" },
        db: { type: "string", default: "pbx_demo" },
        login: { type: "string", default: "sales" },
        password: { type: "string", default: "sales" },
        chromium: { type: "string", default: process.env.PBX_CHROMIUM ?? "/usr/bin/chromium" },
    },
});
const BASE = opts.url.replace(/\/+$/, "");
const CALLER = "Grace Caller"; // demo/pbx_callcenter_demo.xml, demo_partner_caller
let failed = 0;

/** @param {string} what @param {() => Promise<string | void>} run */
async function check(what, run) {
    try {
        const detail = await run();
        console.log(`ok   ${what}${detail ? `: ${detail}` : ""}`);
        return true;
    } catch (error) {
        failed++;
        console.log(`FAIL ${what}: ${/** @type {Error} */ (error).message.split("\n")[0]}`);
        return false;
    }
}

/** Polls `probe` until it returns a truthy value. @template T @param {() => Promise<T>} probe @param {number} ms */
async function until(probe, ms) {
    const end = Date.now() + ms;
    for (;;) {
        const value = await probe();
        if (value || Date.now() > end) {
            return value;
        }
        await new Promise((resolve) => setTimeout(resolve, 1000));
    }
}

const browser = await launchChromium(opts.chromium);
try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-US" });
    const page = await context.newPage();
    await page.goto(`${BASE}/web/login?db=${encodeURIComponent(opts.db)}`);
    await page.fill("input[name=login]", opts.login);
    await page.fill("input[name=password]", opts.password);
    await page.click("button[type=submit]");
    await page.waitForSelector(".o_web_client", { timeout: 120000 });

    /** JSON-RPC in the page's session: what the salesperson may read (one login, one ring). */
    const call = (/** @type {string} */ model, /** @type {string} */ method, /** @type {unknown[]} */ args, kwargs = {}) =>
        page.evaluate(
            async ({ model, method, args, kwargs }) => {
                const response = await fetch(`/web/dataset/call_kw/${model}/${method}`, {
                    method: "POST",
                    headers: { "Content-Type": "application/json" },
                    body: JSON.stringify({ jsonrpc: "2.0", method: "call", params: { model, method, args, kwargs } }),
                });
                const body = await response.json();
                if (body.error) {
                    throw new Error(body.error.data?.message ?? body.error.message);
                }
                return body.result;
            },
            { model, method, args, kwargs }
        );
    const uid = await page.evaluate(async () => {
        const response = await fetch("/web/session/get_session_info", {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ jsonrpc: "2.0", method: "call", params: {} }),
        });
        return (await response.json()).result?.uid;
    });
    const [grace] = await call("res.partner", "search_read", [[["name", "=", CALLER]]], { fields: ["id", "phone", "user_id"] });

    await check(`${opts.login} sees ${CALLER} as one of their contacts`, async () => {
        if (!uid || !grace) {
            throw new Error(`${opts.login} cannot log in or cannot read ${CALLER}`);
        }
        return `${grace.phone}, salesperson ${grace.user_id?.[1]}`;
    });
    const card = ".o_pbx_callcenter_popup";
    await check(`a popup names the known caller ${CALLER}`, async () => {
        await page.waitForSelector(`${card}:has-text("${CALLER}")`, { timeout: 60000 });
    });
    await check("a popup shows an unknown number", async () => {
        await page.waitForSelector(`${card}:has-text("Automatic New Contact"), ${card}:has(.o_pbx_callcenter_popup_unknown)`, {
            timeout: 30000,
        });
    });
    await check(`the missed call of ${CALLER} left a call-back activity for ${opts.login}`, async () => {
        const found = await until(
            () =>
                call("mail.activity", "search_read", [[["res_model", "=", "res.partner"], ["res_id", "=", grace.id], ["user_id", "=", uid], ["pbx_callback_key", "!=", false]]], {
                    fields: ["summary"],
                }),
            60000
        );
        if (!found?.length) {
            throw new Error("no call-back activity");
        }
        return found[0].summary;
    });

    const dialStart = new Date(Date.now() - 5000).toISOString().replace("T", " ").slice(0, 19);
    await check(`clicking ${CALLER}'s phone calls through the demo PBX`, async () => {
        await page.goto(`${BASE}/web#id=${grace.id}&model=res.partner&view_type=form`);
        await page.waitForSelector(".o_form_view .o_field_widget[name=phone]", { timeout: 60000 });
        // The demo's cards keep arriving over the bus for a while after the page loads, and the
        // stack (bottom right) covers the phone field's ▾ on Odoo 17/18's partner form (right
        // column): cards are dismissed before the menu is opened (dismissing closes it), and a
        // click a card got in the way of is tried again, for a minute.
        const dismiss = page.locator(".o_pbx_callcenter_popup_dismiss");
        const end = Date.now() + 60000;
        const dismissAll = async () => {
            while ((await dismiss.count()) && Date.now() < end) {
                await dismiss.first().click({ timeout: 5000 }).catch(() => undefined);
            }
        };
        const giveUp = async (/** @type {string} */ what, /** @type {unknown} */ error) => {
            const seen = await page.locator(".o_notification").allTextContents();
            const cards = await page.locator(".o_pbx_callcenter_popup").count();
            await page.screenshot({ path: `${process.env.PBX_DEMO_CHECK_SHOTS ?? "/tmp"}/demo_check_dial.png` }).catch(() => undefined);
            const why = error instanceof Error ? error.message.split("\n").find((line) => /intercepts|not visible|not stable|not enabled/.test(line)) : undefined;
            throw new Error(`${what}${why ? ` (${why.trim()})` : ""}; ${cards} cards shown; notifications: ${JSON.stringify(seen.map((text) => text.trim()))}`);
        };
        // the phone button; or, where the number itself dials, its ▾ menu's "through the PBX"
        // item; then a dial code chooser ("ask") when the connection has one; until "Calling".
        const field = ".o_form_view .o_field_widget[name=phone]";
        const control = page
            .locator(`${field} .o_pbx_callcenter_dial_button, ${field} .o_pbx_callcenter_dial_more`)
            .filter({ visible: true }) // not a copy the form renders hidden (another tab, a layout)
            .first();
        const item = page.locator(".o_pbx_callcenter_dial_pbx").filter({ visible: true }).first();
        const choice = page.locator(".o_pbx_callcenter_dial_choice").filter({ visible: true }).first();
        const notice = page.locator(".o_notification").filter({ hasText: /calling/i });
        let placed = false;
        /** @type {unknown} */
        let lastError;
        while (!(await notice.count())) {
            if (Date.now() > end) {
                await giveUp(placed ? 'no "Calling" notification after the dial' : "the dial control never took the click", lastError);
            }
            try {
                if (await choice.count()) {
                    await choice.click({ timeout: 5000 });
                    placed = true;
                } else if (!placed && (await item.count())) {
                    await item.click({ timeout: 5000 });
                    placed = true;
                } else if (!placed) {
                    // dismissing closes an open menu too: only before opening it
                    await dismissAll();
                    await control.click({ timeout: 5000 });
                    placed = await control.evaluate((element) => element.classList.contains("o_pbx_callcenter_dial_button"));
                }
            } catch (error) {
                lastError = error; // a card came in the way: dismiss it, open the menu again
                if (!placed) {
                    await dismissAll();
                }
            }
            await page.waitForTimeout(250);
        }
        return (await notice.first().textContent())?.trim();
    });
    /** @type {{ id: number, recording_url: string, state: string }[] | undefined} */
    let dialled;
    await check("the PBX stand-in plays that call back into Odoo: answered, recorded", async () => {
        dialled = await until(
            async () => {
                const rows = await call("pbx.call", "search_read", [[["partner_id", "=", grace.id], ["direction", "=", "out"], ["create_date", ">=", dialStart], ["recording_url", "!=", false]]], {
                    fields: ["state", "recording_url"],
                });
                return rows.length ? rows : undefined;
            },
            60000
        );
        if (!dialled) {
            throw new Error("no recorded outgoing call");
        }
        return `${dialled[0].state}, ${dialled[0].recording_url}`;
    });
    await check("the recording plays: the stand-in serves a WAV file", async () => {
        const response = await fetch(dialled?.[0].recording_url ?? "");
        const bytes = Buffer.from(await response.arrayBuffer());
        if (response.status !== 200 || response.headers.get("content-type") !== "audio/wav" || bytes.toString("ascii", 8, 12) !== "WAVE") {
            throw new Error(`HTTP ${response.status} ${response.headers.get("content-type")}`);
        }
        return `${bytes.length} bytes`;
    });
} finally {
    await browser.close();
}
console.log(failed ? `${failed} checks failed` : "all checks passed");
process.exit(failed ? 1 : 0);
