// Field widget and formatter `pbx_duration`: integer or float seconds (a call's duration, talk
// and wait times, their averages) shown as h:mm:ss in forms, lists, list totals and pivots.
import { Component } from "@odoo/owl";
import { formatSeconds } from "../../lib/duration";

export const DURATION_WIDGET = "pbx_duration";

/** The props Odoo gives every field component (standardFieldProps, same on 17 to 19). */
export interface DurationFieldProps {
    id?: string;
    name: string;
    readonly?: boolean;
    record: { data: Record<string, unknown> };
}

export class DurationField extends Component<DurationFieldProps> {
    static template = "pbx_callcenter.DurationField";
    static props = {
        id: { type: String, optional: true },
        name: { type: String },
        readonly: { type: Boolean, optional: true },
        record: { type: Object },
    };

    get text(): string {
        return formatSeconds(this.props.record.data[this.props.name]);
    }
}

/** The entry of Odoo's "fields" registry (the fields are read-only: no input). */
export const durationField = {
    component: DurationField,
    supportedTypes: ["integer", "float"],
};
