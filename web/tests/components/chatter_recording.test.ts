// @vitest-environment jsdom
import { describe, expect, test } from "vitest";
import { CHATTER_RECORDING_PLAYER, addRecordingPlayers } from "../../src/components/chatter_recording/chatter_recording";

// A message body as the server writes a call with a recording (pbx.call._activity_note).
function body(href: string, cls = "o_pbx_callcenter_chatter_recording"): HTMLElement {
    const el = document.createElement("div");
    el.innerHTML = `<ul><li><b>Number:</b> +84988777666</li></ul><p><a class="${cls}" href="${href}" target="_blank">Play recording</a></p>`;
    return el;
}

const players = (el: HTMLElement) => [...el.querySelectorAll<HTMLAudioElement>(`audio.${CHATTER_RECORDING_PLAYER}`)];

describe("recordings in the chatter", () => {
    test("a recording link gets an audio player next to it", () => {
        const el = body("https://pbx.example.com/rec/1.wav");
        expect(addRecordingPlayers(el)).toBe(1);
        const [audio] = players(el);
        expect(audio.getAttribute("src")).toBe("https://pbx.example.com/rec/1.wav");
        expect(audio.controls).toBe(true);
        expect(audio.preload).toBe("none");
        expect(audio.previousElementSibling?.tagName).toBe("A");
    });

    test("preparing the same body again adds no second player", () => {
        const el = body("https://pbx.example.com/rec/1.wav");
        addRecordingPlayers(el);
        expect(addRecordingPlayers(el)).toBe(0);
        expect(players(el)).toHaveLength(1);
    });

    test("links that are not http(s) recordings, or not ours, get no player", () => {
        for (const el of [body("javascript:alert(1)"), body("data:audio/wav;base64,AAAA"), body("/web/content/1"),
            body("https://pbx.example.com/rec/1.wav", "o_some_other_link")]) {
            expect(addRecordingPlayers(el)).toBe(0);
            expect(el.querySelector("audio")).toBeNull();
        }
        expect(addRecordingPlayers(null)).toBe(0);
    });
});
