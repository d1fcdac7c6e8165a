// The page's readouts give way to a late audio thread (page/repaint-rate.js).
import assert from "node:assert/strict";
import test from "node:test";

import { UI_UPDATES_PER_SECOND, UI_UPDATES_WHEN_LATE } from "../../static/js/config.js";
import { LateQuanta } from "../../static/js/engine/late-quanta.js";
import { RepaintRate } from "../../static/js/page/repaint-rate.js";

const QUANTUM_MS = (1000 * 128) / 44100;

test("readouts repaint at the full rate while the audio thread keeps time, and the Worker's stats change nothing", () => {
  const rate = new RepaintRate();
  assert.equal(rate.update({ lateMs: 2, lateToleranceMs: 9 }, 0), UI_UPDATES_PER_SECOND);
  assert.equal(rate.update({ load: 0.3 }, 250), UI_UPDATES_PER_SECOND); // no lateMs: no news
});

test("late reports in a row slow the readouts; a one-off does not; they recover after recoverSeconds without one", () => {
  const rate = new RepaintRate();
  const { perSecond: slow, reports, recoverSeconds } = UI_UPDATES_WHEN_LATE;
  const late = { lateMs: 40, lateToleranceMs: 9 }, onTime = { lateMs: 1, lateToleranceMs: 9 };
  assert.ok(reports >= 2 && slow < UI_UPDATES_PER_SECOND);
  let t = 1000;
  assert.equal(rate.update(late, t), UI_UPDATES_PER_SECOND, "a one-off hiccup (a take's start)");
  assert.equal(rate.update(onTime, (t += 250)), UI_UPDATES_PER_SECOND);
  for (let i = 0; i < reports - 1; i++) rate.update(late, (t += 250));
  assert.equal(rate.update(late, (t += 250)), slow, `${reports} late reports in a row`);
  const recoverMs = 1000 * recoverSeconds;
  assert.equal(rate.update(onTime, t + recoverMs - 1), slow);
  assert.equal(rate.update(late, (t += recoverMs - 1)), slow, "while slow, one late report keeps it slow");
  assert.equal(rate.update(onTime, t + recoverMs - 1), slow);
  assert.equal(rate.update(onTime, t + recoverMs), UI_UPDATES_PER_SECOND);
});

test("a starved audio thread's quanta, as the engine processor measures them, slow the readouts", () => {
  // 100 quanta on time, then the thread stalls 200 ms and renders the missed quanta in a burst
  const meter = new LateQuanta(9), rate = new RepaintRate();
  let worst = 0, wall = 5000;
  for (let q = 0; q < 100; q++) worst = Math.max(worst, meter.update((wall += QUANTUM_MS), q * QUANTUM_MS));
  assert.equal(rate.update({ lateMs: worst, lateToleranceMs: 9 }, wall), UI_UPDATES_PER_SECOND);
  wall += 200;
  worst = 0;
  for (let q = 100; q < 170; q++) worst = Math.max(worst, meter.update((wall += 0.1), q * QUANTUM_MS));
  assert.ok(worst > 150, `the stall is seen: ${worst} ms`);
  for (let i = 1; i < UI_UPDATES_WHEN_LATE.reports; i++) rate.update({ lateMs: worst, lateToleranceMs: 9 }, wall);
  assert.equal(rate.update({ lateMs: worst, lateToleranceMs: 9 }, wall), UI_UPDATES_WHEN_LATE.perSecond);
});
