// Results of the pbx.extension.binding RPC methods (the extension binding screen).
// The build writes their JSON Schemas for the Python side (contracts/binding_*.schema.json); the
// rules between ids (refinements below) are checked by zod only. Cases: tests/fixtures/extension_binding.json.
import * as z from "./zod";
import { recordIdSchema } from "./call";

// -----------------------------------------------------------------------------
// Rows
// -----------------------------------------------------------------------------

export const USER_KINDS = ["internal", "portal", "public"] as const;
export const userKindSchema = z.enum(USER_KINDS);
export type UserKind = z.infer<typeof userKindSchema>;

/** A lower-case e-mail address, as the server compares them. */
const emailKeySchema = z.string().check(z.regex(/^[^@\sA-Z<>]+@[^@\sA-Z<>]+$/));
/** A connection id written as a JSON object key. */
const connectionKeySchema = z.string().check(z.regex(/^[1-9]\d*$/));

export const bindingConnectionSchema = z.strictObject({
    id: recordIdSchema,
    name: z.string().check(z.minLength(1)),
    kind: z.string().check(z.minLength(1)),
    can_import: z.boolean(),
});

export const bindingExtensionSchema = z.strictObject({
    id: recordIdSchema,
    name: z.string().check(z.minLength(1)),
    email: z.nullable(z.string().check(z.minLength(1))),
    user_id: z.nullable(recordIdSchema),
});

export const bindingUserSchema = z.strictObject({
    id: recordIdSchema,
    name: z.string(),
    login: z.string(),
    email: z.nullable(z.string().check(z.minLength(1))),
    kind: userKindSchema,
    /** connection id -> the extension the user holds there (their default one first). */
    bindings: z.record(connectionKeySchema, recordIdSchema),
});

export type BindingConnection = z.infer<typeof bindingConnectionSchema>;
export type BindingExtension = z.infer<typeof bindingExtensionSchema>;
export type BindingUser = z.infer<typeof bindingUserSchema>;

// -----------------------------------------------------------------------------
// get_binding_data
// -----------------------------------------------------------------------------

export const bindingDataSchema = z
    .strictObject({
        connections: z.array(bindingConnectionSchema),
        users: z.array(bindingUserSchema),
        extensions: z.record(connectionKeySchema, z.array(bindingExtensionSchema)),
    })
    .check(z.superRefine((data, ctx) => {
        const connectionIds = data.connections.map((connection) => String(connection.id));
        if (new Set(connectionIds).size !== connectionIds.length) {
            ctx.addIssue({ code: "custom", path: ["connections"], message: "connection ids are unique" });
        }
        const keys = Object.keys(data.extensions).sort();
        if (keys.join() !== [...connectionIds].sort().join()) {
            ctx.addIssue({ code: "custom", path: ["extensions"], message: "one extension list per connection" });
        }
        const owner = new Map<number, [string, number | null]>();
        for (const [connectionId, rows] of Object.entries(data.extensions)) {
            const names = new Set<string>();
            for (const row of rows) {
                if (owner.has(row.id) || names.has(row.name)) {
                    ctx.addIssue({ code: "custom", path: ["extensions", connectionId], message: `extension ${row.name} listed twice` });
                }
                names.add(row.name);
                owner.set(row.id, [connectionId, row.user_id]);
            }
        }
        const userIds = new Set<number>();
        for (const user of data.users) {
            if (userIds.has(user.id)) {
                ctx.addIssue({ code: "custom", path: ["users"], message: `user ${user.id} listed twice` });
            }
            userIds.add(user.id);
            for (const [connectionId, extensionId] of Object.entries(user.bindings)) {
                const [ownerConnection, ownerUser] = owner.get(extensionId) ?? [null, null];
                if (ownerConnection !== connectionId || ownerUser !== user.id) {
                    ctx.addIssue({
                        code: "custom",
                        path: ["users"],
                        message: `user ${user.id}: extension ${extensionId} is not theirs on connection ${connectionId}`,
                    });
                }
            }
        }
    }));

export type BindingData = z.infer<typeof bindingDataSchema>;

// -----------------------------------------------------------------------------
// auto_bind
// -----------------------------------------------------------------------------

export const autoBindPairSchema = z.strictObject({
    user_id: recordIdSchema,
    user_name: z.string(),
    extension_id: recordIdSchema,
    extension_name: z.string().check(z.minLength(1)),
    email: emailKeySchema,
});

export const autoBindResultSchema = z
    .strictObject({
        connection_id: recordIdSchema,
        pairs: z.array(autoBindPairSchema),
        ambiguous: z.array(emailKeySchema),
    })
    .check(
        z.refine(
            (result) =>
                new Set(result.pairs.map((pair) => pair.user_id)).size === result.pairs.length &&
                new Set(result.pairs.map((pair) => pair.extension_id)).size === result.pairs.length,
            { path: ["pairs"], message: "a user or an extension is paired once" }
        )
    );

export type AutoBindPair = z.infer<typeof autoBindPairSchema>;
export type AutoBindResult = z.infer<typeof autoBindResultSchema>;

// -----------------------------------------------------------------------------
// save_bindings, add_extensions, import_extensions
// -----------------------------------------------------------------------------

export const saveResultSchema = z.strictObject({
    changed: z.int().check(z.nonnegative()),
    data: bindingDataSchema,
});

const numbersSchema = z.array(z.string().check(z.minLength(1)));

export const addResultSchema = z.strictObject({
    created: numbersSchema,
    updated: numbersSchema,
    unchanged: numbersSchema,
    data: bindingDataSchema,
});

export const importResultSchema = z.strictObject({
    ...addResultSchema.shape,
    fetched: z.int().check(z.nonnegative()),
});

export type SaveResult = z.infer<typeof saveResultSchema>;
export type AddResult = z.infer<typeof addResultSchema>;
export type ImportResult = z.infer<typeof importResultSchema>;

/** The schema of each result kind named in tests/fixtures/extension_binding.json. */
export const RESULT_SCHEMAS = {
    data: bindingDataSchema,
    auto_bind: autoBindResultSchema,
    save: saveResultSchema,
    add: addResultSchema,
    import: importResultSchema,
} as const;

export type ResultKind = keyof typeof RESULT_SCHEMAS;

// -----------------------------------------------------------------------------
// save_bindings input
// -----------------------------------------------------------------------------

/** One change sent to save_bindings: bind `extension_id` to `user_id` (null: release it),
 * provided it is still bound to `previous_user_id` (what the screen showed). */
export interface BindingChange {
    extension_id: number;
    user_id: number | null;
    previous_user_id: number | null;
}
