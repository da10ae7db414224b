import { describe, expect, test } from "vitest";
import { dialErrorCodeSchema, dialResultSchema, dialStatusSchema } from "../../src/schemas/dial_result";
import { loadFixture } from "../fixtures";

const fixture = loadFixture("dial_results.json");

describe("dial_results.json", () => {
    test.each(fixture.cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
        expect(dialResultSchema.safeParse(c.value).success).toBe(c.valid);
    });

    test("has a valid case for every status and every error code", () => {
        const results = fixture.cases.filter((c) => c.valid).map((c) => dialResultSchema.parse(c.value));
        expect(new Set(results.map((r) => r.status))).toEqual(new Set(dialStatusSchema.options));
        const codes = results.flatMap((r) => (r.code === null ? [] : [r.code]));
        expect(new Set(codes)).toEqual(new Set(dialErrorCodeSchema.options));
    });
});
