// Registers the recording player as the `pbx_recording_player` field widget.
import { registry } from "../../odoo/registry";
import { RECORDING_PLAYER_WIDGET, recordingPlayerField } from "./recording_player";

registry.category("fields").add(RECORDING_PLAYER_WIDGET, recordingPlayerField);
