import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";
import { describe, expect, test } from "vitest";
import { bundleOptions } from "../../../scripts/build_lib.mjs";
import { REPO_ROOT } from "../fixtures";

// The widget bundle loads on every Odoo backend page: its schemas use zod/mini (tree-shaken),
// never full zod, whose classic API weighed ~360 kB of it (issue 11 item 5).
const GZIP_BUDGET = 40_000;

describe("widget bundle", () => {
    test("takes zod/mini only, and stays within 40 kB gzipped", async () => {
        const result = await esbuild.build(bundleOptions(REPO_ROOT));
        const inputs = Object.keys(Object.values(result.metafile.outputs)[0].inputs);
        expect(inputs.filter((path) => path.includes("node_modules/zod/v4/classic/"))).toEqual([]);
        expect(inputs.some((path) => path.includes("node_modules/zod/v4/mini/"))).toBe(true);
        expect(gzipSync(result.outputFiles[0].contents, { level: 9 }).length).toBeLessThanOrEqual(GZIP_BUDGET);
    });
});
