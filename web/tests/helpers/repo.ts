// The repository root and its shared fixtures, for tests running under jsdom too (where
// `import.meta.url` is an http URL, so web/tests/fixtures.ts cannot locate the files).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Fixture, FixtureCase } from "../fixtures";

function findRoot(start: string): string {
    let dir = start;
    while (!existsSync(join(dir, "__manifest__.json")) || !existsSync(join(dir, "web/src"))) {
        const parent = dirname(dir);
        if (parent === dir) {
            throw new Error(`no repository root (with __manifest__.json and web/src) above ${start}`);
        }
        dir = parent;
    }
    return dir;
}

export const REPO = findRoot(process.cwd());

export function readFixture<C = FixtureCase>(name: string): Fixture<C> {
    return JSON.parse(readFileSync(join(REPO, "tests/fixtures", name), "utf8"));
}
