import { describe, expect, test } from "vitest";
import {
    assetProblems,
    BRIDGE_TARGET,
    BUNDLE_ASSET,
    computeBuild,
    foreignImports,
    staleOutputs,
    unsafeExports,
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
});

describe("bundle rules", () => {
    test("default exports and names with a dollar are reported", () => {
        expect(unsafeExports(["Popup", "default", "x$y"])).toEqual(["default", "x$y"]);
    });

    test("a bundle must be listed in the backend assets", () => {
        expect(assetProblems({ assets: {} }, true)).toHaveLength(1);
        expect(assetProblems({ assets: { "web.assets_backend": [BUNDLE_ASSET] } }, true)).toEqual([]);
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
        expect(assetProblems({ assets: { "web.assets_backend": [BUNDLE_ASSET] } }, false)).toHaveLength(1);
        expect(assetProblems({ assets: {} }, false)).toEqual([]);
    });
});
