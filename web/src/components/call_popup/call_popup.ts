// One call card of the incoming-call popup: who is calling (or that nobody knows the number),
// their open opportunities and last calls, notes, and the card's actions.
import { Component } from "@odoo/owl";
import type { CallCard } from "../../lib/call_stack";
import {
    displayNumber,
    formatAmount,
    formatCallStart,
    formatDuration,
    initials,
} from "../../lib/popup_format";
import { _t } from "../../odoo/l10n";
import type { BusLastCall, BusOpportunity } from "../../schemas/bus_call";
import type { CallDirection, CallState } from "../../schemas/call";
import type { CallPopupModel } from "../../services/call_popup_service";

// -----------------------------------------------------------------------------
// Labels (translated when rendered)
// -----------------------------------------------------------------------------

export function stateLabel(state: CallState): string {
    switch (state) {
        case "ringing":
            return _t("Ringing");
        case "dialing":
            return _t("Dialing");
        case "answered":
            return _t("In progress");
        case "ended":
            return _t("Ended");
        case "missed":
            return _t("Missed");
        case "busy":
            return _t("Busy");
        case "failed":
            return _t("Failed");
    }
}

export function directionLabel(direction: CallDirection): string {
    switch (direction) {
        case "in":
            return _t("Incoming call");
        case "out":
            return _t("Outgoing call");
        case "internal":
            return _t("Internal call");
    }
}

const DIRECTION_ICONS: Readonly<Record<CallDirection, string>> = {
    in: "fa-arrow-down",
    out: "fa-arrow-up",
    internal: "fa-exchange",
};

// -----------------------------------------------------------------------------
// Component
// -----------------------------------------------------------------------------

export interface CallPopupProps {
    card: CallCard;
    model: CallPopupModel;
}

export class CallPopup extends Component<CallPopupProps> {
    static template = "pbx_callcenter.CallPopup";
    static props = {
        card: Object,
        model: Object,
    };

    get call() {
        return this.props.card.call;
    }

    get callerName(): string {
        return this.call.caller?.name || displayNumber(this.call);
    }

    get number(): string {
        return displayNumber(this.call);
    }

    get initials(): string {
        return initials(this.call.caller?.name);
    }

    get stateLabel(): string {
        return stateLabel(this.call.state);
    }

    get directionLabel(): string {
        return directionLabel(this.call.direction);
    }

    get directionIcon(): string {
        return DIRECTION_ICONS[this.call.direction];
    }

    get locale(): string | undefined {
        return document.documentElement.lang || undefined;
    }

    lastCallIcon(lastCall: BusLastCall): string {
        return DIRECTION_ICONS[lastCall.direction];
    }

    lastCallText(lastCall: BusLastCall): string {
        const when = formatCallStart(lastCall.start, new Date(), this.locale);
        return `${when} · ${stateLabel(lastCall.state)} · ${formatDuration(lastCall.duration)}`;
    }

    opportunityAmount(opportunity: BusOpportunity): string {
        return formatAmount(opportunity.expected_revenue, this.locale);
    }

    // ---- handlers ----------------------------------------------------------------

    onNotesInput(ev: InputEvent): void {
        this.props.model.editNotes(this.call.call_id, (ev.target as HTMLTextAreaElement).value);
    }

    onDismiss(): void {
        this.props.model.dismiss(this.call.call_id);
    }

    onOpen(): Promise<void> {
        return this.props.model.open(this.call.call_id);
    }

    onCreatePartner(): Promise<void> {
        return this.props.model.create(this.call.call_id, "partner");
    }

    onCreateLead(): Promise<void> {
        return this.props.model.create(this.call.call_id, "lead");
    }

    onSaveNotes(): Promise<void> {
        return this.props.model.saveNotes(this.call.call_id);
    }

    onBlock(): Promise<void> {
        return this.props.model.block(this.call.call_id);
    }
}
