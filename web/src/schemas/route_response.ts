// Responses of the PBX routes: `{"ok": true, ...}` with the call, or `{"ok": false, "error": ...}`.
import * as z from "./zod";
import { callDirectionSchema, callerModelSchema, callStateSchema, recordIdSchema } from "./call";

// -----------------------------------------------------------------------------
// Success
// -----------------------------------------------------------------------------

export const routeSuccessSchema = z
    .object({
        ok: z.literal(true),
        event_id: recordIdSchema,
        call: z.object({
            id: recordIdSchema,
            callid: z.string().check(z.minLength(1)),
            state: callStateSchema,
            direction: callDirectionSchema,
        }),
        record: z.nullable(z.object({ model: callerModelSchema, id: recordIdSchema, name: z.string() })),
        created: z.boolean(),
        caller_name: z.nullable(z.string()),
        owner_extension: z.nullable(z.string().check(z.minLength(1))),
        blocked: z.boolean(),
        duplicate: z.boolean(),
    })
    .check(
        z.refine((response) => !response.created || response.record !== null, {
            path: ["record"],
            message: "a created record must be returned",
        }),
        z.refine((response) => !(response.blocked && response.created), {
            path: ["created"],
            message: "a blocked number never creates a record",
        })
    );

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

export const routeErrorSchema = z
    .object({
        ok: z.literal(false),
        event_id: z.optional(recordIdSchema),
        error: z.object({
            code: routeErrorCodeSchema,
            message: z.string().check(z.minLength(1)),
            fields: z.optional(z.record(z.string(), z.string().check(z.minLength(1)))),
        }),
    })
    .check(
        z.refine(
            ({ error }) =>
                error.code === "invalid_payload"
                    ? error.fields !== undefined && Object.keys(error.fields).length > 0
                    : error.fields === undefined,
            { path: ["error", "fields"], message: "fields names the bad fields of invalid_payload only" }
        )
    );

export type RouteError = z.infer<typeof routeErrorSchema>;

// -----------------------------------------------------------------------------
// Either
// -----------------------------------------------------------------------------

export const routeResponseSchema = z.discriminatedUnion("ok", [routeSuccessSchema, routeErrorSchema]);

export type RouteResponse = z.infer<typeof routeResponseSchema>;

/** The HTTP status a response must come with. */
export function expectedStatus(response: RouteResponse): number {
    return response.ok ? 200 : ERROR_STATUS[response.error.code];
}
