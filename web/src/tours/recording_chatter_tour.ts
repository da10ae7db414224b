// A call's recording plays inline in the chatter: the Odoo test opens the form of a contact
// whose chatter has an ended call with a recording.
import { registry } from "../odoo/registry";
import { element, type Tour } from "./tour_types";

export const RECORDING_CHATTER_TOUR = "pbx_callcenter_recording_chatter";
/** The recording URL of the call the Odoo test ends. */
export const TOUR_CHATTER_RECORDING_URL = "https://pbx.example.com/recordings/2024/01/15/chatter-7.wav";

export const recordingChatterTour: Tour = {
    test: true,
    steps: () => [
        {
            content: "the chatter has loaded its messages (its own time on a busy server)",
            trigger: ".o_form_view .o-mail-Message",
            run() {},
        },
        {
            content: "the call's message in the chatter has an audio player for the recording",
            trigger: `.o-mail-Message audio.o_pbx_callcenter_chatter_player[src='${TOUR_CHATTER_RECORDING_URL}']`,
            run() {
                const players = document.querySelectorAll(".o-mail-Message audio.o_pbx_callcenter_chatter_player");
                if (players.length !== 1) {
                    throw new Error(`tour: ${players.length} players in the chatter, expected one`);
                }
                const link = element<HTMLAnchorElement>(".o-mail-Message a.o_pbx_callcenter_chatter_recording");
                if (link.getAttribute("href") !== TOUR_CHATTER_RECORDING_URL) {
                    throw new Error("tour: the recording link is gone or changed");
                }
                const playable = document.querySelectorAll(".o-mail-Message audio[controls]").length;
                if (playable !== 1) {
                    throw new Error(`tour: ${playable} playable <audio> in the chatter: one a user posted is playable`);
                }
            },
        },
    ],
};

registry.category("web_tour.tours").add(RECORDING_CHATTER_TOUR, recordingChatterTour);
