// The demo's PBX stand-in, started by scripts/demo.sh (scripts/simulator/pbx_standin.ts):
// 1. as the demo admin, points the demo connection at itself: recordings under
//    <stand-in>/recordings/, click-to-dial as a Generic HTTP request to <stand-in>/originate;
// 2. reads from the demo data the salesperson's extension and known caller (the simulator's
//    defaults are the same: web/tests/simulator/demo_data.test.ts);
// 3. serves until stopped, and each time the salesperson logs in rings their extension: the known
//    caller (answered, recorded), an unknown number, the known caller again (missed).
//
//   node scripts/run_ts.mjs scripts/demo_pbx.ts --url http://127.0.0.1:8069 --db pbx_demo --token <t>
//        [--host 127.0.0.1] [--port 8071] [--pause 8]
import { parseArgs } from "node:util";
import { odooSession } from "./odoo_session.mjs";
import { PbxClient } from "./simulator/client";
import { PbxStandIn, RING_CHOICES } from "./simulator/pbx_standin";
import { describeError } from "./simulator/runner";

const { values: opts } = parseArgs({
    options: {
        url: { type: "string" },
        db: { type: "string" },
        token: { type: "string" },
        host: { type: "string", default: "127.0.0.1" },
        port: { type: "string", default: "8071" },
        pause: { type: "string", default: "8" },
    },
    strict: true,
});
if (!opts.url || !opts.db || !opts.token || !/^\d+$/.test(opts.port) || !/^\d+$/.test(opts.pause)) {
    console.error("usage: demo_pbx.ts --url <odoo> --db <database> --token <demo token> [--host H] [--port P] [--pause S]");
    process.exit(2);
}
const base = opts.url.replace(/\/+$/, "");
const say = (line: string) => console.log(`[demo pbx] ${line}`);

// ---- the demo data ---------------------------------------------------------------------------

const { jsonrpc, call } = odooSession(base);
async function demoId(name: string): Promise<number> {
    const rows: { res_id: number }[] = await call("ir.model.data", "search_read", [[["module", "=", "pbx_callcenter"], ["name", "=", name]]], {
        fields: ["res_id"],
    });
    if (!rows.length) {
        throw new Error(`no pbx_callcenter.${name} in ${opts.db}: the database has no demo data`);
    }
    return rows[0].res_id;
}

let salesUid: number;
let extension: string;
let phone: string;
let salesLogin: string;
let standIn: PbxStandIn;
try {
    const session = await jsonrpc("/web/session/authenticate", { db: opts.db, login: "admin", password: "admin" });
    if (!session?.uid) {
        throw new Error(`cannot log in as admin/admin on ${opts.db}`);
    }
    const [ext]: { name: string; user_id: [number, string] }[] = await call("pbx.extension", "read", [
        [await demoId("demo_extension_sales")],
        ["name", "user_id"],
    ]);
    const [caller]: { phone: string }[] = await call("res.partner", "read", [[await demoId("demo_partner_caller")], ["phone"]]);
    [salesUid, extension, phone] = [ext.user_id[0], ext.name, caller.phone];
    [{ login: salesLogin }] = await call("res.users", "read", [[salesUid], ["login"]]);

    const client = new PbxClient({ url: base, token: opts.token, db: opts.db });
    await client.open();
    standIn = new PbxStandIn({
        sender: client,
        extension,
        phone,
        host: opts.host,
        port: Number(opts.port),
        pauseMs: Number(opts.pause) * 1000,
        log: (line) => say(line),
    });
    const url = await standIn.start();
    await call("pbx.connection", "write", [
        [await demoId("demo_connection")],
        {
            recording_base_url: `${url}/recordings/`,
            originate_method: "generic_http",
            originate_url: `${url}/originate`,
            originate_http_method: "POST",
            originate_body: '{"extension": "{extension}", "number": "{number}"}',
            originate_body_format: "json",
        },
    ]);
    say(`ready at ${url}: recordings, click-to-dial, rings extension ${extension} (login ${salesLogin}) from ${phone}`);
} catch (error) {
    console.error(`[demo pbx] FAIL ${describeError(error)}`);
    process.exit(1);
}

// ---- ring the salesperson at each login ------------------------------------------------------------

const POLL_MS = 2000;
const BUS_DELAY_MS = 5000; // the web client and its bus connect after the login page
const logins = async (after: number): Promise<number[]> =>
    (await call("res.users.log", "search_read", [[["create_uid", "=", salesUid], ["id", ">", after]]], { fields: ["id"] })).map(
        (row: { id: number }) => row.id
    );
let lastLogin = Math.max(0, ...(await logins(0)));
const stop = async () => {
    await standIn.close();
    process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);

for (;;) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    let seen: number[];
    try {
        seen = await logins(lastLogin);
    } catch (error) {
        say(`cannot read the logins: ${describeError(error)}`);
        continue;
    }
    if (!seen.length) {
        continue;
    }
    lastLogin = Math.max(...seen);
    say(`${salesLogin} logged in: ringing extension ${extension}`);
    await new Promise((resolve) => setTimeout(resolve, BUS_DELAY_MS));
    for (const { scenario } of RING_CHOICES) {
        standIn.play(scenario);
        await new Promise((resolve) => setTimeout(resolve, 1500));
    }
}
