// Avaya's published SMDR example records (tests/fixtures/avaya_smdr.json, sources in the file).
import { readFileSync } from "node:fs";
import { REPO_ROOT } from "../fixtures";

export interface SmdrExample {
    name: string;
    source: string;
    page: string;
    lines: string[];
    written_by_us?: string;
}

const fixture = JSON.parse(readFileSync(`${REPO_ROOT}tests/fixtures/avaya_smdr.json`, "utf8")) as { examples: SmdrExample[] };

/** The lines of one example, by name. */
export function example(name: string): string[] {
    const found = fixture.examples.find((candidate) => candidate.name === name);
    if (!found) {
        throw new Error(`no SMDR example ${name}`);
    }
    return found.lines;
}

export const EXAMPLES = fixture.examples;
