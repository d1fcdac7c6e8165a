// Failure messages (static/js/page/errors.js): each says what happened and what to do.
import assert from "node:assert/strict";
import test from "node:test";

import { explainError, missingCapability } from "../../static/js/page/errors.js";

const dom = (name, message = "x") => Object.assign(new Error(message), { name });

test("microphone failures name the cause and the fix", () => {
  const cases = [
    [dom("NotAllowedError"), /blocked/, /Allow the microphone/],
    [dom("NotFoundError"), /No microphone/, /headset/],
    [dom("OverconstrainedError"), /No microphone/, /headset/],
    [dom("NotReadableError"), /in use by another app/, /Close the other app/],
    [dom("SecurityError"), /not secure/, /make run-https/],
    [dom("NoAudioWorklet"), /no AudioWorklet/, /current Chrome/],
  ];
  for (const [err, what, todo] of cases) {
    const m = explainError(err);
    assert.match(m.what, what, err.name);
    assert.match(m.todo, todo, err.name);
  }
});

test("a model that failed to load names the instrument and the error", () => {
  const m = explainError(new Error("HTTP 404"), { stage: "model", model: "Sitar" });
  assert.equal(m.what, "The Sitar could not be loaded (HTTP 404).");
  assert.match(m.todo, /reload/);
});

test("anything else still says what happened and what to do", () => {
  // An error no rule knows, however it comes: what happened is its own message, what to do a step.
  for (const err of [new TypeError("boom"), Object.assign(new Error("boom"), { name: "AbortError" }), { message: "boom" }, "boom"]) {
    const m = explainError(err);
    assert.equal(m.what, "Could not start (boom).", `for ${JSON.stringify(err)}`);
    assert.equal(m.todo, "Reload the page and tap Sing again.");
  }
});

test("missing capabilities are found before asking for the microphone", () => {
  const ok = { isSecureContext: true, navigator: { mediaDevices: { getUserMedia() {} } }, AudioWorkletNode: function () {} };
  assert.equal(missingCapability(ok), null);
  assert.equal(missingCapability({ ...ok, isSecureContext: false }).name, "InsecureContext");
  assert.equal(missingCapability({ ...ok, navigator: {} }).name, "InsecureContext");
  assert.equal(missingCapability({ ...ok, AudioWorkletNode: undefined }).name, "NoAudioWorklet");
});
