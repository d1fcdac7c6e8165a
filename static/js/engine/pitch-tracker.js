// The voice's pitch: one tracker for the engine's features (features.js, per frame) and the
// capture worklet's readout. YIN (dsp/yin.js) over the voice f0 range of the model's metadata
// (analysis.js), its frame fed time-reversed so that its integration window lies on the newest
// samples.
import { Yin } from "../dsp/yin.js";

/** The newest YIN window's mean power relative to its whole frame's below which a frame is unvoiced. */
const NEWEST_ENERGY_MIN_RATIO = 0.1;

export class PitchTracker {
  /**
   * @param {{sampleRate:number, analysis:import("./analysis.js").Analysis, threshold:number,
   *          windowSize?:number, method?:"fft"|"direct"}} o
   *   windowSize: YIN's integration window; by default what the longest lag leaves of the
   *   loudness window the model was trained on, so the pitch estimate stays centred close to
   *   the loudness frame
   */
  constructor({ sampleRate, analysis, threshold, windowSize = 0, method = "fft" }) {
    this.minHz = analysis.f0MinHz;
    this.maxHz = analysis.f0MaxHz;
    const maxLag = Math.ceil(sampleRate / this.minHz);
    this.yin = new Yin({
      sampleRate, minHz: this.minHz, maxHz: this.maxHz, threshold, method,
      windowSize: windowSize || Math.max(64, analysis.loudnessNFft - maxLag - 2),
    });
    this.frame = new Float32Array(this.yin.frameSize);
    this.pitch = { f0Hz: 0, confidence: 0 };
  }

  /** Samples one estimate reads (the frame before `end`). */
  get frameSize() {
    return this.yin.frameSize;
  }

  /**
   * The pitch of x[end - frameSize, end): {f0Hz, confidence} (reused object). The frame goes to
   * YIN time-reversed: YIN integrates over the first W samples of its frame against the same W
   * samples up to maxLag later; reversed, that window lies on the newest samples. A note is then
   * recognised once W + one of its periods have arrived (not W + the longest lag: 10-16 ms
   * sooner at a phrase onset), and the pitch is that of the newest audio. Periodicity does not
   * care about the direction of time. A note's release into silence leaves the newest samples
   * near zero, which YIN would call perfectly periodic: the newest window must hold a fair share
   * of the frame's energy, else the confidence is 0.
   * @param {Float32Array} x @param {number} end
   */
  track(x, end) {
    const f = this.frame, n = f.length, w = this.yin.windowSize;
    let newest = 0, all = 0;
    for (let i = 0; i < n; i++) {
      const v = x[end - 1 - i];
      f[i] = v;
      all += v * v;
      if (i < w) newest += v * v;
    }
    const newestEnergyRatio = all > 0 ? (newest / w) / (all / n) : 0;
    const p = this.yin.detectAt(f, n, this.pitch);
    if (newestEnergyRatio < NEWEST_ENERGY_MIN_RATIO) p.confidence = 0;
    return p;
  }
}
