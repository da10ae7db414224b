// The files an admin copies to the PBX host next to the bridge (odoo_addon/pbx_callcenter/tools/
// ami_bridge/): the example configurations (Asterisk; IP Office) are accepted by the bridge's own
// parser and together name every key of the schema, and the systemd unit starts the built file
// with flags the bridge accepts.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import type { z } from "zod";
import { BRIDGE_TARGET } from "../../../scripts/build_lib.mjs";
import { bridgeConfigSchema, loadConfig, parseConfig } from "../../src/bridge/config";
import { REPO_ROOT } from "../fixtures";

const TOOLS = `${REPO_ROOT}odoo_addon/pbx_callcenter/tools/ami_bridge/`;
const EXAMPLE = `${TOOLS}pbx-ami-bridge.example.json`;
const AVAYA_EXAMPLE = `${TOOLS}pbx-ami-bridge.avaya.example.json`;
const UNIT = `${TOOLS}pbx-ami-bridge.service`;

const dir = mkdtempSync(join(tmpdir(), "ami-deploy-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// -----------------------------------------------------------------------------
// Helpers
// -----------------------------------------------------------------------------

interface SchemaDef {
    type: string;
    innerType?: z.core.$ZodType;
    in?: z.core.$ZodType;
    shape?: Record<string, z.core.$ZodType>;
}

/** Dotted paths of every object key a schema accepts (records and arrays are leaves). */
function schemaKeys(schema: z.core.$ZodType, prefix = ""): string[] {
    const def = schema._zod.def as unknown as SchemaDef;
    if (def.innerType) {
        return schemaKeys(def.innerType, prefix); // default, prefault, optional
    }
    if (def.type === "pipe" && def.in) {
        return schemaKeys(def.in, prefix);
    }
    if (def.type === "object" && def.shape) {
        return Object.entries(def.shape).flatMap(([key, inner]) => [`${prefix}${key}`, ...schemaKeys(inner, `${prefix}${key}.`)]);
    }
    return [];
}

/** Dotted paths of every key of a JSON value (arrays and empty objects are leaves). */
function valueKeys(value: unknown, prefix = ""): string[] {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
        return [];
    }
    return Object.entries(value).flatMap(([key, inner]) => [`${prefix}${key}`, ...valueKeys(inner, `${prefix}${key}.`)]);
}

/** The unit's settings: key -> values, in file order (comments and section headers dropped). */
function unitSettings(text: string): Map<string, string[]> {
    const settings = new Map<string, string[]>();
    for (const line of text.split("\n")) {
        const match = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
        if (match) {
            settings.set(match[1], [...(settings.get(match[1]) ?? []), match[2]]);
        }
    }
    return settings;
}

// -----------------------------------------------------------------------------
// Tests
// -----------------------------------------------------------------------------

describe("example configurations", () => {
    const example = JSON.parse(readFileSync(EXAMPLE, "utf8"));
    const avaya = JSON.parse(readFileSync(AVAYA_EXAMPLE, "utf8"));

    test("the bridge's config loader accepts it", () => {
        const config = loadConfig(EXAMPLE);
        expect(config.queueDir).toBe("/var/lib/pbx-ami-bridge");
        expect(config.originate?.listenHost).toBe("127.0.0.1");
    });

    test("the loader accepts the IP Office one: SMDR without Asterisk, on the same queue directory", () => {
        const config = loadConfig(AVAYA_EXAMPLE);
        expect(config.ami).toBeUndefined();
        expect(config.smdr?.listenHost).toBe("0.0.0.0");
        expect(config.queueDir).toBe(example.queueDir);
    });

    test("together they name every key the schema accepts, and no other", () => {
        const named = new Set([...valueKeys(example), ...valueKeys(avaya)]);
        expect([...named].sort()).toEqual(schemaKeys(bridgeConfigSchema).sort());
        expect(valueKeys(example).filter((key) => key.startsWith("smdr"))).toEqual([]);
    });

    test("its optional values are the defaults", () => {
        const required = {
            ami: { username: example.ami.username, secret: example.ami.secret },
            odoo: { url: example.odoo.url, token: example.odoo.token },
            queueDir: example.queueDir,
            originate: { listenPort: example.originate.listenPort, token: example.originate.token },
        };
        expect(parseConfig(example)).toEqual(parseConfig(required));
        const avayaRequired = {
            odoo: { url: avaya.odoo.url, token: avaya.odoo.token },
            queueDir: avaya.queueDir,
            smdr: { listenPort: avaya.smdr.listenPort, allowFrom: avaya.smdr.allowFrom },
        };
        expect(parseConfig(avaya)).toEqual(parseConfig(avayaRequired));
    });
});

describe("systemd unit", () => {
    const settings = unitSettings(readFileSync(UNIT, "utf8"));
    const execStart = (settings.get("ExecStart") ?? []).join(" ").split(/\s+/);

    test("ExecStart runs the built file with plain node", () => {
        expect(settings.get("ExecStart")).toHaveLength(1);
        const [node, script] = execStart;
        expect(node).toBe("/usr/bin/node");
        expect(basename(script)).toBe(basename(BRIDGE_TARGET));
    });

    test("the bridge accepts ExecStart's flags: it reads the --config file and exits 2 when it is missing", () => {
        copyFileSync(`${REPO_ROOT}${BRIDGE_TARGET}`, join(dir, basename(BRIDGE_TARGET)));
        const args = execStart.slice(2);
        const configAt = args.indexOf("--config") + 1;
        expect(configAt).toBeGreaterThan(0);
        const missing = join(dir, "missing.json");
        args[configAt] = missing;
        const result = spawnSync(process.execPath, [join(dir, basename(BRIDGE_TARGET)), ...args], { encoding: "utf8" });
        expect(result.stderr).toBe(`invalid configuration:\n${missing}: cannot read: ENOENT\n`);
        expect(result.status).toBe(2);
        expect(settings.get("RestartPreventExitStatus")).toEqual([String(result.status)]);
    });

    test("a dedicated user, restarts on failure, and the example's queueDir as its StateDirectory", () => {
        const example = JSON.parse(readFileSync(EXAMPLE, "utf8"));
        expect(settings.get("User")?.[0]).toMatch(/^[a-z][a-z-]+$/);
        expect(settings.get("User")).not.toEqual(["root"]);
        expect(settings.get("Restart")).toEqual(["on-failure"]);
        expect(`/var/lib/${settings.get("StateDirectory")?.[0]}`).toBe(example.queueDir);
        // V8's JIT writes executable memory: this hardening option would kill node at start.
        expect(settings.get("MemoryDenyWriteExecute") ?? ["no"]).toEqual(["no"]);
    });

    const analyze = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].find(existsSync);
    test.skipIf(!analyze)("systemd-analyze verify finds nothing to say (unknown keys, bad values)", () => {
        const result = spawnSync(analyze!, ["verify", UNIT], { encoding: "utf8", cwd: dir });
        expect(result.stderr).toBe("");
        expect(result.status).toBe(0);
    });
});
