// Which Odoo source trees are here, and the owl.js each ships (web/static/lib/owl/owl.js).
// vitest.config.ts defines one "odoo-<v>-owl-<x>" project per owl.js found; scripts/test_all.sh
// runs this file with node and prints a SKIPPED line for each version without one:
//     node web/tests/owl/odoo_owl_trees.mjs      ->  `<major> <owl version|?|-> <owl.js path|->` per line
//
// Per major (ODOO_MAJORS): PBX_OWL_JS_<major> names the file (used even when missing: the project
// then fails, never skips); else the first tree among ODOO_SRC, ODOO_SEARCH_DIRS and
// /opt/odoo/<major>.0 whose odoo/release.py is that major, in the nightly layout (odoo/addons/web:
// its top-level addons/ is a stale copy) or the git layout (addons/web).
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ODOO_MAJORS = [17, 18, 19];

/**
 * @typedef {object} OdooOwl
 * @property {number} major
 * @property {string | null} path     the owl.js, null when no tree of that major is here
 * @property {string | null} version  the version the owl.js declares, null when unreadable
 */

/** @param {string} path @returns {string | null} */
function readText(path) {
    try {
        return readFileSync(path, "utf8");
    } catch {
        return null;
    }
}

/** @param {string} tree @returns {number | null} */
function treeMajor(tree) {
    const match = /^version_info\s*=\s*\((\d+),/m.exec(readText(`${tree}/odoo/release.py`) ?? "");
    return match ? Number(match[1]) : null;
}

/** @param {string} tree @returns {string | null} */
function owlJsOf(tree) {
    for (const addons of ["odoo/addons", "addons"]) {
        const path = `${tree}/${addons}/web/static/lib/owl/owl.js`;
        if (existsSync(path)) {
            return path;
        }
    }
    return null;
}

/**
 * The version an owl.js declares (`const version = "2.8.0";` in its IIFE).
 * @param {string} path
 * @returns {string | null}
 */
export function owlJsVersion(path) {
    const match = /\bconst version = "(\d+\.\d+\.\d+)";/.exec(readText(path) ?? "");
    return match ? match[1] : null;
}

/**
 * @param {Record<string, string | undefined>} env
 * @returns {OdooOwl[]}
 */
export function findOdooOwls(env = process.env) {
    const trees = [
        env.ODOO_SRC ?? "",
        ...(env.ODOO_SEARCH_DIRS ?? "").split(/\s+/),
        ...ODOO_MAJORS.map((major) => `/opt/odoo/${major}.0`),
    ].filter((tree) => tree !== "");
    return ODOO_MAJORS.map((major) => {
        let path = env[`PBX_OWL_JS_${major}`] || null;
        for (const tree of path ? [] : trees) {
            if (treeMajor(tree) === major && (path = owlJsOf(tree))) {
                break;
            }
        }
        path = path && resolve(path);
        return { major, path, version: path && owlJsVersion(path) };
    });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
    for (const { major, path, version } of findOdooOwls()) {
        console.log(`${major} ${path ? (version ?? "?") : "-"} ${path ?? "-"}`);
    }
}
