import { describe, expect, test } from "vitest";
import { DEFAULT_EXTENSION, DEFAULT_PHONE, parseOptions } from "../../../scripts/simulator/options";
import { SCENARIO_NAMES } from "../../../scripts/simulator/scenarios";

const BASE = ["--url", "http://localhost:8069", "--token", "pbx_t"];

describe("simulator options", () => {
    test("defaults phone, extension and repeat", () => {
        expect(parseOptions([...BASE, "--scenario", "outbound"])).toEqual({
            url: "http://localhost:8069",
            token: "pbx_t",
            scenarios: ["outbound"],
            phone: DEFAULT_PHONE,
            extension: DEFAULT_EXTENSION,
            repeat: 1,
        });
    });

    test("all expands to every scenario", () => {
        expect(parseOptions([...BASE, "--scenario", "all"]).scenarios).toEqual(SCENARIO_NAMES);
    });

    test("takes a comma separated list, a database and a repeat count", () => {
        const options = parseOptions([...BASE, "--scenario", "retries,outbound", "--db", "crm", "--repeat", "3"]);
        expect(options).toMatchObject({ scenarios: ["retries", "outbound"], db: "crm", repeat: 3 });
    });

    test.each([
        [["--token", "t", "--scenario", "all"], /--url/],
        [["--url", "ftp://x", "--token", "t", "--scenario", "all"], /--url/],
        [["--url", "http://x"], /--token/],
        [[...BASE], /--scenario/],
        [[...BASE, "--scenario", "hold-music"], /unknown scenario hold-music/],
        [[...BASE, "--scenario", "all", "--repeat", "0"], /--repeat/],
        [[...BASE, "--scenario", "all", "--speed", "2"], /speed/],
    ])("refuses %j", (argv, message) => {
        expect(() => parseOptions(argv)).toThrow(message);
    });
});
