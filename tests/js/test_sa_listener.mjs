// Find my Sa listening (static/js/dsp/sa-listener.js): when it has heard enough, and what.
import assert from "node:assert/strict";
import test from "node:test";

import { getRaga } from "../../static/js/dsp/ragas.js";
import { SA_LISTENING, SaListener } from "../../static/js/dsp/sa-listener.js";
import { phraseContour, ragaWalk } from "../kit/sung-phrases.js";

const FPS = 20;

/** Feeds readings until the listener answers: [answer, readings fed]. */
function listen(listener, readings) {
  for (let i = 0; i < readings.length; i++) {
    const answer = listener.feed(readings[i]);
    if (answer !== undefined) return [answer, i + 1];
  }
  return [undefined, readings.length];
}

test("a held Sa followed by a rest: Sa found when the rest begins, not before minSeconds", () => {
  const listener = new SaListener({ frameRate: FPS });
  listener.start(null);
  const silence = new Float64Array(FPS);
  const held = phraseContour([{ semitone: 0, seconds: SA_LISTENING.minSeconds + 1 }], { saMidi: 64.2, frameRate: FPS });
  const [found, fed] = listen(listener, [...silence, ...held, ...silence]);
  assert.ok(Math.abs(found.saMidi - 64.2) * 100 <= 2, `found ${found.saMidi}`);
  assert.equal(fed, silence.length + held.length + SA_LISTENING.restSeconds * FPS, "answers once the rest is long enough");
  assert.equal(listener.listening, false);
});

test("a short note then a rest does not end it; a phrase with no rest ends after maxSeconds", () => {
  const listener = new SaListener({ frameRate: FPS });
  listener.start(getRaga("yaman"));
  const short = phraseContour([{ semitone: 4, seconds: 1 }], { saMidi: 48, frameRate: FPS });
  assert.equal(listen(listener, [...short, ...new Float64Array(FPS)])[0], undefined);
  const notes = ragaWalk(getRaga("yaman"), { seed: 2, nNotes: 30, startSemitone: 4 });
  const phrase = phraseContour(notes, { saMidi: 48, frameRate: FPS, restShare: 0 });
  const [found] = listen(listener, phrase);
  assert.ok(found && Math.abs(found.saMidi - 48) * 100 <= 20, `found ${found?.saMidi}`);
});

test("not listening: readings are ignored; finish early answers with what was heard", () => {
  const listener = new SaListener({ frameRate: FPS });
  assert.equal(listener.feed(220), undefined);
  listener.start(null);
  listen(listener, phraseContour([{ semitone: 0, seconds: 2 }], { saMidi: 57, frameRate: FPS }));
  assert.ok(Math.abs(listener.finish().saMidi - 57) * 100 <= 2);
  listener.start(null);
  assert.equal(listener.finish(), null, "nothing sung: no Sa");
});
