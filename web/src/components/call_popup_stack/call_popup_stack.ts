// The popup container (a `main_components` entry, so it lives in every page of the web client):
// the stack of call cards, calls waiting for an answer on top; only the top card and the cards the
// user works on are shown in full, so the stack fits the screen.
import { Component, useState } from "@odoo/owl";
import { isCollapsed } from "../../lib/call_stack";
import { useService } from "../../odoo/hooks";
import { CALL_POPUP_SERVICE, type CallPopupModel } from "../../services/call_popup_service";
import { CallPopup } from "../call_popup/call_popup";

export class CallPopupStack extends Component {
    static template = "pbx_callcenter.CallPopupStack";
    static components = { CallPopup };
    static props = {};

    model!: CallPopupModel;
    state!: CallPopupModel["state"];

    setup(): void {
        this.model = useService(CALL_POPUP_SERVICE) as CallPopupModel;
        this.state = useState(this.model.state);
    }

    isCollapsed(index: number): boolean {
        return isCollapsed(this.state.cards, index);
    }
}
