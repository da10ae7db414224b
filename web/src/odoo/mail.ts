// Odoo's mail components the widgets patch (same modules on 17, 18 and 19).
export { Activity } from "@mail/core/web/activity";
export { Message } from "@mail/core/common/message";
