// Request bodies of the PBX routes POST /api/callcenter/{call_in,init,call_out,answer}.
// Same accept/reject verdicts as the Python parser (lib/ of the module), checked on both sides
// against tests/fixtures/payloads.json. Values come as JSON or as form fields (strings).
// Unknown extra fields are kept: the server ignores them but journals them.
import { z } from "zod";
import { parseCalldate } from "../lib/calldate";
import { callOutcome, DISPOSITIONS } from "../lib/call_status";
import type { CallDirection } from "./call";

// -----------------------------------------------------------------------------
// Types
// -----------------------------------------------------------------------------

export type Route = "call_in" | "init" | "call_out" | "answer";

// -----------------------------------------------------------------------------
// Field rules
// -----------------------------------------------------------------------------

const PHONE_CHARS = /^[0-9 +()\-./]+$/;
const EXTENSION_CHARS = /^[0-9A-Za-z*#+_.@-]+$/;
// eslint-disable-next-line no-control-regex -- finding control characters is this pattern's purpose
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;
const URL_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
const WEB_URL = /^https?:\/\/([^/?#]*)([^?#]*)/i;
const MAX_SECONDS = 604800; // one week

/** What `direction` may say (lower-cased, trimmed), and the direction each one means. */
export const DIRECTION_ALIASES: Readonly<Record<string, CallDirection>> = {
    in: "in",
    inbound: "in",
    out: "out",
    outbound: "out",
    internal: "internal",
};

const noControlChars = (value: string) => !CONTROL_CHARS.test(value);

/** A string, or a non-negative JSON integer taken as its digits; trimmed, never empty. */
function identifier(maxLength: number) {
    return z
        .union([z.string(), z.number().int().min(0)])
        .transform((value) => String(value).trim())
        .pipe(z.string().min(1, "required").max(maxLength));
}

/** Null and blank strings (form fields left empty): an absent optional field. */
const absent = z.union([z.null(), z.string().regex(/^\s*$/)]).transform(() => undefined);

/** Optional fields: absent, or `schema`. Written as a union, not a preprocess, so the JSON Schema
 * of the payload (contracts/, io "input") accepts what counts as absent. */
function optional<T extends z.ZodType>(schema: T) {
    return z.union([absent, schema]).optional();
}

/** Whether a path has a `..` segment, also percent-encoded or behind backslashes. */
function climbsUp(path: string): boolean {
    return path.split(/[\\/]/).some((segment) => segment.replace(/%2e/gi, ".") === "..");
}

function validRecordingFile(value: string): boolean {
    if (!URL_SCHEME.test(value)) {
        const relative = value.replace(/^\/+/, "");
        return relative !== "" && !relative.endsWith("/") && !climbsUp(relative);
    }
    const url = WEB_URL.exec(value);
    return url !== null && url[1] !== "" && !climbsUp(url[2]);
}

const phone = identifier(64)
    .pipe(z.string().regex(PHONE_CHARS, "only digits, spaces and + ( ) - . / are allowed"))
    .refine((value) => {
        const digits = value.replace(/\D/g, "").length;
        return digits >= 3 && digits <= 20;
    }, "must contain 3 to 20 digits");

const extension = identifier(32).pipe(
    z.string().regex(EXTENSION_CHARS, "only letters, digits and * # + _ . @ - are allowed")
);

const callid = identifier(128).refine(noControlChars, "no control characters");

const seconds = z
    .union([z.number().int(), z.string().trim().regex(/^\d+$/, "must be a whole number of seconds")])
    .transform(Number)
    .pipe(z.number().min(0).max(MAX_SECONDS));

const calldate = z
    .union([z.string(), z.number()])
    .refine(
        (value) => parseCalldate(value) !== null,
        "YYYY-MM-DD HH:MM:SS, ISO 8601 with offset or Z, or a Unix timestamp; years 2000..2100"
    );

const status = z
    .string()
    .refine(
        (value) => callOutcome(value) !== null,
        `one of ${Object.keys(DISPOSITIONS).join(", ")} (any case, spaces, _ or -)`
    );

const recordingfile = z
    .string()
    .trim()
    .max(2048)
    .refine(noControlChars, "no control characters")
    .refine(validRecordingFile, "an http(s) URL or a file name, without '..' segments");

const direction = z
    .string()
    .transform((value) => value.trim().toLowerCase())
    .refine((value) => Object.hasOwn(DIRECTION_ALIASES, value), "one of in, out, internal, inbound, outbound")
    .transform((value) => DIRECTION_ALIASES[value]);

// -----------------------------------------------------------------------------
// Payloads
// -----------------------------------------------------------------------------

const callFields = { phone, extension, callid };

export const callInPayloadSchema = z.looseObject(callFields);

/** `init` (an extension dials out) has the same fields as `call_in`. */
export const initPayloadSchema = callInPayloadSchema;

export const callOutPayloadSchema = z
    .looseObject({
        ...callFields,
        calldate: optional(calldate),
        duration: optional(seconds),
        billsec: optional(seconds),
        status: optional(status),
        recordingfile: optional(recordingfile),
        direction: optional(direction),
    })
    .refine(({ billsec, duration }) => billsec === undefined || duration === undefined || billsec <= duration, {
        path: ["billsec"],
        message: "must not exceed duration",
        // Compare only two valid values, as the Python parser does.
        when: ({ issues }) => !issues.some((issue) => ["billsec", "duration"].includes(String(issue.path?.[0]))),
    });

/** `answer`: `extension` picked the call up, or talks on it now (a transfer's target). */
export const answerPayloadSchema = z.looseObject({ extension, callid, phone: optional(phone), direction: optional(direction) });

export const routePayloadSchemas = {
    call_in: callInPayloadSchema,
    init: initPayloadSchema,
    call_out: callOutPayloadSchema,
    answer: answerPayloadSchema,
} as const satisfies Record<Route, z.ZodType>;

/** What a PBX may send (strings or numbers). */
export type CallInPayloadInput = z.input<typeof callInPayloadSchema>;
export type CallOutPayloadInput = z.input<typeof callOutPayloadSchema>;
export type AnswerPayloadInput = z.input<typeof answerPayloadSchema>;
/** What goes on the wire after validation (identifiers as strings, seconds as numbers). */
export type CallInPayload = z.output<typeof callInPayloadSchema>;
export type CallOutPayload = z.output<typeof callOutPayloadSchema>;
export type AnswerPayload = z.output<typeof answerPayloadSchema>;
export type RoutePayload = CallInPayload | CallOutPayload | AnswerPayload;
