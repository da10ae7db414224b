// Typed declarations for the parts of Odoo's web client (17.0 and 18.0) the widgets use.
// Only web/src/odoo/ imports these modules; everything else imports from there.

// -----------------------------------------------------------------------------
// @web/core/registry
// -----------------------------------------------------------------------------

declare module "@web/core/registry" {
    export interface RegistryAddOptions {
        force?: boolean;
        sequence?: number;
    }

    export interface Registry<T = unknown> {
        add(key: string, value: T, options?: RegistryAddOptions): Registry<T>;
        get(key: string, defaultValue?: T): T;
        contains(key: string): boolean;
        getAll(): T[];
        getEntries(): [string, T][];
        remove(key: string): void;
        category<C = unknown>(name: string): Registry<C>;
    }

    export const registry: Registry;
}

// -----------------------------------------------------------------------------
// @web/core/l10n/translation
// -----------------------------------------------------------------------------

declare module "@web/core/l10n/translation" {
    /** The term in the user's language; `%s` placeholders filled from `values` (sprintf). */
    export function _t(term: string, ...values: unknown[]): string;
}

// -----------------------------------------------------------------------------
// @web/core/utils/hooks, @web/core/utils/patch
// -----------------------------------------------------------------------------

declare module "@web/core/utils/hooks" {
    import type { OdooServices } from "@pbx/odoo_services";

    export function useService<K extends keyof OdooServices>(name: K): OdooServices[K];
}

declare module "@web/core/utils/patch" {
    /** Patches an object (usually a class prototype); returns the function that undoes it. */
    export function patch<T extends object>(target: T, extension: Partial<T> & ThisType<T>): () => void;
}

// -----------------------------------------------------------------------------
// @web/session (same module name on 17 and 18)
// -----------------------------------------------------------------------------

declare module "@web/session" {
    export interface SessionInfo {
        /** e.g. [17, 0, 0, "final", 0, ""] or ["saas~17", 4, ...]. */
        server_version_info?: (string | number)[];
        server_version?: string;
        /** Deleted from the session object by Odoo 18's `@web/core/user` once it has loaded. */
        uid?: number;
        [key: string]: unknown;
    }
    export const session: SessionInfo;
}
