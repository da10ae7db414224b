// One dial RPC (click-to-dial's `res.users.pbx_dial`, a call back's `action_call_back`): the
// server's answer is checked against the dial-result contract before a component acts on it.
import type { OrmService } from "../odoo/types";
import { dialResultSchema, type DialResult } from "../schemas/dial_result";

export type DialRequestOutcome =
    | { ok: true; result: DialResult }
    /** `no_answer`: the RPC failed (network, server error); `unexpected`: off-contract answer. */
    | { ok: false; failure: "no_answer" | "unexpected" };

/** Calls `model.method(args, prefix_label?)`; `prefixLabel` answers an earlier *ask*. Never throws. */
export async function requestDial(
    orm: OrmService,
    model: string,
    method: string,
    args: unknown[],
    prefixLabel: string | null
): Promise<DialRequestOutcome> {
    const kwargs = prefixLabel === null ? {} : { prefix_label: prefixLabel };
    let answer: unknown;
    try {
        answer = await orm.call(model, method, args, kwargs);
    } catch {
        return { ok: false, failure: "no_answer" };
    }
    const parsed = dialResultSchema.safeParse(answer);
    if (!parsed.success) {
        console.warn(`pbx_callcenter: unexpected ${model}.${method} result`, parsed.error.issues, answer);
        return { ok: false, failure: "unexpected" };
    }
    return { ok: true, result: parsed.data };
}
