// Asterisk Manager Interface wire format: a one-line banner ("Asterisk Call Manager/9.0.0"), then
// messages of `Key: Value` lines ended by an empty line. Lines end in CRLF, but LF alone is
// accepted; TCP may split a message (or a line) anywhere, so the parser buffers across chunks.

// -----------------------------------------------------------------------------
// Types
// -----------------------------------------------------------------------------

/** One AMI message: its fields in arrival order (the first of a repeated key wins). */
export type AmiMessage = Readonly<Record<string, string>>;

export type AmiFrame =
    | { kind: "banner"; text: string }
    | { kind: "message"; message: AmiMessage };

/** The fields of an action to send, in order. */
export type AmiFields = Readonly<Record<string, string | number | boolean>>;

// -----------------------------------------------------------------------------
// Parsing
// -----------------------------------------------------------------------------

/** A line longer than this is not AMI: it is dropped (and counted) instead of filling memory. */
export const MAX_LINE_BYTES = 64 * 1024;
/** A message with more lines than this is cut short. */
export const MAX_FIELDS = 512;

/** No prototype: a hostile `__proto__: x` line is a plain field, never a prototype. */
function emptyFields(): Record<string, string> {
    return Object.create(null) as Record<string, string>;
}

export class AmiParser {
    private pending = "";
    private fields = emptyFields();
    private count = 0;
    private bannerSeen: boolean;
    private skippingLongLine = false;
    /** Lines that were not `Key: Value` (garbage, or command output), and over-long lines. */
    ignoredLines = 0;

    constructor(options: { expectBanner?: boolean } = {}) {
        this.bannerSeen = !(options.expectBanner ?? true);
    }

    /** Frames completed by this chunk, in order. */
    push(chunk: string | Buffer): AmiFrame[] {
        this.pending += typeof chunk === "string" ? chunk : chunk.toString("utf8");
        const frames: AmiFrame[] = [];
        let newline: number;
        while ((newline = this.pending.indexOf("\n")) !== -1) {
            const line = this.pending.slice(0, newline).replace(/\r$/, "");
            this.pending = this.pending.slice(newline + 1);
            if (this.skippingLongLine) {
                this.skippingLongLine = false;
                continue;
            }
            const frame = this.line(line);
            if (frame) {
                frames.push(frame);
            }
        }
        if (this.pending.length > MAX_LINE_BYTES) {
            this.pending = "";
            this.skippingLongLine = true;
            this.ignoredLines++;
        }
        return frames;
    }

    private line(line: string): AmiFrame | null {
        if (!this.bannerSeen) {
            this.bannerSeen = true;
            return { kind: "banner", text: line.trim() };
        }
        if (line.trim() === "") {
            if (this.count === 0) {
                return null;
            }
            const message = this.fields;
            this.fields = emptyFields();
            this.count = 0;
            return { kind: "message", message };
        }
        const colon = line.indexOf(":");
        const key = colon > 0 ? line.slice(0, colon).trim() : "";
        if (!key || /\s/.test(key) || this.count >= MAX_FIELDS) {
            this.ignoredLines++;
            return null;
        }
        if (!Object.hasOwn(this.fields, key)) {
            this.fields[key] = line.slice(colon + 1).replace(/^ /, "").trimEnd();
            this.count++;
        }
        return null;
    }
}

// -----------------------------------------------------------------------------
// Writing
// -----------------------------------------------------------------------------

/** An action as sent on the wire; throws when a key or value would break the framing. */
export function serializeAction(fields: AmiFields): string {
    let text = "";
    for (const [key, raw] of Object.entries(fields)) {
        const value = String(raw);
        if (!/^[A-Za-z0-9_()-]+$/.test(key) || /[\r\n]/.test(value)) {
            throw new Error(`AMI field ${JSON.stringify(key)} cannot be sent: no line breaks allowed`);
        }
        text += `${key}: ${value}\r\n`;
    }
    return `${text}\r\n`;
}
