// Bus notification `pbx_callcenter/call`: the caller popup, sent to the bound user's partner
// on call_in / init and on every later state change of the call. Rules between fields are written
// as alternative objects (no refinement), so the JSON Schema the build writes for the Python side
// (contracts/) holds them.
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
    /** The amount as Odoo formats it for the recipient: their language, the company currency. */
    expected_revenue_formatted: z.string(),
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

/** The bus notification type the popup service subscribes to. */
export const BUS_CALL_TYPE = "pbx_callcenter/call";

const payload = {
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
    /** The extension that has the call now, sent to a user it moved away from (a transfer, a
     * ring group's other member answering); null or absent otherwise. */
    transferred_to: z.optional(z.nullable(z.string().check(z.minLength(1)))),
};

/** One object type: the alternatives below differ only in which values go together. */
export type BusCall = { -readonly [K in Exclude<keyof typeof payload, "transferred_to">]: z.infer<(typeof payload)[K]> } & {
    transferred_to?: string | null;
};

/** `caller` is set exactly when the number is known or was auto-created. Discriminated unions, so
 * that an issue names its field, as with one object. */
export const busCallSchema: z.ZodMiniType<BusCall> = z.discriminatedUnion("known", [
    z.object({ ...payload, known: z.literal(true), caller: busCallerSchema }),
    z.discriminatedUnion("auto_created", [
        z.object({ ...payload, known: z.literal(false), auto_created: z.literal(true), caller: busCallerSchema }),
        z.object({ ...payload, known: z.literal(false), auto_created: z.literal(false), caller: z.null() }),
    ]),
]);

export type BusCaller = z.infer<typeof busCallerSchema>;
export type BusOpportunity = z.infer<typeof busOpportunitySchema>;
export type BusLastCall = z.infer<typeof busLastCallSchema>;
