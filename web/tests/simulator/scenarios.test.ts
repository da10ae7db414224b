import { describe, expect, test } from "vitest";
import { buildScenario, SCENARIO_NAMES, type ScenarioSource } from "../../../scripts/simulator/scenarios";
import { routePayloadSchemas } from "../../src/schemas/route_payload";

function fixedSource(): ScenarioSource {
    let n = 0;
    return {
        phone: "0989464344",
        extension: "101",
        callid: () => `call-${++n}`,
        unknownPhone: () => "+84900000001",
        now: () => new Date("2026-11-20T10:01:05.500Z"),
    };
}

describe("scenarios", () => {
    test.each(SCENARIO_NAMES)("%s sends payloads the route schemas accept", (name) => {
        for (const step of buildScenario(name, fixedSource()).steps) {
            expect(routePayloadSchemas[step.route].safeParse(step.payload).success).toBe(true);
        }
    });

    test.each(SCENARIO_NAMES)("%s keeps one callid for all its events", (name) => {
        const callids = new Set(buildScenario(name, fixedSource()).steps.map((step) => step.payload.callid));
        expect(callids).toEqual(new Set(["call-1"]));
    });

    test("incoming-answered rings then ends with the call start before now", () => {
        const [callIn, callOut] = buildScenario("incoming-answered", fixedSource()).steps;
        expect(callIn.route).toBe("call_in");
        expect(callIn.expect.state).toBe("ringing");
        expect(callOut.payload).toMatchObject({ status: "ANSWERED", duration: 65, calldate: "2026-11-20T10:00:00Z" });
        expect(callOut.expect.state).toBe("ended");
    });

    test("incoming-missed ends as missed", () => {
        const steps = buildScenario("incoming-missed", fixedSource()).steps;
        expect(steps.map((step) => step.expect.state)).toEqual(["ringing", "missed"]);
    });

    test("outbound starts with init and stays outgoing", () => {
        const steps = buildScenario("outbound", fixedSource()).steps;
        expect(steps.map((step) => [step.route, step.expect.state, step.expect.direction])).toEqual([
            ["init", "dialing", "out"],
            ["call_out", "ended", "out"],
        ]);
    });

    test("unknown-caller uses the made-up number, not --phone", () => {
        const [callIn] = buildScenario("unknown-caller", fixedSource()).steps;
        expect(callIn.payload.phone).toBe("+84900000001");
        expect(callIn.expect.unknownCaller).toBe(true);
    });

    test("retries expects every repeat to be a duplicate", () => {
        const steps = buildScenario("retries", fixedSource()).steps;
        expect(steps.map((step) => [step.route, step.expect.duplicate])).toEqual([
            ["call_in", false],
            ["call_in", true],
            ["call_in", true],
            ["call_out", false],
            ["call_out", true],
        ]);
    });
});
