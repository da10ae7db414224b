import { expect, test } from "vitest";
import { playableRecordingUrl } from "../../src/lib/recording";

test("http and https urls are played", () => {
    expect(playableRecordingUrl("https://pbx.example.com/rec/a b.wav")).toBe("https://pbx.example.com/rec/a%20b.wav");
    expect(playableRecordingUrl(" http://10.0.0.5/out-101.mp3 ")).toBe("http://10.0.0.5/out-101.mp3");
});

test("anything else is not", () => {
    for (const value of ["javascript:alert(1)", "data:audio/wav;base64,AAAA", "ftp://pbx/a.wav", "out-101.wav", "", false, null, 3]) {
        expect(playableRecordingUrl(value), String(value)).toBeNull();
    }
});
