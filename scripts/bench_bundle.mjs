// Widget bundle size: the committed static/src/pbx_callcenter.bundle.js as Odoo receives it
// (raw and gzipped), and the same code fully minified (what it would weigh with whitespace and
// identifier minification, which Odoo's transpiler and term extraction rule out; see build_lib).
//   node scripts/bench_bundle.mjs        prints one human line and one JSON line
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";
import { BUNDLE_TARGET } from "./build_lib.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const text = readFileSync(join(root, BUNDLE_TARGET));
const minified = (await esbuild.transform(text.toString("utf8"), { format: "esm", minify: true, legalComments: "none" })).code;
const result = {
    bench: "bundle_size",
    file: BUNDLE_TARGET,
    raw_bytes: text.length,
    gzip_bytes: gzipSync(text, { level: 9 }).length,
    minified_bytes: Buffer.byteLength(minified),
    minified_gzip_bytes: gzipSync(minified, { level: 9 }).length,
};
const kb = (/** @type {number} */ n) => `${(n / 1024).toFixed(1)} kB`;
console.log(
    `bundle size: ${kb(result.raw_bytes)} raw, ${kb(result.gzip_bytes)} gzipped ` +
        `(fully minified: ${kb(result.minified_bytes)}, ${kb(result.minified_gzip_bytes)} gzipped)`
);
console.log(JSON.stringify(result));
