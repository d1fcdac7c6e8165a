// A wind instrument (bansuri, shehnai): pitch and level follow the voice continuously, and the
// player's breath is heard. Breath noise (band_hz) comes from the voice's own aperiodicity (1 - YIN
// confidence: a breathy voice makes a breathy flute), louder at each onset and on soft notes, where
// a real player's air is heard most. A consonant is a tongued note: the tone stops with the voice
// and comes back with an accent (tongue_db over tongue_ms) and a burst of air.
import { BandNoise } from "../../dsp/band-noise.js";
import { hzToMidi } from "../../dsp/notes.js";
import { Articulation, CONSONANT, NONE } from "./articulation.js";
import { Idiom } from "./idiom.js";
import { gainForDb, unitLoudnessDb } from "./level.js";

export class BreathIdiom extends Idiom {
  constructor(meta) {
    super(meta);
    const p = this.playing;
    this.articulation = new Articulation(p.strike, this.frameRate);
    this.onsetFrames = this.frames(p.onset_ms);
    this.tongueFrames = this.frames(p.tongue_ms);
    this.meanDb = meta.loudness_stats.mean_db;
    const noise = () => new BandNoise({ sampleRate: meta.sample_rate, lowHz: p.band_hz[0], highHz: p.band_hz[1], seed: 11 });
    this.noise = noise();
    this.noiseUnitDb = unitLoudnessDb(noise(), meta);
    this.sinceOnset = Infinity;
    this.tongued = false;
    this.breathGain = new Float32Array(0); // per frame of the block, for render
    this.lastGain = 0;
  }

  /** Breath loudness relative to the note, in dB, for one frame. */
  breathRelDb(aperiodicity, noteDb) {
    const p = this.playing;
    const breathy = 20 * Math.log10(Math.min(4, Math.max(0.5, aperiodicity / p.aperiodicity_ref)));
    const onset = this.sinceOnset < this.onsetFrames ? (p.onset_db + (this.tongued ? p.tongue_db : 0)) * (1 - this.sinceOnset / this.onsetFrames) : 0;
    const soft = p.soft_db_per_db * Math.max(0, this.meanDb - noteDb);
    return p.level_db + breathy + onset + soft;
  }

  shape(voice, mapped, n, { gateDb }) {
    if (this.breathGain.length < n) this.breathGain = new Float32Array(n);
    const p = this.playing;
    for (let i = 0; i < n; i++) {
      const gate = mapped.gate[i];
      const midi = mapped.f0Hz[i] > 0 ? hzToMidi(mapped.f0Hz[i]) : 0;
      const kind = this.articulation.step(gate, midi, voice.loudnessDb[i] > gateDb);
      if (kind !== NONE) (this.sinceOnset = 0, this.tongued = kind === CONSONANT);
      if (gate === 0) {
        this.breathGain[i] = 0;
        continue;
      }
      let db = mapped.loudnessDb[i];
      if (this.tongued && this.sinceOnset < this.tongueFrames) db += p.tongue_db * (1 - this.sinceOnset / this.tongueFrames);
      mapped.loudnessDb[i] = Math.min(0, Math.max(this.floorDb, db));
      const breathDb = db + this.breathRelDb(1 - voice.confidence[i], db);
      this.breathGain[i] = gate * gainForDb(breathDb, this.noiseUnitDb);
      this.sinceOnset++;
    }
  }

  render(audio, n) {
    // Breath first: the taraf (if an instrument has both) hears the whole instrument.
    const hop = this.hop;
    for (let f = 0; f < n; f++) {
      const from = this.lastGain, to = this.breathGain[f];
      for (let j = 0; j < hop; j++) audio[f * hop + j] += (from + ((to - from) * (j + 1)) / hop) * this.noise.next();
      this.lastGain = to;
    }
    return super.render(audio, n);
  }
}
