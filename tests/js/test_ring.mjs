// SPSC ring (static/js/dsp/ring.js): counts, full/empty, wraparound, order preserved.
import assert from "node:assert/strict";
import test from "node:test";

import { RingBuffer } from "../../static/js/dsp/ring.js";

const ramp = (start, n) => Float32Array.from({ length: n }, (_, i) => start + i);

test("a new ring is empty with its full capacity writable", () => {
  const r = RingBuffer.create(8);
  assert.equal(r.capacity, 8);
  assert.equal(r.availableRead(), 0);
  assert.equal(r.availableWrite(), 8);
  assert.equal(r.pop(new Float32Array(4)), 0, "popping an empty ring reads nothing");
});

test("push and pop count samples and keep their order", () => {
  const r = RingBuffer.create(8);
  assert.equal(r.push(ramp(0, 5)), 5);
  assert.equal(r.availableRead(), 5);
  assert.equal(r.availableWrite(), 3);
  const dst = new Float32Array(3);
  assert.equal(r.pop(dst), 3);
  assert.deepEqual(Array.from(dst), [0, 1, 2]);
  assert.equal(r.availableRead(), 2);
});

test("a full ring accepts only what fits and reports it", () => {
  const r = RingBuffer.create(8);
  assert.equal(r.push(ramp(0, 12)), 8, "only capacity samples fit");
  assert.equal(r.availableWrite(), 0);
  assert.equal(r.push(ramp(100, 1)), 0, "a full ring takes nothing");
  const dst = new Float32Array(8);
  assert.equal(r.pop(dst), 8);
  assert.deepEqual(Array.from(dst), Array.from(ramp(0, 8)));
});

test("data wraps around the end of the buffer intact, many times over", () => {
  const r = RingBuffer.create(7);
  let next = 0, expected = 0;
  const dst = new Float32Array(5);
  for (let round = 0; round < 50; round++) {
    const n = 1 + (round % 5);
    next += r.push(ramp(next, n));
    const got = r.pop(dst, 1 + ((round * 3) % 5));
    for (let i = 0; i < got; i++) assert.equal(dst[i], expected++, `round ${round}`);
    assert.equal(r.availableRead(), next - expected);
  }
  assert.ok(next > 3 * r.size, "the indices wrapped several times");
});

test("pop with a count reads at most that many; clear drops the rest", () => {
  const r = RingBuffer.create(16);
  r.push(ramp(0, 10));
  const dst = new Float32Array(10);
  assert.equal(r.pop(dst, 4), 4);
  r.clear();
  assert.equal(r.availableRead(), 0);
  assert.equal(r.availableWrite(), 16);
});

test("two views of one SharedArrayBuffer see each other's samples (worklet <-> main)", () => {
  const producer = RingBuffer.create(32);
  const consumer = new RingBuffer(producer.sab);
  producer.push(ramp(1, 20));
  const dst = new Float32Array(20);
  assert.equal(consumer.pop(dst), 20);
  assert.equal(dst[19], 20);
  assert.equal(producer.availableRead(), 0);
});
