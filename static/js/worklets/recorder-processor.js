// Recorder: copies its inputs (input 0: the instrument; input 1, if connected: the dry voice)
// sample-exactly between a start and a stop frame of the context clock (a forgotten recording
// stops itself after maxSeconds), and posts them to the
// page in one-second chunks (transferred, not copied). It outputs nothing.
import { RENDER_QUANTUM_FRAMES } from "../config.js";
import { RECORDER_EVENT, RECORDER_MESSAGE } from "../protocol.js";

const CHUNK_SECONDS = 1;

class RecorderProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    this.nTracks = options.processorOptions.tracks; // 1 or 2
    // Times known when the node is made are exact even before its port delivers messages.
    const { startAt, maxSeconds, stopAt = Infinity } = options.processorOptions;
    this.startFrame = Math.round(startAt * sampleRate);
    this.stopFrame = Math.min(Math.round(stopAt * sampleRate), this.startFrame + Math.round(maxSeconds * sampleRate));
    this.done = false;
    this.chunkFrames = Math.round(CHUNK_SECONDS * sampleRate);
    this.newChunk();
    this.port.onmessage = (e) => {
      const m = e.data;
      if (m.type === RECORDER_MESSAGE.STOP) this.stopFrame = Math.min(this.stopFrame, Math.max(this.startFrame, currentFrame, Math.round(m.atTime * sampleRate)));
    };
  }

  newChunk() {
    this.chunk = Array.from({ length: this.nTracks }, () => new Float32Array(this.chunkFrames));
    this.filled = 0;
  }

  flush(final) {
    const tracks = this.chunk.map((c) => c.subarray(0, this.filled).slice());
    this.port.postMessage({ type: final ? RECORDER_EVENT.DONE : RECORDER_EVENT.CHUNK, tracks }, tracks.map((t) => t.buffer));
    this.newChunk();
  }

  process(inputs) {
    if (this.done) return false;
    const frames = RENDER_QUANTUM_FRAMES;
    const from = Math.max(this.startFrame, currentFrame), to = Math.min(this.stopFrame, currentFrame + frames);
    for (let f = from; f < to; ) {
      const n = Math.min(to - f, this.chunkFrames - this.filled);
      for (let t = 0; t < this.nTracks; t++) {
        const channel = inputs[t] && inputs[t][0]; // absent when nothing is connected: silence
        if (channel) this.chunk[t].set(channel.subarray(f - currentFrame, f - currentFrame + n), this.filled);
      }
      this.filled += n;
      f += n;
      if (this.filled === this.chunkFrames) this.flush(false);
    }
    if (currentFrame + frames >= this.stopFrame) {
      this.flush(true);
      this.done = true;
      return false;
    }
    return true;
  }
}

registerProcessor("recorder-processor", RecorderProcessor);
