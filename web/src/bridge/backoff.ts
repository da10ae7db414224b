// Exponential backoff with jitter, shared by the AMI reconnection and the Odoo sender: the n-th
// consecutive failure waits a random time in [d/2, d], d = min(max, initial * 2^n), so many
// bridges (or retries) restarted together do not hit the server in lockstep.

// -----------------------------------------------------------------------------
// Types
// -----------------------------------------------------------------------------

export interface BackoffSettings {
    initialMs: number;
    maxMs: number;
}

// -----------------------------------------------------------------------------
// Delays
// -----------------------------------------------------------------------------

/** The delay before retry number `attempt` (0 for the first retry). */
export function backoffDelay(attempt: number, settings: BackoffSettings, random: () => number = Math.random): number {
    const ceiling = Math.min(settings.maxMs, settings.initialMs * 2 ** Math.min(attempt, 40));
    return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Counts consecutive failures; `reset()` after a success. */
export class Backoff {
    private attempt = 0;

    constructor(
        private readonly settings: BackoffSettings,
        private readonly random: () => number = Math.random
    ) {}

    /** The delay to wait now, and one more failure counted. */
    next(): number {
        return backoffDelay(this.attempt++, this.settings, this.random);
    }

    reset(): void {
        this.attempt = 0;
    }

    get failures(): number {
        return this.attempt;
    }
}
