// The tables both sides share have one source, the TypeScript exports gathered in
// web/src/schemas/contracts.ts. The build writes them to contracts/tables.json, which the Python
// lib reads. Here: the committed tables.json is what the TypeScript exports say, and what the
// Python module holds at runtime (run with /usr/bin/python3, as scripts/test_all.sh does) is
// what the TypeScript exports say, so a table edited on one side alone fails.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { CONTRACTS_DIR } from "../../../scripts/build_lib.mjs";
import { stateRank } from "../../src/lib/call_stack";
import { finalState, type CallOutcome } from "../../src/lib/call_status";
import { CALL_STATES } from "../../src/schemas/call";
import { CONTRACT_TABLES } from "../../src/schemas/contracts";
import { routeErrorCodeSchema } from "../../src/schemas/route_response";
import { REPO_ROOT } from "../fixtures";

// -----------------------------------------------------------------------------
// The committed file and the Python side
// -----------------------------------------------------------------------------

const committed: Record<string, unknown> = JSON.parse(
    readFileSync(`${REPO_ROOT}${CONTRACTS_DIR}/tables.json`, "utf8")
);

const PYTHON = process.env.ODOO_PYTHON ?? "/usr/bin/python3";

const DUMP = `
import json, sys
sys.path.insert(0, sys.argv[1])
from lib import contract, extension_binding, payload, status
print(json.dumps({
    "call_states": list(status.STATE_RANK),
    "state_rank": status.STATE_RANK,
    "final_rank": status.FINAL_RANK,
    "directions": list(contract.DIRECTIONS),
    "direction_aliases": payload._DIRECTIONS,
    "error_status": contract.ERROR_STATUS,
    "status_aliases": status.STATUS_ALIASES,
    "final_state": {s: status.final_state(s) for s in status.STATUSES},
    "bus_call_type": contract.BUS_TYPE,
    "user_kinds": list(extension_binding.USER_KINDS),
}))
`;

const python: Record<string, unknown> = JSON.parse(
    execFileSync(PYTHON, ["-c", DUMP, `${REPO_ROOT}odoo_addon/pbx_callcenter`], { encoding: "utf8" })
);

// -----------------------------------------------------------------------------
// Comparisons
// -----------------------------------------------------------------------------

describe("shared tables", () => {
    test("the committed tables.json holds the tables the typescript exports", () => {
        const { $comment, ...tables } = committed;
        expect($comment).toMatch(/^GENERATED from web\/src\/.* by scripts\/build\.mjs \(npm run build\); do not edit\.$/);
        expect(tables, "run `npm run build`").toEqual(JSON.parse(JSON.stringify(CONTRACT_TABLES)));
    });

    test("the tables agree with the functions that use them", () => {
        expect(CONTRACT_TABLES.state_rank).toEqual(Object.fromEntries(CALL_STATES.map((s) => [s, stateRank(s)])));
        expect(new Set(routeErrorCodeSchema.options)).toEqual(new Set(Object.keys(CONTRACT_TABLES.error_status)));
        const outcomes = Object.keys(CONTRACT_TABLES.final_state) as CallOutcome[];
        expect(new Set(outcomes)).toEqual(new Set(Object.values(CONTRACT_TABLES.status_aliases)));
        expect(CONTRACT_TABLES.final_state).toEqual(Object.fromEntries(outcomes.map((o) => [o, finalState(o)])));
    });

    test.each(Object.keys(python))("the python lib holds the same %s", (name) => {
        expect(python[name]).toEqual(JSON.parse(JSON.stringify(CONTRACT_TABLES[name as keyof typeof CONTRACT_TABLES])));
    });
});
