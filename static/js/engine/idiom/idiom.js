// How an instrument is played, after the mapping stage: the voice's contour becomes keys, plucks,
// a bow or breath (metadata.json "playing", docs/models.md). An idiom works in two places:
//   play(voice, mapped, n)   per frame, before the decoder: the pitch and loudness asked of the
//                            instrument: how much of the singer's vibrato it plays (every idiom,
//                            playing.vibrato), then shape(): keys, a pluck's envelope, bow changes,
//                            tonguing
//   render(audio, n)         per sample, after the synth: what the decoder does not play (the
//                            taraf's sympathetic strings, the chikari, breath noise)
// Its controls come with the engine's (setControls): the singer's Sa and the raga's swaras
// (`scale`), the manual transposition, the taraf's level and the chikari.
import { hzToMidi, midiToHz } from "../../dsp/notes.js";
import { depthAtLevel, VibratoDepth } from "../../dsp/vibrato-depth.js";
import { analysisOf } from "../analysis.js";
import { ResonatorBank } from "../../dsp/resonator-bank.js";
import { checkScale, DEFAULT_SCALE, SA_PA_DEGREES } from "./keys.js";

/** Lowest taraf string below the instrument's mean pitch, in semitones (sizes the delay lines). */
const TARAF_SPAN_BELOW_MEAN = 18;

export class Idiom {
  /** @param {object} meta metadata.json (frame_rate, hop_samples, sample_rate, f0_stats, playing) */
  constructor(meta) {
    this.meta = meta;
    this.playing = meta.playing || { idiom: "voice" };
    this.frameRate = meta.frame_rate;
    this.hop = meta.hop_samples;
    this.floorDb = analysisOf(meta).loudnessFloorDb; // the models' silence
    this.scale = DEFAULT_SCALE;
    this.semitoneShift = 0;
    const taraf = this.playing.taraf;
    this.taraf = taraf ? new ResonatorBank({
      sampleRate: meta.sample_rate, ringSeconds: taraf.ring_s, minHz: midiToHz(meta.f0_stats.mean_midi - TARAF_SPAN_BELOW_MEAN),
    }) : null;
    this.tarafGain = taraf ? 10 ** (taraf.level_db / 20) : 0;
    this.tarafLevel = 1;
    if (this.taraf) this.tuneTaraf();
    const vibrato = this.playing.vibrato;
    const wobble = (follow) => new VibratoDepth({ depth: vibrato.depth, periodFrames: this.frames(vibrato.period_ms), follow });
    this.vibrato = vibrato ? wobble(vibrato.follow_semitones) : null;
    this.tremolo = vibrato ? wobble(vibrato.follow_db) : null; // the level's share of the same wobble
  }

  /** Frames of `ms` milliseconds (at least one). */
  frames(ms) {
    return Math.max(1, Math.round((ms / 1000) * this.frameRate));
  }

  /**
   * @param {{scale?:{saMidi:number, degrees:number[]}, semitoneShift?:number, tarafLevel?:number,
   *          chikari?:boolean, vibratoLevel?:number}} controls  tarafLevel: 0 (off) … 1 (the
   *          instrument's own balance) … 2; vibratoLevel: 0 (steady) … 1 (its own depth) … 2 (as sung)
   * @returns {boolean} the instrument's tuning changed (Sa, the swaras or the transposition)
   */
  setControls({ scale, semitoneShift, tarafLevel, vibratoLevel } = {}) {
    const next = scale ? checkScale(scale) : this.scale;
    const shift = semitoneShift === undefined ? this.semitoneShift : semitoneShift;
    const retuned = next.saMidi !== this.scale.saMidi || next.degrees.join() !== this.scale.degrees.join() || shift !== this.semitoneShift;
    this.scale = next;
    this.semitoneShift = shift;
    if (tarafLevel !== undefined) {
      if (!(tarafLevel >= 0 && tarafLevel <= 2)) throw new Error(`tarafLevel must be 0-2 (1: the instrument's own), got ${tarafLevel}`);
      this.tarafLevel = tarafLevel;
    }
    if (vibratoLevel !== undefined && this.vibrato) {
      const depth = depthAtLevel(this.playing.vibrato.depth, vibratoLevel);
      this.vibrato.setDepth(depth);
      this.tremolo.setDepth(depth);
    }
    if (retuned && this.taraf) this.tuneTaraf();
    return retuned;
  }

  /** The scale where the instrument plays it: Sa moved by the manual transposition. */
  get playedScale() {
    return { saMidi: this.scale.saMidi + this.semitoneShift, degrees: this.scale.degrees };
  }

  /**
   * Taraf strings: Sa, Pa and the raga's swaras in the saptak around the instrument's register
   * (its Sa the one nearest half an octave below its mean pitch), and the taar Sa above.
   */
  tarafPitchesMidi() {
    const { saMidi, degrees } = this.playedScale;
    const sa = saMidi + 12 * Math.round((this.meta.f0_stats.mean_midi - 6 - saMidi) / 12);
    const all = [...new Set([...SA_PA_DEGREES, ...degrees])].sort((a, b) => a - b);
    return [...all.map((d) => sa + d), sa + 12];
  }

  tuneTaraf() {
    this.taraf.tune(this.tarafPitchesMidi().map(midiToHz));
  }

  /**
   * Per frame, in place: the pitch and loudness asked of the instrument (arguments as shape's): the
   * singer's vibrato at the instrument's depth, then its idiom.
   */
  play(voice, mapped, n, mapping) {
    if (this.vibrato) {
      for (let i = 0; i < n; i++) {
        const voiced = mapped.gate[i] > 0 && mapped.f0Hz[i] > 0;
        const midi = this.vibrato.step(voiced ? hzToMidi(mapped.f0Hz[i]) : null);
        const db = this.tremolo.step(voiced ? mapped.loudnessDb[i] : null);
        if (voiced) (mapped.f0Hz[i] = midiToHz(midi), mapped.loudnessDb[i] = db);
      }
    }
    this.shape(voice, mapped, n, mapping);
  }

  /**
   * Per frame, in place: the pitch and loudness asked of the instrument. The voice alone plays
   * as the mapping stage left it.
   * @param {{f0Hz:Float32Array, loudnessDb:Float32Array, voiced:Uint8Array, confidence:Float32Array}} voice [n] each
   * @param {{f0Hz:Float32Array, loudnessDb:Float32Array, gate:Float32Array}} mapped [n] each, in place
   * @param {number} n frames
   * @param {{gateDb:number}} mapping the mapping stage's gate level (the voice is sounding above it)
   */
  shape(voice, mapped, n, mapping) {} // eslint-disable-line no-unused-vars

  /**
   * Per sample, in place: adds what the decoder does not play to the block's audio [n * hop].
   * The taraf hears the instrument (and, in a subclass, what it adds before calling this).
   */
  render(audio, n) {
    if (this.taraf && this.tarafLevel > 0) this.taraf.process(audio, audio, n * this.hop, this.tarafGain * this.tarafLevel);
    return audio;
  }
}
