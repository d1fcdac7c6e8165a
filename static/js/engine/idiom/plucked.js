// A plucked string (sitar). Each articulated note of the voice (an onset, a consonant, a jump)
// strikes the string; the loudness asked of the decoder then follows a pluck's envelope whatever
// the voice's loudness does: an attack, then the decay measured from the teacher (factory/playing.py:
// fast while the string's first energy dies, decay_early_db_per_s until decay_knee_ms, then
// decay_late_db_per_s). A meend bends the sounding string without a new strike, up to how far a string
// can be pulled (meend_max_semitones from where the glide began); beyond, the player plucks again. Chikari (the drone
// strings, tuned to Sa) can ring with each stroke.
import { BandNoise } from "../../dsp/band-noise.js";
import { hzToMidi, midiToHz } from "../../dsp/notes.js";
import { ResonatorBank } from "../../dsp/resonator-bank.js";
import { Articulation, NONE } from "./articulation.js";
import { Idiom } from "./idiom.js";

/**
 * A glide begins where the pitch was last steady: within STEADY_SEMITONES over STEADY_MS (a 50-cent
 * vibrato moves under 0.7 semitone in 40 ms; a 5-semitone meend over 120 ms moves 1.7).
 */
const STEADY_MS = 40;
const STEADY_SEMITONES = 0.75;
import { gainForDb, unitLoudnessDb } from "./level.js";

export class PluckedIdiom extends Idiom {
  constructor(meta) {
    super(meta);
    const p = this.playing;
    this.articulation = new Articulation(p.strike, this.frameRate);
    this.attackFrames = this.frames(p.attack_ms);
    this.strengthFrames = Math.max(this.attackFrames, this.frames(p.strength_ms));
    this.earlyDbPerFrame = p.decay_early_db_per_s / this.frameRate;
    this.lateDbPerFrame = p.decay_late_db_per_s / this.frameRate;
    this.kneeFrames = this.frames(p.decay_knee_ms);
    this.meendMax = p.meend_max_semitones;
    this.recentMidi = new Float64Array(this.frames(STEADY_MS) + 1); // ring: the pitch STEADY_MS ago
    this.frame = 0;
    this.glideFromMidi = 0;
    this.stroke = null; // {frames, peakDb} of the sounding stroke
    this.plucks = []; // chikari plucks of this block: {frame, levelDb}
    if (p.chikari) this.initChikari(p.chikari);
  }

  initChikari(c) {
    this.chikariOn = c.default_on;
    this.chikariOctaves = c.octaves;
    this.chikariDb = c.level_db; // re the stroke
    this.chikariBank = () => new ResonatorBank({ sampleRate: this.meta.sample_rate, ringSeconds: c.ring_s, struck: true, minHz: midiToHz(this.meta.f0_stats.mean_midi - 24) });
    this.pickNoise = () => new BandNoise({ sampleRate: this.meta.sample_rate, lowHz: c.pick_hz[0], highHz: c.pick_hz[1], seed: 7 });
    this.chikari = this.chikariBank();
    this.pick = this.pickNoise();
    this.excitation = new Float32Array(this.hop);
    this.tuneChikari();
  }

  setControls(controls = {}) {
    const retuned = super.setControls(controls);
    if (this.chikari && controls.chikari !== undefined) this.chikariOn = Boolean(controls.chikari);
    if (this.chikari && retuned) this.tuneChikari();
    return retuned;
  }

  /**
   * Chikari strings: Sa in the octaves above the instrument's register. Their loudness when
   * struck by a one-frame pick of unit gain is measured here, so a pluck can be set in dB.
   */
  tuneChikari() {
    const { saMidi } = this.playedScale;
    const sa = saMidi + 12 * Math.round((this.meta.f0_stats.mean_midi - saMidi) / 12);
    const pitchesHz = this.chikariOctaves.map((o) => midiToHz(sa + 12 * o));
    this.chikari.tune(pitchesHz);
    const bank = this.chikariBank(), pick = this.pickNoise(), hop = this.hop;
    bank.tune(pitchesHz);
    this.pluckUnitDb = unitLoudnessDb({
      fill(out) {
        for (let j = 0; j < hop; j++) out[j] = pick.next();
        bank.process(out, out, out.length, 1);
        return out;
      },
    }, this.meta);
  }

  shape(voice, mapped, n, { gateDb }) {
    this.plucks.length = 0;
    for (let i = 0; i < n; i++) {
      const gate = mapped.gate[i];
      const midi = mapped.f0Hz[i] > 0 ? hzToMidi(mapped.f0Hz[i]) : 0;
      const kind = this.articulation.step(gate, midi, voice.loudnessDb[i] > gateDb);
      const ring = this.recentMidi, k = this.frame++ % ring.length;
      const before = ring[(k + 1) % ring.length];
      ring[k] = midi;
      if (Math.abs(midi - before) < STEADY_SEMITONES) this.glideFromMidi = midi;
      if (gate === 0) {
        this.stroke = null;
        continue;
      }
      if (kind !== NONE || this.stroke === null || Math.abs(midi - this.glideFromMidi) > this.meendMax) {
        this.stroke = { frames: 0, peakDb: this.floorDb };
        this.glideFromMidi = midi;
      }
      const s = this.stroke, t = s.frames++;
      // The voice's own attack sets how hard the string is struck.
      if (t < this.strengthFrames) s.peakDb = Math.max(s.peakDb, mapped.loudnessDb[i]);
      const attackDb = t < this.attackFrames ? 20 * Math.log10((t + 1) / this.attackFrames) : 0;
      const decayDb = this.decayDb(Math.max(0, t + 1 - this.attackFrames));
      mapped.loudnessDb[i] = Math.max(this.floorDb, s.peakDb + attackDb - decayDb);
      // The chikari is struck as the stroke's attack peaks (its strength known by then).
      if (this.chikari && t + 1 === this.attackFrames) this.plucks.push({ frame: i, levelDb: s.peakDb + this.chikariDb });
    }
  }

  /** The pluck's fall `t` frames after its peak, in dB. */
  decayDb(t) {
    const early = Math.min(t, this.kneeFrames);
    return this.earlyDbPerFrame * early + this.lateDbPerFrame * (t - early);
  }

  render(audio, n) {
    super.render(audio, n);
    if (!this.chikari || !this.chikariOn) return audio;
    // Each stroke plucks the chikari: a one-frame burst into its strings.
    const hop = this.hop;
    for (let f = 0; f < n; f++) {
      const excitation = this.excitation.fill(0);
      const pluck = this.plucks.find((p) => p.frame === f);
      if (pluck) {
        const gain = gainForDb(pluck.levelDb, this.pluckUnitDb);
        for (let j = 0; j < hop; j++) excitation[j] = gain * this.pick.next();
      }
      this.chikari.process(excitation, audio.subarray(f * hop, (f + 1) * hop), hop, 1);
    }
    return audio;
  }
}

