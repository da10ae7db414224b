// Odoo's registries (services, main_components, fields…), the same module on 17 and 18.
export { registry } from "@web/core/registry";
