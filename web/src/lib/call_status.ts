// PBX call dispositions (Asterisk CDR `disposition`, Zadarma, Yeastar...) mapped to the final
// outcome a `call_out` records. Matching ignores case, spaces, `_` and `-` (as lib/status.py).

// -----------------------------------------------------------------------------
// Types
// -----------------------------------------------------------------------------

export const CALL_OUTCOMES = ["answered", "missed", "busy", "failed"] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

// -----------------------------------------------------------------------------
// Dispositions
// -----------------------------------------------------------------------------

export const DISPOSITIONS: Readonly<Record<string, CallOutcome>> = {
    ANSWERED: "answered",
    ANSWER: "answered",
    "NO ANSWER": "missed",
    NOANSWER: "missed",
    CANCEL: "missed",
    CANCELLED: "missed",
    CANCELED: "missed",
    MISSED: "missed",
    BUSY: "busy",
    FAILED: "failed",
    CONGESTION: "failed",
    CHANUNAVAIL: "failed",
};

const SEPARATORS = /[ \t_-]+/g;

const LOOKUP = new Map(
    Object.entries(DISPOSITIONS).map(([name, outcome]) => [name.replace(SEPARATORS, ""), outcome])
);

/** The outcome of a PBX status string, or null when it is not an accepted disposition. */
export function callOutcome(status: string): CallOutcome | null {
    return LOOKUP.get(status.trim().replace(SEPARATORS, "").toUpperCase()) ?? null;
}

/** The state a call ends in with this outcome (an answered call ends as `ended`). */
export function finalState(outcome: CallOutcome): "ended" | Exclude<CallOutcome, "answered"> {
    return outcome === "answered" ? "ended" : outcome;
}
