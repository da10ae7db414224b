import { describe, expect, test } from "vitest";
import { routePayloadSchemas, type Route } from "../../src/schemas/route_payload";
import { loadFixture } from "../fixtures";

interface PayloadCase {
    name: string;
    kind: Route;
    payload: unknown;
    valid: boolean;
    fields: string[];
}

const fixture = loadFixture<PayloadCase>("payloads.json");

/** Field names of the issues, as the Python parser reports them (`_body` for the whole body). */
function badFields(kind: Route, payload: unknown): string[] {
    const result = routePayloadSchemas[kind].safeParse(payload);
    if (result.success) {
        return [];
    }
    return [...new Set(result.error.issues.map((issue) => String(issue.path[0] ?? "_body")))];
}

describe("payloads.json", () => {
    test.each(fixture.cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
        const fields = badFields(c.kind, c.payload);
        expect(fields.length === 0).toBe(c.valid);
        expect(fields.sort()).toEqual([...c.fields].sort());
    });
});

/** The three fields every route requires, valid. */
const CALL = { phone: "0989464344", extension: "101", callid: "a" };

describe("route payload output", () => {
    test("identifiers are sent as trimmed strings", () => {
        const payload = routePayloadSchemas.call_in.parse({ phone: 84989464344, extension: " 101 ", callid: 7 });
        expect(payload).toEqual({ phone: "84989464344", extension: "101", callid: "7" });
    });

    test("seconds become numbers and blank optional fields disappear", () => {
        const payload = routePayloadSchemas.call_out.parse({ ...CALL, duration: "65", calldate: " " });
        expect(payload.duration).toBe(65);
        expect(payload.calldate).toBeUndefined();
    });

    test("direction aliases become the canonical direction", () => {
        const payload = routePayloadSchemas.call_out.parse({ ...CALL, direction: " Outbound" });
        expect(payload.direction).toBe("out");
    });

    test("unknown fields are kept for the event journal", () => {
        const payload = routePayloadSchemas.init.parse({ ...CALL, uniqueid: "u" });
        expect(payload).toHaveProperty("uniqueid", "u");
    });

    test.each([
        ["https://pbx.example.com/rec/a.wav", true],
        ["2024/01/15/out-101-0989464344.wav", true],
        ["/var/spool/asterisk/monitor/a.wav", true],
        ["../etc/passwd", false],
        ["rec/%2e%2e/secret.wav", false],
        ["rec\\..\\secret.wav", false],
        ["https://pbx.example.com/rec/../secret", false],
        ["javascript:alert(1)", false],
        ["ftp://pbx.example.com/a.wav", false],
        ["http:a.wav", false],
        ["recordings/", false],
    ])("recordingfile %s is accepted: %s", (recordingfile, accepted) => {
        expect(routePayloadSchemas.call_out.safeParse({ ...CALL, recordingfile }).success).toBe(accepted);
    });
});
