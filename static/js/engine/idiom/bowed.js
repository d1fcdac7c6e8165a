// A bowed string (sarangi): the pitch glides as the voice glides (meend is the sarangi's nature)
// and the bow's pressure follows the voice's loudness. A note from silence starts as a bow takes
// the string (attack_ms); an articulated note inside a phrase (a consonant, a jump) is a bow
// change: the level dips by bow_change_db and comes back over bow_change_ms. The taraf rings.
import { hzToMidi } from "../../dsp/notes.js";
import { Articulation, NONE, ONSET } from "./articulation.js";
import { Idiom } from "./idiom.js";

export class BowedIdiom extends Idiom {
  constructor(meta) {
    super(meta);
    const p = this.playing;
    this.articulation = new Articulation(p.strike, this.frameRate);
    this.attackFrames = this.frames(p.attack_ms);
    this.changeFrames = this.frames(p.bow_change_ms);
    this.changeDb = p.bow_change_db;
    this.sinceAttack = Infinity;
    this.sinceChange = Infinity;
  }

  shape(voice, mapped, n, { gateDb }) {
    for (let i = 0; i < n; i++) {
      const gate = mapped.gate[i];
      const midi = mapped.f0Hz[i] > 0 ? hzToMidi(mapped.f0Hz[i]) : 0;
      const kind = this.articulation.step(gate, midi, voice.loudnessDb[i] > gateDb);
      if (kind === ONSET) this.sinceAttack = 0;
      else if (kind !== NONE) this.sinceChange = 0;
      if (gate === 0) continue;
      let db = mapped.loudnessDb[i];
      if (this.sinceAttack < this.attackFrames) db += 20 * Math.log10((this.sinceAttack + 1) / this.attackFrames);
      if (this.sinceChange < this.changeFrames) {
        // A V in level: down by changeDb at the change, back over the rest of changeFrames.
        db -= this.changeDb * (1 - this.sinceChange / this.changeFrames);
      }
      mapped.loudnessDb[i] = Math.max(this.floorDb, db);
      this.sinceAttack++;
      this.sinceChange++;
    }
  }
}
