// Runs TypeScript CLIs the way `npm run simulate` does, from tests.
import { spawn } from "node:child_process";
import { REPO_ROOT } from "./fixtures";

// -----------------------------------------------------------------------------
// Types
// -----------------------------------------------------------------------------

export interface RunResult {
    code: number | null;
    stdout: string;
    stderr: string;
}

// -----------------------------------------------------------------------------
// Running
// -----------------------------------------------------------------------------

/** Runs `node scripts/run_ts.mjs <args>` without blocking this process's event loop. */
export function runTs(args: readonly string[]): Promise<RunResult> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [`${REPO_ROOT}scripts/run_ts.mjs`, ...args], { cwd: REPO_ROOT });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk) => (stdout += chunk));
        child.stderr.on("data", (chunk) => (stderr += chunk));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
}
