// Mapping stage: the singer's pitch and loudness -> the instrument's register and dynamics.
// A tenor singing into a bansuri model trained around C5 would otherwise drive it far outside
// the data it knows, which is where DDSP decoders sound worst. Shifts are whole octaves (the
// melody stays the melody) and are chosen once per take: on the take's first note, once
// TAKE_START.frames voiced frames agree on its pitch, then held through rests and consonants until
// the singer stops for TAKE_GAP_SECONDS, or changes the octave by hand. A musician hears one
// instrument, never a melody broken by octaves.

import { TAKE_GAP_SECONDS, TAKE_START, VOICING } from "../config.js";
import { hzToMidi } from "../dsp/notes.js";
import { analysisOf } from "./analysis.js";


export class Mapper {
  /**
   * @param {object} meta model metadata.json (f0_stats, loudness_stats, frame_rate)
   * @param {{octaveShift?:number|null, semitoneShift?:number, gateDb?:number, gateOpenFrames?:number,
   *          gateCloseFrames?:number}} controls
   */
  constructor(meta, controls = {}) {
    this.f0Stats = meta.f0_stats;
    this.loudnessStats = meta.loudness_stats;
    this.floorDb = analysisOf(meta).loudnessFloorDb; // the models' silence
    this.takeGapFrames = Math.round(TAKE_GAP_SECONDS * meta.frame_rate);
    this.manualOctaves = null;
    this.setControls(controls);
    // Singer statistics as exponential averages over voiced frames (~2 s memory at 250 fps).
    // The register estimate starts from the first voiced frame of the first take.
    this.singerMidi = null;
    this.singerLoudMean = 0; // compute_loudness of a voice peaking near -6 dBFS
    this.singerLoudVar = 64;
    this.alpha = 1 / 500;
    this.autoOctaves = null; // the take's shift; null between takes
    this.startMidi = []; // the take's first voiced frames, until they agree
    this.lastTakeOctaves = null; // the previous take's, for hysteresis
    this.silentFrames = 0;
    this.gate = 0;
  }

  setControls({
    octaveShift = null, semitoneShift = 0, gateDb = -40,
    gateOpenFrames = VOICING.gateOpenFrames, gateCloseFrames = VOICING.gateCloseFrames,
  } = {}) {
    // gateDb -40 is about -63 dBFS of voice: above a quiet room (-57 at -80 dBFS noise), below soft singing.
    if (octaveShift !== this.manualOctaves) this.endTake(); // a hand on the octave starts a new take
    this.manualOctaves = octaveShift;
    this.semitoneShift = semitoneShift;
    this.gateDb = gateDb;
    this.gateOpenStep = 1 / Math.max(1, gateOpenFrames);
    this.gateCloseStep = 1 / Math.max(1, gateCloseFrames);
  }

  /** The singer's statistics and the take (plain numbers): an engine on another thread goes on with them. */
  get take() {
    const { singerMidi, singerLoudMean, singerLoudVar, autoOctaves, lastTakeOctaves, silentFrames, gate } = this;
    return { singerMidi, singerLoudMean, singerLoudVar, autoOctaves, lastTakeOctaves, silentFrames, gate };
  }

  /** Goes on with a take another mapper started (`take` as that mapper's). */
  continueTake(take) {
    for (const k of Object.keys(this.take)) if (k in take) this[k] = take[k];
  }

  endTake() {
    if (this.autoOctaves !== null) this.lastTakeOctaves = this.autoOctaves;
    this.autoOctaves = null;
    this.startMidi = [];
  }

  /**
   * At a take's start: collects voiced frames until the last TAKE_START.frames lie within a
   * semitone, then chooses the take's octave. Returns true once the take has its octave.
   */
  confirmTakeStart(midi) {
    const s = this.startMidi;
    s.push(midi);
    if (s.length > TAKE_START.frames) s.shift();
    if (s.length < TAKE_START.frames || Math.max(...s) - Math.min(...s) >= 1) return false;
    if (this.singerMidi === null) this.singerMidi = [...s].sort((a, b) => a - b)[s.length >> 1];
    this.autoOctaves = this.registerShiftOctaves();
    return true;
  }

  /**
   * Whole octaves that move the singer's register nearest the instrument's mean pitch. A singer
   * halfway between two octaves would flip between them take after take: the last take's shift
   * is kept until another is better by a quarter octave (hysteresis).
   */
  registerShiftOctaves() {
    const ideal = (this.f0Stats.mean_midi - this.singerMidi) / 12;
    const last = this.lastTakeOctaves;
    if (last !== null && Math.abs(ideal - last) < 0.75) return last;
    return Math.round(ideal);
  }

  /** Singer loudness -> instrument loudness, matching mean and spread. */
  mapLoudnessDb(loudnessDb) {
    const singerStd = Math.sqrt(this.singerLoudVar);
    const ratio = Math.min(2, Math.max(0.5, this.loudnessStats.std_db / singerStd));
    const z = (loudnessDb - this.singerLoudMean) * ratio;
    return Math.min(0, Math.max(this.floorDb, this.loudnessStats.mean_db + z));
  }

  updateSinger(midi, loudnessDb) {
    if (this.singerMidi !== null) this.singerMidi += this.alpha * (midi - this.singerMidi);
    const d = loudnessDb - this.singerLoudMean;
    this.singerLoudMean += this.alpha * d;
    this.singerLoudVar += this.alpha * (d * d - this.singerLoudVar);
  }

  /**
   * Maps frames in place into `out`.
   * @param {{f0Hz:Float32Array, loudnessDb:Float32Array, voiced:Uint8Array}} frames [nFrames] each
   * @param {number} nFrames
   * @param {{f0Hz:Float32Array, loudnessDb:Float32Array, gate:Float32Array}} out [nFrames] each
   */
  map(frames, nFrames, out) {
    for (let i = 0; i < nFrames; i++) {
      let voiced = frames.voiced[i] === 1 && frames.loudnessDb[i] > this.gateDb;
      if (voiced) {
        const midi = hzToMidi(frames.f0Hz[i]);
        this.updateSinger(midi, frames.loudnessDb[i]);
        // Until the take's first note is confirmed (automatic octave only), the gate stays shut.
        if (this.autoOctaves === null && this.manualOctaves === null) voiced = this.confirmTakeStart(midi);
        this.silentFrames = 0;
      } else {
        this.startMidi = [];
        if (++this.silentFrames === this.takeGapFrames) this.endTake();
      }
      const octaves = this.manualOctaves === null ? this.autoOctaves || 0 : this.manualOctaves;
      const shift = 2 ** (octaves + this.semitoneShift / 12);
      out.f0Hz[i] = frames.f0Hz[i] > 0 ? frames.f0Hz[i] * shift : 0;
      // The gate ramps (config.js VOICING) so onsets and releases never click.
      this.gate = voiced ? Math.min(1, this.gate + this.gateOpenStep) : Math.max(0, this.gate - this.gateCloseStep);
      out.gate[i] = this.gate;
      out.loudnessDb[i] = this.gate > 0 ? this.mapLoudnessDb(frames.loudnessDb[i]) : this.floorDb;
    }
    return out;
  }
}
