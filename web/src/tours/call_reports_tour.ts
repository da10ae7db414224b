// Call reports in a real browser: the Odoo test creates an answered and a missed call of one
// user and opens *All Calls* (pivot first). The pivot's row of that user shows the call count,
// the answered and missed rates, and the talk, average talk and wait times as h:mm:ss; the list
// shows each call's duration as h:mm:ss.
import { registry } from "../odoo/registry";
import { element, type Tour } from "./tour_types";

export const CALL_REPORTS_TOUR = "pbx_callcenter_call_reports";
/** The user of the test's calls, and the number of its answered call. */
export const TOUR_REPORT_USER = "Rita Reporter";
export const TOUR_ANSWERED_PHONE = "+84900000001";
/** Count, answered rate, missed rate, talk time, average talk time, average wait time. */
export const TOUR_PIVOT_ROW = ["2", "50%", "50%", "0:02:05", "0:02:05", "0:00:20"];
/** The measures' headers: each average says so (a sum or a count does not). */
export const TOUR_PIVOT_HEADERS = ["Count", "Answered Rate", "Missed Rate", "Talk Time", "Avg Talk Time", "Avg Wait Time"];
/** The answered call: 145 seconds from start to hang-up. */
export const TOUR_DURATION = "0:02:25";

function text(node: Element | null | undefined): string {
    return (node?.textContent ?? "").trim();
}

/** A percentage without its trailing zeros ("50.00%" on Odoo 19 is "50%" on 17 and 18). */
function samePercent(value: string): string {
    const match = /^(\d+(?:\.\d+)?)%$/.exec(value);
    return match ? `${Number(match[1])}%` : value;
}

function checkPivotRow(): void {
    const rows = [...document.querySelectorAll(".o_pivot table tbody tr")];
    const row = rows.find((tr) => text(tr.querySelector("th")) === TOUR_REPORT_USER);
    if (!row) {
        throw new Error(`tour: no pivot row for ${TOUR_REPORT_USER}`);
    }
    const headers = [...document.querySelectorAll(".o_pivot table thead th.o_pivot_measure_row")].map(text);
    if (JSON.stringify(headers) !== JSON.stringify(TOUR_PIVOT_HEADERS)) {
        throw new Error(`tour: the pivot's measures read ${JSON.stringify(headers)}, expected ${JSON.stringify(TOUR_PIVOT_HEADERS)}`);
    }
    const values = [...row.querySelectorAll("td.o_pivot_cell_value")].map((td) => samePercent(text(td)));
    if (JSON.stringify(values) !== JSON.stringify(TOUR_PIVOT_ROW)) {
        throw new Error(`tour: the pivot row of ${TOUR_REPORT_USER} is ${JSON.stringify(values)}, expected ${JSON.stringify(TOUR_PIVOT_ROW)}`);
    }
}

function checkListDuration(): void {
    const rows = [...document.querySelectorAll(".o_list_view tr.o_data_row")];
    const row = rows.find((tr) => text(tr.querySelector("td[name='phone']")) === TOUR_ANSWERED_PHONE);
    if (!row) {
        throw new Error(`tour: no list row for ${TOUR_ANSWERED_PHONE}`);
    }
    const duration = text(row.querySelector("td[name='duration']"));
    if (duration !== TOUR_DURATION) {
        throw new Error(`tour: the list shows the duration "${duration}", expected "${TOUR_DURATION}"`);
    }
}

/** Started by the Odoo test on *All Calls* (no url here: the tour would redirect). */
export const callReportsTour: Tour = {
    test: true,
    steps: () => [
        {
            content: "the pivot shows count, rates and h:mm:ss times per user",
            trigger: ".o_pivot table tbody td.o_pivot_cell_value",
            run: checkPivotRow,
        },
        {
            content: "switch to the list",
            trigger: ".o_switch_view.o_list",
            run() {
                element(".o_switch_view.o_list").click();
            },
        },
        {
            content: "the list shows the call's duration as h:mm:ss",
            trigger: ".o_list_view tr.o_data_row td[name='duration']",
            run: checkListDuration,
        },
    ],
};

registry.category("web_tour.tours").add(CALL_REPORTS_TOUR, callReportsTour);
