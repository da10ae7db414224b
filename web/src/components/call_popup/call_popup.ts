// One call card of the incoming-call popup: who is calling (or that nobody knows the number),
// their open opportunities and last calls, notes, and the card's actions.
import { Component } from "@odoo/owl";
import { isFading, type CallCard } from "../../lib/call_stack";
import {
    displayNumber,
    formatCallStart,
    formatDuration,
    initials,
} from "../../lib/popup_format";
import { _t } from "../../odoo/l10n";
import type { BusLastCall, BusOpportunity } from "../../schemas/bus_call";
import type { CallDirection, CallState } from "../../schemas/call";
import type { CallPopupModel } from "../../services/call_popup_service";
import { CALL_BACK_STATES, CallBack } from "../call_back/call_back";

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
    /** Shown as one line (header only). */
    collapsed?: boolean;
}

export class CallPopup extends Component<CallPopupProps> {
    static template = "pbx_callcenter.CallPopup";
    static components = { CallBack };
    static props = {
        card: Object,
        model: Object,
        collapsed: { type: Boolean, optional: true },
    };

    get call() {
        return this.props.card.call;
    }

    /** A missed incoming call offers the Call back button. */
    get canCallBack(): boolean {
        return this.call.direction === "in" && CALL_BACK_STATES.includes(this.call.state);
    }

    get callerName(): string {
        return this.call.caller?.name || displayNumber(this.call);
    }

    get fading(): boolean {
        return isFading(this.props.card);
    }

    get cardClass(): string {
        const classes = [`o_pbx_callcenter_popup_${this.call.state}`];
        if (this.props.collapsed) {
            classes.push("o_pbx_callcenter_popup_collapsed");
        }
        if (this.fading) {
            classes.push("o_pbx_callcenter_popup_fading");
        }
        return classes.join(" ");
    }

    /** The fade-out animation lasts as long as the card has left. */
    get fadeStyle(): string | undefined {
        return this.fading ? `animation-duration: ${this.props.model.fadeAfterMs}ms` : undefined;
    }

    get toggleLabel(): string {
        return this.props.collapsed ? _t("Show this call") : _t("Fold this call");
    }

    get number(): string {
        return displayNumber(this.call);
    }

    get initials(): string {
        return initials(this.call.caller?.name);
    }

    get stateLabel(): string {
        const to = this.call.transferred_to;
        if (!to) {
            return stateLabel(this.call.state);
        }
        // a ring group's or queue's member who never picked up: someone else answered it
        return this.props.card.talkedHere ? _t("Transferred to ext. %s", to) : _t("Answered by ext. %s", to);
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
        return opportunity.expected_revenue_formatted;
    }

    // ---- handlers ----------------------------------------------------------------

    onNotesInput(ev: InputEvent): void {
        this.props.model.editNotes(this.call.call_id, (ev.target as HTMLTextAreaElement).value);
    }

    onPointerEnter(): void {
        this.props.model.hover(this.call.call_id, true);
    }

    onPointerLeave(): void {
        this.props.model.hover(this.call.call_id, false);
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

    onToggle(): void {
        this.props.model.toggleFolded(this.call.call_id);
    }

    onBlock(): void {
        this.props.model.askBlock(this.call.call_id);
    }

    onConfirmBlock(): Promise<void> {
        return this.props.model.block(this.call.call_id);
    }

    onCancelBlock(): void {
        this.props.model.cancelBlock(this.call.call_id);
    }
}
