import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import {
    COPIED_ASSETS,
    copiedFile,
    copiedOutputs,
    extraAssetProblems,
    TOURS,
} from "../../../scripts/build_lib.mjs";

function tree(files: Record<string, string>): string {
    const root = mkdtempSync(join(tmpdir(), "pbx-build-"));
    for (const [path, text] of Object.entries(files)) {
        mkdirSync(join(root, path, ".."), { recursive: true });
        writeFileSync(join(root, path), text);
    }
    return root;
}

describe("templates and styles copied into static/src", () => {
    test("xml keeps its declaration first and gets a generated comment with the source hash", () => {
        const out = copiedFile("web/src/components/a/a.xml", '<?xml version="1.0"?>\n<templates/>\n');
        const lines = out.split("\n");
        expect(lines[0]).toBe('<?xml version="1.0" encoding="UTF-8"?>');
        expect(lines[1]).toMatch(/^<!-- GENERATED from web\/src\/components\/a\/a\.xml .*sha256:[0-9a-f]{64} -->$/);
        expect(lines.slice(2).join("\n")).toBe("<templates/>\n");
    });

    test("scss gets a line comment header", () => {
        expect(copiedFile("web/src/components/a/a.scss", ".x {}\n")).toMatch(/^\/\/ GENERATED from web\/src\/components\/a\/a\.scss .*\n\.x \{\}\n$/);
    });

    test("same input gives the same bytes", () => {
        expect(copiedFile("web/src/x.scss", "a")).toBe(copiedFile("web/src/x.scss", "a"));
    });

    test("every xml and scss under web/src maps to the same path under static/src", () => {
        const root = tree({
            "web/src/components/a/a.xml": "<templates/>",
            "web/src/components/a/a.scss": ".a {}",
            "web/src/components/a/a.ts": "export {};",
        });
        expect(copiedOutputs(root).map((o) => o.path)).toEqual([
            "odoo_addon/pbx_callcenter/static/src/components/a/a.scss",
            "odoo_addon/pbx_callcenter/static/src/components/a/a.xml",
        ]);
    });

    test("a generated copy whose source is gone must be removed, hand-written files are left alone", () => {
        const root = tree({
            "odoo_addon/pbx_callcenter/static/src/components/old/old.xml": copiedFile("web/src/components/old/old.xml", "<templates/>"),
            "odoo_addon/pbx_callcenter/static/src/img/logo.xml": "<svg/>",
        });
        expect(copiedOutputs(root)).toEqual([
            expect.objectContaining({ path: "odoo_addon/pbx_callcenter/static/src/components/old/old.xml", content: null }),
        ]);
    });
});

describe("manifest assets of tours and copies", () => {
    test("copied templates and styles need their globs in the backend assets", () => {
        const problems = extraAssetProblems({ assets: {} }, { hasTours: false, copiedExtensions: [".xml", ".scss"] });
        expect(problems).toHaveLength(2);
        const assets = { "web.assets_backend": [COPIED_ASSETS[".xml"], COPIED_ASSETS[".scss"]] };
        expect(extraAssetProblems({ assets }, { hasTours: false, copiedExtensions: [".xml", ".scss"] })).toEqual([]);
    });

    test("tours must be in the test assets exactly when they are built", () => {
        expect(extraAssetProblems({ assets: {} }, { hasTours: true, copiedExtensions: [] })).toHaveLength(1);
        const assets = { "web.assets_tests": [TOURS.asset] };
        expect(extraAssetProblems({ assets }, { hasTours: true, copiedExtensions: [] })).toEqual([]);
        expect(extraAssetProblems({ assets }, { hasTours: false, copiedExtensions: [] })).toHaveLength(1);
    });
});
