import { describe, expect, test } from "vitest";
import { ERROR_STATUS, expectedStatus, routeErrorCodeSchema, routeResponseSchema } from "../../src/schemas/route_response";
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

    test("each error code has its own http status", () => {
        expect(ERROR_STATUS).toEqual({
            invalid_payload: 400,
            unauthorized: 401,
            forbidden: 403,
            method_not_allowed: 405,
            payload_too_large: 413,
            integration_disabled: 503,
            processing_failed: 500,
        });
        const response = routeResponseSchema.parse({ ok: false, error: { code: "forbidden", message: "IP" } });
        expect(expectedStatus(response)).toBe(403);
    });
});
