// Pure build steps: everything `scripts/build.mjs` writes is computed here, in memory, so the
// vitest freshness tests and `npm run build -- --check` compare exactly what the build would write.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as esbuild from "esbuild";

// -----------------------------------------------------------------------------
// Paths (relative to the repository root)
// -----------------------------------------------------------------------------

export const MANIFEST_SOURCE = "__manifest__.json";
export const MANIFEST_TARGET = "odoo_addon/pbx_callcenter/__manifest__.py";
export const WIDGET_ENTRY = "web/src/main.ts";
export const BUNDLE_TARGET = "odoo_addon/pbx_callcenter/static/src/pbx_callcenter.bundle.js";
/** How the manifest's `assets` must reference the bundle (Odoo asset paths start at the module). */
export const BUNDLE_ASSET = "pbx_callcenter/static/src/pbx_callcenter.bundle.js";
export const BUNDLE_ASSET_GROUP = "web.assets_backend";

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
 * esbuild options that produce a file Odoo's line-based JS transpiler accepts (ODOO_ENV.md):
 * ESM, Odoo packages external, no whitespace minification.
 * @param {string} root
 * @returns {esbuild.BuildOptions & { write: false, metafile: true }}
 */
export function bundleOptions(root) {
    return {
        absWorkingDir: root,
        entryPoints: [WIDGET_ENTRY],
        outfile: BUNDLE_TARGET,
        bundle: true,
        format: "esm",
        platform: "browser",
        target: "es2022",
        external: ODOO_EXTERNALS,
        minifyIdentifiers: true,
        minifySyntax: true,
        minifyWhitespace: false,
        legalComments: "none",
        charset: "utf8",
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
 */
export async function bundleWidgets(root) {
    if (!existsSync(join(root, WIDGET_ENTRY))) {
        return null;
    }
    const result = await esbuild.build(bundleOptions(root));
    const output = result.outputFiles[0];
    const meta = Object.values(result.metafile.outputs)[0];
    const unsafe = unsafeExports(meta.exports);
    if (unsafe.length) {
        throw new Error(`${WIDGET_ENTRY} exports names Odoo cannot load: ${unsafe.join(", ")}`);
    }
    const body = output.text;
    const header =
        "/** @odoo-module **/\n" +
        `// GENERATED from web/src by scripts/build.mjs — do not edit. ` +
        `esbuild ${esbuild.version}, sha256:${sha256(body)}\n`;
    return header + body;
}

/**
 * Problems between the manifest's `assets` and the bundle that exists (or not).
 * @param {unknown} manifest
 * @param {boolean} hasBundle
 * @returns {string[]}
 */
export function assetProblems(manifest, hasBundle) {
    const assets = /** @type {{ assets?: Record<string, unknown> }} */ (manifest).assets ?? {};
    const listed = Object.entries(assets).filter(
        ([, files]) => Array.isArray(files) && files.includes(BUNDLE_ASSET)
    );
    if (hasBundle && !listed.some(([group]) => group === BUNDLE_ASSET_GROUP)) {
        return [
            `${MANIFEST_SOURCE}: add "${BUNDLE_ASSET}" to assets["${BUNDLE_ASSET_GROUP}"], ` +
                `or the widgets never load`,
        ];
    }
    if (!hasBundle && listed.length) {
        return [`${MANIFEST_SOURCE}: assets list ${BUNDLE_ASSET} but ${WIDGET_ENTRY} does not exist`];
    }
    return [];
}

// -----------------------------------------------------------------------------
// Whole build
// -----------------------------------------------------------------------------

/**
 * Every file the build owns, computed in memory.
 * @param {string} root
 * @returns {Promise<{ outputs: BuildOutput[], problems: string[] }>}
 */
export async function computeBuild(root) {
    const manifestText = readFileSync(join(root, MANIFEST_SOURCE), "utf8");
    const bundle = await bundleWidgets(root);
    const outputs = [
        {
            path: MANIFEST_TARGET,
            content: manifestToPython(manifestText),
            note: `from ${MANIFEST_SOURCE}`,
        },
        {
            path: BUNDLE_TARGET,
            content: bundle,
            note: bundle === null ? `no ${WIDGET_ENTRY} yet: nothing to bundle` : `from ${WIDGET_ENTRY}`,
        },
    ];
    return { outputs, problems: assetProblems(JSON.parse(manifestText), bundle !== null) };
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
