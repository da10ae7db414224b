// The ESLint plugins for eslint.config.js. typescript-eslint parses with TypeScript's JavaScript
// API (peer typescript <6.1), which TypeScript 7, the native compiler `npm run typecheck` uses, no
// longer ships. This npm workspace gives the linter TypeScript 6.0: npm nests it and
// typescript-eslint in scripts/eslint/node_modules, so the root keeps TypeScript 7, and the root
// config imports the plugins from here.
export { default as js } from "@eslint/js";
export { default as globals } from "globals";
export { default as tseslint } from "typescript-eslint";
