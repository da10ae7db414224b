// Result of the click-to-dial RPC `res.users.pbx_dial(number, prefix_label?)`: one object with
// every key present, whatever the status. Its rules are written as one object per status (no
// refinement), so the JSON Schema the build writes for the Python side (contracts/) holds them all.
import * as z from "./zod";

// -----------------------------------------------------------------------------
// Parts
// -----------------------------------------------------------------------------

export const dialStatusSchema = z.enum(["ok", "ask", "link", "error"]);

export const dialErrorCodeSchema = z.enum([
    "no_extension",
    "disabled",
    "not_configured",
    "bad_number",
    "bad_dial_code",
    "unreachable",
    "refused",
]);

const DIALABLE = /^[0-9*#]+$/;
export const LINK_SCHEMES = ["tel", "sip", "sips", "callto"] as const;

/** `tel:`, `sip:`, `sips:` or `callto:` in any case, spelled without a regex flag (JSON Schema has none). */
const LINK_URL = new RegExp(
    `^(?:${LINK_SCHEMES.map((scheme) => [...scheme].map((c) => `[${c}${c.toUpperCase()}]`).join("")).join("|")}):`
);

/** A dial code offered by *ask*: a label and its prefix, or the empty pair ("no prefix"). */
export const dialChoiceSchema = z.union([
    z.strictObject({ label: z.literal(""), prefix: z.literal("") }),
    z.strictObject({ label: z.string().check(z.minLength(1)), prefix: z.string().check(z.regex(DIALABLE)) }),
]);

export type DialChoice = z.infer<typeof dialChoiceSchema>;

const text = z.string().check(z.minLength(1));
const noChoices = z.array(dialChoiceSchema).check(z.maxLength(0));

// -----------------------------------------------------------------------------
// Result
// -----------------------------------------------------------------------------

/** What a result holds unless its status says otherwise (an override keeps its key's place). */
const base = {
    code: z.null(),
    message: z.string(),
    extension: z.nullable(text),
    number: z.nullable(text),
    url: z.null(),
    choices: noChoices,
};

export const dialResultSchema = z.discriminatedUnion("status", [
    /** The PBX accepted: it names the extension and the number dialled. */
    z.strictObject({ status: z.literal("ok"), ...base, extension: text, number: text }),
    /** Show the choices, then call again with the chosen label. */
    z.strictObject({ status: z.literal("ask"), ...base, choices: z.array(dialChoiceSchema).check(z.minLength(1)) }),
    /** Follow the link (a softphone or IP phone app). */
    z.strictObject({ status: z.literal("link"), ...base, url: z.string().check(z.regex(LINK_URL)) }),
    z.strictObject({ status: z.literal("error"), ...base, code: dialErrorCodeSchema, message: text }),
]);

export type DialResult = z.infer<typeof dialResultSchema>;
export type DialErrorCode = z.infer<typeof dialErrorCodeSchema>;
