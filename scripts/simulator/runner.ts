// Plays scenarios through a client and judges every answer against the contract:
// payloads go through the route's zod schema, responses through the response schema.
import { z } from "zod";
import { routePayloadSchemas, type Route, type RoutePayload } from "../../web/src/schemas/route_payload";
import { expectedStatus, routeResponseSchema, type RouteResponse } from "../../web/src/schemas/route_response";
import type { HttpReply } from "./client";
import type { Expectation, Scenario, ScenarioStep } from "./scenarios";

// -----------------------------------------------------------------------------
// Types
// -----------------------------------------------------------------------------

/** What the runner needs from a client (PbxClient, or a stub in tests). */
export interface EventSender {
    post(route: Route, payload: RoutePayload): Promise<HttpReply>;
}

export interface StepReport {
    scenario: string;
    run: number;
    route: Route;
    /** HTTP status, null when nothing was sent or no answer came. */
    status: number | null;
    response: RouteResponse | null;
    failures: string[];
}

// -----------------------------------------------------------------------------
// Checks
// -----------------------------------------------------------------------------

/** An error's message with its cause (fetch hides the network error there). */
export function describeError(error: unknown): string {
    if (!(error instanceof Error)) {
        return String(error);
    }
    const cause = error.cause instanceof Error ? error.cause.message : error.cause;
    return cause ? `${error.message} (${cause})` : error.message;
}

function expectationFailures(expect: Expectation, response: RouteResponse & { ok: true }): string[] {
    const failures: string[] = [];
    const { call } = response;
    if (expect.state !== undefined && call.state !== expect.state) {
        failures.push(`state is ${call.state}, expected ${expect.state}`);
    }
    if (expect.direction !== undefined && call.direction !== expect.direction) {
        failures.push(`direction is ${call.direction}, expected ${expect.direction}`);
    }
    if (expect.duplicate !== undefined && response.duplicate !== expect.duplicate) {
        failures.push(`duplicate is ${response.duplicate}, expected ${expect.duplicate}`);
    }
    if (expect.unknownCaller && response.record !== null && !response.created) {
        failures.push(`unknown number matched ${response.record.model} ${response.record.id} (${response.record.name})`);
    }
    return failures;
}

function replyFailures(reply: HttpReply): { response: RouteResponse | null; failures: string[] } {
    if (reply.body === undefined) {
        return { response: null, failures: [`HTTP ${reply.status} answer is not JSON: ${reply.text.slice(0, 200)}`] };
    }
    const parsed = routeResponseSchema.safeParse(reply.body);
    if (!parsed.success) {
        return { response: null, failures: [`answer breaks the contract: ${z.prettifyError(parsed.error)}`] };
    }
    const response = parsed.data;
    const failures: string[] = [];
    if (reply.status !== expectedStatus(response)) {
        failures.push(`HTTP ${reply.status}, but the body calls for ${expectedStatus(response)}`);
    }
    if (!response.ok) {
        const fields = Object.entries("fields" in response.error ? response.error.fields : {}).map(
            ([name, why]) => `${name}: ${why}`
        );
        failures.push(`error ${response.error.code}: ${response.error.message}${fields.length ? ` (${fields.join("; ")})` : ""}`);
    }
    return { response, failures };
}

// -----------------------------------------------------------------------------
// Running
// -----------------------------------------------------------------------------

async function runStep(sender: EventSender, step: ScenarioStep): Promise<Omit<StepReport, "scenario" | "run">> {
    const payload = routePayloadSchemas[step.route].safeParse(step.payload);
    if (!payload.success) {
        const why = z.prettifyError(payload.error);
        return { route: step.route, status: null, response: null, failures: [`payload not sent, it breaks the contract: ${why}`] };
    }
    let reply: HttpReply;
    try {
        reply = await sender.post(step.route, payload.data);
    } catch (error) {
        return { route: step.route, status: null, response: null, failures: [`request failed: ${describeError(error)}`] };
    }
    const { response, failures } = replyFailures(reply);
    if (response?.ok) {
        failures.push(...expectationFailures(step.expect, response));
        if (response.call.callid !== payload.data.callid) {
            failures.push(`answer is about callid ${response.call.callid}, sent ${payload.data.callid}`);
        }
    }
    return { route: step.route, status: reply.status, response, failures };
}

/**
 * Runs the steps in order; every step is sent even after a failure. `pauseMs` between two steps
 * lets a person watch the call ring (the demo's PBX stand-in).
 */
export async function runScenario(
    sender: EventSender,
    scenario: Scenario,
    run: number,
    onStep: (report: StepReport) => void = () => {},
    pauseMs = 0
): Promise<StepReport[]> {
    const reports: StepReport[] = [];
    let firstCallId: number | null = null;
    for (const [index, step] of scenario.steps.entries()) {
        if (index && pauseMs) {
            await new Promise((resolve) => setTimeout(resolve, pauseMs));
        }
        const report: StepReport = { scenario: scenario.name, run, ...(await runStep(sender, step)) };
        const response = report.response;
        if (response?.ok) {
            firstCallId ??= response.call.id;
            if (response.call.id !== firstCallId) {
                report.failures.push(`call ${response.call.id}, but earlier events of this call made call ${firstCallId}`);
            }
        }
        reports.push(report);
        onStep(report);
    }
    return reports;
}

// -----------------------------------------------------------------------------
// Output
// -----------------------------------------------------------------------------

/** One line per step (plus one indented line per failure). */
export function formatStep(report: StepReport): string {
    const verdict = report.failures.length ? "FAIL" : "ok  ";
    const label = `${report.scenario}#${report.run}`.padEnd(22);
    const status = String(report.status ?? "---");
    let detail = "";
    const response = report.response;
    if (response?.ok) {
        const { call, record } = response;
        const who = record ? `${record.name} (${record.model} ${record.id}${response.created ? ", created" : ""})` : "no record";
        const flags = [response.duplicate && "duplicate", response.blocked && "blocked"].filter(Boolean);
        detail = `call ${call.id} ${call.state.padEnd(8)} ${call.direction.padEnd(8)} ${who}${flags.length ? `  [${flags.join(", ")}]` : ""}`;
    } else if (response) {
        detail = `error ${response.error.code}`;
    }
    const lines = [`${verdict} ${label} ${report.route.padEnd(8)} ${status}  ${detail}`.trimEnd()];
    lines.push(...report.failures.map((failure) => `       - ${failure}`));
    return lines.join("\n");
}

export function summary(reports: readonly StepReport[]): string {
    const runs = new Set(reports.map((report) => `${report.scenario}#${report.run}`)).size;
    const failed = reports.filter((report) => report.failures.length).length;
    return `${runs} scenario runs, ${reports.length} steps: ${reports.length - failed} passed, ${failed} failed`;
}
