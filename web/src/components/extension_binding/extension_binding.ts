// The extension binding screen (client action `pbx_callcenter.extension_binding`): every Odoo
// user with an extension picker per PBX connection; Auto-bind, Import from PBX, Add extensions.
import { Component, onWillStart, useState } from "@odoo/owl";
import {
    applyPairs,
    changedCells,
    computeChanges,
    filterUsers,
    initialSelection,
    options,
    owners,
    pastedLines,
    rebase,
    select,
    selected,
    type KindFilter,
    type Selection,
} from "../../lib/extension_binding";
import { useService } from "../../odoo/hooks";
import { _t } from "../../odoo/l10n";
import type { NotificationService, OrmService } from "../../odoo/types";
import {
    addResultSchema,
    autoBindResultSchema,
    bindingDataSchema,
    importResultSchema,
    saveResultSchema,
    type AutoBindResult,
    type BindingChange,
    type BindingConnection,
    type BindingData,
    type BindingExtension,
    type BindingUser,
    type UserKind,
} from "../../schemas/extension_binding";
import type * as z from "../../schemas/zod";

export const BINDING_MODEL = "pbx.extension.binding";
export const EXTENSION_BINDING_ACTION = "pbx_callcenter.extension_binding";

/** An RPC result that does not have the shape of the contract. */
export class BindingResultError extends Error {}

interface AddDialog {
    connection: BindingConnection;
    text: string;
}

interface ExtensionBindingState {
    data: BindingData | null;
    selection: Selection;
    busy: boolean;
    /** Successful saves since the screen opened (exposed as data-saves for browser tests). */
    saves: number;
    error: string | null;
    query: string;
    kind: KindFilter;
    autoBind: (AutoBindResult & { connection: BindingConnection }) | null;
    adding: AddDialog | null;
}

export class ExtensionBinding extends Component {
    static template = "pbx_callcenter.ExtensionBinding";
    // a client action receives action, actionId, className, updateActionState…
    static props = ["*"];

    declare orm: OrmService;
    declare notification: NotificationService;
    declare state: ExtensionBindingState;

    setup(): void {
        this.orm = useService("orm");
        this.notification = useService("notification");
        this.state = useState<ExtensionBindingState>({
            data: null,
            selection: {},
            busy: false,
            saves: 0,
            error: null,
            query: "",
            kind: "all",
            autoBind: null,
            adding: null,
        });
        onWillStart(() => this.load());
    }

    // ---- server calls -----------------------------------------------------------

    /** Calls a method of pbx.extension.binding and checks its result against `schema`. */
    async call<S extends z.ZodMiniType>(method: string, args: unknown[], schema: S): Promise<z.infer<S>> {
        const result = await this.orm.call(BINDING_MODEL, method, args);
        const parsed = schema.safeParse(result);
        if (!parsed.success) {
            console.error(`pbx_callcenter: ${method} returned an unexpected result`, parsed.error.issues, result);
            const message = _t("The server answered something unexpected; reload the page.");
            this.state.error = message;
            throw new BindingResultError(message);
        }
        return parsed.data;
    }

    /** Runs `work` with the buttons disabled; RPC errors are left to Odoo's error dialog. */
    async busy<T>(work: () => Promise<T>): Promise<T | undefined> {
        if (this.state.busy) {
            return undefined;
        }
        this.state.busy = true;
        try {
            return await work();
        } catch (error) {
            if (error instanceof BindingResultError) {
                return undefined;
            }
            throw error;
        } finally {
            this.state.busy = false;
        }
    }

    async load(): Promise<void> {
        try {
            this.setData(await this.call("get_binding_data", [], bindingDataSchema), false);
        } catch (error) {
            if (!(error instanceof BindingResultError)) {
                throw error;
            }
        }
    }

    /** New server data; unsaved edits are kept when `keepEdits` and still possible. */
    setData(data: BindingData, keepEdits: boolean): void {
        const old = this.state.data;
        this.state.selection = keepEdits && old ? rebase(old, this.state.selection, data) : initialSelection(data);
        this.state.data = data;
        this.state.error = null;
    }

    // ---- what the template shows ------------------------------------------------------

    get connections(): BindingConnection[] {
        return this.state.data?.connections ?? [];
    }

    get users(): BindingUser[] {
        return filterUsers(this.state.data?.users ?? [], this.state.query, this.state.kind);
    }

    get changes(): BindingChange[] {
        return this.state.data ? computeChanges(this.state.data, this.state.selection) : [];
    }

    get changed(): Set<string> {
        return this.state.data ? changedCells(this.state.data, this.state.selection) : new Set();
    }

    get taken(): Map<number, number> {
        return this.state.data ? owners(this.state.data, this.state.selection) : new Map();
    }

    options(userId: number, connectionId: number, taken: Map<number, number>): BindingExtension[] {
        return this.state.data ? options(this.state.data, this.state.selection, userId, connectionId, taken) : [];
    }

    selected(userId: number, connectionId: number): number | null {
        return selected(this.state.selection, userId, connectionId);
    }

    extensionLabel(extension: BindingExtension): string {
        return extension.email ? `${extension.name} (${extension.email})` : extension.name;
    }

    kindLabel(kind: UserKind): string {
        switch (kind) {
            case "internal":
                return _t("Internal");
            case "portal":
                return _t("Portal");
            case "public":
                return _t("Public");
        }
    }

    /** The kind filter is offered only when the server lists users of several kinds. */
    get showKindFilter(): boolean {
        return new Set((this.state.data?.users ?? []).map((user) => user.kind)).size > 1;
    }

    get kindFilters(): { value: KindFilter; label: string }[] {
        return [
            { value: "all", label: _t("All users") },
            { value: "internal", label: _t("Internal users") },
            { value: "portal", label: _t("Portal users") },
            { value: "public", label: _t("Public user") },
        ];
    }

    // ---- editing -------------------------------------------------------------------------

    onSelect(userId: number, connectionId: number, ev: Event): void {
        const value = (ev.target as HTMLSelectElement).value;
        this.state.selection = select(this.state.selection, userId, connectionId, value ? Number(value) : null);
    }

    onQuery(ev: Event): void {
        this.state.query = (ev.target as HTMLInputElement).value;
    }

    onKind(ev: Event): void {
        this.state.kind = (ev.target as HTMLSelectElement).value as KindFilter;
    }

    discard(): void {
        if (this.state.data) {
            this.state.selection = initialSelection(this.state.data);
        }
    }

    async save(): Promise<void> {
        const changes = this.changes;
        if (!changes.length) {
            this.notification.add(_t("Nothing to save."), { type: "info" });
            return;
        }
        await this.busy(async () => {
            const result = await this.call("save_bindings", [changes], saveResultSchema);
            this.setData(result.data, false);
            this.state.saves++;
            this.notification.add(_t("%s extension binding(s) saved.", result.changed), { type: "success" });
        });
    }

    // ---- auto-bind -------------------------------------------------------------------------

    async autoBind(connection: BindingConnection): Promise<void> {
        await this.busy(async () => {
            const result = await this.call("auto_bind", [connection.id], autoBindResultSchema);
            if (!result.pairs.length) {
                const message = result.ambiguous.length
                    ? _t("No user and extension share an e-mail only with each other (ambiguous: %s).", result.ambiguous.join(", "))
                    : _t("No unbound extension of %s shares an e-mail with a user who has none.", connection.name);
                this.notification.add(message, { type: "warning" });
                return;
            }
            this.state.autoBind = { ...result, connection };
        });
    }

    /** The admin confirmed: the pairs join the pending edits, and everything is saved. */
    async confirmAutoBind(): Promise<void> {
        const proposal = this.state.autoBind;
        if (!proposal) {
            return;
        }
        this.state.autoBind = null;
        this.state.selection = applyPairs(this.state.selection, proposal.connection.id, proposal.pairs);
        await this.save();
    }

    cancelAutoBind(): void {
        this.state.autoBind = null;
    }

    // ---- extensions: from the PBX, by hand -------------------------------------------------------

    async importExtensions(connection: BindingConnection): Promise<void> {
        await this.busy(async () => {
            const result = await this.call("import_extensions", [connection.id], importResultSchema);
            this.setData(result.data, true);
            this.notification.add(
                _t(
                    "%s: %s extension(s) read, %s new, %s e-mail(s) updated.",
                    connection.name,
                    result.fetched,
                    result.created.length,
                    result.updated.length
                ),
                { type: "success" }
            );
        });
    }

    openAdd(connection: BindingConnection): void {
        this.state.adding = { connection, text: "" };
    }

    onAddText(ev: Event): void {
        if (this.state.adding) {
            this.state.adding.text = (ev.target as HTMLTextAreaElement).value;
        }
    }

    cancelAdd(): void {
        this.state.adding = null;
    }

    async confirmAdd(): Promise<void> {
        const adding = this.state.adding;
        const lines = adding ? pastedLines(adding.text) : [];
        if (!adding || !lines.length) {
            this.notification.add(_t("Type or paste at least one extension number."), { type: "warning" });
            return;
        }
        await this.busy(async () => {
            const result = await this.call("add_extensions", [adding.connection.id, lines], addResultSchema);
            this.state.adding = null;
            this.setData(result.data, true);
            const message = result.unchanged.length
                ? _t("%s extension(s) added; already there: %s.", result.created.length, result.unchanged.join(", "))
                : _t("%s extension(s) added.", result.created.length);
            this.notification.add(message, { type: "success" });
        });
    }
}
