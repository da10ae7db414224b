// Odoo's phone field widget (same module and class on 17 and 18), patched by click-to-dial.
export { PhoneField } from "@web/views/fields/phone/phone_field";
