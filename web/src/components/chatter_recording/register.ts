// Plays call recordings inline in the chatter: each message body gets its players once Odoo
// has prepared it (Message.prepareMessageBody, on 17, 18 and 19).
import { patch } from "../../odoo/hooks";
import { Message } from "../../odoo/mail";
import { addRecordingPlayers } from "./chatter_recording";

patch(Message.prototype, {
    prepareMessageBody(bodyEl: HTMLElement | null): void {
        super.prepareMessageBody(bodyEl);
        addRecordingPlayers(bodyEl);
    },
});
