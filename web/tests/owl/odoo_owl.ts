// The owl.js an Odoo source tree ships (web/static/lib/owl/owl.js, an IIFE), aliased to
// "@odoo/owl" in the "odoo-<v>-owl-<x>" vitest projects (vitest.config.ts, odoo_owl_trees.mjs):
// loads the file named by PBX_OWL_JS, checks it is the version the project was defined for
// (PBX_OWL_EXPECTED) and re-exports it. A missing file or another version fails every test of
// the project.
import { existsSync, readFileSync } from "node:fs";
import type * as Owl from "@odoo/owl";

function load(): typeof Owl {
    const path = process.env.PBX_OWL_JS ?? "";
    const expected = process.env.PBX_OWL_EXPECTED ?? "?";
    if (!existsSync(path)) {
        throw new Error(`owl.js not found at "${path}" (PBX_OWL_JS of this vitest project)`);
    }
    const holder: { owl?: typeof Owl } = {};
    // The IIFE ends with `})(this.owl = this.owl || {});`
    new Function(readFileSync(path, "utf8")).call(holder);
    const owl = holder.owl;
    const version = (owl?.App as unknown as { version?: string } | undefined)?.version;
    if (!owl || version !== expected) {
        throw new Error(`${path} is OWL ${version ?? "?"}, this project expected ${expected}`);
    }
    return owl;
}

const owl = load();

export const {
    App,
    Component,
    EventBus,
    OwlError,
    __info__,
    batched,
    blockDom,
    loadFile,
    markRaw,
    markup,
    mount,
    onError,
    onMounted,
    onPatched,
    onRendered,
    onWillDestroy,
    onWillPatch,
    onWillRender,
    onWillStart,
    onWillUnmount,
    onWillUpdateProps,
    reactive,
    status,
    toRaw,
    useChildSubEnv,
    useComponent,
    useEffect,
    useEnv,
    useExternalListener,
    useRef,
    useState,
    useSubEnv,
    validate,
    validateType,
    whenReady,
    xml,
} = owl;
