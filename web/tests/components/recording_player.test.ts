// @vitest-environment jsdom
import { afterEach, expect, test } from "vitest";
import { RecordingPlayer, recordingPlayerField } from "../../src/components/recording_player/recording_player";
import { mountComponent, type Mounted } from "../helpers/mount";

let mounted: Mounted<RecordingPlayer> | null = null;

afterEach(() => {
    mounted?.destroy();
    mounted = null;
});

async function render(value: unknown): Promise<HTMLElement> {
    mounted = await mountComponent(RecordingPlayer, {
        props: { name: "recording_url", readonly: true, record: { data: { recording_url: value } } },
    });
    return mounted.target;
}

test("plays and links an http(s) recording", async () => {
    const root = await render("https://pbx.example.com/rec/out-101.wav");
    const audio = root.querySelector("audio");
    expect(audio?.getAttribute("src")).toBe("https://pbx.example.com/rec/out-101.wav");
    expect(audio?.hasAttribute("controls")).toBe(true);
    const link = root.querySelector<HTMLAnchorElement>("a.o_pbx_callcenter_recording_link");
    expect(link?.getAttribute("href")).toBe("https://pbx.example.com/rec/out-101.wav");
    expect(link?.getAttribute("rel")).toContain("noopener");
});

test("shows nothing without a playable url", async () => {
    for (const value of [false, "", "javascript:alert(1)"]) {
        const root = await render(value);
        expect(root.querySelector("audio"), String(value)).toBeNull();
        expect(root.querySelector("a"), String(value)).toBeNull();
        mounted?.destroy();
        mounted = null;
    }
});

test("is a field widget for char fields", () => {
    expect(recordingPlayerField.supportedTypes).toEqual(["char"]);
    expect(recordingPlayerField.component).toBe(RecordingPlayer);
});
