// One line per log record, `2026-11-20T10:15:02.123Z WARN  ami: message`: info and debug on
// stdout, warnings and errors on stderr (journald keeps both).

// -----------------------------------------------------------------------------
// Types
// -----------------------------------------------------------------------------

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface Logger {
    debug(message: string): void;
    info(message: string): void;
    warn(message: string): void;
    error(message: string): void;
    /** The same logger, each line prefixed with `scope: `. */
    child(scope: string): Logger;
}

export type LogSink = (level: LogLevel, line: string) => void;

// -----------------------------------------------------------------------------
// Logger
// -----------------------------------------------------------------------------

export const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

const consoleSink: LogSink = (level, line) => {
    if (level === "warn" || level === "error") {
        process.stderr.write(`${line}\n`);
    } else {
        process.stdout.write(`${line}\n`);
    }
};

export function createLogger(minimum: LogLevel = "info", sink: LogSink = consoleSink, scope = ""): Logger {
    const threshold = LOG_LEVELS.indexOf(minimum);
    const write = (level: LogLevel, message: string) => {
        if (LOG_LEVELS.indexOf(level) >= threshold) {
            sink(level, `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${scope}${message}`);
        }
    };
    return {
        debug: (message) => write("debug", message),
        info: (message) => write("info", message),
        warn: (message) => write("warn", message),
        error: (message) => write("error", message),
        child: (name) => createLogger(minimum, sink, `${scope}${name}: `),
    };
}

/** The message of anything thrown. */
export function errorText(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
}
