// Which recording URLs the player may load: http(s) only (the server stores nothing else, and a
// javascript: or data: URL must never reach an <audio src> or a link).

/** `value` when it is an absolute http(s) URL, else null. */
export function playableRecordingUrl(value: unknown): string | null {
    if (typeof value !== "string" || !value.trim()) {
        return null;
    }
    let url: URL;
    try {
        url = new URL(value.trim());
    } catch {
        return null;
    }
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
}
