// The incoming-call popup's model and service: every `pbx_callcenter/call` bus notification is
// validated with zod (a malformed one is logged and ignored, never thrown), then folded into the
// stack of call cards that the CallPopupStack main component renders.
import { reactive } from "@odoo/owl";
import {
    type CallCard,
    type CallStack,
    dismissCall,
    editNotes,
    findCard,
    notesSaved,
    receiveCall,
    setBusy,
} from "../lib/call_stack";
import { recordUrl } from "../odoo/compat";
import { _t } from "../odoo/l10n";
import type { ActionService, BusService, NotificationService, OrmService, ServiceDescriptor } from "../odoo/types";
import { BUS_CALL_TYPE, busCallSchema } from "../schemas/bus_call";
import * as z from "../schemas/zod";

// -----------------------------------------------------------------------------
// Names
// -----------------------------------------------------------------------------

export const CALL_NOTIFICATION = BUS_CALL_TYPE;
export const CALL_POPUP_SERVICE = "pbx_callcenter.call_popup";
const CALL_MODEL = "pbx.call";

/** What `action_create_partner` / `action_create_lead` return: the new record's form. */
export const recordActionSchema = z.object({
    type: z.literal("ir.actions.act_window"),
    res_model: z.enum(["res.partner", "crm.lead"]),
    res_id: z.int().check(z.positive()),
});

// -----------------------------------------------------------------------------
// Model
// -----------------------------------------------------------------------------

export interface CallPopupState {
    cards: CallStack;
    /** Notifications dropped because they did not match the schema. */
    ignored: number;
}

export interface CallPopupDeps {
    orm: OrmService;
    action: ActionService;
    notification: NotificationService;
}

export interface CallPopupOptions {
    now?: () => number;
    openWindow?: (url: string) => void;
}

export type CreateKind = "partner" | "lead";

export class CallPopupModel {
    readonly state: CallPopupState;
    protected stack: CallStack = [];
    protected readonly deps: CallPopupDeps;
    protected readonly now: () => number;
    protected readonly openWindow: (url: string) => void;

    constructor(deps: CallPopupDeps, options: CallPopupOptions = {}) {
        this.deps = deps;
        this.now = options.now ?? (() => Date.now());
        this.openWindow = options.openWindow ?? ((url) => window.open(url, "_blank", "noopener"));
        this.state = reactive({ cards: this.stack, ignored: 0 });
    }

    // ---- bus ------------------------------------------------------------------------

    /** Handles one bus payload; returns whether it was accepted. Never throws. */
    receive(payload: unknown): boolean {
        try {
            const parsed = busCallSchema.safeParse(payload);
            if (!parsed.success) {
                this.state.ignored++;
                console.warn(
                    `pbx_callcenter: ignored a malformed "${CALL_NOTIFICATION}" notification`,
                    z.prettifyError(parsed.error),
                    payload
                );
                return false;
            }
            this.commit(receiveCall(this.stack, parsed.data, this.now()));
            return true;
        } catch (error) {
            this.state.ignored++;
            console.warn(`pbx_callcenter: could not show a "${CALL_NOTIFICATION}" notification`, error);
            return false;
        }
    }

    // ---- card actions ---------------------------------------------------------------

    dismiss(callId: number): void {
        this.commit(dismissCall(this.stack, callId));
    }

    editNotes(callId: number, notes: string): void {
        this.commit(editNotes(this.stack, callId, notes));
    }

    /** Opens the caller's record: in this tab, or a new one when the connection says so. */
    async open(callId: number): Promise<void> {
        const caller = findCard(this.stack, callId)?.call.caller;
        if (!caller) {
            return;
        }
        if (findCard(this.stack, callId)?.call.open_in_new_tab) {
            this.openWindow(recordUrl(caller.model, caller.id));
            return;
        }
        await this.deps.action.doAction({
            type: "ir.actions.act_window",
            res_model: caller.model,
            res_id: caller.id,
            views: [[false, "form"]],
            target: "current",
        });
    }

    /** Creates a contact or lead for an unknown number, linked to the call, and opens it. */
    async create(callId: number, kind: CreateKind): Promise<void> {
        const method = kind === "partner" ? "action_create_partner" : "action_create_lead";
        await this.run(callId, async () => {
            const result = await this.deps.orm.call(CALL_MODEL, method, [[callId]]);
            const action = recordActionSchema.safeParse(result);
            if (!action.success) {
                throw new Error(_t("The server returned an unexpected answer."));
            }
            await this.deps.action.doAction({ ...action.data, views: [[false, "form"]], target: "current" });
        });
    }

    async saveNotes(callId: number): Promise<void> {
        const card = findCard(this.stack, callId);
        if (!card) {
            return;
        }
        const notes = card.notes;
        await this.run(callId, async () => {
            await this.deps.orm.write(CALL_MODEL, [callId], { notes });
            this.commit(notesSaved(this.stack, callId, notes));
            this.deps.notification.add(_t("Notes saved."), { type: "success" });
        });
    }

    /** Blacklists the number (no more popups or auto-created records for it) and closes the card. */
    async block(callId: number): Promise<void> {
        const card = findCard(this.stack, callId);
        if (!card) {
            return;
        }
        const number = card.call.phone_e164 ?? card.call.phone;
        await this.run(callId, async () => {
            await this.deps.orm.call(CALL_MODEL, "action_block_number", [[callId]]);
            this.commit(dismissCall(this.stack, callId));
            this.deps.notification.add(_t("%s is blocked.", number), { type: "success" });
        });
    }

    // ---- helpers ---------------------------------------------------------------------

    card(callId: number): CallCard | undefined {
        return findCard(this.stack, callId);
    }

    protected commit(stack: CallStack): void {
        this.stack = stack;
        this.state.cards = stack;
    }

    /** Runs a server action of a card: buttons disabled meanwhile, errors as a notification. */
    protected async run(callId: number, action: () => Promise<void>): Promise<void> {
        if (findCard(this.stack, callId)?.busy) {
            return;
        }
        this.commit(setBusy(this.stack, callId, true));
        try {
            await action();
        } catch (error) {
            this.deps.notification.add(errorMessage(error), { title: _t("Call popup"), type: "danger" });
        } finally {
            this.commit(setBusy(this.stack, callId, false));
        }
    }
}

/** The human part of an RPC error (Odoo puts the server's message in `data.message`). */
export function errorMessage(error: unknown): string {
    const data = (error as { data?: { message?: unknown } } | null)?.data;
    if (typeof data?.message === "string" && data.message) {
        return data.message;
    }
    if (error instanceof Error && error.message) {
        return error.message;
    }
    return _t("Something went wrong.");
}

// -----------------------------------------------------------------------------
// Service
// -----------------------------------------------------------------------------

export const callPopupService: ServiceDescriptor<
    CallPopupModel,
    "bus_service" | "orm" | "action" | "notification"
> = {
    dependencies: ["bus_service", "orm", "action", "notification"],
    start(_env, { bus_service, orm, action, notification }) {
        const model = new CallPopupModel({ orm, action, notification });
        subscribe(bus_service, model);
        return model;
    },
};

function subscribe(bus: BusService, model: CallPopupModel): void {
    bus.subscribe(CALL_NOTIFICATION, (payload) => {
        model.receive(payload);
    });
}
