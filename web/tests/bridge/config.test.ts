import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { ConfigError, DEFAULT_EXTENSION_CHANNELS, loadConfig, parseConfig } from "../../src/bridge/config";

const MINIMAL = {
    ami: { username: "odoo", secret: "s3cret" },
    odoo: { url: "https://odoo.example.com/", token: "pbx_0123456789" },
    queueDir: "/var/lib/pbx-ami-bridge",
};

function problems(value: unknown): string {
    try {
        parseConfig(value);
    } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
    }
    throw new Error("the configuration was accepted");
}

let dir = "";
afterEach(() => {
    if (dir) {
        rmSync(dir, { recursive: true, force: true });
        dir = "";
    }
});

describe("bridge configuration", () => {
    test("a minimal file gets every default", () => {
        const config = parseConfig(MINIMAL);
        expect(config.ami).toEqual({
            host: "127.0.0.1", port: 5038, username: "odoo", secret: "s3cret",
            connectTimeoutMs: 10000, pingIntervalMs: 20000, pingTimeoutMs: 10000,
        });
        expect(config.odoo.url).toBe("https://odoo.example.com");
        expect(config.reconnect).toEqual({ initialMs: 1000, maxMs: 60000 });
        expect(config.calls.extensionChannels).toEqual(DEFAULT_EXTENSION_CHANNELS);
        expect(config.calls.internalContexts).toEqual(["from-internal"]);
        expect(config.originate).toBeUndefined();
        expect(config.logLevel).toBe("info");
    });

    test("the originate block gets its defaults", () => {
        const config = parseConfig({ ...MINIMAL, originate: { listenPort: 8089, token: "a".repeat(16) } });
        expect(config.originate).toEqual({
            listenHost: "127.0.0.1", listenPort: 8089, token: "a".repeat(16), channel: "PJSIP/{extension}",
            context: "from-internal", callerId: "{number}", timeoutMs: 30000, responseTimeoutMs: 4000, variables: {},
        });
    });

    test("an unknown key is named with its path", () => {
        expect(problems({ ...MINIMAL, ami: { ...MINIMAL.ami, pasword: "x" } })).toBe("ami.pasword: unknown key");
        expect(problems({ ...MINIMAL, queuedir: "/x" })).toBe("queuedir: unknown key");
    });

    test("every bad value is named, one per line", () => {
        const message = problems({
            ami: { username: "odoo", port: 99999 },
            odoo: { url: "ftp://odoo", token: "pbx_0123456789" },
            queueDir: "",
            reconnect: { initialMs: 5000, maxMs: 100 },
        });
        expect(message.split("\n").map((line) => line.split(":")[0]).sort()).toEqual(
            ["ami.port", "ami.secret", "odoo.url", "queueDir", "reconnect.maxMs"].sort()
        );
        expect(message).toContain("ami.port: must be a whole number from 1 to 65535");
        expect(message).toContain("odoo.url: must be an http(s) URL");
    });

    test("extension patterns must compile and capture the extension", () => {
        expect(problems({ ...MINIMAL, calls: { extensionChannels: ["PJSIP/(\\d+"] } })).toContain("calls.extensionChannels.0: must be a valid regular expression");
        expect(problems({ ...MINIMAL, calls: { extensionChannels: ["^PJSIP/\\d+-"] } })).toContain("calls.extensionChannels.0: must capture the extension");
    });

    test("AMI fields refuse line breaks, which would inject actions", () => {
        expect(problems({ ...MINIMAL, ami: { username: "odoo\r\nAction: Command", secret: "x" } })).toContain("ami.username: must not contain line breaks");
        expect(problems({ ...MINIMAL, originate: { listenPort: 1, token: "a".repeat(16), context: "from-internal\nx" } })).toContain("originate.context");
    });

    test("a short originate token and a channel without {extension} are refused", () => {
        const message = problems({ ...MINIMAL, originate: { listenPort: 8089, token: "short", channel: "PJSIP/101" } });
        expect(message).toContain("originate.token: must be at least 16 characters");
        expect(message).toContain("originate.channel: must contain {extension}");
    });

    test("an IP Office alone: an smdr block without ami, with its defaults", () => {
        const noAmi = { odoo: MINIMAL.odoo, queueDir: MINIMAL.queueDir };
        const config = parseConfig({ ...noAmi, smdr: { listenPort: 1150, allowFrom: ["192.0.2.10", "2001:db8::10"] } });
        expect(config.ami).toBeUndefined();
        expect(config.smdr).toEqual({ listenHost: "0.0.0.0", listenPort: 1150, allowFrom: ["192.0.2.10", "2001:db8::10"], reportInternal: false, incompleteCallMs: 86400000 });
    });

    test("a source is required, the smdr addresses must be IPs, and click-to-dial needs Asterisk", () => {
        const noAmi = { odoo: MINIMAL.odoo, queueDir: MINIMAL.queueDir };
        expect(problems(noAmi)).toBe("(file): needs an ami block (Asterisk), an smdr block (IP Office) or both");
        expect(problems({ ...noAmi, smdr: { listenPort: 1150, allowFrom: [] } })).toBe(
            "smdr.allowFrom: list the IP Office's address(es): connections from anywhere else are refused"
        );
        expect(problems({ ...noAmi, smdr: { listenPort: 1150, allowFrom: ["ipoffice.local"] } })).toBe("smdr.allowFrom.0: must be an IP address");
        expect(problems({ ...noAmi, smdr: { listenPort: 1150, allowFrom: ["192.0.2.10"] }, originate: { listenPort: 8089, token: "a".repeat(16) } })).toBe(
            "originate: needs the ami block: click-to-dial goes through Asterisk"
        );
    });

    test("a file that is not JSON, or missing, is reported with its path", () => {
        dir = mkdtempSync(join(tmpdir(), "ami-config-"));
        const path = join(dir, "bridge.json");
        writeFileSync(path, "{ ami: ");
        expect(() => loadConfig(path)).toThrow(new RegExp(`^${path}: not valid JSON`));
        expect(() => loadConfig(join(dir, "missing.json"))).toThrow(/missing\.json: cannot read: ENOENT/);
    });

    test("a relative queueDir is relative to the config file, and errors carry the file name", () => {
        dir = mkdtempSync(join(tmpdir(), "ami-config-"));
        const path = join(dir, "bridge.json");
        writeFileSync(path, JSON.stringify({ ...MINIMAL, queueDir: "queue" }));
        expect(loadConfig(path).queueDir).toBe(join(dir, "queue"));
        writeFileSync(path, JSON.stringify({ ...MINIMAL, logLevel: "verbose" }));
        expect(() => loadConfig(path)).toThrow(`${path}: logLevel:`);
    });
});
