// WAV encoder (static/js/dsp/wav.js): a valid RIFF/PCM16 file that decodes back to the input.
import assert from "node:assert/strict";
import test from "node:test";

import { encodeWav } from "../../static/js/dsp/wav.js";

/** A minimal reader of the fields a player checks. */
function readWav(buf) {
  const v = new DataView(buf), str = (o, n) => String.fromCharCode(...new Uint8Array(buf, o, n));
  const nCh = v.getUint16(22, true), dataBytes = v.getUint32(40, true);
  return {
    riff: str(0, 4), wave: str(8, 4), fmt: str(12, 4), data: str(36, 4), riffSize: v.getUint32(4, true),
    format: v.getUint16(20, true), nCh, sampleRate: v.getUint32(24, true), byteRate: v.getUint32(28, true),
    blockAlign: v.getUint16(32, true), bits: v.getUint16(34, true), frames: dataBytes / (2 * nCh),
    pcm: new Int16Array(buf, 44, dataBytes / 2),
  };
}

test("header: RIFF/WAVE, PCM 16-bit, the rate and channel count given, sizes consistent", () => {
  const n = 48000 * 2 + 17;
  const buf = encodeWav([new Float32Array(n), new Float32Array(n)], 48000);
  const w = readWav(buf);
  assert.deepEqual([w.riff, w.wave, w.fmt, w.data], ["RIFF", "WAVE", "fmt ", "data"]);
  assert.deepEqual([w.format, w.nCh, w.sampleRate, w.bits, w.blockAlign, w.byteRate], [1, 2, 48000, 16, 4, 192000]);
  assert.equal(w.frames, n);
  assert.equal(w.riffSize, buf.byteLength - 8);
  assert.equal(buf.byteLength, 44 + n * 4);
});

test("samples round-trip within half an int16 step, channels interleaved, full scale and clipping", () => {
  const a = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i / 7));
  const b = Float32Array.from({ length: 1000 }, (_, i) => (i % 2 ? 0.25 : -0.25));
  const w = readWav(encodeWav([a, b], 16000));
  for (let i = 0; i < 1000; i++) {
    const p = w.pcm[2 * i], decoded = p < 0 ? p / 32768 : p / 32767;
    assert.ok(Math.abs(decoded - a[i]) <= 0.5 / 32767 + 1e-6, `sample ${i}: ${a[i]} → ${p}`);
    assert.equal(w.pcm[2 * i + 1], i % 2 ? 8192 : -8192);
  }
  const edges = readWav(encodeWav([Float32Array.of(1, -1, 2, -3, NaN)], 8000)).pcm;
  assert.deepEqual([...edges], [32767, -32768, 32767, -32768, 0]);
});

test("bad input is a clear error", () => {
  assert.throws(() => encodeWav([], 48000), /no channels/);
  assert.throws(() => encodeWav([new Float32Array(3), new Float32Array(4)], 48000), /channel lengths differ \(3, 4\)/);
  assert.throws(() => encodeWav([new Float32Array(3)], 44100.5), /positive integer/);
});
