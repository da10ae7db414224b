// Pure build steps: everything `scripts/build.mjs` writes is computed here, in memory, so the
// vitest freshness tests and `npm run build -- --check` compare exactly what the build would write.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import * as esbuild from "esbuild";

// -----------------------------------------------------------------------------
// Paths (relative to the repository root)
// -----------------------------------------------------------------------------

export const MANIFEST_SOURCE = "__manifest__.json";
export const MANIFEST_TARGET = "odoo_addon/pbx_callcenter/__manifest__.py";

/**
 * @typedef {object} ModuleBundle an esbuild bundle the module's manifest loads
 * @property {string} entry what esbuild bundles from
 * @property {string} target the file written
 * @property {string} asset the target as the manifest's `assets` reference it
 * @property {string} group the asset bundle that must list it
 * @property {string} what what never loads when it is not listed
 */

/**
 * @param {string} entry @param {string} target under odoo_addon/ @param {string} group @param {string} what
 * @returns {ModuleBundle}
 */
function moduleBundle(entry, target, group, what) {
    // Odoo asset paths start at the module
    return { entry, target, asset: target.slice("odoo_addon/".length), group, what };
}

export const WIDGETS = moduleBundle(
    "web/src/main.ts",
    "odoo_addon/pbx_callcenter/static/src/pbx_callcenter.bundle.js",
    "web.assets_backend",
    "the widgets"
);
/** Optional second bundle: tours and other browser tests, loaded only in `web.assets_tests`. */
export const TOURS = moduleBundle(
    "web/src/tours/main.ts",
    "odoo_addon/pbx_callcenter/static/tests/pbx_callcenter.tours.js",
    "web.assets_tests",
    "the tours"
);

/** OWL templates and styles are copied as they are, same relative path under static/src. */
export const STATIC_SOURCE_DIR = "web/src";
export const STATIC_TARGET_DIR = "odoo_addon/pbx_callcenter/static/src";
export const COPIED_EXTENSIONS = [".xml", ".scss"];
/** The manifest globs that load every copied file (checked by assetProblems). */
export const COPIED_ASSETS = {
    ".xml": "pbx_callcenter/static/src/**/*.xml",
    ".scss": "pbx_callcenter/static/src/**/*.scss",
};
/** First-lines marker of every copied file; a file carrying it without a source is stale. */
export const COPY_MARKER = "GENERATED from web/src/";

/** The Asterisk AMI bridge: one file run by plain `node` on the PBX host, shipped with the module. */
export const BRIDGE_ENTRY = "web/src/bridge/main.ts";
export const BRIDGE_TARGET = "odoo_addon/pbx_callcenter/tools/ami_bridge/pbx_ami_bridge.mjs";

/** The contracts the Python side reads (tables and JSON Schemas), generated from the zod schemas. */
export const CONTRACTS_ENTRY = "web/src/schemas/contracts.ts";
export const CONTRACTS_DIR = "odoo_addon/pbx_callcenter/contracts";
/** Start of the `$comment` of every generated contract; a file carrying it without a source is stale. */
export const CONTRACT_MARKER = "GENERATED from web/src/";

/** Modules Odoo provides at runtime; never bundled. */
export const ODOO_EXTERNALS = ["@odoo/owl", "@web/*", "@bus/*", "@mail/*"];

/**
 * @typedef {object} BuildOutput
 * @property {string} path repository-relative path
 * @property {string | null} content the file's expected text; null when the file must not exist
 * @property {string} note one human line for the build log
 */

// -----------------------------------------------------------------------------
// Helpers
// -----------------------------------------------------------------------------

/** @param {string | Uint8Array} data */
export function sha256(data) {
    return createHash("sha256").update(data).digest("hex");
}

// -----------------------------------------------------------------------------
// JSON -> Python literal
// -----------------------------------------------------------------------------

/** @param {string} text */
function pythonString(text) {
    let out = "'";
    for (const char of text) {
        const code = /** @type {number} */ (char.codePointAt(0));
        if (char === "\\") {
            out += "\\\\";
        } else if (char === "'") {
            out += "\\'";
        } else if (char === "\n") {
            out += "\\n";
        } else if (char === "\r") {
            out += "\\r";
        } else if (char === "\t") {
            out += "\\t";
        } else if (code < 0x20 || code === 0x7f) {
            out += "\\x" + code.toString(16).padStart(2, "0");
        } else if (code >= 0xd800 && code <= 0xdfff) {
            // A lone surrogate (legal in JSON) cannot be written as UTF-8.
            out += "\\u" + code.toString(16).padStart(4, "0");
        } else {
            out += char;
        }
    }
    return out + "'";
}

/** @param {number} value */
function pythonNumber(value) {
    if (!Number.isFinite(value)) {
        throw new Error(`cannot write ${value} as a Python literal`);
    }
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
        return BigInt(value).toString();
    }
    return String(value);
}

/**
 * A JSON value as Python source, four-space indented, one item per line, keys in source order.
 * @param {unknown} value
 * @param {string} [indent]
 * @returns {string}
 */
export function toPythonLiteral(value, indent = "") {
    const inner = indent + "    ";
    if (value === null) {
        return "None";
    }
    if (value === true) {
        return "True";
    }
    if (value === false) {
        return "False";
    }
    if (typeof value === "string") {
        return pythonString(value);
    }
    if (typeof value === "number") {
        return pythonNumber(value);
    }
    if (Array.isArray(value)) {
        if (!value.length) {
            return "[]";
        }
        const items = value.map((item) => `${inner}${toPythonLiteral(item, inner)},\n`);
        return `[\n${items.join("")}${indent}]`;
    }
    if (typeof value === "object") {
        const entries = Object.entries(value);
        if (!entries.length) {
            return "{}";
        }
        const items = entries.map(
            ([key, item]) => `${inner}${pythonString(key)}: ${toPythonLiteral(item, inner)},\n`
        );
        return `{\n${items.join("")}${indent}}`;
    }
    throw new Error(`cannot write a ${typeof value} as a Python literal`);
}

/**
 * The generated `__manifest__.py` for the text of `__manifest__.json`.
 * @param {string} jsonText
 */
export function manifestToPython(jsonText) {
    const manifest = JSON.parse(jsonText);
    if (manifest === null || typeof manifest !== "object" || Array.isArray(manifest)) {
        throw new Error(`${MANIFEST_SOURCE} must hold a JSON object`);
    }
    const header =
        `# GENERATED from ${MANIFEST_SOURCE} by scripts/build.mjs — do not edit. ` +
        `sha256:${sha256(jsonText)}\n`;
    return header + toPythonLiteral(manifest) + "\n";
}

// -----------------------------------------------------------------------------
// Widget bundle
// -----------------------------------------------------------------------------

/**
 * zod's `z` namespace re-exports every error-message locale (~270 kB); the widgets only use
 * English messages in console warnings, so `locales/index.js` is replaced by English alone.
 * @type {esbuild.Plugin}
 */
export const zodEnglishOnly = {
    name: "zod-english-only",
    setup(build) {
        // The virtual module's name carries no absolute path: the bundle's comments (and so
        // its bytes) must not depend on where the repository is checked out.
        build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
            /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)
                ? { path: "zod/locales/en-only", namespace: "zod-locales", pluginData: join(args.resolveDir, "../locales") }
                : undefined
        );
        build.onLoad({ filter: /.*/, namespace: "zod-locales" }, (args) => ({
            contents: 'export { default as en } from "./en.js";\n',
            resolveDir: args.pluginData,
            loader: "js",
        }));
    },
};

/**
 * esbuild options that produce a file Odoo's line-based JS transpiler accepts (ODOO_ENV.md):
 * ESM, Odoo packages external, no whitespace minification (and no identifier renaming, for `_t`).
 * @param {string} root
 * @returns {esbuild.BuildOptions & { write: false, metafile: true }}
 */
export function bundleOptions(root) {
    return {
        absWorkingDir: root,
        entryPoints: [WIDGETS.entry],
        outfile: WIDGETS.target,
        bundle: true,
        format: "esm",
        platform: "browser",
        target: "es2022",
        external: ODOO_EXTERNALS,
        // Identifiers stay readable so `_t("…")` calls survive verbatim: Odoo extracts the
        // translatable terms of static/src/**/*.js by looking for literal `_t(` calls.
        minifyIdentifiers: false,
        minifySyntax: true,
        minifyWhitespace: false,
        legalComments: "none",
        charset: "utf8",
        plugins: [zodEnglishOnly],
        write: false,
        metafile: true,
        logLevel: "silent",
    };
}

/**
 * Exported names Odoo's transpiler mangles: `default` (stored under a plain "default" key)
 * and names containing `$`.
 * @param {readonly string[]} exportNames
 */
export function unsafeExports(exportNames) {
    return exportNames.filter((name) => name === "default" || name.includes("$"));
}

/**
 * The bundle's text with its generated header, or null when there is no widget entry yet.
 * @param {string} root
 * @param {string} [entry] entry point (default: the widgets' web/src/main.ts)
 * @param {string} [outfile]
 */
export async function bundleWidgets(root, entry = WIDGETS.entry, outfile = WIDGETS.target) {
    if (!existsSync(join(root, entry))) {
        return null;
    }
    const result = await esbuild.build({ ...bundleOptions(root), entryPoints: [entry], outfile });
    const output = result.outputFiles[0];
    const meta = Object.values(result.metafile.outputs)[0];
    const unsafe = unsafeExports(meta.exports);
    if (unsafe.length) {
        throw new Error(`${entry} exports names Odoo cannot load: ${unsafe.join(", ")}`);
    }
    const body = output.text;
    const header =
        "/** @odoo-module **/\n" +
        `// GENERATED from web/src by scripts/build.mjs — do not edit. ` +
        `esbuild ${esbuild.version}, sha256:${sha256(body)}\n`;
    return header + body;
}

// -----------------------------------------------------------------------------
// AMI bridge (single file for node)
// -----------------------------------------------------------------------------

/**
 * Imports a bundle leaves to the runtime that are not Node built-ins (`node:*`): each would
 * need a node_modules next to the file.
 * @param {readonly { path: string, external?: boolean }[]} imports
 */
export function foreignImports(imports) {
    return [...new Set(imports.filter((item) => item.external && !item.path.startsWith("node:")).map((item) => item.path))];
}

/**
 * The bridge bundled with zod into one ESM file for Node 20, with its generated header, or null
 * when there is no bridge entry.
 * @param {string} root
 */
export async function bundleBridge(root) {
    if (!existsSync(join(root, BRIDGE_ENTRY))) {
        return null;
    }
    const result = await esbuild.build({
        absWorkingDir: root,
        entryPoints: [BRIDGE_ENTRY],
        outfile: BRIDGE_TARGET,
        bundle: true,
        format: "esm",
        platform: "node",
        target: "node20",
        minifySyntax: true,
        legalComments: "none",
        charset: "utf8",
        plugins: [zodEnglishOnly],
        write: false,
        metafile: true,
        logLevel: "silent",
    });
    const foreign = foreignImports(Object.values(result.metafile.outputs)[0].imports);
    if (foreign.length) {
        throw new Error(`${BRIDGE_ENTRY}: the bridge bundle would import ${foreign.join(", ")} at runtime`);
    }
    const body = result.outputFiles[0].text;
    const header =
        "#!/usr/bin/env node\n" +
        `// GENERATED from web/src/bridge/*.ts (entry ${BRIDGE_ENTRY}, with web/src/schemas, web/src/lib\n` +
        "// and zod bundled in) by scripts/build.mjs — do not edit; rebuild with `npm ci && npm run build`.\n" +
        "// The Asterisk AMI bridge: needs Node.js 20 or later and nothing else.\n" +
        "//   node pbx_ami_bridge.mjs --config /etc/pbx-ami-bridge.json\n" +
        `// esbuild ${esbuild.version}, sha256:${sha256(body)}\n`;
    return header + body;
}

// -----------------------------------------------------------------------------
// Contracts (tables.json, *.schema.json)
// -----------------------------------------------------------------------------

/**
 * The files of contracts/ as `contractFiles()` of web/src/schemas/contracts.ts returns them, run in
 * a child Node (bundled with zod, so the vitest module runner never loads it), or null without it.
 * @param {string} root
 * @returns {Promise<Record<string, unknown> | null>}
 */
export async function contractValues(root) {
    if (!existsSync(join(root, CONTRACTS_ENTRY))) {
        return null;
    }
    const result = await esbuild.build({
        absWorkingDir: root,
        entryPoints: [CONTRACTS_ENTRY],
        bundle: true,
        format: "esm",
        platform: "node",
        target: "node20",
        charset: "utf8",
        plugins: [zodEnglishOnly],
        write: false,
        logLevel: "silent",
    });
    const program = result.outputFiles[0].text + "\nprocess.stdout.write(JSON.stringify(contractFiles()));\n";
    const out = execFileSync(process.execPath, ["--input-type=module"], {
        cwd: root,
        input: program,
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
    });
    return JSON.parse(out);
}

/**
 * A generated contract's text: two-space JSON, keys in the order zod writes them.
 * @param {unknown} value
 */
export function contractText(value) {
    return JSON.stringify(value, null, 2) + "\n";
}

/**
 * Build outputs for every contract file, plus a removal for every previously generated one
 * (it carries the marker) that the contracts no longer name.
 * @param {string} root
 * @returns {Promise<BuildOutput[]>}
 */
export async function contractOutputs(root) {
    const values = (await contractValues(root)) ?? {};
    /** @type {BuildOutput[]} */
    const outputs = Object.entries(values).map(([name, value]) => ({
        path: `${CONTRACTS_DIR}/${name}`,
        content: contractText(value),
        note: `from ${CONTRACTS_ENTRY}`,
    }));
    const expected = new Set(outputs.map((output) => output.path));
    for (const target of listFiles(root, CONTRACTS_DIR)) {
        if (expected.has(target) || !target.endsWith(".json")) {
            continue;
        }
        const head = readFileSync(join(root, target), "utf8").slice(0, 300);
        if (head.includes(CONTRACT_MARKER)) {
            outputs.push({ path: target, content: null, note: `not a contract of ${CONTRACTS_ENTRY} any more` });
        }
    }
    return outputs;
}

// -----------------------------------------------------------------------------
// Templates and styles (copied)
// -----------------------------------------------------------------------------

/**
 * Repository-relative paths of every file under `dir` (sorted, "/" separators), or [].
 * @param {string} root
 * @param {string} dir
 * @returns {string[]}
 */
function listFiles(root, dir) {
    const base = join(root, dir);
    if (!existsSync(base)) {
        return [];
    }
    /** @type {string[]} */
    const found = [];
    for (const entry of readdirSync(base, { recursive: true, withFileTypes: true })) {
        if (entry.isFile()) {
            const parent = entry.parentPath ?? /** @type {{ path: string }} */ (/** @type {unknown} */ (entry)).path;
            found.push(relative(root, join(parent, entry.name)).split(sep).join("/"));
        }
    }
    return found.sort();
}

/** @param {string} path */
function copiedExtension(path) {
    return COPIED_EXTENSIONS.find((ext) => path.endsWith(ext)) ?? null;
}

/**
 * A template or style file with its generated header (source hash), ready for static/src.
 * XML keeps its declaration first; Odoo drops comments when it loads templates.
 * @param {string} sourcePath repository-relative, e.g. web/src/components/x/x.xml
 * @param {string} text
 */
export function copiedFile(sourcePath, text) {
    const note = `GENERATED from ${sourcePath} by scripts/build.mjs — do not edit. sha256:${sha256(text)}`;
    if (sourcePath.endsWith(".xml")) {
        const declaration = /^<\?xml[^>]*\?>\s*/.exec(text);
        const rest = declaration ? text.slice(declaration[0].length) : text;
        return `<?xml version="1.0" encoding="UTF-8"?>\n<!-- ${note} -->\n${rest}`;
    }
    return `// ${note}\n${text}`;
}

/**
 * Build outputs for every .xml/.scss under web/src, plus a removal for every previously
 * generated copy whose source is gone.
 * @param {string} root
 * @returns {BuildOutput[]}
 */
export function copiedOutputs(root) {
    /** @type {BuildOutput[]} */
    const outputs = [];
    const expected = new Set();
    for (const source of listFiles(root, STATIC_SOURCE_DIR)) {
        if (!copiedExtension(source)) {
            continue;
        }
        const target = STATIC_TARGET_DIR + source.slice(STATIC_SOURCE_DIR.length);
        expected.add(target);
        outputs.push({
            path: target,
            content: copiedFile(source, readFileSync(join(root, source), "utf8")),
            note: `copy of ${source}`,
        });
    }
    for (const target of listFiles(root, STATIC_TARGET_DIR)) {
        if (expected.has(target) || !copiedExtension(target)) {
            continue;
        }
        const head = readFileSync(join(root, target), "utf8").slice(0, 300);
        if (head.includes(COPY_MARKER)) {
            outputs.push({ path: target, content: null, note: "its source in web/src is gone" });
        }
    }
    return outputs;
}

/**
 * @param {unknown} manifest
 * @returns {Record<string, unknown>} the manifest's `assets`
 */
function assetsOf(manifest) {
    return /** @type {{ assets?: Record<string, unknown> }} */ (manifest).assets ?? {};
}

/** @param {Record<string, unknown>} assets @param {string} group @param {string} file */
function lists(assets, group, file) {
    return Array.isArray(assets[group]) && /** @type {unknown[]} */ (assets[group]).includes(file);
}

/**
 * Problems between the manifest's `assets` and a bundle: listed in its group exactly when built.
 * @param {Record<string, unknown>} assets
 * @param {ModuleBundle} bundle
 * @param {boolean} built
 * @returns {string[]}
 */
function bundleAssetProblems(assets, bundle, built) {
    const listed = Object.keys(assets).filter((group) => lists(assets, group, bundle.asset));
    if (built && !listed.includes(bundle.group)) {
        return [`${MANIFEST_SOURCE}: add "${bundle.asset}" to assets["${bundle.group}"], or ${bundle.what} never load`];
    }
    if (!built && listed.length) {
        return [`${MANIFEST_SOURCE}: assets list ${bundle.asset} but ${bundle.entry} does not exist`];
    }
    return [];
}

/**
 * Problems between the manifest's `assets` and the widget bundle that exists (or not).
 * @param {unknown} manifest
 * @param {boolean} hasBundle
 * @returns {string[]}
 */
export function assetProblems(manifest, hasBundle) {
    return bundleAssetProblems(assetsOf(manifest), WIDGETS, hasBundle);
}

/**
 * Problems between the manifest's `assets` and the tours bundle and copied templates/styles.
 * @param {unknown} manifest
 * @param {{ hasTours: boolean, copiedExtensions: string[] }} built
 * @returns {string[]}
 */
export function extraAssetProblems(manifest, built) {
    const assets = assetsOf(manifest);
    const problems = bundleAssetProblems(assets, TOURS, built.hasTours);
    for (const ext of built.copiedExtensions) {
        const glob = COPIED_ASSETS[/** @type {".xml" | ".scss"} */ (ext)];
        if (!lists(assets, WIDGETS.group, glob)) {
            problems.push(`${MANIFEST_SOURCE}: add "${glob}" to assets["${WIDGETS.group}"]`);
        }
    }
    return problems;
}

// -----------------------------------------------------------------------------
// Whole build
// -----------------------------------------------------------------------------

/**
 * A bundle's output: its text, or null (and why in the note) when its entry does not exist.
 * @param {string} entry @param {string} target @param {string | null} content @param {string} absent
 * @returns {BuildOutput}
 */
function bundleOutput(entry, target, content, absent) {
    return { path: target, content, note: content === null ? `no ${entry}${absent}` : `from ${entry}` };
}

/**
 * Every file the build owns, computed in memory.
 * @param {string} root
 * @returns {Promise<{ outputs: BuildOutput[], problems: string[] }>}
 */
export async function computeBuild(root) {
    const manifestText = readFileSync(join(root, MANIFEST_SOURCE), "utf8");
    const bundle = await bundleWidgets(root);
    const tours = await bundleWidgets(root, TOURS.entry, TOURS.target);
    const bridge = await bundleBridge(root);
    const copies = copiedOutputs(root);
    const contracts = await contractOutputs(root);
    const outputs = [
        {
            path: MANIFEST_TARGET,
            content: manifestToPython(manifestText),
            note: `from ${MANIFEST_SOURCE}`,
        },
        bundleOutput(WIDGETS.entry, WIDGETS.target, bundle, " yet: nothing to bundle"),
        bundleOutput(TOURS.entry, TOURS.target, tours, ": no tours"),
        bundleOutput(BRIDGE_ENTRY, BRIDGE_TARGET, bridge, ": no AMI bridge"),
        ...copies,
        ...contracts,
    ];
    const manifest = JSON.parse(manifestText);
    const copiedExtensions = COPIED_EXTENSIONS.filter((ext) =>
        copies.some((output) => output.content !== null && output.path.endsWith(ext))
    );
    const problems = [
        ...assetProblems(manifest, bundle !== null),
        ...extraAssetProblems(manifest, { hasTours: tours !== null, copiedExtensions }),
    ];
    return { outputs, problems };
}

/**
 * Outputs whose file on disk differs from the computed content (or exists when it must not).
 * @param {string} root
 * @param {readonly BuildOutput[]} outputs
 */
export function staleOutputs(root, outputs) {
    return outputs.filter(({ path, content }) => {
        const file = join(root, path);
        if (content === null) {
            return existsSync(file);
        }
        return !existsSync(file) || readFileSync(file, "utf8") !== content;
    });
}
