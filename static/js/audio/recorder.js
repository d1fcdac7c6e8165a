// Recorder: the instrument (and optionally the dry voice, as a second track) to a WAV file in
// memory. Nothing leaves the device: the page plays it back, downloads it or hands it to the
// Web Share API when the singer asks.
import { RECORDING_CLOCK_UPDATES_PER_SECOND } from "../config.js";
import { encodeWav } from "../dsp/wav.js";
import { RECORDER_EVENT, RECORDER_MESSAGE } from "../protocol.js";

/** A recording stops itself after this long (memory: 2 tracks × 48 kHz × 4 bytes × 10 min ≈ 230 MB while recording). */
export const MAX_RECORDING_SECONDS = 600;

/**
 * Records from `startAt` until stop() (or `stopAt`).
 * @param {BaseAudioContext} context
 * @param {{instrument: AudioNode, voice?: AudioNode|null, startAt?: number, stopAt?: number}} o
 *   startAt: context time to start at (default: now); stopAt: a planned end (default: when stop() says)
 * @returns {Promise<{stop(atTime?:number): Promise<{wav: ArrayBuffer, seconds: number, sampleRate: number, tracks: number}>,
 *                    done: Promise<void>, elapsedSeconds(): number}>}
 *   done resolves when the recording has ended (stopped, or at MAX_RECORDING_SECONDS by itself)
 */
export async function startRecorder(context, { instrument, voice = null, startAt = context.currentTime, stopAt = Infinity }) {
  await context.audioWorklet.addModule("/static/build/recorder-processor.js");
  const tracks = voice ? 2 : 1;
  const node = new AudioWorkletNode(context, "recorder-processor", {
    numberOfInputs: tracks,
    numberOfOutputs: 0,
    channelCount: 1,
    channelCountMode: "explicit", // mono per track: a stereo source is mixed down
    processorOptions: { tracks, startAt, stopAt, maxSeconds: MAX_RECORDING_SECONDS },
  });
  instrument.connect(node, 0, 0);
  if (voice) voice.connect(node, 0, 1);
  const chunks = [];
  let total = 0;
  let resolveDone;
  const done = new Promise((r) => { resolveDone = r; });
  node.port.onmessage = (e) => {
    chunks.push(e.data.tracks);
    total += e.data.tracks[0].length;
    if (e.data.type === RECORDER_EVENT.DONE) resolveDone();
  };

  async function stop(atTime = context.currentTime) {
    node.port.postMessage({ type: RECORDER_MESSAGE.STOP, atTime });
    await done;
    instrument.disconnect(node);
    if (voice) voice.disconnect(node);
    const joined = Array.from({ length: tracks }, (_, t) => {
      const out = new Float32Array(total);
      let off = 0;
      for (const c of chunks) { out.set(c[t], off); off += c[t].length; }
      return out;
    });
    return { wav: encodeWav(joined, context.sampleRate), seconds: total / context.sampleRate, sampleRate: context.sampleRate, tracks };
  }
  return { stop, done, elapsedSeconds: () => Math.max(0, context.currentTime - startAt) };
}

/**
 * One take at a time for the page: start while singing, stop to get the WAV; reports the
 * elapsed time RECORDING_CLOCK_UPDATES_PER_SECOND while recording.
 */
export class TakeRecorder {
  /** @param {(seconds:number)=>void} onTime */
  constructor(onTime = () => {}) {
    this.onTime = onTime;
    this.active = null;
    this.timer = 0;
  }

  get recording() {
    return this.active !== null;
  }

  /** @param {BaseAudioContext} context @param {{instrument: AudioNode, voice?: AudioNode|null}} tracks */
  async start(context, tracks) {
    if (this.active) throw new Error("already recording");
    this.active = await startRecorder(context, tracks);
    this.timer = setInterval(() => this.onTime(this.active ? this.active.elapsedSeconds() : 0), 1000 / RECORDING_CLOCK_UPDATES_PER_SECOND);
  }

  /** @returns {Promise<{wav: ArrayBuffer, seconds: number, sampleRate: number, tracks: number}|null>} null when not recording */
  async stop() {
    clearInterval(this.timer);
    const active = this.active;
    this.active = null;
    return active ? active.stop() : null;
  }
}
