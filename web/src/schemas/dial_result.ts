// Result of the click-to-dial RPC `res.users.pbx_dial(number, prefix_label?)`: one object with
// every key present, whatever the status (Python twin: check_dial_result in lib/originate.py).
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
const LINK_SCHEMES = ["tel", "sip", "sips", "callto"];

/** A dial code offered by *ask*; the empty pair is "no prefix". */
export const dialChoiceSchema = z
    .strictObject({
        label: z.string(),
        prefix: z.union([z.string().check(z.regex(DIALABLE)), z.literal("")]),
    })
    .check(
        z.refine((choice) => (choice.label === "") === (choice.prefix === ""), {
            message: "only the no-prefix choice has an empty label or prefix",
        })
    );

export type DialChoice = z.infer<typeof dialChoiceSchema>;

const text = z.nullable(z.string().check(z.minLength(1)));

// -----------------------------------------------------------------------------
// Result
// -----------------------------------------------------------------------------

export const dialResultSchema = z
    .strictObject({
        status: dialStatusSchema,
        code: z.nullable(dialErrorCodeSchema),
        message: z.string(),
        extension: text,
        number: text,
        url: text,
        choices: z.array(dialChoiceSchema),
    })
    .check(z.superRefine((result, ctx) => {
        const problem = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
        if ((result.status === "error") !== (result.code !== null)) {
            problem("code", "an error, and only an error, has a code");
        }
        if (result.status === "error" && !result.message) {
            problem("message", "an error has a message");
        }
        if (result.status === "ok" && (result.extension === null || result.number === null)) {
            problem("number", "ok names the extension and the number dialled");
        }
        if ((result.status === "ask") !== result.choices.length > 0) {
            problem("choices", "ask, and only ask, has choices");
        }
        if ((result.status === "link") !== (result.url !== null)) {
            problem("url", "link, and only link, has a url");
        }
        if (result.url !== null && !LINK_SCHEMES.includes(result.url.split(":", 1)[0].toLowerCase())) {
            problem("url", "a link is tel:, sip:, sips: or callto:");
        }
    }));

export type DialResult = z.infer<typeof dialResultSchema>;
export type DialErrorCode = z.infer<typeof dialErrorCodeSchema>;
