// @mail components (17.0, 18.0 and 19.0): the parts the call-back button and the chatter's
// recording player patch.

declare module "@mail/core/web/activity" {
    import type { Component } from "@odoo/owl";

    /** One activity of the chatter (props `data` on 17, `activity` from 18 on). */
    export class Activity extends Component {
        static template: string;
        static components: Record<string, unknown>;
    }
}

declare module "@mail/core/common/message" {
    import type { Component } from "@odoo/owl";

    /** One message of a thread. */
    export class Message extends Component {
        static template: string;
        /** Called with the rendered body element after each render of the body. */
        prepareMessageBody(bodyEl: HTMLElement | null): void;
    }
}
