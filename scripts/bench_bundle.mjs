// Widget bundle size: the committed static/src/pbx_callcenter.bundle.js as Odoo receives it
// (raw and gzipped), and the same code fully minified (what it would weigh with whitespace and
// identifier minification, which Odoo's transpiler and term extraction rule out; see build_lib).
// Beside it, the baseline built in the same run: web/src of BASELINE_COMMIT, the last one whose
// widgets imported full zod (its committed bundle: 402,765 bytes, 82,798 gzipped; rebuilt here,
// only the node_modules paths in its comments differ, 128 bytes).
//   node scripts/bench_bundle.mjs        prints two human lines and one JSON line
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";
import { bundleWidgets, WIDGETS } from "./build_lib.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const text = readFileSync(join(root, WIDGETS.target));
const minified = (await esbuild.transform(text.toString("utf8"), { format: "esm", minify: true, legalComments: "none" })).code;

const BASELINE_COMMIT = "860b7a15d8840ba705596c440295b7a89f1eea52";

/** The bundle of BASELINE_COMMIT's web/src, built as today, or null without that commit (shallow clone). */
async function baselineBundle() {
    // Under node_modules, so its sources resolve zod from the repository's node_modules.
    try {
        execFileSync("git", ["-C", root, "cat-file", "-e", `${BASELINE_COMMIT}^{commit}`], { stdio: "ignore" });
    } catch {
        return null;
    }
    const cache = join(root, "node_modules", ".cache", "bench_bundle");
    mkdirSync(cache, { recursive: true });
    const dir = mkdtempSync(join(cache, "base-"));
    try {
        const tar = execFileSync("git", ["-C", root, "archive", BASELINE_COMMIT, "web/src"], { maxBuffer: 1 << 28 });
        execFileSync("tar", ["-x", "-C", dir], { input: tar });
        return await bundleWidgets(dir);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}
const baseline = await baselineBundle();
const result = {
    bench: "bundle_size",
    file: WIDGETS.target,
    raw_bytes: text.length,
    gzip_bytes: gzipSync(text, { level: 9 }).length,
    minified_bytes: Buffer.byteLength(minified),
    minified_gzip_bytes: gzipSync(minified, { level: 9 }).length,
    baseline_commit: BASELINE_COMMIT,
    baseline_raw_bytes: baseline === null ? null : Buffer.byteLength(baseline),
    baseline_gzip_bytes: baseline === null ? null : gzipSync(baseline, { level: 9 }).length,
};
const kb = (/** @type {number} */ n) => `${(n / 1024).toFixed(1)} kB`;
console.log(
    `bundle size: ${kb(result.raw_bytes)} raw, ${kb(result.gzip_bytes)} gzipped ` +
        `(fully minified: ${kb(result.minified_bytes)}, ${kb(result.minified_gzip_bytes)} gzipped)`
);
if (result.baseline_raw_bytes === null || result.baseline_gzip_bytes === null) {
    console.log(`baseline (full zod, ${BASELINE_COMMIT.slice(0, 7)}): not measured, that commit is not in this clone`);
} else {
    console.log(
        `baseline (full zod, ${BASELINE_COMMIT.slice(0, 7)}): ${kb(result.baseline_raw_bytes)} raw, ` +
            `${kb(result.baseline_gzip_bytes)} gzipped; now ${(result.baseline_gzip_bytes / result.gzip_bytes).toFixed(1)}x ` +
            `smaller gzipped, ${(result.baseline_raw_bytes / result.raw_bytes).toFixed(1)}x raw`
    );
}
console.log(JSON.stringify(result));
