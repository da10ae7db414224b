// Shared contract fixtures (tests/fixtures/*.json), read by both the vitest and the pytest suites.
import { readFileSync } from "node:fs";

// -----------------------------------------------------------------------------
// Types
// -----------------------------------------------------------------------------

export interface FixtureCase {
    name: string;
    valid: boolean;
    value: unknown;
}

export interface Fixture<C> {
    description: string;
    cases: C[];
}

// -----------------------------------------------------------------------------
// Loading
// -----------------------------------------------------------------------------

export const REPO_ROOT = new URL("../../", import.meta.url).pathname;

export function loadFixture<C = FixtureCase>(name: string): Fixture<C> {
    return JSON.parse(readFileSync(`${REPO_ROOT}tests/fixtures/${name}`, "utf8"));
}
