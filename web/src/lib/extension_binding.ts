// The binding screen's working state, without OWL: which extension each user holds on each
// connection (the "selection"), what may still be offered, and the changes to save.
import type {
    AutoBindPair,
    BindingChange,
    BindingData,
    BindingExtension,
    BindingUser,
    UserKind,
} from "../schemas/extension_binding";

// -----------------------------------------------------------------------------
// Selection: one cell per (user, connection)
// -----------------------------------------------------------------------------

/** `${userId}:${connectionId}` -> extension id, or null for "no extension". */
export type Selection = Record<string, number | null>;

export function cellKey(userId: number, connectionId: number): string {
    return `${userId}:${connectionId}`;
}

/** The selection the server's data shows: each user's binding per connection. */
export function initialSelection(data: BindingData): Selection {
    const selection: Selection = {};
    for (const user of data.users) {
        for (const connection of data.connections) {
            selection[cellKey(user.id, connection.id)] = user.bindings[String(connection.id)] ?? null;
        }
    }
    return selection;
}

export function selected(selection: Selection, userId: number, connectionId: number): number | null {
    return selection[cellKey(userId, connectionId)] ?? null;
}

/** A copy of `selection` where `userId` holds `extensionId` (or nothing) on `connectionId`. */
export function select(
    selection: Selection,
    userId: number,
    connectionId: number,
    extensionId: number | null
): Selection {
    return { ...selection, [cellKey(userId, connectionId)]: extensionId };
}

function extensionsOf(data: BindingData, connectionId: number): BindingExtension[] {
    return data.extensions[String(connectionId)] ?? [];
}

/** Extensions bound on the server but shown in no cell (a user's second one on a connection). */
function hiddenOwners(data: BindingData): Map<number, number> {
    const shown = new Set<number>();
    for (const user of data.users) {
        for (const extensionId of Object.values(user.bindings)) {
            shown.add(extensionId);
        }
    }
    const hidden = new Map<number, number>();
    for (const rows of Object.values(data.extensions)) {
        for (const row of rows) {
            if (row.user_id !== null && !shown.has(row.id)) {
                hidden.set(row.id, row.user_id);
            }
        }
    }
    return hidden;
}

/** Extension id -> the user who holds it in `selection` (or hidden on the server). */
export function owners(data: BindingData, selection: Selection): Map<number, number> {
    const result = hiddenOwners(data);
    for (const [key, extensionId] of Object.entries(selection)) {
        if (extensionId !== null) {
            result.set(extensionId, Number(key.split(":")[0]));
        }
    }
    return result;
}

/** What the picker of (user, connection) offers: the connection's extensions nobody else holds. */
export function options(
    data: BindingData,
    selection: Selection,
    userId: number,
    connectionId: number,
    taken: Map<number, number> = owners(data, selection)
): BindingExtension[] {
    return extensionsOf(data, connectionId).filter((extension) => {
        const owner = taken.get(extension.id);
        return owner === undefined || owner === userId;
    });
}

// -----------------------------------------------------------------------------
// Changes to save
// -----------------------------------------------------------------------------

/** Every extension whose holder differs between the server's data and `selection`. */
export function computeChanges(data: BindingData, selection: Selection): BindingChange[] {
    const shown = new Set<number>();
    for (const user of data.users) {
        for (const extensionId of Object.values(user.bindings)) {
            shown.add(extensionId);
        }
    }
    const wanted = new Map<number, number>();
    for (const [key, extensionId] of Object.entries(selection)) {
        if (extensionId !== null) {
            wanted.set(extensionId, Number(key.split(":")[0]));
        }
    }
    const changes: BindingChange[] = [];
    for (const connection of data.connections) {
        for (const extension of extensionsOf(data, connection.id)) {
            if (!shown.has(extension.id) && !wanted.has(extension.id)) {
                continue; // not on screen: left as it is
            }
            const userId = wanted.get(extension.id) ?? null;
            if (userId !== extension.user_id) {
                changes.push({ extension_id: extension.id, user_id: userId, previous_user_id: extension.user_id });
            }
        }
    }
    return changes;
}

/** Cells whose value differs from the server's data. */
export function changedCells(data: BindingData, selection: Selection): Set<string> {
    const initial = initialSelection(data);
    return new Set(Object.keys(selection).filter((key) => (initial[key] ?? null) !== selection[key]));
}

/** The selection for fresh server data, keeping the edits not saved yet (when still possible). */
export function rebase(oldData: BindingData, selection: Selection, newData: BindingData): Selection {
    let result = initialSelection(newData);
    const exists = new Set(Object.values(newData.extensions).flatMap((rows) => rows.map((row) => row.id)));
    for (const key of changedCells(oldData, selection)) {
        const extensionId = selection[key];
        if (!(key in result) || (extensionId !== null && !exists.has(extensionId))) {
            continue;
        }
        const [userId, connectionId] = key.split(":").map(Number);
        const taken = owners(newData, result);
        const owner = extensionId === null ? undefined : taken.get(extensionId);
        if (owner === undefined || owner === userId) {
            result = select(result, userId, connectionId, extensionId);
        }
    }
    return result;
}

/** `selection` with the auto-bind pairs of `connectionId` applied. */
export function applyPairs(selection: Selection, connectionId: number, pairs: readonly AutoBindPair[]): Selection {
    let result = selection;
    for (const pair of pairs) {
        result = select(result, pair.user_id, connectionId, pair.extension_id);
    }
    return result;
}

// -----------------------------------------------------------------------------
// Users shown
// -----------------------------------------------------------------------------

export type KindFilter = UserKind | "all";

/** Users whose name, login or e-mail contains `query` (case-insensitive), of `kind`. */
export function filterUsers(users: readonly BindingUser[], query: string, kind: KindFilter): BindingUser[] {
    const needle = query.trim().toLowerCase();
    return users.filter(
        (user) =>
            (kind === "all" || user.kind === kind) &&
            (!needle || [user.name, user.login, user.email ?? ""].some((text) => text.toLowerCase().includes(needle)))
    );
}

// -----------------------------------------------------------------------------
// Extensions typed or pasted by hand
// -----------------------------------------------------------------------------

/** The non-empty lines of a textarea: `101` or `101,ann@example.com` (the server checks them). */
export function pastedLines(text: string): string[] {
    return text
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line.length > 0);
}
