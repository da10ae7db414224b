import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";
import { findOdooOwls } from "./web/tests/owl/odoo_owl_trees.mjs";

// vitest only reads a default export: the one exception to named exports.
// Component tests opt into jsdom per file with a `// @vitest-environment jsdom` docblock.
//
// One project per OWL the widgets meet. From npm, always: "npm-owl-2.2.11" (Odoo 17, @odoo/owl)
// runs every test; "npm-owl-2.8.x" (Odoo 18 and 19, the owl-2.8 alias) runs the component and
// service tests again. From each Odoo source tree present (web/tests/owl/odoo_owl_trees.mjs):
// "odoo-<v>-owl-<x>" runs them on the very owl.js that tree ships (web/tests/owl/odoo_owl.ts);
// scripts/test_all.sh prints a SKIPPED line for each tree missing.
// Odoo's own modules (@web/…) exist only inside Odoo: tests see the small stand-ins of
// web/tests/odoo_stubs, at the edge of web/src/odoo/.

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

const odooStubs = [
    { find: /^@web\/core\/l10n\/translation$/, replacement: here("web/tests/odoo_stubs/translation.ts") },
    { find: /^@web\/core\/registry$/, replacement: here("web/tests/odoo_stubs/registry.ts") },
    { find: /^@web\/core\/utils\/(hooks|patch)$/, replacement: here("web/tests/odoo_stubs/hooks.ts") },
    { find: /^@web\/session$/, replacement: here("web/tests/odoo_stubs/session.ts") },
];

const widgetTests = ["web/tests/components/**/*.test.ts", "web/tests/services/**/*.test.ts"];

/** The exact version package.json pins for an OWL devDependency ("2.2.11", "npm:@odoo/owl@2.8.3"). */
function pinnedOwl(name: string): string {
    const spec: unknown = JSON.parse(readFileSync(here("package.json"), "utf8")).devDependencies?.[name];
    const match = /^(?:npm:@odoo\/owl@)?(\d+\.\d+\.\d+)$/.exec(typeof spec === "string" ? spec : "");
    if (!match) {
        throw new Error(`package.json must pin the devDependency ${name} to one OWL version, not ${spec}`);
    }
    return match[1];
}

function owlProject(name: string, owl: string | null, include: string[], env: Record<string, string>) {
    const project: TestProjectInlineConfiguration = {
        extends: true,
        test: { name, environment: "node", include, env },
    };
    if (owl) {
        project.resolve = { alias: [{ find: /^@odoo\/owl$/, replacement: owl }] };
    }
    return project;
}

const npmOwl = pinnedOwl("@odoo/owl");
const npmOwl28 = pinnedOwl("owl-2.8");
const odooOwl = here("web/tests/owl/odoo_owl.ts");

export default defineConfig({
    resolve: { alias: odooStubs },
    test: {
        projects: [
            owlProject(`npm-owl-${npmOwl}`, null, ["web/tests/**/*.test.ts"], { PBX_OWL_EXPECTED: npmOwl }),
            owlProject(`npm-owl-${npmOwl28}`, "owl-2.8", widgetTests, { PBX_OWL_EXPECTED: npmOwl28 }),
            ...findOdooOwls().flatMap(({ major, path, version }) =>
                path
                    ? [
                          owlProject(`odoo-${major}.0-owl-${version ?? "?"}`, odooOwl, widgetTests, {
                              PBX_OWL_EXPECTED: version ?? "?",
                              PBX_OWL_JS: path,
                          }),
                      ]
                    : []
            ),
        ],
    },
});
