import { defineConfig } from "vitest/config";

// vitest only reads a default export: the one exception to named exports.
// Component tests opt into jsdom per file with a `// @vitest-environment jsdom` docblock.
export default defineConfig({
    test: {
        environment: "node",
        include: ["web/tests/**/*.test.ts"],
    },
});
