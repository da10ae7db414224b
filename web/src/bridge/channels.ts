// Reading Asterisk channel names and numbers: which channels are the PBX's own extensions
// (`PJSIP/101-0000002a` -> 101, per the configured patterns), which are `Local/` helper channels
// (ring groups, queues, follow-me: never a party of the call), and which strings are phone
// numbers the canonical API accepts.
import type { CallsConfig } from "./config";

// -----------------------------------------------------------------------------
// Types
// -----------------------------------------------------------------------------

export interface ChannelRules {
    extensionPatterns: readonly RegExp[];
    internalContexts: ReadonlySet<string>;
}

// -----------------------------------------------------------------------------
// Rules
// -----------------------------------------------------------------------------

const PHONE_CHARS = /^\+?[0-9 ()\-./]+$/;
const EXTENSION_CHARS = /^[0-9A-Za-z*#+_.@-]{1,32}$/;

export function compileRules(calls: Pick<CallsConfig, "extensionChannels" | "internalContexts">): ChannelRules {
    return {
        extensionPatterns: calls.extensionChannels.map((source) => new RegExp(source)),
        internalContexts: new Set(calls.internalContexts),
    };
}

/** `Local/101@from-queue-00000012;2`: a dialplan helper, never a phone. */
export function isLocalChannel(name: string): boolean {
    return /^Local\//i.test(name);
}

/** The extension a channel name belongs to, or null for trunks, Local channels and the unknown. */
export function extensionOfChannel(name: string, rules: ChannelRules): string | null {
    if (!name || isLocalChannel(name)) {
        return null;
    }
    for (const pattern of rules.extensionPatterns) {
        const match = pattern.exec(name);
        const extension = match ? (match.groups?.ext ?? match[1]) : undefined;
        if (extension && EXTENSION_CHARS.test(extension)) {
            return extension;
        }
    }
    return null;
}

/** `value` trimmed when it is a phone number the routes accept (3 to 20 digits), else null. */
export function phoneNumber(value: string | undefined | null): string | null {
    const text = (value ?? "").trim();
    if (!PHONE_CHARS.test(text)) {
        return null;
    }
    const digits = text.replace(/\D/g, "").length;
    return digits >= 3 && digits <= 20 ? text : null;
}

/** `value` trimmed when it can be an extension, else null. */
export function extensionName(value: string | undefined | null): string | null {
    const text = (value ?? "").trim();
    return EXTENSION_CHARS.test(text) ? text : null;
}

/**
 * The number a Dial() string sends to the trunk: `0989464344@voip_trunk` (PJSIP endpoint
 * form), `voip_trunk/sip:0989464344@203.0.113.5` (PJSIP URI form), `voip_trunk/0989464344`
 * (chan_sip, IAX2); null when there is none.
 */
export function numberFromDialString(dialString: string | undefined): string | null {
    const resource = (dialString ?? "").split("/").pop() ?? "";
    const user = resource.replace(/^sips?:/i, "").split("@")[0].split(";")[0];
    return phoneNumber(user);
}
