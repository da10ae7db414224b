// Bus notification `pbx_callcenter/call`: the caller popup, sent to the bound user's partner
// on call_in / init and on every later state change of the call.
import * as z from "./zod";
import { callDirectionSchema, callerModelSchema, callStateSchema, recordIdSchema } from "./call";

// -----------------------------------------------------------------------------
// Parts
// -----------------------------------------------------------------------------

const E164 = /^\+[1-9]\d{1,14}$/;

export const busCallerSchema = z.object({
    model: callerModelSchema,
    id: recordIdSchema,
    name: z.string(),
    company: z.nullable(z.string()),
    image_url: z.nullable(z.string().check(z.minLength(1))),
    email: z.nullable(z.string()),
});

export const busOpportunitySchema = z.object({
    id: recordIdSchema,
    name: z.string(),
    stage: z.nullable(z.string()),
    expected_revenue: z.number(),
});

export const busLastCallSchema = z.object({
    id: recordIdSchema,
    direction: callDirectionSchema,
    state: callStateSchema,
    /** UTC, ISO 8601 with Z. */
    start: z.iso.datetime(),
    duration: z.int().check(z.nonnegative()),
});

// -----------------------------------------------------------------------------
// Payload
// -----------------------------------------------------------------------------

export const busCallSchema = z
    .object({
        call_id: recordIdSchema,
        callid: z.string().check(z.minLength(1)),
        connection_id: recordIdSchema,
        state: callStateSchema,
        direction: callDirectionSchema,
        phone: z.string().check(z.minLength(1)),
        phone_e164: z.nullable(z.string().check(z.regex(E164, "E.164, e.g. +84989464344"))),
        extension: z.string().check(z.minLength(1)),
        known: z.boolean(),
        auto_created: z.boolean(),
        blocked: z.boolean(),
        caller: z.nullable(busCallerSchema),
        opportunities: z.array(busOpportunitySchema),
        last_calls: z.array(busLastCallSchema),
        open_in_new_tab: z.boolean(),
        notes: z.string(),
    })
    .check(
        z.refine((payload) => (payload.caller !== null) === (payload.known || payload.auto_created), {
            path: ["caller"],
            message: "caller is set exactly when the number is known or was auto-created",
        })
    );

export type BusCaller = z.infer<typeof busCallerSchema>;
export type BusOpportunity = z.infer<typeof busOpportunitySchema>;
export type BusLastCall = z.infer<typeof busLastCallSchema>;
export type BusCall = z.infer<typeof busCallSchema>;
