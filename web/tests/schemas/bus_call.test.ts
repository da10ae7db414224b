import { describe, expect, test } from "vitest";
import { busCallSchema } from "../../src/schemas/bus_call";
import { loadFixture } from "../fixtures";

const fixture = loadFixture("bus_call.json");

describe("bus_call.json", () => {
    test.each(fixture.cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
        expect(busCallSchema.safeParse(c.value).success).toBe(c.valid);
    });
});
