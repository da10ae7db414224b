// A short call recording made at run time for the demo's PBX stand-in: 16-bit mono PCM WAV
// (RIFF, as Asterisk's MixMonitor writes `.wav`), a few tones, no file committed.

// -----------------------------------------------------------------------------
// WAV
// -----------------------------------------------------------------------------

export const WAV_SAMPLE_RATE = 8000; // Hz, telephone audio

/** Tones of the recording: frequency (Hz, 0 for silence) and length (s). */
const MELODY: readonly [number, number][] = [
    [440, 0.4], [0, 0.1], [554, 0.4], [0, 0.1], [659, 0.6], [0, 0.3],
    [659, 0.4], [0, 0.1], [554, 0.4], [0, 0.1], [440, 0.6],
];

/** The recording as a complete `.wav` file. */
export function recordingWav(sampleRate = WAV_SAMPLE_RATE): Buffer {
    const samples: number[] = [];
    for (const [frequency, seconds] of MELODY) {
        const count = Math.round(seconds * sampleRate);
        for (let i = 0; i < count; i++) {
            const fade = Math.min(1, i / 80, (count - i) / 80); // no clicks between tones
            samples.push(Math.round(Math.sin((2 * Math.PI * frequency * i) / sampleRate) * 9000 * fade));
        }
    }
    const data = Buffer.alloc(samples.length * 2);
    samples.forEach((sample, i) => data.writeInt16LE(sample, i * 2));
    const header = Buffer.alloc(44);
    header.write("RIFF", 0, "ascii");
    header.writeUInt32LE(36 + data.length, 4);
    header.write("WAVE", 8, "ascii");
    header.write("fmt ", 12, "ascii");
    header.writeUInt32LE(16, 16); // PCM format chunk size
    header.writeUInt16LE(1, 20); // PCM
    header.writeUInt16LE(1, 22); // mono
    header.writeUInt32LE(sampleRate, 24);
    header.writeUInt32LE(sampleRate * 2, 28); // bytes per second
    header.writeUInt16LE(2, 32); // bytes per frame
    header.writeUInt16LE(16, 34); // bits per sample
    header.write("data", 36, "ascii");
    header.writeUInt32LE(data.length, 40);
    return Buffer.concat([header, data]);
}
