// Recordings play inline in the chatter. The server writes a call's recording as a link with the
// class below (`pbx.call._activity_note`): Odoo's sanitiser keeps links and classes but strips
// <audio>, which it must go on doing for everything users post. So the player is added in the
// browser, next to each such link of a message body, for http(s) URLs only.
import { _t } from "../../odoo/l10n";
import { playableRecordingUrl } from "../../lib/recording";

/** The class of the recording links the server writes in the chatter. */
export const CHATTER_RECORDING_LINK = "o_pbx_callcenter_chatter_recording";
/** The class of the players added after them. */
export const CHATTER_RECORDING_PLAYER = "o_pbx_callcenter_chatter_player";

/** Adds an audio player after each recording link of `body` that has none yet; their number. */
export function addRecordingPlayers(body: Element | null): number {
    if (!body) {
        return 0;
    }
    let added = 0;
    for (const link of body.querySelectorAll<HTMLAnchorElement>(`a.${CHATTER_RECORDING_LINK}`)) {
        const url = playableRecordingUrl(link.getAttribute("href"));
        if (!url || link.nextElementSibling?.classList.contains(CHATTER_RECORDING_PLAYER)) {
            continue;
        }
        const audio = link.ownerDocument.createElement("audio");
        audio.className = `${CHATTER_RECORDING_PLAYER} d-block w-100 mt-1`;
        audio.controls = true;
        audio.preload = "none";
        audio.src = url;
        audio.textContent = _t("Your browser cannot play this recording.");
        link.after(audio);
        added += 1;
    }
    return added;
}
