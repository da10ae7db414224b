// Responses of the PBX routes: `{"ok": true, ...}` with the call, or `{"ok": false, "error": ...}`;
// and the caller lookup answer. Rules between fields are written as alternative objects (no
// refinement) so that the JSON Schema the build writes for the Python side (contracts/) holds them.
import * as z from "./zod";
import { callDirectionSchema, callerModelSchema, callStateSchema, recordIdSchema } from "./call";

// -----------------------------------------------------------------------------
// Success
// -----------------------------------------------------------------------------

const routeRecordSchema = z.object({ model: callerModelSchema, id: recordIdSchema, name: z.string() });

const success = {
    ok: z.literal(true),
    event_id: recordIdSchema,
    call: z.object({
        id: recordIdSchema,
        callid: z.string().check(z.minLength(1)),
        state: callStateSchema,
        direction: callDirectionSchema,
    }),
    record: z.nullable(routeRecordSchema),
    created: z.boolean(),
    caller_name: z.nullable(z.string()),
    owner_extension: z.nullable(z.string().check(z.minLength(1))),
    blocked: z.boolean(),
    duplicate: z.boolean(),
};

export const routeSuccessSchema = z.discriminatedUnion("created", [
    /** A created record is returned; a blocked number never creates one. */
    z.object({ ...success, record: routeRecordSchema, created: z.literal(true), blocked: z.literal(false) }),
    z.object({ ...success, created: z.literal(false) }),
]);

export type RouteSuccess = z.infer<typeof routeSuccessSchema>;

// -----------------------------------------------------------------------------
// Errors
// -----------------------------------------------------------------------------

export const routeErrorCodeSchema = z.enum([
    "invalid_payload",
    "unauthorized",
    "forbidden",
    "method_not_allowed",
    "payload_too_large",
    "integration_disabled",
    "processing_failed",
]);

export type RouteErrorCode = z.infer<typeof routeErrorCodeSchema>;

/** The HTTP status each error code is sent with. */
export const ERROR_STATUS: Readonly<Record<RouteErrorCode, number>> = {
    invalid_payload: 400,
    unauthorized: 401,
    forbidden: 403,
    method_not_allowed: 405,
    payload_too_large: 413,
    integration_disabled: 503,
    processing_failed: 500,
};

const message = z.string().check(z.minLength(1));

function withoutFields(code: RouteErrorCode): code is Exclude<RouteErrorCode, "invalid_payload"> {
    return code !== "invalid_payload";
}

export const routeErrorSchema = z.object({
    ok: z.literal(false),
    event_id: z.optional(recordIdSchema),
    /** `fields` names the bad fields of invalid_payload, and of no other error. */
    error: z.discriminatedUnion("code", [
        z.strictObject({
            code: z.literal("invalid_payload"),
            message,
            fields: z.record(z.string(), message).check(
                z.refine((fields) => Object.keys(fields).length > 0, "names at least one field"),
                // The same rule for JSON Schema, which sees no refinement.
                z.meta({ minProperties: 1 })
            ),
        }),
        z.strictObject({ code: z.enum(routeErrorCodeSchema.options.filter(withoutFields)), message }),
    ]),
});


export type RouteError = z.infer<typeof routeErrorSchema>;

// -----------------------------------------------------------------------------
// Other answers
// -----------------------------------------------------------------------------

/** A native event (Zadarma, Yeastar) that was journaled but changes no call; an adapter may add
 * its own keys (Yeastar's `inbound_call`). */
export const routeIgnoredSchema = z.looseObject({
    ok: z.literal(true),
    event_id: recordIdSchema,
    call: z.null(),
    ignored: z.literal(true),
});

const lookup = {
    ok: z.literal(true),
    /** The number as asked (stripped), and its E.164 form when it has one. */
    number: z.string(),
    e164: z.nullable(z.string().check(z.regex(/^\+[1-9]\d{1,14}$/))),
    found: z.boolean(),
    record: z.nullable(routeRecordSchema),
    /** The name a phone shows; empty when nothing matched. */
    caller_name: z.string(),
    company: z.nullable(z.string()),
    email: z.nullable(z.string()),
    url: z.nullable(z.string()),
    /** The salesperson owning the record and their extension (for routing). */
    owner: z.nullable(
        z.object({ user_id: recordIdSchema, name: z.string(), extension: z.nullable(z.string().check(z.minLength(1))) })
    ),
    blocked: z.boolean(),
};

/** The one caller lookup answer every adapter reads (/api/callcenter/lookup, 3CX, Zadarma):
 * `found` with the matched record, or nothing matched and so no record and no owner. */
export const lookupAnswerSchema = z.discriminatedUnion("found", [
    z.object({ ...lookup, found: z.literal(true), record: routeRecordSchema }),
    z.object({ ...lookup, found: z.literal(false), record: z.null(), owner: z.null() }),
]);

export type RouteIgnored = z.infer<typeof routeIgnoredSchema>;
export type LookupAnswer = z.infer<typeof lookupAnswerSchema>;

// -----------------------------------------------------------------------------
// Either
// -----------------------------------------------------------------------------

export const routeResponseSchema = z.discriminatedUnion("ok", [routeSuccessSchema, routeErrorSchema]);

export type RouteResponse = z.infer<typeof routeResponseSchema>;

/** The HTTP status a response must come with. */
export function expectedStatus(response: RouteResponse): number {
    return response.ok ? 200 : ERROR_STATUS[response.error.code];
}
