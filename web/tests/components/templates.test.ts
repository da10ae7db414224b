// @vitest-environment jsdom
// The shipped templates follow the house rules Odoo relies on: ids `pbx_callcenter.Name`,
// classes `o_pbx_callcenter_*`, and each component's template exists.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { loadTemplates, templateFiles } from "../helpers/mount";
import { REPO } from "../helpers/repo";

describe("shipped templates", () => {
    test("every template id is pbx_callcenter.Name", () => {
        const ids = [...loadTemplates().matchAll(/t-name="([^"]+)"/g)].map((m) => m[1]);
        expect(ids.length).toBeGreaterThan(0);
        for (const id of ids) {
            expect(id).toMatch(/^pbx_callcenter\.[A-Z][A-Za-z0-9]+$/);
        }
        expect(new Set(ids).size).toBe(ids.length);
    });

    test("the classes our styles define are prefixed o_pbx_callcenter_", () => {
        const styles = readdirSync(join(REPO, "web/src"), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".scss"));
        expect(styles.length).toBeGreaterThan(0);
        for (const file of styles) {
            const text = readFileSync(join(REPO, "web/src", file), "utf8").replace(/\/\/.*$/gm, "");
            const classes = [...text.matchAll(/\.(o_[A-Za-z0-9_-]+)/g)].map((m) => m[1]);
            const foreign = classes.filter((c) => !c.startsWith("o_pbx_callcenter_"));
            expect(foreign, `${file} styles Odoo's classes`).toEqual([]);
        }
    });

    test("every template's root element carries an o_pbx_callcenter_ class", () => {
        const doc = new DOMParser().parseFromString(loadTemplates(), "text/xml");
        for (const template of doc.querySelectorAll("templates > [t-name]")) {
            const root = [...template.children].find((el) => el.tagName !== "t") ?? template.firstElementChild;
            const classes = `${root?.getAttribute("class") ?? ""} ${root?.getAttribute("t-attf-class") ?? ""}`;
            expect(classes, template.getAttribute("t-name") ?? "").toMatch(/\bo_pbx_callcenter_/);
        }
    });

    test("each component folder holds name.ts, name.xml and name.scss", () => {
        for (const file of templateFiles().filter((f) => f.startsWith("web/src/components/"))) {
            const base = file.replace(/\.xml$/, "");
            const name = base.split("/").at(-1)!;
            expect(base.split("/").at(-2)).toBe(name);
            for (const ext of [".ts", ".scss"]) {
                expect(() => readFileSync(join(REPO, base + ext)), base + ext).not.toThrow();
            }
        }
    });
});
