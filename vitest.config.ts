import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// vitest only reads a default export: the one exception to named exports.
// Component tests opt into jsdom per file with a `// @vitest-environment jsdom` docblock.
//
// Two projects, one per OWL version Odoo ships: "owl-2.2" (Odoo 17: @odoo/owl 2.2.11 from npm)
// runs every test; "owl-2.7" (Odoo 18: the owl.js of the Odoo 18 tree, see web/tests/owl/owl_2_7.ts)
// runs the component and service tests again with "@odoo/owl" aliased to 2.7.0.
// Odoo's own modules (@web/…) exist only inside Odoo: tests see the small stand-ins of
// web/tests/odoo_stubs, at the edge of web/src/odoo/.

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

const odooStubs = [
    { find: /^@web\/core\/l10n\/translation$/, replacement: here("web/tests/odoo_stubs/translation.ts") },
    { find: /^@web\/core\/registry$/, replacement: here("web/tests/odoo_stubs/registry.ts") },
    { find: /^@web\/core\/utils\/(hooks|patch)$/, replacement: here("web/tests/odoo_stubs/hooks.ts") },
    { find: /^@web\/session$/, replacement: here("web/tests/odoo_stubs/session.ts") },
];

export default defineConfig({
    resolve: { alias: odooStubs },
    test: {
        projects: [
            {
                extends: true,
                test: {
                    name: "owl-2.2",
                    environment: "node",
                    include: ["web/tests/**/*.test.ts"],
                    env: { PBX_OWL_EXPECTED: "2.2.11" },
                },
            },
            {
                extends: true,
                resolve: {
                    alias: [{ find: /^@odoo\/owl$/, replacement: here("web/tests/owl/owl_2_7.ts") }],
                },
                test: {
                    name: "owl-2.7",
                    environment: "node",
                    include: ["web/tests/components/**/*.test.ts", "web/tests/services/**/*.test.ts"],
                    env: { PBX_OWL_EXPECTED: "2.7.0" },
                },
            },
        ],
    },
});
