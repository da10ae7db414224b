// The demo's PBX stand-in as a browser and Odoo meet it: a real HTTP listener serving a playable
// recording, answering click-to-dial and playing its calls into an Odoo (the fake of fake_odoo.ts).
import { afterEach, describe, expect, test } from "vitest";
import { PbxClient } from "../../../scripts/simulator/client";
import { PbxStandIn } from "../../../scripts/simulator/pbx_standin";
import { recordingWav, WAV_SAMPLE_RATE } from "../../../scripts/simulator/wav";
import { startFakeOdoo, type FakeOdoo } from "./fake_odoo";

let odoo: FakeOdoo | null = null;
let standIn: PbxStandIn | null = null;

afterEach(async () => {
    await standIn?.close();
    await odoo?.close();
    [standIn, odoo] = [null, null];
});

async function start(): Promise<{ url: string; odoo: FakeOdoo; standIn: PbxStandIn }> {
    odoo = await startFakeOdoo({ token: "pbx_good" });
    standIn = new PbxStandIn({
        sender: new PbxClient({ url: odoo.url, token: "pbx_good" }),
        extension: "102",
        phone: "0989464344", // the fake Odoo's known number
        log: () => {},
    });
    return { url: await standIn.start(), odoo, standIn };
}

const originate = (url: string, body: string) =>
    fetch(`${url}/originate`, { method: "POST", headers: { "Content-Type": "application/json" }, body });

describe("demo PBX stand-in", () => {
    test("the recording is a PCM WAV file a browser plays", () => {
        const wav = recordingWav();
        expect(wav.toString("ascii", 0, 4)).toBe("RIFF");
        expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
        expect(wav.toString("ascii", 8, 16)).toBe("WAVEfmt ");
        expect([wav.readUInt16LE(20), wav.readUInt16LE(22), wav.readUInt32LE(24), wav.readUInt16LE(34)]).toEqual([1, 1, WAV_SAMPLE_RATE, 16]);
        expect(wav.readUInt32LE(40)).toBe(wav.length - 44);
        const seconds = wav.readUInt32LE(40) / 2 / WAV_SAMPLE_RATE;
        expect(seconds).toBeGreaterThan(2);
        expect(Math.max(...Array.from({ length: 100 }, (_, i) => Math.abs(wav.readInt16LE(44 + 2 * (400 + i)))))).toBeGreaterThan(1000);
    });

    test("says so when its port is taken", async () => {
        const { standIn: first } = await start();
        const port = Number(new URL(first.url).port);
        const second = new PbxStandIn({ sender: first.options.sender, extension: "102", phone: "1", port, log: () => {} });
        await expect(second.start()).rejects.toThrow(/EADDRINUSE/);
    });

    test("serves the recording of any call, and nothing outside /recordings", async () => {
        const { url } = await start();
        const response = await fetch(`${url}/recordings/sim-1-abc.wav`);
        expect(response.status).toBe(200);
        expect(response.headers.get("content-type")).toBe("audio/wav");
        expect(Buffer.from(await response.arrayBuffer()).equals(recordingWav())).toBe(true);
        for (const path of ["/recordings/../demo.sh", "/recordings/a.mp3", "/etc/passwd", "/recordings/%2e%2e%2fx.wav"]) {
            expect((await fetch(`${url}${path}`)).status, path).toBe(404);
        }
    });

    test("click-to-dial answers at once, then the call reaches Odoo with a recording", async () => {
        const { url, odoo, standIn } = await start();
        const response = await originate(url, JSON.stringify({ extension: "102", number: "0989464344" }));
        expect(response.status).toBe(200);
        const { status, callid } = (await response.json()) as { status: string; callid: string };
        expect(status).toBe("success");
        const reports = await standIn.settled();
        expect(reports.flatMap((report) => report.failures)).toEqual([]);
        expect(odoo.received.map(({ route }) => route)).toEqual(["init", "call_out"]);
        expect(odoo.received[1].body).toMatchObject({
            callid,
            extension: "102",
            phone: "0989464344",
            status: "ANSWERED",
            recordingfile: `${callid}.wav`,
        });
        expect(reports.at(-1)?.response).toMatchObject({ ok: true, call: { state: "ended", direction: "out" } });
    });

    test("a bad click-to-dial request is refused and sends nothing to Odoo", async () => {
        const { url, odoo } = await start();
        for (const body of ["not json", "{}", JSON.stringify({ extension: "102", number: "call me" }),
                            JSON.stringify({ extension: "1 02", number: "0989464344" }), JSON.stringify([1]), "null"]) {
            const response = await originate(url, body);
            expect(response.status, body).toBe(400);
            expect(await response.json()).toMatchObject({ status: "error" });
        }
        expect(odoo.received).toEqual([]);
    });

    test("the ring buttons ring the extension: known caller answered, unknown number, missed", async () => {
        const { url, odoo, standIn } = await start();
        const page = await (await fetch(url)).text();
        const actions = [...page.matchAll(/action="([^"]+)"/g)].map((match) => match[1]);
        expect(actions).toEqual(["/ring/incoming-answered", "/ring/unknown-caller", "/ring/incoming-missed"]);
        for (const action of actions) {
            const response = await fetch(`${url}${action}`, { method: "POST", redirect: "manual" });
            expect(response.status).toBe(303);
        }
        expect((await fetch(`${url}/ring/retries`, { method: "POST" })).status).toBe(404);
        const reports = await standIn.settled();
        expect(reports.flatMap((report) => report.failures)).toEqual([]);
        expect(odoo.received.every(({ body }) => (body as { extension: string }).extension === "102")).toBe(true);
        const ends = reports.filter((report) => report.route === "call_out").map((report) => report.response);
        expect(ends).toMatchObject([
            { ok: true, created: false, call: { state: "ended" } },
            { ok: true, created: true, call: { state: "missed" } },
            { ok: true, created: false, call: { state: "missed" } },
        ]);
    });
});
