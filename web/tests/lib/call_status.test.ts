import { describe, expect, test } from "vitest";
import { callOutcome, finalState } from "../../src/lib/call_status";
import { loadFixture } from "../fixtures";

interface StatusCase {
    value: unknown;
    valid: boolean;
    status: string | null;
    final_state: string | null;
}

const fixture = loadFixture<StatusCase>("statuses.json");

describe("statuses.json", () => {
    test.each(fixture.cases.map((c) => [JSON.stringify(c.value), c] as const))("%s", (_name, c) => {
        const outcome = typeof c.value === "string" ? callOutcome(c.value) : null;
        expect(outcome).toBe(c.status);
        expect(outcome && finalState(outcome)).toBe(c.final_state);
    });
});
