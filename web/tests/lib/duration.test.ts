import { expect, test } from "vitest";
import { formatSeconds } from "../../src/lib/duration";

test("shows seconds as h:mm:ss", () => {
    expect(formatSeconds(0)).toBe("0:00:00");
    expect(formatSeconds(5)).toBe("0:00:05");
    expect(formatSeconds(125)).toBe("0:02:05");
    expect(formatSeconds(3723)).toBe("1:02:03");
    expect(formatSeconds(93600)).toBe("26:00:00");
});

test("rounds an average to the second", () => {
    expect(formatSeconds(62.5)).toBe("0:01:03");
    expect(formatSeconds(59.6)).toBe("0:01:00");
    expect(formatSeconds(0.4)).toBe("0:00:00");
});

test("shows no value as nothing", () => {
    for (const value of [false, null, undefined, "", "125", Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(formatSeconds(value), String(value)).toBe("");
    }
});

test("keeps the sign of a negative difference", () => {
    expect(formatSeconds(-65)).toBe("-0:01:05");
    expect(formatSeconds(-0.2)).toBe("0:00:00");
});
