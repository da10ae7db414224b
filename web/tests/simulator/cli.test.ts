import { afterEach, describe, expect, test } from "vitest";
import { runTs } from "../run_ts";
import { startFakeOdoo, type FakeOdoo } from "./fake_odoo";

let server: FakeOdoo | null = null;

afterEach(async () => {
    await server?.close();
    server = null;
});

describe("npm run simulate", () => {
    test("plays every scenario and exits 0 when the server follows the contract", async () => {
        server = await startFakeOdoo({ token: "pbx_good" });
        const result = await runTs(["scripts/simulate.ts", "--url", server.url, "--token", "pbx_good", "--scenario", "all", "--repeat", "2"]);
        expect(result.stderr).toBe("");
        expect(result.code).toBe(0);
        const lines = result.stdout.trim().split("\n");
        expect(lines.filter((line) => line.startsWith("ok "))).toHaveLength(26);
        expect(lines.at(-1)).toBe("10 scenario runs, 26 steps: 26 passed, 0 failed");
    });

    test("exits 1 when a step fails", async () => {
        server = await startFakeOdoo({ token: "pbx_good", fault: "no-duplicate" });
        const result = await runTs(["scripts/simulate.ts", "--url", server.url, "--token", "pbx_good", "--scenario", "retries"]);
        expect(result.code).toBe(1);
        expect(result.stdout).toContain("- duplicate is false, expected true");
        expect(result.stdout.trim().split("\n").at(-1)).toBe("1 scenario runs, 5 steps: 2 passed, 3 failed");
    });

    test("exits 2 with the usage on a bad command line", async () => {
        const result = await runTs(["scripts/simulate.ts", "--scenario", "all"]);
        expect(result.code).toBe(2);
        expect(result.stderr).toContain("usage: npm run simulate");
    });
});
