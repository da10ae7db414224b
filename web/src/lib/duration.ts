// Call durations in reports: seconds shown as h:mm:ss. Pure.

/**
 * "0:00:05", "1:02:03", "26:00:00": seconds as hours, minutes and seconds. Averages may have a
 * fraction: rounded to the second. No value (false, null: a call without a wait time) is "".
 */
export function formatSeconds(value: unknown): string {
    if (typeof value !== "number" || !Number.isFinite(value)) {
        return "";
    }
    const total = Math.round(Math.abs(value));
    const hours = Math.floor(total / 3600);
    const minutes = String(Math.floor((total % 3600) / 60)).padStart(2, "0");
    const seconds = String(total % 60).padStart(2, "0");
    return `${value < 0 && total ? "-" : ""}${hours}:${minutes}:${seconds}`;
}
