// Registers the Call back button: the `pbx_call_back` view widget of the Calls list, and on the
// *Call back* activities of the chatter (Odoo's Activity component, same module on 17 to 19).
import { patch } from "../../odoo/hooks";
import { Activity } from "../../odoo/mail";
import { registry } from "../../odoo/registry";
import { CALL_BACK_WIDGET, CallBack, callBackWidget } from "./call_back";

registry.category("view_widgets").add(CALL_BACK_WIDGET, callBackWidget);

/** The activity a chatter item shows: `props.activity` from 18 on, `props.data` on 17. */
interface ActivityData {
    id?: number;
    pbx_callback_key?: string | false;
}

patch(Activity, { components: { ...Activity.components, CallBack } });
patch(Activity.prototype as Activity & { pbxCallBackId: number }, {
    /** The id of a missed call's call-back activity (the key comes with it), else 0. */
    get pbxCallBackId(): number {
        const props = (this as unknown as { props: { activity?: ActivityData; data?: ActivityData } }).props;
        const activity = props.activity ?? props.data;
        return activity?.pbx_callback_key && typeof activity.id === "number" ? activity.id : 0;
    },
});
