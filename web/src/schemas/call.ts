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

/** A call never moves to a lower rank; the final states share the highest one. */
export const STATE_RANK: Readonly<Record<CallState, number>> = {
    ringing: 0,
    dialing: 0,
    answered: 1,
    ended: 2,
    missed: 2,
    busy: 2,
    failed: 2,
};
export const FINAL_RANK = 2;

/** Models a call can be matched to or create. */
export const callerModelSchema = z.enum(["res.partner", "crm.lead"]);

export type CallerModel = z.infer<typeof callerModelSchema>;

/** A database id. */
export const recordIdSchema = z.int().check(z.positive());
