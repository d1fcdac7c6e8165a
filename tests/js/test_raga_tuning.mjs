// Gentle raga tuning (static/js/engine/raga-tuning.js) on synthetic contours at the model's
// 250 frames a second: held notes reach their swara; meend, andolan, gamak and kan pass as sung.
import assert from "node:assert/strict";
import test from "node:test";

import { RAGA_TUNING } from "../../static/js/config.js";
import { ragaSemitones } from "../../static/js/dsp/ragas.js";
import { CpuStreamingDecoder } from "../../static/js/engine/decoder-cpu.js";
import { Engine } from "../../static/js/engine/engine.js";
import { RagaTuner } from "../../static/js/engine/raga-tuning.js";
import { firstModel } from "../kit/shipped-model.js";

const FPS = 250;
const SA_HZ = 146.83; // D3
const YAMAN = ragaSemitones("yaman"), DARBARI = ragaSemitones("darbari");

/** A contour from pieces, each a function of seconds into it → cents from Sa, for `seconds`. */
function contour(...pieces) {
  const cents = [];
  for (const [seconds, f] of pieces) for (let i = 0; i < Math.round(seconds * FPS); i++) cents.push(f(i / FPS));
  return Float64Array.from(cents);
}
const hold = (seconds, c) => [seconds, () => c];
/** Raised-cosine meend from `a` to `b` cents. */
const meend = (seconds, a, b) => [seconds, (t) => a + (b - a) * (0.5 - 0.5 * Math.cos((Math.PI * t) / seconds))];

/** Runs the tuner over a contour in 4-frame blocks (the engine's way); cents out, [n]. */
function tune(cents, { semitones = YAMAN, strength = 1 } = {}) {
  const tuner = new RagaTuner({ frameRate: FPS });
  tuner.set({ saHz: SA_HZ, semitones, strength });
  const f0Hz = Float32Array.from(cents, (c) => SA_HZ * 2 ** (c / 1200));
  const voiced = new Uint8Array(cents.length).fill(1);
  for (let i = 0; i < cents.length; i += 4) {
    const n = Math.min(4, cents.length - i);
    tuner.process(f0Hz.subarray(i, i + n), voiced.subarray(i, i + n), n);
  }
  return Float64Array.from(f0Hz, (f) => 1200 * Math.log2(f / SA_HZ));
}
const span = (a, t0, t1) => a.subarray(Math.round(t0 * FPS), Math.round(t1 * FPS));
const mean = (a) => a.reduce((s, v) => s + v, 0) / a.length;
const maxAbsDiff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const FLOAT32_CENTS = 0.1; // a pitch through a Float32Array and back, a held note's mean from it

test("a held Ga sung 30 cents sharp ends within ±5 cents of Ga at full strength", () => {
  const sung = contour(hold(1.2, 430));
  const out = tune(sung);
  assert.ok(Math.abs(mean(span(out, 1.1, 1.2)) - 400) <= 5, `ends at ${mean(span(out, 1.1, 1.2)).toFixed(1)}`);
  assert.ok(maxAbsDiff(span(out, 0, RAGA_TUNING.heldSeconds - 0.01), span(sung, 0, RAGA_TUNING.heldSeconds - 0.01)) <= FLOAT32_CENTS,
    "untouched until it is held");
});

test("the strength sets the rate: weaker tuning is slower, and still arrives on a long nyas", () => {
  const sung = contour(hold(4, 420));
  const after = (strength, t) => mean(span(tune(sung, { strength }), t - 0.05, t)) - 400;
  const at06 = [1, 0.5, 0.25].map((s) => after(s, 0.6));
  assert.ok(at06[0] < at06[1] && at06[1] < at06[2], `left at 0.6 s: ${at06.map((x) => x.toFixed(1))}`);
  assert.ok(at06[2] > 8, "a quarter strength has not arrived after 0.35 s of nyas");
  assert.ok(Math.abs(after(0.25, 4)) <= 5, "but it has after 3.75 s");
});

test("a meend between notes on their swaras passes as sung: fast ones exactly, a slow one within 1 cent", () => {
  // A held note that begins to glide is still held for its first few cents (the tuner cannot
  // know yet): only a slow meend's first cents are pulled, and by less than a cent.
  for (const [seconds, toleranceCents] of [[0.15, FLOAT32_CENTS], [0.4, 0.5], [1.5, 1]]) {
    const sung = contour(hold(0.8, 0), meend(seconds, 0, 700), hold(0.8, 700));
    const moved = maxAbsDiff(tune(sung), sung);
    assert.ok(moved <= toleranceCents, `${seconds} s meend moved ${moved.toFixed(2)} cents`);
  }
});

test("a meend out of a tuned note keeps its shape: the correction lets go within releaseSeconds", () => {
  const sung = contour(hold(1, 420), meend(0.4, 420, 900), hold(0.5, 900));
  const out = tune(sung);
  const glideOut = span(out, 1, 1.4), glideIn = span(sung, 1, 1.4);
  const diff = glideOut.map((v, i) => v - glideIn[i]);
  assert.ok(Math.abs(diff[0]) <= 21, "at most the held note's correction");
  // six time constants (e^-6 ≈ 0.25 %) after the pitch leaves the held note's band
  const leaves = glideIn.findIndex((c) => Math.abs(c - 420) > RAGA_TUNING.heldCents * 2);
  const settled = leaves + Math.round(6 * RAGA_TUNING.releaseSeconds * FPS);
  assert.ok(diff.subarray(settled).every((d) => Math.abs(d) <= 0.2), `${settled - leaves} frames after it leaves the note the meend is as sung`);
  // its size and direction are the singer's: traversed cents within the let-go correction
  assert.ok(Math.abs((glideOut.at(-1) - glideOut[0]) - (glideIn.at(-1) - glideIn[0])) <= 21);
});

test("andolan (a slow swing on komal Ga, Darbari) and gamak (a fast one) pass as sung", () => {
  const andolan = contour(hold(0.6, 200), [3, (t) => 280 + 35 * Math.sin(2 * Math.PI * 0.7 * t)]);
  assert.ok(maxAbsDiff(tune(andolan, { semitones: DARBARI }), andolan) <= FLOAT32_CENTS);
  const gamak = contour(hold(0.6, 700), [1.5, (t) => 800 + 100 * Math.sin(2 * Math.PI * 6 * t)]);
  assert.ok(maxAbsDiff(tune(gamak), gamak) <= FLOAT32_CENTS);
});

test("a slow andolan (0.5 Hz) is let go at its first swing back: only its first crest may be bent, never past the swara", () => {
  // Its first crest is steady for half a second, as a nyas is: until the pitch swings back the
  // tuner cannot tell them apart (it reads the past only). From the first swing on, as sung.
  const sung = contour(hold(0.6, 200), meend(0.1, 200, 290), [4, (t) => 290 + 35 * Math.sin(2 * Math.PI * 0.5 * t)]);
  const out = tune(sung, { semitones: DARBARI });
  const crestOffSwara = 325 - 300;
  assert.ok(maxAbsDiff(out, sung) <= crestOffSwara, `bent ${maxAbsDiff(out, sung).toFixed(1)} cents`);
  assert.ok(maxAbsDiff(span(out, 0.7 + 2, 4.7), span(sung, 0.7 + 2, 4.7)) <= FLOAT32_CENTS, "as sung after its first period");
  const fromCrest = contour([3, (t) => 290 + 35 * Math.cos(2 * Math.PI * 0.5 * t)]); // starting on the crest: moving at once
  assert.ok(maxAbsDiff(tune(fromCrest, { semitones: DARBARI }), fromCrest) <= FLOAT32_CENTS);
});

test("a kan (40 ms grace note on Ma) passes; the held Ga after it is tuned", () => {
  const sung = contour(hold(0.6, 200), meend(0.02, 200, 600), hold(0.04, 600), meend(0.02, 600, 412), hold(1, 412));
  const out = tune(sung);
  assert.ok(maxAbsDiff(span(out, 0.6, 0.68), span(sung, 0.6, 0.68)) <= FLOAT32_CENTS, "the kan as sung");
  assert.ok(Math.abs(mean(span(out, 1.6, 1.68)) - 400) <= 5, "the nyas on Ga tuned");
});

test("notes outside the raga, or between swaras, are left as sung", () => {
  const komalNi = contour(hold(1.5, 1020)); // komal Ni is not in Yaman
  assert.ok(maxAbsDiff(tune(komalNi), komalNi) <= FLOAT32_CENTS);
  const between = contour(hold(1.5, 450)); // halfway from Ga to tivra Ma
  assert.ok(maxAbsDiff(tune(between), between) <= FLOAT32_CENTS);
  const ni = contour(hold(1.5, 1120)); // shuddha Ni is: tuned
  assert.ok(Math.abs(mean(span(tune(ni), 1.4, 1.5)) - 1100) <= 5);
});

test("off (null or strength 0) leaves the pitch alone; bad settings are clear errors", () => {
  const sung = contour(hold(1, 430));
  assert.ok(maxAbsDiff(tune(sung, { strength: 0 }), sung) <= FLOAT32_CENTS);
  const tuner = new RagaTuner({ frameRate: FPS });
  assert.throws(() => tuner.set({ saHz: 0, semitones: YAMAN, strength: 1 }), /saHz must be a positive frequency/);
  assert.throws(() => tuner.set({ saHz: SA_HZ, semitones: [0, 12], strength: 1 }), /semitones must be whole semitones/);
  assert.throws(() => tuner.set({ saHz: SA_HZ, semitones: YAMAN, strength: 2 }), /strength must be in \[0, 1\]/);
});

test("in the engine: the instrument is asked the tuned pitch, the page is told the sung one", async () => {
  const { meta, weights } = await firstModel();
  const sr = meta.sample_rate, sungHz = SA_HZ * 2 ** (430 / 1200); // Ga, 30 cents sharp
  const voice = Float32Array.from({ length: Math.round(1.5 * sr) }, (_, i) => 0.3 * Math.sin((2 * Math.PI * sungHz * i) / sr));
  const render = async (tuning) => {
    const decoder = new CpuStreamingDecoder(weights, meta, { maxBlockFrames: 4 });
    const engine = new Engine({ meta, decoder, blockFrames: 4, controls: { octaveShift: 0, tuning } });
    const blocks = [];
    await engine.renderClip(voice, { streaming: true, onBlock: (b) => blocks.push([...b.inputF0Hz], [...b.f0Hz]) });
    const pairs = [];
    for (let i = 0; i < blocks.length; i += 2) pairs.push(...blocks[i].map((f, k) => [f, blocks[i + 1][k]]));
    return pairs.slice(-25); // the last 100 ms: [sung, asked] Hz per frame
  };
  const centsOf = (hz) => 1200 * Math.log2(hz / SA_HZ);
  const tuned = await render({ saHz: SA_HZ, semitones: YAMAN, strength: 1 });
  assert.ok(Math.abs(mean(Float64Array.from(tuned, ([, asked]) => centsOf(asked))) - 400) <= 5, "asked within 5 cents of Ga");
  assert.ok(Math.abs(mean(Float64Array.from(tuned, ([sung]) => centsOf(sung))) - 430) <= 5, "the page still sees 30 cents sharp");
  const off = await render(null);
  // tuning off: asked what was sung (the idiom's vibrato depth may move a steady tone by float rounding)
  const worst = Math.max(...off.map(([sung, asked]) => Math.abs(centsOf(asked) - centsOf(sung))));
  assert.ok(worst <= 0.1, `tuning off: asked ${worst.toFixed(3)} cents from what was sung`);
});
