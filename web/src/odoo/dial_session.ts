// What the session says about the user's click-to-dial extension (models/ir_http.py).
import { session } from "@web/session";
import * as z from "../schemas/zod";

/** `session_info()["pbx_callcenter_dial"]`: the extension, or false. */
export const sessionDialSchema = z.union([
    z.literal(false),
    z.strictObject({ extension: z.string().check(z.minLength(1)) }),
]);

/**
 * The extension a click on a phone number dials from (the default one, on an enabled
 * connection), or null: then Odoo's own tel: links are left alone.
 */
export function dialExtension(): string | null {
    const parsed = sessionDialSchema.safeParse(session.pbx_callcenter_dial ?? false);
    if (!parsed.success) {
        console.warn("pbx_callcenter: unexpected pbx_callcenter_dial in the session", parsed.error.issues);
        return null;
    }
    return parsed.data ? parsed.data.extension : null;
}
