// Test probe (?probe=1 only): records what the output node plays, at the context rate, into a
// SharedArrayBuffer ring the probe reads; and counts the quanta the audio thread rendered later
// than a device's buffer allows (probe/late-quanta.js: glitches a fake audio device hides). Never
// part of the product's audio graph otherwise.
import { PROBE_REPORTS_PER_SECOND } from "../config.js";
import { LateQuanta } from "../probe/late-quanta.js";
import { RingBuffer } from "../dsp/ring.js";
import { PROBE_EVENT, WORKLET_MESSAGE } from "../protocol.js";

class ProbeProcessor extends AudioWorkletProcessor {
  /** processorOptions: {ringBuffer (SharedArrayBuffer), lateToleranceMs} */
  constructor(options) {
    super();
    const o = options.processorOptions;
    this.ring = new RingBuffer(o.ringBuffer);
    this.late = new LateQuanta(o.lateToleranceMs);
    this.nextReport = 0;
    this.port.onmessage = (e) => {
      if (e.data.type === WORKLET_MESSAGE.STOP) this.stopped = true;
    };
  }

  process(inputs) {
    if (this.stopped) return false;
    const channel = inputs[0] && inputs[0][0];
    if (channel) this.ring.push(channel);
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
