// The call form plays the call's recording (the Odoo test opens the form of a call with one).
import { registry } from "../odoo/registry";
import { element, type Tour } from "./tour_types";

export const RECORDING_PLAYER_TOUR = "pbx_callcenter_recording_player";
/** The recording URL of the call the Odoo test creates. */
export const TOUR_RECORDING_URL = "https://pbx.example.com/rec/tour-101.wav";

/** Started by the Odoo test on the form of its call (no url here: the tour would redirect). */
export const recordingPlayerTour: Tour = {
    test: true,
    steps: () => [
        {
            content: "the call form shows an audio player for the recording",
            trigger: `.o_form_view .o_pbx_callcenter_recording_player audio[src='${TOUR_RECORDING_URL}']`,
            run() {
                const link = element<HTMLAnchorElement>(".o_pbx_callcenter_recording_player a.o_pbx_callcenter_recording_link");
                if (link.getAttribute("href") !== TOUR_RECORDING_URL || link.target !== "_blank") {
                    throw new Error("tour: the recording link does not open the recording in a new tab");
                }
            },
        },
    ],
};

registry.category("web_tour.tours").add(RECORDING_PLAYER_TOUR, recordingPlayerTour);
