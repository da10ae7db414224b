// The incoming-call popup's model and service: every `pbx_callcenter/call` bus notification is
// validated with zod (a malformed one is logged and ignored, never thrown), then folded into the
// stack of call cards that the CallPopupStack main component renders. At start it asks the
// server for the user's calls still in progress, so a reload shows them again.
import { reactive } from "@odoo/owl";
import {
    type CallCard,
    type CallStack,
    dismissCall,
    editNotes,
    expireCards,
    FADE_AFTER_MS,
    findCard,
    nextExpiry,
    notesSaved,
    receiveCall,
    restoreCard,
    setBusy,
    setConfirmingBlock,
    setHovered,
    setPinned,
    toggleFolded,
} from "../lib/call_stack";
import { odooMajorVersion, recordUrl } from "../odoo/compat";
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

/** What `action_create_partner` / `action_create_lead` return: a new record's form, filled in
 * from the call and linked to it on save. */
export const recordActionSchema = z.object({
    type: z.literal("ir.actions.act_window"),
    res_model: z.enum(["res.partner", "crm.lead"]),
    context: z.record(z.string(), z.unknown()),
});

/** What `popup_calls_in_progress` returns: bus payloads, each validated like a notification. */
const callsInProgressSchema = z.array(z.unknown());

/** How long the "blocked" notification (and its Undo) stays (18 and later; 17 uses its own). */
const UNDO_DELAY_MS = 10_000;

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
    fadeAfterMs?: number;
}

export type CreateKind = "partner" | "lead";

export class CallPopupModel {
    readonly state: CallPopupState;
    protected stack: CallStack = [];
    protected readonly deps: CallPopupDeps;
    protected readonly now: () => number;
    protected readonly openWindow: (url: string) => void;
    /** How long a finished card stays once left alone (ms). */
    fadeAfterMs: number;
    protected fadeTimer: ReturnType<typeof setTimeout> | undefined;

    constructor(deps: CallPopupDeps, options: CallPopupOptions = {}) {
        this.deps = deps;
        this.now = options.now ?? (() => Date.now());
        this.openWindow = options.openWindow ?? ((url) => window.open(url, "_blank", "noopener"));
        this.fadeAfterMs = options.fadeAfterMs ?? FADE_AFTER_MS;
        this.state = reactive({ cards: this.stack, ignored: 0 });
    }

    /** Shows again the user's calls still in progress (after a reload). Never throws. */
    async restore(): Promise<void> {
        try {
            const result = await this.deps.orm.call(CALL_MODEL, "popup_calls_in_progress", []);
            const parsed = callsInProgressSchema.safeParse(result);
            if (!parsed.success) {
                console.warn("pbx_callcenter: unexpected answer to popup_calls_in_progress", result);
                return;
            }
            for (const payload of parsed.data) {
                this.receive(payload);
            }
        } catch (error) {
            console.warn("pbx_callcenter: could not restore the calls in progress", error);
        }
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
        this.commit(editNotes(this.stack, callId, notes, this.now()));
    }

    /** The card's chevron: one line to full, full to one line (the top card too). */
    toggleFolded(callId: number): void {
        this.commit(toggleFolded(this.stack, callId, this.now()));
    }

    /** The pointer over a card: it does not fade while it is read. */
    hover(callId: number, hovered: boolean): void {
        this.commit(setHovered(this.stack, callId, hovered, this.now()));
    }

    /** First click on *Block number*: the card asks for confirmation. */
    askBlock(callId: number): void {
        this.commit(setConfirmingBlock(this.stack, callId, true, this.now()));
    }

    cancelBlock(callId: number): void {
        this.commit(setConfirmingBlock(this.stack, callId, false, this.now()));
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
        this.foldUnderForm(callId);
        await this.deps.action.doAction({
            type: "ir.actions.act_window",
            res_model: caller.model,
            res_id: caller.id,
            views: [[false, "form"]],
            target: "current",
        });
    }

    /** The caller's form opens in this tab and shows what the card did: the card folds to one
     * line so that it does not cover the form's fields (unless notes typed in it are not saved).
     * Folded before the form opens: the action service's promise may settle much later, after
     * the user opened the card again. */
    protected foldUnderForm(callId: number): void {
        const card = findCard(this.stack, callId);
        if (card && !card.notesDirty) {
            this.commit(setPinned(this.stack, callId, false, this.now()));
        }
    }

    /** Opens a new contact or lead form for an unknown number, with the number and the card's
     * notes filled in (unsaved notes are saved on the call first); saving it links the call. */
    async create(callId: number, kind: CreateKind): Promise<void> {
        const method = kind === "partner" ? "action_create_partner" : "action_create_lead";
        await this.run(callId, async () => {
            const card = findCard(this.stack, callId);
            if (card?.notesDirty) {
                await this.deps.orm.write(CALL_MODEL, [callId], { notes: card.notes });
                this.commit(notesSaved(this.stack, callId, card.notes, this.now()));
            }
            const result = await this.deps.orm.call(CALL_MODEL, method, [[callId]]);
            const action = recordActionSchema.safeParse(result);
            if (!action.success) {
                throw new Error(_t("The server returned an unexpected answer."));
            }
            this.foldUnderForm(callId);
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
            this.commit(notesSaved(this.stack, callId, notes, this.now()));
            this.deps.notification.add(_t("Notes saved."), { type: "success" });
        });
    }

    /** Confirmed *Block number*: blacklists the number for the whole company (no more popups,
     * call logs or auto-created records for it; Odoo's SMS skip it too), closes the card and
     * offers an Undo. */
    async block(callId: number): Promise<void> {
        const card = findCard(this.stack, callId);
        if (!card) {
            return;
        }
        const number = card.call.phone_e164 ?? card.call.phone;
        await this.run(callId, async () => {
            await this.deps.orm.call(CALL_MODEL, "action_block_number", [[callId]]);
            this.commit(dismissCall(this.stack, callId));
            const close = this.deps.notification.add(_t("%s is blocked.", number), {
                type: "success",
                // 17's notification component refuses props it does not know.
                ...(odooMajorVersion() >= 18 ? { autocloseDelay: UNDO_DELAY_MS } : {}),
                buttons: [
                    {
                        name: _t("Undo"),
                        primary: true,
                        onClick: () => {
                            close();
                            void this.unblock(card);
                        },
                    },
                ],
            });
        });
    }

    /** Undo of a block: the number leaves the blacklist and the card comes back. */
    async unblock(card: CallCard): Promise<void> {
        const callId = card.call.call_id;
        const number = card.call.phone_e164 ?? card.call.phone;
        try {
            await this.deps.orm.call(CALL_MODEL, "action_unblock_number", [[callId]]);
        } catch (error) {
            this.deps.notification.add(errorMessage(error), { title: _t("Call popup"), type: "danger" });
            return;
        }
        this.commit(restoreCard(this.stack, card, this.now()));
        this.deps.notification.add(_t("%s is no longer blocked.", number), { type: "info" });
    }

    // ---- helpers ---------------------------------------------------------------------

    card(callId: number): CallCard | undefined {
        return findCard(this.stack, callId);
    }

    protected commit(stack: CallStack): void {
        this.stack = stack;
        this.state.cards = stack;
        this.scheduleFade();
    }

    /** Removes the finished cards whose time is up, then waits for the next one. */
    protected scheduleFade(): void {
        clearTimeout(this.fadeTimer);
        this.fadeTimer = undefined;
        const next = nextExpiry(this.stack, this.fadeAfterMs);
        if (next === null) {
            return;
        }
        this.fadeTimer = setTimeout(() => {
            this.fadeTimer = undefined;
            this.commit(expireCards(this.stack, this.now(), this.fadeAfterMs));
        }, Math.max(100, next - this.now()));
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
        void model.restore();
        return model;
    },
};

function subscribe(bus: BusService, model: CallPopupModel): void {
    bus.subscribe(CALL_NOTIFICATION, (payload) => {
        model.receive(payload);
    });
}
