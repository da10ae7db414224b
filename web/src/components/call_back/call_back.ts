// *Call back* button of a missed call: in the popup's missed cards, the Calls list and the *Call
// back* activity of the chatter. One click asks the server to dial the call's number through the
// PBX from the user's extension (`pbx.call.action_call_back`, `mail.activity.action_pbx_call_back`,
// both the dial result of `res.users.pbx_dial`); the answered call marks the activity done.
import { Component, useState } from "@odoo/owl";
import { _t } from "../../odoo/l10n";
import type { NotificationService, OdooEnv, OrmService } from "../../odoo/types";
import { requestDial } from "../../lib/dial_request";
import type { DialChoice, DialResult } from "../../schemas/dial_result";

/** The records a call back starts from, and their server method. */
export const CALL_BACK_METHODS = {
    "pbx.call": "action_call_back",
    "mail.activity": "action_pbx_call_back",
} as const;

export type CallBackModel = keyof typeof CALL_BACK_METHODS;

/** States of an incoming call that ask for a call back (as `_schedule_callback`). */
export const CALL_BACK_STATES: readonly string[] = ["missed", "busy"];

export interface CallBackProps {
    model: CallBackModel;
    resId: number;
}

interface CallBackState {
    busy: boolean;
    /** The dial codes offered when the extension's code is *ask*, else null. */
    choices: DialChoice[] | null;
}

export class CallBack extends Component<CallBackProps> {
    static template = "pbx_callcenter.CallBack";
    static props = {
        model: { type: String, validate: (model: string) => model in CALL_BACK_METHODS },
        resId: { type: Number },
    };

    declare state: CallBackState;

    setup(): void {
        this.state = useState<CallBackState>({ busy: false, choices: null });
    }

    get title(): string {
        return _t("Call this number back from your PBX extension");
    }

    /** Odoo's services, read at click time: the popup's tests mount cards without them. */
    get services(): { orm: OrmService; notification: NotificationService } {
        const services = (this.env as OdooEnv).services;
        return { orm: services.orm as OrmService, notification: services.notification as NotificationService };
    }

    async onClick(ev: MouseEvent): Promise<void> {
        // a list row and a chatter activity react to clicks: not to this one
        ev.preventDefault();
        ev.stopPropagation();
        await this.callBack(null);
    }

    async onChoose(ev: MouseEvent, choice: DialChoice): Promise<void> {
        ev.stopPropagation();
        this.state.choices = null;
        await this.callBack(choice.label);
    }

    /** Asks the server; `prefixLabel` answers an earlier *ask* ("" for no prefix). */
    async callBack(prefixLabel: string | null): Promise<void> {
        if (this.state.busy) {
            return;
        }
        this.state.busy = true;
        const { model, resId } = this.props;
        const outcome = await requestDial(this.services.orm, model, CALL_BACK_METHODS[model], [[resId]], prefixLabel);
        this.state.busy = false;
        if (!outcome.ok) {
            this.notifyError(
                outcome.failure === "no_answer"
                    ? _t("The call back could not be started: the server refused or did not answer.")
                    : _t("The call back could not be started: unexpected answer from the server.")
            );
            return;
        }
        this.handle(outcome.result);
    }

    handle(result: DialResult): void {
        switch (result.status) {
            case "ok":
                this.services.notification.add(result.message, { type: "success" });
                return;
            case "ask":
                this.state.choices = result.choices;
                return;
            case "link":
                if (result.url !== null) {
                    window.location.assign(result.url);
                }
                return;
            case "error":
                this.notifyError(result.message);
                return;
        }
    }

    notifyError(message: string): void {
        this.services.notification.add(message, { title: _t("Call back"), type: "danger" });
    }
}

// -----------------------------------------------------------------------------
// View widget: <widget name="pbx_call_back"/> in the Calls list
// -----------------------------------------------------------------------------

export const CALL_BACK_WIDGET = "pbx_call_back";

/** The props Odoo gives a view widget (standardWidgetProps, same on 17, 18 and 19). */
export interface CallBackWidgetProps {
    readonly?: boolean;
    record: { resId?: number | false; data: Record<string, unknown> };
}

/** The button on the rows of missed incoming calls. */
export class CallBackWidget extends Component<CallBackWidgetProps> {
    static template = "pbx_callcenter.CallBackWidget";
    static components = { CallBack };
    static props = {
        readonly: { type: Boolean, optional: true },
        record: { type: Object },
    };

    get callId(): number {
        const { record } = this.props;
        const missed = record.data.direction === "in" && CALL_BACK_STATES.includes(String(record.data.state));
        return missed && typeof record.resId === "number" ? record.resId : 0;
    }
}

export const callBackWidget = { component: CallBackWidget };
