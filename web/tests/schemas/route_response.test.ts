import { describe, expect, test } from "vitest";
import { expectedStatus, routeErrorCodeSchema, routeResponseSchema } from "../../src/schemas/route_response";
import { loadFixture } from "../fixtures";

const fixture = loadFixture("responses.json");

describe("responses.json", () => {
    test.each(fixture.cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
        expect(routeResponseSchema.safeParse(c.value).success).toBe(c.valid);
    });

    test("has a valid error case for every error code", () => {
        const codes = fixture.cases
            .filter((c) => c.valid)
            .map((c) => routeResponseSchema.parse(c.value))
            .flatMap((response) => (response.ok ? [] : [response.error.code]));
        expect(new Set(codes)).toEqual(new Set(routeErrorCodeSchema.options));
    });
});

describe("expected status", () => {
    test("success is sent with 200", () => {
        const success = fixture.cases.find((c) => c.valid && (c.value as { ok: boolean }).ok);
        expect(expectedStatus(routeResponseSchema.parse(success?.value))).toBe(200);
    });

    // ERROR_STATUS itself is compared with the Python table in python_tables.test.ts.
    test("an error is sent with its code's http status", () => {
        const response = routeResponseSchema.parse({ ok: false, error: { code: "forbidden", message: "IP" } });
        expect(expectedStatus(response)).toBe(403);
    });
});
