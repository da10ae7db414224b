// Call states and directions shared by route responses and bus payloads.
import * as z from "./zod";

// -----------------------------------------------------------------------------
// States
// -----------------------------------------------------------------------------

/** ringing (call_in), dialing (init), answered (in progress), then one final state. */
export const CALL_STATES = ["ringing", "dialing", "answered", "ended", "missed", "busy", "failed"] as const;
export const CALL_DIRECTIONS = ["in", "out", "internal"] as const;

export const callStateSchema = z.enum(CALL_STATES);
export const callDirectionSchema = z.enum(CALL_DIRECTIONS);

export type CallState = z.infer<typeof callStateSchema>;
export type CallDirection = z.infer<typeof callDirectionSchema>;

/** Models a call can be matched to or create. */
export const callerModelSchema = z.enum(["res.partner", "crm.lead"]);

export type CallerModel = z.infer<typeof callerModelSchema>;

/** A database id. */
export const recordIdSchema = z.int().check(z.positive());
