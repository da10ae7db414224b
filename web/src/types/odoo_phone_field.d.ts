// @web/views/fields/phone/phone_field (17.0 and 18.0): the part click-to-dial patches.

declare module "@web/views/fields/phone/phone_field" {
    import type { Component } from "@odoo/owl";

    /** The `phone` field widget; FormPhoneField (`form.phone`) extends it. */
    export class PhoneField extends Component {
        static template: string;
        static components: Record<string, unknown>;
    }
}
