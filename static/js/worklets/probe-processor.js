// Test probe (?probe=1 only): records what the output node plays and what the microphone gives,
// at the context rate, quantum for quantum (silence where an input is not connected yet), into
// two SharedArrayBuffer rings the probe reads; and counts the quanta the audio thread rendered later
// than a device's buffer allows (engine/late-quanta.js: glitches a fake audio device hides). Never
// part of the product's audio graph otherwise.
import { PROBE_REPORTS_PER_SECOND, RENDER_QUANTUM_FRAMES } from "../config.js";
import { LateQuanta } from "../engine/late-quanta.js";
import { RingBuffer } from "../dsp/ring.js";
import { PROBE_EVENT, WORKLET_MESSAGE } from "../protocol.js";

class ProbeProcessor extends AudioWorkletProcessor {
  /** processorOptions: {ringBuffer, microphoneRing (SharedArrayBuffers), lateToleranceMs}; inputs: output, microphone */
  constructor(options) {
    super();
    const o = options.processorOptions;
    this.rings = [new RingBuffer(o.ringBuffer), new RingBuffer(o.microphoneRing)];
    this.silence = new Float32Array(RENDER_QUANTUM_FRAMES);
    this.late = new LateQuanta(o.lateToleranceMs);
    this.nextReport = 0;
    this.port.onmessage = (e) => {
      if (e.data.type === WORKLET_MESSAGE.STOP) this.stopped = true;
    };
  }

  process(inputs) {
    if (this.stopped) return false;
    for (const [i, ring] of this.rings.entries()) {
      const channel = inputs[i] && inputs[i][0];
      ring.push(channel || this.silence);
    }
    this.late.update(Date.now(), (1000 * currentFrame) / sampleRate);
    if (currentTime >= this.nextReport) {
      this.nextReport = currentTime + 1 / PROBE_REPORTS_PER_SECOND;
      const { events, lateQuanta, worstMs } = this.late;
      this.port.postMessage({ type: PROBE_EVENT.LATE, events, lateQuanta, worstMs });
    }
    return true;
  }
}

registerProcessor("probe-processor", ProbeProcessor);
