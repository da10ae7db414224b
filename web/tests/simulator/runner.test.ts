import { afterEach, describe, expect, test } from "vitest";
import { PbxClient } from "../../../scripts/simulator/client";
import { formatStep, runScenario, summary, type StepReport } from "../../../scripts/simulator/runner";
import { buildScenario, SCENARIO_NAMES, type ScenarioName, type ScenarioSource } from "../../../scripts/simulator/scenarios";
import { startFakeOdoo, type FakeOdoo, type FakeOdooOptions } from "./fake_odoo";

let server: FakeOdoo | null = null;

afterEach(async () => {
    await server?.close();
    server = null;
});

function source(phone = "0989464344"): ScenarioSource {
    let n = 0;
    return {
        phone,
        extension: "101",
        callid: () => `call-${++n}`,
        unknownPhone: () => "+84900000001",
        now: () => new Date("2026-11-20T10:00:00Z"),
    };
}

async function play(
    names: readonly ScenarioName[],
    options: Partial<FakeOdooOptions> = {},
    client: { token?: string; db?: string; phone?: string } = {}
): Promise<StepReport[]> {
    server = await startFakeOdoo({ token: "pbx_good", ...options });
    const pbx = new PbxClient({ url: server.url, token: client.token ?? "pbx_good", ...(client.db ? { db: client.db } : {}) });
    await pbx.open();
    const ids = source(client.phone);
    const reports: StepReport[] = [];
    for (const name of names) {
        reports.push(...(await runScenario(pbx, buildScenario(name, ids), 1)));
    }
    return reports;
}

const failures = (reports: StepReport[]) => reports.flatMap((report) => report.failures);

describe("simulator against a server that follows the contract", () => {
    test("every scenario passes", async () => {
        const reports = await play(SCENARIO_NAMES);
        expect(failures(reports)).toEqual([]);
        expect(summary(reports)).toBe("5 scenario runs, 13 steps: 13 passed, 0 failed");
    });

    test("one line per step names route, status, call and record", async () => {
        const [callIn] = await play(["incoming-answered"]);
        expect(formatStep(callIn)).toMatch(/^ok {3}incoming-answered#1 +call_in +200 {2}call \d+ ringing +in +Azure Interior \(res\.partner 7\)$/);
    });

    test("a database is selected through the session cookie", async () => {
        const reports = await play(["incoming-missed"], { db: "crm" }, { db: "crm" });
        expect(failures(reports)).toEqual([]);
    });

    test("the unknown caller is auto-created", async () => {
        const [callIn] = await play(["unknown-caller"]);
        expect(formatStep(callIn)).toMatch(/Automatic New Contact - \+84900000001 \(crm\.lead \d+, created\)$/);
    });
});

describe("simulator failures", () => {
    test("a wrong token is reported with the error code", async () => {
        const reports = await play(["incoming-answered"], {}, { token: "pbx_wrong" });
        expect(failures(reports)).toEqual([
            "error unauthorized: Missing or invalid API token",
            "error unauthorized: Missing or invalid API token",
        ]);
        expect(formatStep(reports[0])).toContain("FAIL incoming-answered#1");
    });

    test("a retry not flagged as duplicate fails", async () => {
        const reports = await play(["retries"], { fault: "no-duplicate" });
        expect(failures(reports)).toEqual([
            "duplicate is false, expected true",
            "duplicate is false, expected true",
            "duplicate is false, expected true",
        ]);
    });

    test("an answer that breaks the response schema fails", async () => {
        const reports = await play(["outbound"], { fault: "broken-body" });
        expect(reports.every((report) => report.failures[0]?.startsWith("answer breaks the contract:"))).toBe(true);
        expect(reports[0].failures[0]).toContain("call.state");
    });

    test("an http status that contradicts the body fails", async () => {
        const reports = await play(["incoming-missed"], { fault: "wrong-status" });
        expect(failures(reports)).toContain("HTTP 201, but the body calls for 200");
    });

    test("a non-json answer fails", async () => {
        const reports = await play(["incoming-missed"], { db: "crm" });
        expect(failures(reports)[0]).toMatch(/^HTTP 404 answer is not JSON: <html>/);
    });

    test("a payload the schema refuses is reported and not sent", async () => {
        const reports = await play(["incoming-answered"], {}, { phone: "call me" });
        expect(reports).toHaveLength(2);
        expect(failures(reports)[0]).toMatch(/^payload not sent, it breaks the contract:.*phone/s);
        expect(server?.received).toEqual([]);
    });

    test("an unreachable server is reported", async () => {
        server = await startFakeOdoo({ token: "pbx_good" });
        const url = server.url;
        await server.close();
        server = null;
        const reports = await runScenario(new PbxClient({ url, token: "t" }), buildScenario("outbound", source()), 1);
        expect(failures(reports)[0]).toMatch(/^request failed: fetch failed \(.*ECONNREFUSED/);
    });

    test("a database the server does not have is reported", async () => {
        server = await startFakeOdoo({ token: "pbx_good", db: "crm" });
        await expect(new PbxClient({ url: server.url, token: "t", db: "other" }).open()).rejects.toThrow(/did not open a session on database other/);
    });
});
