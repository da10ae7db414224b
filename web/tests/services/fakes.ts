// Fake Odoo services at the popup's edge: they record calls and answer what a test tells them.
import type {
    ActionService,
    BusCallback,
    BusService,
    NotificationButton,
    NotificationOptions,
    NotificationService,
    OrmService,
} from "../../src/odoo/types";
import { busCallSchema, type BusCall } from "../../src/schemas/bus_call";
import { readFixture as loadFixture } from "../helpers/repo";

export const KNOWN_CALL: BusCall = busCallSchema.parse(
    loadFixture("bus_call.json").cases.find((c) => c.name === "known contact ringing")!.value
);

export function busCall(patch: Partial<BusCall> = {}): BusCall {
    return structuredClone({ ...KNOWN_CALL, ...patch });
}

export function unknownCall(patch: Partial<BusCall> = {}): BusCall {
    return busCall({ call_id: 13, callid: "unknown-1", known: false, caller: null, opportunities: [], last_calls: [], ...patch });
}

/** A notification as shown; its buttons and whether it was closed are there but not compared. */
export interface NotificationRecord {
    message: string;
    type?: string;
    readonly buttons?: NotificationButton[];
    readonly closed?: boolean;
}

export interface Recorded {
    method: string;
    args: unknown[];
}

/** The server method the popup service calls once at start (kept out of `calls`). */
export const RESTORE_METHOD = "pbx.call.popup_calls_in_progress";

export function fakeServices() {
    const calls: Recorded[] = [];
    const restores: Recorded[] = [];
    const notifications: NotificationRecord[] = [];
    const listeners = new Map<string, BusCallback[]>();
    const answers = new Map<string, unknown>();
    const failures = new Map<string, unknown>();
    const respond = async (method: string, args: unknown[]) => {
        if (method === RESTORE_METHOD && !failures.has(method)) {
            restores.push({ method, args });
            return answers.get(method) ?? [];
        }
        calls.push({ method, args });
        if (failures.has(method)) {
            throw failures.get(method);
        }
        return answers.get(method) ?? true;
    };
    return {
        calls,
        restores,
        notifications,
        answers,
        failures,
        /** Delivers a bus notification as Odoo 18 does (17 omits the second argument). */
        notify(type: string, payload: unknown) {
            for (const callback of listeners.get(type) ?? []) {
                callback(payload, { id: 1 });
            }
        },
        bus_service: {
            subscribe(type: string, callback: BusCallback) {
                listeners.set(type, [...(listeners.get(type) ?? []), callback]);
            },
            async addChannel() {},
            async start() {},
        } satisfies BusService as BusService,
        orm: {
            call: (model: string, method: string, args: unknown[] = []) => respond(`${model}.${method}`, args),
            write: (model: string, ids: number[], values: Record<string, unknown>) => respond(`${model}.write`, [ids, values]),
            read: async () => [],
            searchRead: async () => [],
        } as unknown as OrmService,
        action: {
            doAction: (action: unknown, options?: unknown) => respond("doAction", [action, options]),
        } as ActionService,
        notification: {
            add(message: string, options: NotificationOptions = {}) {
                const record: NotificationRecord = { message, type: options.type };
                if (options.buttons) {
                    Object.defineProperty(record, "buttons", { value: options.buttons, enumerable: false });
                }
                notifications.push(record);
                return () => {
                    Object.defineProperty(record, "closed", { value: true, enumerable: false });
                };
            },
        } as NotificationService,
    };
}
