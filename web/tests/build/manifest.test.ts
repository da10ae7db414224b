import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { MANIFEST_SOURCE, MANIFEST_TARGET, manifestToPython, sha256, toPythonLiteral } from "../../../scripts/build_lib.mjs";
import { REPO_ROOT } from "../fixtures";

describe("python literal", () => {
    test("json constants become python constants", () => {
        expect(toPythonLiteral([true, false, null])).toBe("[\n    True,\n    False,\n    None,\n]");
    });

    test("strings are escaped for a single-quoted python literal", () => {
        expect(toPythonLiteral("it's a \\ \"path\"\n\t\u0001")).toBe("'it\\'s a \\\\ \"path\"\\n\\t\\x01'");
    });

    test("non-ascii text stays readable and lone surrogates are escaped", () => {
        expect(toPythonLiteral("Café — 通话")).toBe("'Café — 通话'");
        expect(toPythonLiteral("\ud800")).toBe("'\\ud800'");
    });

    test("numbers keep their json spelling and big integers stay integers", () => {
        expect(toPythonLiteral([1, -2.5, 1e-7, 2 ** 70])).toBe(
            "[\n    1,\n    -2.5,\n    1e-7,\n    1180591620717411303424,\n]"
        );
    });

    test("nested containers are indented and empty ones stay inline", () => {
        expect(toPythonLiteral({ a: { b: [] }, c: {} })).toBe("{\n    'a': {\n        'b': [],\n    },\n    'c': {},\n}");
    });
});

describe("manifest", () => {
    test("header names the source and the hash of the json", () => {
        const json = '{"name": "X"}';
        const [header, ...body] = manifestToPython(json).split("\n");
        expect(header).toBe(
            `# GENERATED from __manifest__.json by scripts/build.mjs — do not edit. sha256:${sha256(json)}`
        );
        expect(body.join("\n")).toBe("{\n    'name': 'X',\n}\n");
    });

    test("same input gives the same bytes", () => {
        const json = readFileSync(`${REPO_ROOT}${MANIFEST_SOURCE}`, "utf8");
        expect(manifestToPython(json)).toBe(manifestToPython(json));
    });

    test("a manifest that is not an object is refused", () => {
        expect(() => manifestToPython("[]")).toThrow(/JSON object/);
    });

    test("committed __manifest__.py matches __manifest__.json", () => {
        const json = readFileSync(`${REPO_ROOT}${MANIFEST_SOURCE}`, "utf8");
        const onDisk = readFileSync(`${REPO_ROOT}${MANIFEST_TARGET}`, "utf8");
        expect(onDisk, "run `npm run build` and commit __manifest__.py").toBe(manifestToPython(json));
    });
});
