// The Asterisk AMI bridge: a long-running process that turns AMI events (and IP Office SMDR
// records) into the canonical /api/callcenter/* events of Odoo, with a durable local queue, and
// serves click-to-dial.
//   node pbx_ami_bridge.mjs --config /etc/pbx-ami-bridge.json   (the single file `npm run build` writes
//   to odoo_addon/pbx_callcenter/tools/ami_bridge/; `npm run ami-bridge -- --config …` runs it)
// Exit status: 2 for a bad command line or configuration, 1 when it cannot start.
import { parseArgs } from "node:util";
import { startBridge } from "./bridge";
import { ConfigError, loadConfig } from "./config";
import { createLogger, errorText } from "./log";

const USAGE = "usage: node pbx_ami_bridge.mjs --config <file.json>";

let configPath: string | undefined;
try {
    configPath = parseArgs({ options: { config: { type: "string" } }, strict: true }).values.config;
} catch (error) {
    console.error(`error: ${errorText(error)}\n${USAGE}`);
    process.exit(2);
}
if (!configPath) {
    console.error(`error: --config is required\n${USAGE}`);
    process.exit(2);
}

let config;
try {
    config = loadConfig(configPath);
} catch (error) {
    console.error(error instanceof ConfigError ? `invalid configuration:\n${error.message}` : errorText(error));
    process.exit(2);
}

const logger = createLogger(config.logLevel);
let bridge;
try {
    bridge = await startBridge(config, { logger });
} catch (error) {
    logger.error(`cannot start: ${errorText(error)}`);
    process.exit(1);
}
const sources = [
    ...(config.ami ? [`Asterisk ${config.ami.host}:${config.ami.port}`] : []),
    ...(bridge.smdr ? [`IP Office SMDR on ${bridge.smdr.address.host}:${bridge.smdr.address.port}`] : []),
];
logger.info(`bridge started: ${sources.join(" + ")} -> ${config.odoo.url}, queue ${config.queueDir}`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
        if (stopping) {
            return;
        }
        stopping = true;
        logger.info(`${signal}: stopping`);
        bridge.stop().then(
            () => process.exit(0),
            (error: unknown) => {
                logger.error(`stop failed: ${errorText(error)}`);
                process.exit(1);
            }
        );
    });
}
