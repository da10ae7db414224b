import { describe, expect, test } from "vitest";
import {
    applyPairs,
    cellKey,
    changedCells,
    computeChanges,
    filterUsers,
    initialSelection,
    options,
    pastedLines,
    rebase,
    select,
    selected,
} from "../../src/lib/extension_binding";
import { bindingDataSchema, type BindingData } from "../../src/schemas/extension_binding";
import { loadFixture, type FixtureCase } from "../fixtures";

// The fixture's main case: connections 1 (101 admin, 102 Joel, 103 free) and 2 (6001 admin);
// users 2 admin, 7 Ann, 9 Joel (portal), 4 public.
const DATA: BindingData = bindingDataSchema.parse(
    loadFixture<FixtureCase>("extension_binding.json").cases.find((c) => c.valid && c.name.startsWith("two connections"))
        ?.value
);

const names = (rows: { name: string }[]) => rows.map((row) => row.name);

describe("selection", () => {
    test("starts from each user's bindings, one cell per user and connection", () => {
        const selection = initialSelection(DATA);
        expect(Object.keys(selection)).toHaveLength(DATA.users.length * DATA.connections.length);
        expect(selected(selection, 2, 1)).toBe(10);
        expect(selected(selection, 9, 1)).toBe(11);
        expect(selected(selection, 7, 1)).toBeNull();
        expect(selected(selection, 7, 2)).toBeNull();
    });

    test("a picker offers only what nobody else holds", () => {
        const selection = initialSelection(DATA);
        expect(names(options(DATA, selection, 7, 1))).toEqual(["103"]);
        expect(names(options(DATA, selection, 2, 1))).toEqual(["101", "103"]);
        const moved = select(selection, 7, 1, 12); // Ann takes 103
        expect(names(options(DATA, moved, 4, 1))).toEqual([]);
        const released = select(moved, 2, 1, null);
        expect(names(options(DATA, released, 4, 1))).toEqual(["101"]);
    });

    test("an extension bound on the server but shown nowhere is not offered", () => {
        const data = structuredClone(DATA);
        data.extensions["1"].push({ id: 13, name: "104", email: null, user_id: 7 });
        expect(names(options(data, initialSelection(data), 4, 1))).toEqual(["103"]);
        expect(computeChanges(data, initialSelection(data))).toEqual([]);
    });
});

describe("changes", () => {
    test("none for the server's own state", () => {
        expect(computeChanges(DATA, initialSelection(DATA))).toEqual([]);
        expect(changedCells(DATA, initialSelection(DATA)).size).toBe(0);
    });

    test("binding a free extension names its previous holder: nobody", () => {
        const selection = select(initialSelection(DATA), 7, 1, 12);
        expect(computeChanges(DATA, selection)).toEqual([{ extension_id: 12, user_id: 7, previous_user_id: null }]);
        expect([...changedCells(DATA, selection)]).toEqual([cellKey(7, 1)]);
    });

    test("moving an extension is one change, from its holder to the new one", () => {
        let selection = select(initialSelection(DATA), 2, 1, null);
        selection = select(selection, 7, 1, 10);
        expect(computeChanges(DATA, selection)).toEqual([{ extension_id: 10, user_id: 7, previous_user_id: 2 }]);
    });

    test("swapping two extensions changes both", () => {
        let selection = select(initialSelection(DATA), 2, 1, 11);
        selection = select(selection, 9, 1, 10);
        expect(computeChanges(DATA, selection)).toEqual([
            { extension_id: 10, user_id: 9, previous_user_id: 2 },
            { extension_id: 11, user_id: 2, previous_user_id: 9 },
        ]);
    });

    test("releasing sends null", () => {
        const selection = select(initialSelection(DATA), 2, 2, null);
        expect(computeChanges(DATA, selection)).toEqual([{ extension_id: 20, user_id: null, previous_user_id: 2 }]);
    });

    test("auto-bind pairs join the selection", () => {
        const pairs = [{ user_id: 7, user_name: "Ann Sales", extension_id: 12, extension_name: "103", email: "ann@example.com" }];
        const selection = applyPairs(initialSelection(DATA), 1, pairs);
        expect(selected(selection, 7, 1)).toBe(12);
    });
});

describe("rebase on fresh data", () => {
    test("keeps unsaved edits that are still possible", () => {
        const edited = select(initialSelection(DATA), 7, 1, 12);
        const fresh = structuredClone(DATA);
        fresh.extensions["1"].push({ id: 14, name: "105", email: null, user_id: null });
        const rebased = rebase(DATA, edited, fresh);
        expect(selected(rebased, 7, 1)).toBe(12);
        expect(names(options(fresh, rebased, 4, 1))).toEqual(["105"]);
    });

    test("drops an edit whose extension was bound meanwhile, or is gone", () => {
        const edited = select(select(initialSelection(DATA), 7, 1, 12), 4, 2, null);
        const fresh = structuredClone(DATA);
        fresh.extensions["1"][2].user_id = 9;
        fresh.users[2].bindings = { "1": 12 };
        fresh.extensions["1"].splice(1, 1); // 102 deleted
        const rebased = rebase(DATA, edited, fresh);
        expect(selected(rebased, 7, 1)).toBeNull();
        expect(selected(rebased, 9, 1)).toBe(12);
    });
});

describe("users shown", () => {
    test("filter on name, login or e-mail, and on kind", () => {
        expect(filterUsers(DATA.users, "", "all")).toHaveLength(4);
        expect(filterUsers(DATA.users, "JOEL", "all").map((u) => u.id)).toEqual([9]);
        expect(filterUsers(DATA.users, "example.com", "internal").map((u) => u.id)).toEqual([2, 7]);
        expect(filterUsers(DATA.users, "", "public").map((u) => u.id)).toEqual([4]);
        expect(filterUsers(DATA.users, "admin", "portal")).toEqual([]);
    });
});

test("pasted lines are trimmed, blank ones dropped", () => {
    expect(pastedLines(" 101\r\n\n102,ann@example.com \n  \n103")).toEqual(["101", "102,ann@example.com", "103"]);
    expect(pastedLines("   ")).toEqual([]);
});
