// The contracts the Python side reads, generated from the zod schemas and tables of web/src:
// scripts/build.mjs writes them to odoo_addon/pbx_callcenter/contracts/ (committed, read by
// lib/contracts.py): tables.json, the tables both sides share, and one <name>.schema.json
// (JSON Schema 2020-12, zod's own export) per shape crossing the Python/TypeScript boundary.
// Not part of any bundle: the build runs it in Node.
import { CALL_OUTCOMES, DISPOSITIONS, finalState } from "../lib/call_status";
import { BUS_CALL_TYPE, busCallSchema } from "./bus_call";
import { CALL_DIRECTIONS, CALL_STATES, FINAL_RANK, STATE_RANK } from "./call";
import { dialErrorCodeSchema, dialResultSchema, dialStatusSchema, LINK_SCHEMES } from "./dial_result";
import { RESULT_SCHEMAS, USER_KINDS } from "./extension_binding";
import { answerPayloadSchema, callInPayloadSchema, callOutPayloadSchema, DIRECTION_ALIASES } from "./route_payload";
import {
    ERROR_STATUS,
    lookupAnswerSchema,
    routeErrorSchema,
    routeIgnoredSchema,
    routeSuccessSchema,
} from "./route_response";
import * as z from "./zod";

// -----------------------------------------------------------------------------
// Tables
// -----------------------------------------------------------------------------

export const CONTRACT_TABLES = {
    call_states: CALL_STATES,
    state_rank: STATE_RANK,
    final_rank: FINAL_RANK,
    directions: CALL_DIRECTIONS,
    direction_aliases: DIRECTION_ALIASES,
    error_status: ERROR_STATUS,
    status_aliases: DISPOSITIONS,
    final_state: Object.fromEntries(CALL_OUTCOMES.map((outcome) => [outcome, finalState(outcome)])),
    bus_call_type: BUS_CALL_TYPE,
    dial_statuses: dialStatusSchema.options,
    dial_error_codes: dialErrorCodeSchema.options,
    link_schemes: LINK_SCHEMES,
    user_kinds: USER_KINDS,
};

const TABLE_SOURCES = [
    "web/src/schemas/call.ts",
    "web/src/schemas/route_payload.ts",
    "web/src/schemas/route_response.ts",
    "web/src/lib/call_status.ts",
    "web/src/schemas/bus_call.ts",
    "web/src/schemas/dial_result.ts",
    "web/src/schemas/extension_binding.ts",
];

// -----------------------------------------------------------------------------
// Schemas
// -----------------------------------------------------------------------------

interface Contract {
    /** The file and export the schema is written in. */
    source: string;
    schema: z.core.$ZodType;
    /** "input" for what a PBX sends (before zod transforms it), "output" for what Odoo answers. */
    io: "input" | "output";
}

const ROUTE_RESPONSE = "web/src/schemas/route_response.ts";
const BINDING = "web/src/schemas/extension_binding.ts";

/** File name (without .schema.json) -> contract. */
export const CONTRACT_SCHEMAS: Readonly<Record<string, Contract>> = {
    call_in_payload: { source: "web/src/schemas/route_payload.ts callInPayloadSchema", schema: callInPayloadSchema, io: "input" },
    call_out_payload: { source: "web/src/schemas/route_payload.ts callOutPayloadSchema", schema: callOutPayloadSchema, io: "input" },
    answer_payload: { source: "web/src/schemas/route_payload.ts answerPayloadSchema", schema: answerPayloadSchema, io: "input" },
    route_ok: { source: `${ROUTE_RESPONSE} routeSuccessSchema`, schema: routeSuccessSchema, io: "output" },
    route_error: { source: `${ROUTE_RESPONSE} routeErrorSchema`, schema: routeErrorSchema, io: "output" },
    route_ignored: { source: `${ROUTE_RESPONSE} routeIgnoredSchema`, schema: routeIgnoredSchema, io: "output" },
    lookup_answer: { source: `${ROUTE_RESPONSE} lookupAnswerSchema`, schema: lookupAnswerSchema, io: "output" },
    bus_call: { source: "web/src/schemas/bus_call.ts busCallSchema", schema: busCallSchema, io: "output" },
    dial_result: { source: "web/src/schemas/dial_result.ts dialResultSchema", schema: dialResultSchema, io: "output" },
    ...Object.fromEntries(
        Object.entries(RESULT_SCHEMAS).map(([kind, schema]) => [
            `binding_${kind}`,
            { source: `${BINDING} RESULT_SCHEMAS.${kind}`, schema, io: "output" as const },
        ])
    ),
};

// -----------------------------------------------------------------------------
// Files
// -----------------------------------------------------------------------------

const COMMAND = "scripts/build.mjs (npm run build)";

/** `$comment` of every generated file; also how the build recognises its own files. */
export function generatedComment(source: string): string {
    return `GENERATED from ${source} by ${COMMAND}; do not edit.`;
}

/** File name -> JSON value of every file in contracts/. */
export function contractFiles(): Record<string, unknown> {
    const files: Record<string, unknown> = {
        "tables.json": { $comment: generatedComment(TABLE_SOURCES.join(", ")), ...CONTRACT_TABLES },
    };
    for (const [name, { source, schema, io }] of Object.entries(CONTRACT_SCHEMAS)) {
        const json = z.toJSONSchema(schema, { io, unrepresentable: "throw" });
        const { $schema, ...rest } = json;
        files[`${name}.schema.json`] = { $schema, $comment: generatedComment(source), ...rest };
    }
    return files;
}
