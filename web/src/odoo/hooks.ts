// Component hooks from Odoo's web client (same modules on 17 and 18).
export { useService } from "@web/core/utils/hooks";
export { patch } from "@web/core/utils/patch";
