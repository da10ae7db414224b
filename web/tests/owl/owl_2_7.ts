// @odoo/owl 2.7.0, the version Odoo 18 ships, for the "owl-2.7" vitest project (aliased to
// "@odoo/owl" there). 2.7.0 was never published on npm, so this loads the very file Odoo 18
// serves (web/static/lib/owl/owl.js, an IIFE) from the Odoo 18 source tree, checks its version
// and re-exports it. A missing file fails every component test of the project (never a skip).
import { existsSync, readFileSync } from "node:fs";
import type * as Owl from "@odoo/owl";

export const OWL_2_7_PATH =
    process.env.PBX_OWL_2_7_JS ?? "/opt/odoo/18.0/odoo/addons/web/static/lib/owl/owl.js";
export const OWL_2_7_VERSION = "2.7.0";

function load(): typeof Owl {
    if (!existsSync(OWL_2_7_PATH)) {
        throw new Error(
            `OWL ${OWL_2_7_VERSION} (Odoo 18) not found at ${OWL_2_7_PATH}: install Odoo 18 at ` +
                "/opt/odoo/18.0 or set PBX_OWL_2_7_JS to its web/static/lib/owl/owl.js"
        );
    }
    const holder: { owl?: typeof Owl } = {};
    // The IIFE ends with `})(this.owl = this.owl || {});`
    new Function(readFileSync(OWL_2_7_PATH, "utf8")).call(holder);
    const owl = holder.owl;
    const version = (owl?.App as unknown as { version?: string } | undefined)?.version;
    if (!owl || version !== OWL_2_7_VERSION) {
        throw new Error(`${OWL_2_7_PATH} is OWL ${version ?? "?"}, expected ${OWL_2_7_VERSION}`);
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
