// Instrument cards' text (static/js/page/instruments.js).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import test from "node:test";

import { describeInstrument, INSTRUMENT_NOTES, playingControls } from "../../static/js/page/instruments.js";

test("a shipped instrument: its picture, its line, the SoundFont and preset it learned from", () => {
  const meta = JSON.parse(readFileSync(new URL("../../static/models/bansuri/metadata.json", import.meta.url)));
  const card = describeInstrument({ ...meta, id: "bansuri" });
  assert.equal(card.name, "Bansuri");
  assert.equal(card.pictureUrl, "/static/icons/instruments/bansuri.svg");
  assert.equal(card.sound, INSTRUMENT_NOTES.bansuri);
  assert.equal(card.source, `Learned from ${meta.source.soundfont}, preset “${meta.source.preset}”`);
  assert.equal(card.demoUrl, "/static/demos/bansuri.mp3");
});

test("every described instrument has a picture file", () => {
  for (const id of [...Object.keys(INSTRUMENT_NOTES), "instrument"]) {
    const svg = readFileSync(new URL(`../../static/icons/instruments/${id}.svg`, import.meta.url), "utf8");
    assert.match(svg, /^<svg [^>]*viewBox="0 0 64 64"/);
  }
});

test("an unknown instrument gets the generic picture, its own description, no invented source", () => {
  const card = describeInstrument({ id: "esraj", name: "esraj", description: "Bowed, fretted." });
  assert.deepEqual(card, { id: "esraj", name: "esraj", pictureUrl: "/static/icons/instruments/instrument.svg", sound: "Bowed, fretted.", source: "",
    demoUrl: "/static/demos/esraj.mp3" });
});

test("playing controls: only the ones an instrument's metadata declares", () => {
  const meta = (id) => JSON.parse(readFileSync(new URL(`../../static/models/${id}/metadata.json`, import.meta.url)));
  assert.deepEqual(playingControls(meta("sitar")), { taraf: true, chikari: true, vibrato: true });
  assert.deepEqual(playingControls(meta("sarangi")), { taraf: true, chikari: false, vibrato: true });
  for (const id of ["bansuri", "shehnai"]) assert.deepEqual(playingControls(meta(id)), { taraf: false, chikari: false, vibrato: true });
  assert.deepEqual(playingControls(meta("harmonium")), { taraf: false, chikari: false, vibrato: false }, "keys: no vibrato");
  assert.deepEqual(playingControls({ name: "esraj" }), { taraf: false, chikari: false, vibrato: false });
});
