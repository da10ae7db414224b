// Registers `pbx_duration` as a field widget and as a formatter (list totals, group rows, pivot cells).
import { formatSeconds } from "../../lib/duration";
import { registry } from "../../odoo/registry";
import { DURATION_WIDGET, durationField } from "./duration_field";

registry.category("fields").add(DURATION_WIDGET, durationField);
registry.category("formatters").add(DURATION_WIDGET, formatSeconds);
