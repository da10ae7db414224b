// Click-to-dial: the `POST /originate` body Odoo's generic_http method sends
// ({"extension": "101", "number": "0989464344"}) and the AMI Originate action it becomes: ring
// the extension's phone (Channel PJSIP/101), and when it answers run the dialplan at
// <context>,<number>,1, which dials the number. Async, so Asterisk answers at once.
import { z } from "zod";
import type { AmiFields } from "./ami_parser";
import type { OriginateConfig } from "./config";

// -----------------------------------------------------------------------------
// Request
// -----------------------------------------------------------------------------

/** Only characters a dialplan extension may hold: no line break can reach the AMI socket. */
export const originateRequestSchema = z.looseObject({
    extension: z.string().trim().regex(/^[0-9A-Za-z_.+-]{1,32}$/, "1-32 of 0-9 A-Z a-z _ . + -"),
    number: z.string().trim().regex(/^\+?[0-9*#]{1,32}$/, "1-32 digits, * or #, optionally after +"),
});

export type OriginateRequest = z.output<typeof originateRequestSchema>;

// -----------------------------------------------------------------------------
// Action
// -----------------------------------------------------------------------------

function fill(template: string, request: OriginateRequest): string {
    return template.replaceAll("{extension}", request.extension).replaceAll("{number}", request.number);
}

/** The Originate action's fields (without ActionID). */
export function originateAction(request: OriginateRequest, config: OriginateConfig): AmiFields {
    const fields: Record<string, string | number> = {
        Action: "Originate",
        Channel: fill(config.channel, request),
        Context: config.context,
        Exten: request.number,
        Priority: 1,
        Timeout: config.timeoutMs,
        Async: "true",
    };
    const callerId = fill(config.callerId, request);
    if (callerId) {
        fields.CallerID = callerId;
    }
    const variables = Object.entries(config.variables).map(([name, value]) => `${name}=${fill(value, request)}`);
    if (variables.length) {
        fields.Variable = variables.join(",");
    }
    return fields;
}
