// The Odoo services the widgets use, typed by what 17.0 and 18.0 have in common.
// Real modules are declared in odoo_web.d.ts; this pseudo-module only carries types.

declare module "@pbx/odoo_services" {
    // ---------------------------------------------------------------------------
    // bus_service (bus/static/src/services/bus_service.js)
    // ---------------------------------------------------------------------------

    /** 17 calls `callback(payload)`, 18 `callback(payload, { id })`. */
    export type BusCallback = (payload: unknown, meta?: { id: number }) => void;

    export interface BusService {
        subscribe(type: string, callback: BusCallback): void;
        /** 18 only. */
        unsubscribe?(type: string, callback: BusCallback): void;
        addChannel(channel: string): Promise<void>;
        start(): Promise<void>;
    }

    // ---------------------------------------------------------------------------
    // orm, action, notification
    // ---------------------------------------------------------------------------

    export type OdooContext = Record<string, unknown>;

    export interface OrmService {
        call<R = unknown>(model: string, method: string, args?: unknown[], kwargs?: Record<string, unknown>): Promise<R>;
        write(model: string, ids: number[], values: Record<string, unknown>, kwargs?: Record<string, unknown>): Promise<boolean>;
        read<R = Record<string, unknown>>(model: string, ids: number[], fields: string[], kwargs?: Record<string, unknown>): Promise<R[]>;
        searchRead<R = Record<string, unknown>>(
            model: string,
            domain: unknown[],
            fields: string[],
            kwargs?: Record<string, unknown>
        ): Promise<R[]>;
    }

    /** An `ir.actions.*` dictionary as returned by an `action_*` method, or an xml id. */
    export type ActionRequest = Record<string, unknown> | string;

    export interface ActionOptions {
        additionalContext?: OdooContext;
        newWindow?: boolean;
        onClose?: () => void;
    }

    export interface ActionService {
        doAction(action: ActionRequest, options?: ActionOptions): Promise<unknown>;
    }

    export type NotificationType = "info" | "success" | "warning" | "danger";

    export interface NotificationButton {
        name: string;
        primary?: boolean;
        onClick: () => void;
    }

    export interface NotificationOptions {
        title?: string;
        type?: NotificationType;
        sticky?: boolean;
        /** 18 and later; 17 closes after its fixed delay. */
        autocloseDelay?: number;
        buttons?: NotificationButton[];
    }

    export interface NotificationService {
        add(message: string, options?: NotificationOptions): () => void;
    }

    // ---------------------------------------------------------------------------
    // rpc and user: a service on 17, a plain module on 18 (see web/src/odoo/compat.ts)
    // ---------------------------------------------------------------------------

    export type RpcFunction = <R = unknown>(
        route: string,
        params?: Record<string, unknown>,
        settings?: { silent?: boolean }
    ) => Promise<R>;

    export interface OdooUser {
        readonly userId: number;
        readonly context: OdooContext;
        hasGroup(group: string): Promise<boolean>;
    }

    export interface OdooServices {
        action: ActionService;
        bus_service: BusService;
        notification: NotificationService;
        orm: OrmService;
        [name: string]: unknown;
    }

    /** The part of an OWL `env` the widgets read. */
    export interface OdooEnv {
        services: OdooServices;
        [key: string]: unknown;
    }

    /** A service descriptor for `registry.category("services")`. */
    export interface ServiceDescriptor<S, D extends keyof OdooServices = keyof OdooServices> {
        dependencies: D[];
        start(env: OdooEnv, deps: Pick<OdooServices, D>): S;
    }
}

// -----------------------------------------------------------------------------
// The global `odoo` object (module loader), same shape on 17 and 18
// -----------------------------------------------------------------------------

interface OdooModuleLoader {
    /** Every started module by name, e.g. "@web/core/network/rpc". */
    modules: Map<string, unknown>;
}

interface OdooGlobal {
    loader?: OdooModuleLoader;
    __session_info__?: Record<string, unknown>;
}

// eslint-disable-next-line no-var
declare var odoo: OdooGlobal | undefined;
