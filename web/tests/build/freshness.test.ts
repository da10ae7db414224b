import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import {
    assetProblems,
    BRIDGE_TARGET,
    computeBuild,
    contractOutputs,
    CONTRACTS_DIR,
    foreignImports,
    staleOutputs,
    unsafeExports,
    WIDGETS,
} from "../../../scripts/build_lib.mjs";
import { REPO_ROOT } from "../fixtures";

describe("build freshness", () => {
    test("every committed generated file matches a fresh in-memory build", async () => {
        const { outputs, problems } = await computeBuild(REPO_ROOT);
        expect(problems).toEqual([]);
        const stale = staleOutputs(REPO_ROOT, outputs).map((output) => output.path);
        expect(stale, "run `npm run build` and commit the generated files").toEqual([]);
    });

    test("the AMI bridge's single file is one of the generated files checked", async () => {
        const { outputs } = await computeBuild(REPO_ROOT);
        const bridge = outputs.find((output) => output.path === BRIDGE_TARGET);
        expect(bridge?.content).toMatch(/^#!\/usr\/bin\/env node\n\/\/ GENERATED from web\/src\/bridge\//);
        expect(bridge?.content).not.toMatch(/^import .* from "(?!node:)/m);
    });

    test("the contracts the python side reads are generated files checked", async () => {
        const { outputs } = await computeBuild(REPO_ROOT);
        const contracts = outputs.filter((output) => output.path.startsWith(`${CONTRACTS_DIR}/`));
        const names = contracts.map((output) => output.path.slice(CONTRACTS_DIR.length + 1));
        expect(names).toContain("tables.json");
        expect(names).toContain("bus_call.schema.json");
        for (const output of contracts) {
            expect(JSON.parse(output.content ?? "null").$comment, output.path).toMatch(/^GENERATED from web\/src\//);
        }
    });

    test("a hand-edited contract is stale", async () => {
        const tables = (await computeBuild(REPO_ROOT)).outputs.filter((o) => o.path === `${CONTRACTS_DIR}/tables.json`);
        const root = mkdtempSync(join(tmpdir(), "pbx-contracts-"));
        try {
            mkdirSync(join(root, CONTRACTS_DIR), { recursive: true });
            const file = join(root, CONTRACTS_DIR, "tables.json");
            writeFileSync(file, tables[0].content ?? "");
            expect(staleOutputs(root, tables)).toEqual([]);
            const edited = JSON.parse(readFileSync(file, "utf8"));
            edited.state_rank.answered += 1;
            writeFileSync(file, JSON.stringify(edited, null, 2) + "\n");
            expect(staleOutputs(root, tables)).toEqual(tables);
        } finally {
            rmSync(root, { recursive: true, force: true });
        }
    });

    test("a generated contract whose schema is gone is removed, a hand-written file is kept", async () => {
        const root = mkdtempSync(join(tmpdir(), "pbx-contracts-"));
        try {
            mkdirSync(join(root, CONTRACTS_DIR), { recursive: true });
            writeFileSync(join(root, CONTRACTS_DIR, "old.schema.json"), '{"$comment": "GENERATED from web/src/x.ts"}');
            writeFileSync(join(root, CONTRACTS_DIR, "notes.json"), "{}");
            expect(await contractOutputs(root)).toEqual([
                { path: `${CONTRACTS_DIR}/old.schema.json`, content: null, note: expect.any(String) },
            ]);
        } finally {
            rmSync(root, { recursive: true, force: true });
        }
    });
});

describe("bundle rules", () => {
    test("default exports and names with a dollar are reported", () => {
        expect(unsafeExports(["Popup", "default", "x$y"])).toEqual(["default", "x$y"]);
    });

    test("a bundle must be listed in the backend assets", () => {
        expect(assetProblems({ assets: {} }, true)).toHaveLength(1);
        expect(assetProblems({ assets: { "web.assets_backend": [WIDGETS.asset] } }, true)).toEqual([]);
    });

    test("the bridge bundle may import only node: built-ins at runtime", () => {
        const imports = [
            { path: "node:fs", external: true },
            { path: "zod", external: true },
            { path: "zod", external: true },
            { path: "web/src/bridge/config.ts" },
        ];
        expect(foreignImports(imports)).toEqual(["zod"]);
    });

    test("assets must not list a bundle that is not built", () => {
        expect(assetProblems({ assets: { "web.assets_backend": [WIDGETS.asset] } }, false)).toHaveLength(1);
        expect(assetProblems({ assets: {} }, false)).toEqual([]);
    });
});
