// Types of the Odoo services the widgets use (declared in web/src/types/odoo_services.d.ts),
// re-exported so components and services import them from here.
export type {
    ActionOptions,
    ActionRequest,
    ActionService,
    BusCallback,
    BusService,
    NotificationOptions,
    NotificationService,
    NotificationType,
    OdooContext,
    OdooEnv,
    OdooServices,
    OdooUser,
    OrmService,
    RpcFunction,
    ServiceDescriptor,
} from "@pbx/odoo_services";
