// What each engine host (worker/session.js, worklets/engine-processor.js) tells the page about the
// blocks it renders: the take's automatic octave shift whenever it changes (only for the opt-in
// probe: every shift a take had), and the pitch for the page's readouts at most
// UI_UPDATES_PER_SECOND (what the page draws). Each host brings its own clock and port.
import { UI_UPDATES_PER_SECOND } from "../config.js";
import { ENGINE_EVENT } from "../protocol.js";

export class BlockReporter {
  /** @param {(msg:object)=>void} post @param {{probe:boolean}} o */
  constructor(post, { probe }) {
    this.post = post;
    this.probe = probe;
    this.lastOctaveShift = undefined;
    this.nextPitchMs = -Infinity;
  }

  /**
   * @param {{n:number, inputF0Hz:Float32Array, f0Hz:Float32Array, gate:Float32Array}} block
   *   Engine.renderBlock's result @param {number|null} octaveShift the mapper's automatic shift
   * @param {number} nowMs the host's clock
   */
  report(block, octaveShift, nowMs) {
    if (this.probe && octaveShift !== this.lastOctaveShift) {
      this.lastOctaveShift = octaveShift;
      this.post({ type: ENGINE_EVENT.BLOCK, octaveShift });
    }
    if (nowMs < this.nextPitchMs) return;
    this.nextPitchMs = nowMs + 1000 / UI_UPDATES_PER_SECOND;
    const last = block.n - 1;
    this.post({ type: ENGINE_EVENT.PITCH, inputF0Hz: block.inputF0Hz[last], f0Hz: block.gate[last] > 0 ? block.f0Hz[last] : 0 });
  }
}
