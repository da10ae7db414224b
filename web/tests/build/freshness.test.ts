import { describe, expect, test } from "vitest";
import { assetProblems, BUNDLE_ASSET, computeBuild, staleOutputs, unsafeExports } from "../../../scripts/build_lib.mjs";
import { REPO_ROOT } from "../fixtures";

describe("build freshness", () => {
    test("every committed generated file matches a fresh in-memory build", async () => {
        const { outputs, problems } = await computeBuild(REPO_ROOT);
        expect(problems).toEqual([]);
        const stale = staleOutputs(REPO_ROOT, outputs).map((output) => output.path);
        expect(stale, "run `npm run build` and commit the generated files").toEqual([]);
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

    test("assets must not list a bundle that is not built", () => {
        expect(assetProblems({ assets: { "web.assets_backend": [BUNDLE_ASSET] } }, false)).toHaveLength(1);
        expect(assetProblems({ assets: {} }, false)).toEqual([]);
    });
});
