// Where the engine runs and on which backend: pure rules over measurements (backend-choice.js).
import assert from "node:assert/strict";
import { test } from "node:test";
import { chooseBackend, chooseHost } from "../../static/js/worker/backend-choice.js";

const BLOCK_MS = 4; // one 64-sample frame at 16 kHz
// p50Ms, p99Ms: due -> done (the Worker's wake-up included); computeP50Ms: the block's own time, typically
const m = (backend, blockFrames, p50Ms, p99Ms, decoderKind, computeP50Ms = p50Ms) => ({
  backend, blockFrames, blockMs: BLOCK_MS * blockFrames, p50Ms, p99Ms, decoderKind, computeP50Ms,
});

const SAME_ENGINE = { order: ["wasm", "cpu"], clearMargin: 0.25 };

test("the fastest backend whose p99 is under half a block wins, at the shortest block where one does", () => {
  const choice = chooseBackend([m("webgl", 1, 1.5, 2.5, "webgl"), m("wasm", 1, 0.4, 0.9, "cpu"), m("cpu", 1, 0.15, 1.1, "cpu")], 0.5, SAME_ENGINE);
  assert.equal(choice.backend, "cpu", "cpu's p50 is 62 % below wasm's: clearly faster");
  assert.equal(choice.blockFrames, 1);
  assert.ok(choice.keepsUp);
  const slowAtOne = [m("webgl", 1, 1.5, 2.5, "webgl"), m("webgl", 2, 1.6, 2.6, "webgl")];
  assert.equal(chooseBackend(slowAtOne, 0.5, SAME_ENGINE).blockFrames, 2, "webgl keeps up only at 2-frame blocks (8 ms)");
});

test("of wasm and cpu (the same plain-JS engine), wasm is chosen unless cpu is more than 25 % faster", () => {
  for (const [wasmP50, cpuP50, want] of [[0.2, 0.19, "wasm"], [0.2, 0.151, "wasm"], [0.2, 0.149, "cpu"], [0.19, 0.2, "wasm"]]) {
    const choice = chooseBackend([m("wasm", 1, wasmP50, 0.9, "cpu"), m("cpu", 1, cpuP50, 0.9, "cpu")], 0.5, SAME_ENGINE);
    assert.equal(choice.backend, want, `wasm p50 ${wasmP50} ms, cpu ${cpuP50} ms`);
  }
  // A backend with another engine (webgl's own programs) is chosen by speed alone.
  assert.equal(chooseBackend([m("webgl", 1, 0.18, 0.9, "webgl"), m("wasm", 1, 0.2, 0.9, "cpu")], 0.5, SAME_ENGINE).backend, "webgl");
});

test("the audio thread takes the engine when the plain-JS engine's typical compute at 1-frame blocks is under a quarter block", () => {
  const where = chooseHost([m("webgl", 1, 0.1, 1.8, "webgl"), m("wasm", 1, 0.3, 0.95, "cpu"), m("cpu", 1, 0.15, 0.6, "cpu")], 0.25);
  assert.equal(where.host, "audio");
  assert.equal(where.computeP50Ms, 0.15, "the best plain-JS measurement is the one quoted");
  assert.match(where.reason, /0\.15 ms < 1\.0 ms/);
});

test("the Worker's late wake-ups do not count against the audio thread, which the device wakes", () => {
  // due -> done 1.4 ms typically (the Worker's timer woke it late), the block itself 0.3 ms
  assert.equal(chooseHost([m("cpu", 1, 1.4, 2.0, "cpu", 0.3)], 0.25).host, "audio");
});

test("a tail from other processes bursting while the page measured does not keep a light engine off the audio thread", () => {
  // p99 8 ms (preempted by a burst on the other cores), typically 0.2 ms
  assert.equal(chooseHost([m("cpu", 1, 0.2, 8.0, "cpu")], 0.25).host, "audio");
});

test("the engine stays in the Worker when the plain-JS engine is only fast enough for a Worker", () => {
  // typically 1.2 ms: keeps up in a Worker (p99 < 2 ms) but is over a quarter block on the audio thread
  assert.equal(chooseHost([m("wasm", 1, 1.2, 1.8, "cpu"), m("cpu", 1, 1.3, 1.9, "cpu")], 0.25).host, "worker");
});

test("only the plain-JS engine is put on the audio thread, and only at 1-frame blocks", () => {
  assert.equal(chooseHost([m("webgl", 1, 0.1, 0.2, "webgl")], 0.25).host, "worker", "a GPU backend needs TF.js: Worker");
  assert.equal(chooseHost([m("cpu", 2, 0.3, 0.5, "cpu")], 0.25).host, "worker", "2-frame blocks: a throttled device, Worker");
  assert.equal(chooseHost([{ ...m("cpu", 1, 0.1, 0.2, "cpu"), error: "failed" }], 0.25).host, "worker");
  assert.equal(chooseHost([], 0.25).host, "worker");
});
