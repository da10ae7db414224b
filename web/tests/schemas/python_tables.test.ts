// The tables both sides keep, read from the Python module (odoo_addon/pbx_callcenter/lib, run with
// /usr/bin/python3 as scripts/test_all.sh does) and compared with the TypeScript ones, so that
// neither side can change one alone: call states and their ranks, directions, error codes and
// their HTTP statuses, PBX dispositions and the state each one ends a call in.
import { execFileSync } from "node:child_process";
import { describe, expect, test } from "vitest";
import { stateRank } from "../../src/lib/call_stack";
import { DISPOSITIONS, finalState, type CallOutcome } from "../../src/lib/call_status";
import { CALL_DIRECTIONS, CALL_STATES } from "../../src/schemas/call";
import { ERROR_STATUS, routeErrorCodeSchema } from "../../src/schemas/route_response";
import { REPO_ROOT } from "../fixtures";

// -----------------------------------------------------------------------------
// The Python side
// -----------------------------------------------------------------------------

interface PythonTables {
    state_rank: Record<string, number>;
    directions: string[];
    error_status: Record<string, number>;
    status_aliases: Record<string, string>;
    final_state: Record<string, string>;
}

const PYTHON = process.env.ODOO_PYTHON ?? "/usr/bin/python3";

const DUMP = `
import json, sys
sys.path.insert(0, sys.argv[1])
from lib import contract, status
print(json.dumps({
    "state_rank": status.STATE_RANK,
    "directions": contract.DIRECTIONS,
    "error_status": contract.ERROR_STATUS,
    "status_aliases": status.STATUS_ALIASES,
    "final_state": {s: status.final_state(s) for s in status.STATUSES},
}))
`;

const python: PythonTables = JSON.parse(
    execFileSync(PYTHON, ["-c", DUMP, `${REPO_ROOT}odoo_addon/pbx_callcenter`], { encoding: "utf8" })
);

// -----------------------------------------------------------------------------
// Comparisons
// -----------------------------------------------------------------------------

describe("python and typescript tables", () => {
    test("the same call states with the same ranks", () => {
        expect(Object.fromEntries(CALL_STATES.map((state) => [state, stateRank(state)]))).toEqual(python.state_rank);
    });

    test("the same directions", () => {
        expect([...CALL_DIRECTIONS]).toEqual(python.directions);
    });

    test("the same error codes with the same http statuses", () => {
        expect(new Set(routeErrorCodeSchema.options)).toEqual(new Set(Object.keys(python.error_status)));
        expect(ERROR_STATUS).toEqual(python.error_status);
    });

    test("the same pbx dispositions with the same outcomes", () => {
        expect(DISPOSITIONS).toEqual(python.status_aliases);
    });

    test("each outcome ends a call in the same state", () => {
        const outcomes = Object.keys(python.final_state) as CallOutcome[];
        expect(new Set(outcomes)).toEqual(new Set(Object.values(DISPOSITIONS)));
        expect(Object.fromEntries(outcomes.map((outcome) => [outcome, finalState(outcome)]))).toEqual(python.final_state);
    });
});
