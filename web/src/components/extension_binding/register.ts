// Registers the extension binding screen as the client action of its ir.actions.client record.
import { registry } from "../../odoo/registry";
import { EXTENSION_BINDING_ACTION, ExtensionBinding } from "./extension_binding";

registry.category("actions").add(EXTENSION_BINDING_ACTION, ExtensionBinding);
