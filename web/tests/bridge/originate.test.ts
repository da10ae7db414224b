// Click-to-dial through the bridge: what Odoo's generic_http originate method sends (URL
// http://bridge:port/originate, header "Authorization: Bearer <token>", JSON body
// {"extension": "{extension}", "number": "{number}"}) becomes an AMI Originate on the fake
// Asterisk, and Asterisk's answer comes back as the HTTP status Odoo reads (2xx = accepted).
import { request } from "node:http";
import { afterEach, describe, expect, test } from "vitest";
import { type Harness, ORIGINATE_TOKEN, startHarness, waitFor } from "./harness";

let harness: Harness | null = null;

afterEach(async () => {
    await harness?.close();
    harness = null;
});

async function withOriginate() {
    harness = await startHarness({ config: { originate: { listenPort: 0, token: ORIGINATE_TOKEN } } });
    return harness;
}

interface Answer {
    status: number;
    body: Record<string, unknown>;
}

/** A raw HTTP request, the way python-requests sends Odoo's generic_http template. */
function send(options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<Answer> {
    const url = new URL(harness!.bridge.originate!.url);
    return new Promise((resolve, reject) => {
        const req = request(
            { host: url.hostname, port: url.port, method: options.method ?? "POST", path: options.path ?? "/originate", headers: options.headers },
            (res) => {
                const chunks: Buffer[] = [];
                res.on("data", (chunk: Buffer) => chunks.push(chunk));
                res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) }));
            }
        );
        req.on("error", reject);
        req.end(options.body);
    });
}

const ODOO_HEADERS = {
    "User-Agent": "python-requests/2.28.1",
    Accept: "*/*",
    Connection: "keep-alive",
    "Content-Type": "application/json",
    Authorization: `Bearer ${ORIGINATE_TOKEN}`,
};

const originate = (body: unknown, headers: Record<string, string> = ODOO_HEADERS) =>
    send({ headers, body: typeof body === "string" ? body : JSON.stringify(body) });

const originates = () => harness!.ami.actions.filter((action) => action.Action === "Originate");

describe("click-to-dial endpoint", () => {
    test("Odoo's generic_http request becomes an AMI Originate, answered 200 with Asterisk's words", async () => {
        await withOriginate();
        const answer = await originate('{"extension": "101", "number": "90989464344"}');
        expect(answer.status).toBe(200);
        expect(answer.body).toMatchObject({ ok: true, response: "Success", message: "Originate successfully queued" });
        const [action] = originates();
        expect({ ...action }).toEqual({
            Action: "Originate",
            Channel: "PJSIP/101",
            Context: "from-internal",
            Exten: "90989464344",
            Priority: "1",
            Timeout: "30000",
            Async: "true",
            CallerID: "90989464344",
            ActionID: answer.body.actionid,
        });
    });

    test("channel, caller ID and variables follow the configured templates", async () => {
        harness = await startHarness({
            config: {
                originate: {
                    listenPort: 0, token: ORIGINATE_TOKEN, channel: "Local/{extension}@from-internal", context: "crm-dial",
                    callerId: '"Odoo" <{number}>', timeoutMs: 25000, variables: { ODOO_EXT: "{extension}", __AUTOANSWER: "yes" },
                },
            },
        });
        expect((await originate({ extension: "205", number: "+84989464344" })).status).toBe(200);
        expect(originates()[0]).toMatchObject({
            Channel: "Local/205@from-internal", Context: "crm-dial", Exten: "+84989464344", Timeout: "25000",
            CallerID: '"Odoo" <+84989464344>', Variable: "ODOO_EXT=205,__AUTOANSWER=yes",
        });
    });

    test("Asterisk's refusal is answered 502 with its message, which Odoo shows the user", async () => {
        await withOriginate();
        harness!.ami.originateAnswer = { Response: "Error", Message: "Permission denied" };
        const answer = await originate({ extension: "101", number: "0989464344" });
        expect(answer).toMatchObject({ status: 502, body: { ok: false, response: "Error", message: "Permission denied" } });
    });

    test("no answer from Asterisk in time is 504; Asterisk disconnected is 503 without trying", async () => {
        await withOriginate();
        const h = harness!;
        h.ami.originateAnswer = null;
        expect((await originate({ extension: "101", number: "0989464344" })).status).toBe(504);
        await h.ami.close();
        await waitFor(() => !h.bridge.ami!.ready, "the bridge to see Asterisk gone");
        const answer = await originate({ extension: "101", number: "0989464344" });
        expect(answer).toEqual({ status: 503, body: { ok: false, message: "the bridge is not connected to Asterisk" } });
    });

    test.each([
        ["no token", { ...ODOO_HEADERS, Authorization: "" }],
        ["a wrong token", { ...ODOO_HEADERS, Authorization: "Bearer originate-token-0123456788" }],
        ["the token as Basic", { ...ODOO_HEADERS, Authorization: `Basic ${ORIGINATE_TOKEN}` }],
        ["a prefix of the token", { ...ODOO_HEADERS, Authorization: "Bearer originate-token" }],
    ])("%s is 401 and originates nothing", async (_, headers) => {
        await withOriginate();
        const answer = await originate({ extension: "101", number: "0989464344" }, headers);
        expect(answer).toEqual({ status: 401, body: { ok: false, message: "missing or wrong bearer token" } });
        expect(originates()).toEqual([]);
    });

    test.each([
        ["an AMI injection in the number", { extension: "101", number: "0989464344\r\nAction: Command\r\nCommand: core stop now" }, "number"],
        ["an injection in the extension", { extension: "101\nContext: admin", number: "0989464344" }, "extension"],
        ["a missing number", { extension: "101" }, "number"],
        ["a number as JSON number", { extension: "101", number: 989464344 }, "number"],
        ["letters in the number", { extension: "101", number: "call-me" }, "number"],
        ["full-width digits", { extension: "１０１", number: "0989464344" }, "extension"],
        ["a 33-digit number", { extension: "101", number: "1".repeat(33) }, "number"],
        ["an array", [{ extension: "101", number: "0989464344" }], "body"],
    ])("%s is 400 naming the field, and originates nothing", async (_, body, key) => {
        await withOriginate();
        const answer = await originate(body);
        expect(answer.status).toBe(400);
        expect(Object.keys(answer.body.fields as object)).toContain(key);
        expect(originates()).toEqual([]);
    });

    test("a body that is not JSON is 400, a huge one 413, another path 404, GET 405", async () => {
        await withOriginate();
        expect((await originate("extension=101&number=0989464344")).status).toBe(400);
        expect((await originate("x".repeat(100_000))).status).toBe(413);
        expect((await send({ path: "/originate/../admin", headers: ODOO_HEADERS, body: "{}" })).status).toBe(404);
        expect((await send({ method: "GET", headers: ODOO_HEADERS })).status).toBe(405);
        expect(originates()).toEqual([]);
    });
});
