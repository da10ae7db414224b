// The AMI bridge's JSON configuration file: what to connect to, where to queue, how to read
// channel names. Unknown keys are errors (a typo must not silently fall back to a default), and
// every error names the key at fault: "ami.port: must be a whole number from 1 to 65535".
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { LOG_LEVELS } from "./log";

// -----------------------------------------------------------------------------
// Field rules
// -----------------------------------------------------------------------------

const milliseconds = (fallback: number, min = 1) =>
    z.number().int("must be a whole number of milliseconds").min(min).max(86_400_000).default(fallback);

const port = z.number().int().min(1).max(65535, "must be a whole number from 1 to 65535");

/** One line of an AMI message: AMI has no escaping, so a line break would inject fields. */
const amiText = z.string().refine((value) => !/[\r\n]/.test(value), "must not contain line breaks");

const httpUrl = z
    .string()
    .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), "must be an http(s) URL")
    .transform((value) => value.replace(/\/+$/, ""));

/** How many capture groups a regular expression has (0 when it does not compile). */
function captureGroups(source: string): number {
    try {
        return (new RegExp(`${source}|`).exec("") ?? []).length - 1;
    } catch {
        return -1;
    }
}

const extensionPattern = z
    .string()
    .refine((source) => captureGroups(source) >= 0, "must be a valid regular expression")
    .refine(
        (source) => captureGroups(source) !== 0,
        "must capture the extension, e.g. ^PJSIP/(\\d+)-[0-9a-f]+$ or (?<ext>\\d+)"
    );

const backoff = (initialMs: number, maxMs: number) =>
    z
        .strictObject({ initialMs: milliseconds(initialMs), maxMs: milliseconds(maxMs) })
        .refine((value) => value.maxMs >= value.initialMs, { path: ["maxMs"], message: "must be at least initialMs" })
        .prefault({});

// -----------------------------------------------------------------------------
// Schema
// -----------------------------------------------------------------------------

// PJSIP and chan_sip name a channel <tech>/<endpoint>-<8 hex digits>; chan_iax2 IAX2/<peer>-<call
// number>, a decimal number up to 32767 (as seen on a real Asterisk 22).
export const DEFAULT_EXTENSION_CHANNELS = ["^(?:PJSIP|SIP)/(\\d{2,8})-[0-9a-f]{6,}$", "^IAX2/(\\d{2,8})-\\d{1,5}$"];

const bridgeConfigShape = z.strictObject({
    ami: z.strictObject({
        host: z.string().min(1).default("127.0.0.1"),
        port: port.default(5038),
        username: amiText.pipe(z.string().min(1, "required")),
        secret: amiText.pipe(z.string().min(1, "required")),
        connectTimeoutMs: milliseconds(10_000),
        pingIntervalMs: milliseconds(20_000),
        pingTimeoutMs: milliseconds(10_000),
    }).optional(),
    odoo: z.strictObject({
        url: httpUrl,
        token: z.string().min(8, "must be the connection's API token (pbx_...)"),
        timeoutMs: milliseconds(15_000),
    }),
    queueDir: z.string().min(1, "required"),
    reconnect: backoff(1_000, 60_000),
    retry: backoff(1_000, 300_000),
    calls: z
        .strictObject({
            extensionChannels: z.array(extensionPattern).min(1).default(DEFAULT_EXTENSION_CHANNELS),
            internalContexts: z.array(z.string().min(1)).default(["from-internal"]),
            cdrGraceMs: milliseconds(3_000, 0),
            recordingPrefix: z.string().default("/var/spool/asterisk/monitor/"),
            reportInternal: z.boolean().default(false),
        })
        .prefault({}),
    originate: z
        .strictObject({
            listenHost: z.string().min(1).default("127.0.0.1"),
            /** 0: any free port (tests). */
            listenPort: z.number().int().min(0).max(65535, "must be a whole number from 0 to 65535"),
            token: z.string().min(16, "must be at least 16 characters"),
            channel: amiText.pipe(z.string().includes("{extension}", { message: "must contain {extension}" })).default("PJSIP/{extension}"),
            context: amiText.pipe(z.string().min(1)).default("from-internal"),
            callerId: amiText.default("{number}"),
            timeoutMs: milliseconds(30_000),
            responseTimeoutMs: milliseconds(4_000),
            variables: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_()]*$/, "variable names: letters, digits, _"), amiText).default({}),
        })
        .optional(),
    /** Avaya IP Office: SMDR records pushed over TCP (IP Office connects, the bridge listens). */
    smdr: z
        .strictObject({
            listenHost: z.string().min(1).default("0.0.0.0"),
            /** 0: any free port (tests). */
            listenPort: z.number().int().min(0).max(65535, "must be a whole number from 0 to 65535"),
            allowFrom: z
                .array(z.string().refine((value) => isIP(value) !== 0, "must be an IP address"))
                .min(1, "list the IP Office's address(es): connections from anywhere else are refused"),
            reportInternal: z.boolean().default(false),
            incompleteCallMs: milliseconds(86_400_000),
        })
        .optional(),
    logLevel: z.enum(LOG_LEVELS).default("info"),
});

export const bridgeConfigSchema = bridgeConfigShape
    .refine((config) => config.ami || config.smdr, { message: "needs an ami block (Asterisk), an smdr block (IP Office) or both" })
    .refine((config) => !config.originate || config.ami, { path: ["originate"], message: "needs the ami block: click-to-dial goes through Asterisk" });

export type BridgeConfig = z.output<typeof bridgeConfigSchema>;
export type BridgeConfigInput = z.input<typeof bridgeConfigSchema>;
export type OriginateConfig = NonNullable<BridgeConfig["originate"]>;
export type CallsConfig = BridgeConfig["calls"];
export type SmdrConfig = NonNullable<BridgeConfig["smdr"]>;

// -----------------------------------------------------------------------------
// Loading
// -----------------------------------------------------------------------------

export class ConfigError extends Error {}

/** Human-readable problems, one per line, each starting with the key at fault. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
    return issues
        .flatMap((issue) => {
            const where = issue.path.map(String).join(".");
            if (issue.code === "unrecognized_keys") {
                return issue.keys.map((key) => `${where ? `${where}.` : ""}${key}: unknown key`);
            }
            return [`${where || "(file)"}: ${issue.message}`];
        })
        .join("\n");
}

/** The configuration in `value`; ConfigError lists every problem. */
export function parseConfig(value: unknown, baseDir = process.cwd()): BridgeConfig {
    const parsed = bridgeConfigSchema.safeParse(value);
    if (!parsed.success) {
        throw new ConfigError(describeIssues(parsed.error.issues));
    }
    return { ...parsed.data, queueDir: resolve(baseDir, parsed.data.queueDir) };
}

/** Reads and validates a config file; relative paths in it are relative to the file. */
export function loadConfig(path: string): BridgeConfig {
    let text: string;
    try {
        text = readFileSync(path, "utf8");
    } catch (error) {
        throw new ConfigError(`${path}: cannot read: ${(error as NodeJS.ErrnoException).code ?? error}`);
    }
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch (error) {
        throw new ConfigError(`${path}: not valid JSON: ${(error as Error).message}`);
    }
    try {
        return parseConfig(value, dirname(resolve(path)));
    } catch (error) {
        if (error instanceof ConfigError) {
            throw new ConfigError(error.message.split("\n").map((line) => `${path}: ${line}`).join("\n"));
        }
        throw error;
    }
}
