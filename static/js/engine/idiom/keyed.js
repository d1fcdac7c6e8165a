// A keyed instrument (harmonium): the pitch is always one of the keys of the singer's Sa (the
// raga's swaras once a raga is chosen). The voice chooses the key; a key change is fast and
// straight, with no glide between keys and no vibrato on them. The bellows follow the voice's
// loudness, slowly enough that the voice's own tremolo does not reach the reeds.
import { hzToMidi, midiToHz } from "../../dsp/notes.js";
import { Idiom } from "./idiom.js";
import { nearestKey } from "./keys.js";

/**
 * Whether `midi` is one of the scale's keys. A key held while the raga, Sa or the transposition
 * changes may no longer be one: it is left at the next frame, whatever the hysteresis (which only
 * chooses between keys), or a held note would sound a swara outside the raga until it ends.
 */
function isKey(midi, scale) {
  return Math.abs(nearestKey(midi, scale) - midi) < 1e-6;
}

export class KeyedIdiom extends Idiom {
  constructor(meta) {
    super(meta);
    const p = this.playing;
    this.changeFrames = this.frames(p.key_change_ms);
    // A key is left only when another is nearer by this much: a voice singing a little flat or
    // with wide vibrato stays on its key.
    this.hysteresis = p.key_hysteresis_semitones;
    this.bellowsFrames = this.frames(p.bellows_ms);
    this.bellowsAlpha = 1 - Math.exp(-1 / this.bellowsFrames);
    this.key = null; // the key held (MIDI), null between notes
  }

  shape(voice, mapped, n) {
    const scale = this.playedScale;
    for (let i = 0; i < n; i++) {
      if (mapped.gate[i] === 0 || !(mapped.f0Hz[i] > 0)) {
        // No key is down, but the pitch stays on one (the key just released, else the voice's
        // nearest): the synth glides each frame's pitch into the next, so a note fading out into
        // this frame, or in from it, would otherwise bend off the keys toward the voice.
        if (this.key !== null) mapped.f0Hz[i] = midiToHz(this.playedMidi);
        else if (mapped.f0Hz[i] > 0) mapped.f0Hz[i] = midiToHz(nearestKey(hzToMidi(mapped.f0Hz[i]), scale));
        this.key = null;
        continue;
      }
      const midi = hzToMidi(mapped.f0Hz[i]);
      const ld = mapped.loudnessDb[i];
      if (this.key === null) {
        // A new note: the key goes down at once, the bellows start at the voice's level.
        this.key = this.fromMidi = nearestKey(midi, scale);
        this.changeFrame = this.changeFrames;
        this.bellowsDb = ld;
        this.noteFrames = 0;
      } else {
        const candidate = nearestKey(midi, scale);
        if (candidate !== this.key && (!isKey(this.key, scale) || Math.abs(midi - candidate) + this.hysteresis < Math.abs(midi - this.key))) {
          this.fromMidi = this.playedMidi;
          this.key = candidate;
          this.changeFrame = 0;
        }
        // The voice's onset swell sets the pressure; after it the bellows move slowly.
        if (++this.noteFrames < this.bellowsFrames && ld > this.bellowsDb) this.bellowsDb = ld;
        else this.bellowsDb += this.bellowsAlpha * (ld - this.bellowsDb);
      }
      if (this.changeFrame < this.changeFrames) this.changeFrame++;
      const x = this.changeFrame / this.changeFrames; // straight, not a glide: linear in pitch
      this.playedMidi = this.fromMidi + (this.key - this.fromMidi) * x;
      mapped.f0Hz[i] = midiToHz(this.playedMidi);
      mapped.loudnessDb[i] = this.bellowsDb;
    }
  }
}
