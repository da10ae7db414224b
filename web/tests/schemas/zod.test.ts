import { describe, expect, test } from "vitest";
import { busOpportunitySchema } from "../../src/schemas/bus_call";
import { dialResultSchema } from "../../src/schemas/dial_result";
import * as z from "../../src/schemas/zod";

// zod/mini has no locale of its own: web/src/schemas/zod.ts sets English, as full zod does.
// This file imports no full zod, which would set English by itself.

describe("zod/mini messages", () => {
    test("issues read in English, as with full zod", () => {
        const parsed = busOpportunitySchema.safeParse({ id: "7" });
        expect(parsed.success).toBe(false);
        expect(parsed.error?.issues[0]).toMatchObject({
            path: ["id"],
            message: "Invalid input: expected number, received string",
        });
    });

    test("a prettified error names each field and what was expected", () => {
        const parsed = dialResultSchema.safeParse({ status: "error", code: "maybe" });
        expect(parsed.success).toBe(false);
        const text = z.prettifyError(parsed.error!);
        expect(text).toContain('✖ Invalid option: expected one of "no_extension"|"disabled"|');
        expect(text).toContain('|"refused"\n  → at code');
        expect(text).toContain("✖ Invalid input: expected array, received undefined\n  → at choices");
    });
});
