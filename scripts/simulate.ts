// PBX simulator: plays call scenarios against /api/callcenter/* of a running Odoo and checks every
// answer against the contract. One line per step, a summary, exit 1 on any failure.
// Run with `npm run simulate -- --url http://localhost:8069 --token <t> --scenario all`.
import { PbxClient } from "./simulator/client";
import { parseOptions, USAGE, type SimulatorOptions } from "./simulator/options";
import { describeError, formatStep, runScenario, summary, type StepReport } from "./simulator/runner";
import { buildScenario, randomSource } from "./simulator/scenarios";

let options: SimulatorOptions;
try {
    options = parseOptions(process.argv.slice(2));
} catch (error) {
    console.error(`${describeError(error)}\n\n${USAGE}`);
    process.exit(2);
}

const client = new PbxClient(options);
try {
    await client.open();
} catch (error) {
    console.error(`FAIL ${describeError(error)}`);
    process.exit(1);
}

const source = randomSource(options.phone, options.extension);
const reports: StepReport[] = [];
for (let run = 1; run <= options.repeat; run++) {
    for (const name of options.scenarios) {
        const scenario = buildScenario(name, source);
        console.log(`-- ${scenario.name}#${run}: ${scenario.description}`);
        reports.push(...(await runScenario(client, scenario, run, (report) => console.log(formatStep(report)))));
    }
}
console.log(summary(reports));
process.exit(reports.some((report) => report.failures.length) ? 1 : 0);
