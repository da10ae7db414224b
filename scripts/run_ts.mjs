// Runs a TypeScript CLI: bundles it with esbuild (platform node, ESM) to a temporary file and
// executes that with this node, passing arguments, stdio and the exit code through.
// Usage: node scripts/run_ts.mjs <file.ts> [args...]
// npm packages stay external; the temporary file lives under node_modules/.cache so node
// resolves them from the repository's node_modules.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { constants } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
    console.error("usage: node scripts/run_ts.mjs <file.ts> [args...]");
    process.exit(2);
}

const cacheDir = join(root, "node_modules", ".cache", "run_ts");
mkdirSync(cacheDir, { recursive: true });
const tempDir = mkdtempSync(join(cacheDir, "run-"));
const outfile = join(tempDir, basename(entry).replace(/\.[cm]?tsx?$/, "") + ".mjs");

try {
    await esbuild.build({
        entryPoints: [resolve(entry)],
        outfile,
        bundle: true,
        platform: "node",
        format: "esm",
        target: "node20",
        packages: "external",
        sourcemap: "inline",
        logLevel: "error",
    });
} catch {
    rmSync(tempDir, { recursive: true, force: true });
    process.exit(1);
}

const child = spawn(process.execPath, ["--enable-source-maps", outfile, ...args], {
    stdio: "inherit",
});
for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) {
    process.on(signal, () => child.kill(signal));
}
child.on("exit", (code, signal) => {
    rmSync(tempDir, { recursive: true, force: true });
    process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0));
});
