// Test probe (?probe=1 only): records what the output node plays, at the context rate, into a
// SharedArrayBuffer ring the probe reads. Never part of the product's audio graph otherwise.
import { RingBuffer } from "../dsp/ring.js";

class ProbeProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    this.ring = new RingBuffer(options.processorOptions.ringBuffer);
    this.port.onmessage = (e) => {
      if (e.data.type === "stop") this.stopped = true;
    };
  }

  process(inputs) {
    if (this.stopped) return false;
    const channel = inputs[0] && inputs[0][0];
    if (channel) this.ring.push(channel);
    return true;
  }
}

registerProcessor("probe-processor", ProbeProcessor);
