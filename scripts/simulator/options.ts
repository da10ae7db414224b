// Command line of `npm run simulate -- ...`.
import { parseArgs } from "node:util";
import { SCENARIO_NAMES, type ScenarioName } from "./scenarios";

// -----------------------------------------------------------------------------
// Types
// -----------------------------------------------------------------------------

export interface SimulatorOptions {
    url: string;
    token: string;
    db?: string;
    scenarios: ScenarioName[];
    phone: string;
    extension: string;
    repeat: number;
}

// -----------------------------------------------------------------------------
// Parsing
// -----------------------------------------------------------------------------

// The demo data's (demo/pbx_callcenter_demo.xml): Grace Caller, a contact of Sam Sales (login
// sales), who holds extension 102; web/tests/simulator/demo_data.test.ts keeps them in step.
export const DEFAULT_PHONE = "+16505550142";
export const DEFAULT_EXTENSION = "102";

export const USAGE = `usage: npm run simulate -- --url http://localhost:8069 --token <token> --scenario <name|all>
                         [--db <name>] [--phone <number>] [--extension <ext>] [--repeat N]
scenarios: ${SCENARIO_NAMES.join(", ")}, all
  --phone      a number known to Odoo (default ${DEFAULT_PHONE}, the demo's Grace Caller); unknown-caller
               makes up its own
  --extension  a PBX extension bound to a user (default ${DEFAULT_EXTENSION}, the demo's login sales)
  --db         database to use when the server hosts several
  --repeat     play the scenarios N times, each with fresh call ids (default 1)`;

function isScenario(name: string): name is ScenarioName {
    return (SCENARIO_NAMES as readonly string[]).includes(name);
}

/** Options of the command line; throws an Error whose message explains what is wrong. */
export function parseOptions(argv: readonly string[]): SimulatorOptions {
    const { values } = parseArgs({
        args: [...argv],
        options: {
            url: { type: "string" },
            token: { type: "string" },
            db: { type: "string" },
            scenario: { type: "string" },
            phone: { type: "string", default: DEFAULT_PHONE },
            extension: { type: "string", default: DEFAULT_EXTENSION },
            repeat: { type: "string", default: "1" },
        },
        strict: true,
        allowPositionals: false,
    });
    if (!values.url || !URL.canParse(values.url) || !/^https?:/.test(values.url)) {
        throw new Error("--url must be the http(s) address of Odoo, e.g. http://localhost:8069");
    }
    if (!values.token) {
        throw new Error("--token is required");
    }
    if (!values.scenario) {
        throw new Error("--scenario is required");
    }
    const names = values.scenario.split(",").map((name) => name.trim());
    const scenarios = names.includes("all") ? [...SCENARIO_NAMES] : names.filter(isScenario);
    const unknown = names.filter((name) => name !== "all" && !isScenario(name));
    if (unknown.length) {
        throw new Error(`unknown scenario ${unknown.join(", ")}`);
    }
    const repeat = Number(values.repeat);
    if (!Number.isInteger(repeat) || repeat < 1) {
        throw new Error("--repeat must be a positive integer");
    }
    return {
        url: values.url,
        token: values.token,
        ...(values.db ? { db: values.db } : {}),
        scenarios,
        phone: values.phone,
        extension: values.extension,
        repeat,
    };
}
