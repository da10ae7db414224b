import { describe, expect, test } from "vitest";
import { parseCalldate } from "../../src/lib/calldate";
import { loadFixture } from "../fixtures";

interface CalldateCase {
    name: string;
    value: unknown;
    tz: string;
    valid: boolean;
    expected: string | null;
}

const fixture = loadFixture<CalldateCase>("calldates.json");

function accepts(value: unknown): boolean {
    return (typeof value === "string" || typeof value === "number") && parseCalldate(value) !== null;
}

describe("calldates.json", () => {
    test.each(fixture.cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
        expect(accepts(c.value)).toBe(c.valid);
    });
});

describe("parse calldate", () => {
    test("tells naive, aware and timestamp values apart", () => {
        expect(parseCalldate("2024-01-15 10:20:30")?.kind).toBe("naive");
        expect(parseCalldate("2024-01-15T10:20:30+07:00")?.kind).toBe("aware");
        expect(parseCalldate("1705314030")?.kind).toBe("timestamp");
    });

    test("checks the year of an aware value in utc", () => {
        expect(parseCalldate("2000-01-01T01:00:00+02:00")).toBeNull();
        expect(parseCalldate("2100-12-31T23:00:00-02:00")).toBeNull();
    });

    test("refuses timestamps with more than sixteen digits", () => {
        expect(parseCalldate("17053140302500000")).toBeNull();
    });
});
