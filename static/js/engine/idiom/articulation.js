// Articulated notes: where a player starts a new stroke, bow or breath. A voice articulates a note
// by an onset after a rest, by a consonant (a short unvoiced gap), or by a jump (a pitch change
// faster than any glide); a meend, however wide, glides and is one note.

export const NONE = 0;
export const ONSET = 1;
export const CONSONANT = 2;
export const JUMP = 3;

export class Articulation {
  /**
   * @param {{jump_semitones:number, jump_ms:number, consonant_max_ms:number}} strike metadata's
   *   playing.strike: a change of jump_semitones within jump_ms is a jump; an unvoiced gap up to
   *   consonant_max_ms with the voice still sounding is a consonant
   * @param {number} frameRate
   */
  constructor(strike, frameRate) {
    this.jumpSemitones = strike.jump_semitones;
    this.jumpFrames = Math.max(1, Math.round((strike.jump_ms / 1000) * frameRate));
    this.consonantMaxFrames = Math.round((strike.consonant_max_ms / 1000) * frameRate);
    this.recentMidi = new Float64Array(this.jumpFrames + 1); // ring of the last pitches
    this.reset();
  }

  reset() {
    this.prevGate = 0;
    this.closing = true; // the first opening of the gate is an onset
    this.gapFrames = 0;
    this.gapNoisy = false;
    this.gapMidi = 0; // no note before
    this.frame = 0;
    this.lastArticulation = -Infinity;
  }

  /**
   * One frame.
   * @param {number} gate the mapping stage's gate [0, 1]
   * @param {number} midi the pitch asked of the instrument (held through unvoiced frames)
   * @param {boolean} voiceSounding the voice is above the mapping stage's gate level (voiced or not)
   * @returns {number} NONE, ONSET, CONSONANT or JUMP
   */
  step(gate, midi, voiceSounding) {
    let kind = NONE;
    const ring = this.recentMidi, k = this.frame % ring.length;
    if (gate < this.prevGate && !this.closing) {
      // A note ends: its last pitch is what a jump is measured from.
      this.closing = true;
      this.gapFrames = 0;
      this.gapNoisy = false;
      this.gapMidi = ring[(this.frame - 1 + ring.length) % ring.length];
    }
    if (this.closing && gate < 1) {
      this.gapFrames++;
      this.gapNoisy ||= voiceSounding;
    }
    if (gate > this.prevGate && this.closing) {
      this.closing = false;
      // The first note, or one after a rest, is an onset: only a short gap joins two notes.
      const short = this.gapMidi > 0 && this.gapFrames <= this.consonantMaxFrames;
      if (short && Math.abs(midi - this.gapMidi) >= this.jumpSemitones) kind = JUMP;
      else if (short && this.gapNoisy) kind = CONSONANT;
      else kind = ONSET;
    } else if (gate === 1 && this.frame - this.lastArticulation > this.jumpFrames
      && this.frame >= this.jumpFrames && Math.abs(midi - ring[(k + 1) % ring.length]) >= this.jumpSemitones) {
      kind = JUMP;
    }
    ring[k] = midi;
    if (kind !== NONE) this.lastArticulation = this.frame;
    this.prevGate = gate;
    this.frame++;
    return kind;
  }
}
