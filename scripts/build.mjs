// Writes the generated, committed files of the Odoo module:
//   odoo_addon/pbx_callcenter/__manifest__.py                  from __manifest__.json
//   odoo_addon/pbx_callcenter/static/src/pbx_callcenter.bundle.js from web/src/main.ts (esbuild)
//   odoo_addon/pbx_callcenter/static/tests/pbx_callcenter.tours.js from web/src/tours/main.ts (esbuild)
//   odoo_addon/pbx_callcenter/tools/ami_bridge/pbx_ami_bridge.mjs from web/src/bridge/main.ts (esbuild,
//                                                                   one file for plain node, zod bundled)
//   odoo_addon/pbx_callcenter/static/src/**/*.{xml,scss}            copies of web/src/**/*.{xml,scss}
//   odoo_addon/pbx_callcenter/contracts/*.json                       tables and JSON Schemas the Python side
//                                                                   reads, from web/src/schemas/contracts.ts
// Usage: node scripts/build.mjs [--check]
//   --check  build in memory only; exit 1 listing every generated file that differs from disk.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { computeBuild, staleOutputs } from "./build_lib.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const check = process.argv.includes("--check");

/** @type {Awaited<ReturnType<typeof computeBuild>>} */
let build;
try {
    build = await computeBuild(root);
} catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
}
const { outputs, problems } = build;
for (const problem of problems) {
    console.error(`error: ${problem}`);
}
const stale = new Set(staleOutputs(root, outputs));

if (check) {
    for (const output of stale) {
        const why = output.content === null ? "should not exist" : "differs from a fresh build";
        console.error(`stale: ${output.path} ${why}`);
    }
    if (stale.size) {
        console.error("run `npm run build` and commit the result");
    } else {
        console.log(`build --check: ${outputs.length} generated files up to date`);
    }
    process.exit(stale.size || problems.length ? 1 : 0);
}

for (const output of outputs) {
    const file = join(root, output.path);
    if (!stale.has(output)) {
        const verb = output.content === null ? "skipped  " : "unchanged";
        console.log(`${verb} ${output.path} (${output.note})`);
    } else if (output.content === null) {
        rmSync(file);
        console.log(`removed   ${output.path} (${output.note})`);
    } else {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, output.content);
        const bytes = Buffer.byteLength(output.content);
        console.log(`wrote     ${output.path} (${output.note}, ${bytes} bytes)`);
    }
}
process.exit(problems.length ? 1 : 0);
