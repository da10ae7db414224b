// Field widget `pbx_recording_player` (char fields holding a recording URL): an HTML5 audio
// player and a link to open the file, on the call form.
import { Component } from "@odoo/owl";
import { playableRecordingUrl } from "../../lib/recording";

export const RECORDING_PLAYER_WIDGET = "pbx_recording_player";

/** The props Odoo gives every field component (standardFieldProps, same on 17 and 18). */
export interface RecordingPlayerProps {
    id?: string;
    name: string;
    readonly?: boolean;
    record: { data: Record<string, unknown> };
}

export class RecordingPlayer extends Component<RecordingPlayerProps> {
    static template = "pbx_callcenter.RecordingPlayer";
    static props = {
        id: { type: String, optional: true },
        name: { type: String },
        readonly: { type: Boolean, optional: true },
        record: { type: Object },
    };

    get url(): string | null {
        return playableRecordingUrl(this.props.record.data[this.props.name]);
    }
}

/** The entry of Odoo's "fields" registry. */
export const recordingPlayerField = {
    component: RecordingPlayer,
    supportedTypes: ["char"],
};
