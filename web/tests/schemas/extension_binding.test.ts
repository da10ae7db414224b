import { describe, expect, test } from "vitest";
import { RESULT_SCHEMAS, type ResultKind } from "../../src/schemas/extension_binding";
import { loadFixture, type FixtureCase } from "../fixtures";

interface BindingCase extends FixtureCase {
    kind: ResultKind;
}

const fixture = loadFixture<BindingCase>("extension_binding.json");

describe("extension_binding.json", () => {
    test.each(fixture.cases.map((c) => [`${c.kind}: ${c.name}`, c] as const))("%s", (_name, c) => {
        const result = RESULT_SCHEMAS[c.kind].safeParse(c.value);
        expect(result.success, JSON.stringify(result.error?.issues)).toBe(c.valid);
    });

    test("covers every result kind, valid and invalid", () => {
        for (const kind of Object.keys(RESULT_SCHEMAS)) {
            const valid = new Set(fixture.cases.filter((c) => c.kind === kind).map((c) => c.valid));
            expect(valid, kind).toEqual(new Set([true, false]));
        }
    });
});

describe("strictness", () => {
    const data = fixture.cases.find((c) => c.kind === "data" && c.valid)?.value;

    test("an add result is not an import result and the reverse", () => {
        const add = { created: [], updated: [], unchanged: [], data };
        expect(RESULT_SCHEMAS.add.safeParse(add).success).toBe(true);
        expect(RESULT_SCHEMAS.import.safeParse(add).success).toBe(false);
        expect(RESULT_SCHEMAS.add.safeParse({ ...add, fetched: 1 }).success).toBe(false);
    });

    test("connection keys are ids", () => {
        const value = structuredClone(data) as { extensions: Record<string, unknown> };
        value.extensions["x"] = [];
        expect(RESULT_SCHEMAS.data.safeParse(value).success).toBe(false);
    });
});
