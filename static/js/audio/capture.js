// Capture stage: opens the microphone raw (no echo cancellation, noise suppression or AGC:
// they smear pitch and pump loudness) and runs capture-processor in an AudioWorklet.
import { CAPTURE_RING_SECONDS } from "../config.js";
import { RingBuffer } from "../dsp/ring.js";
import { CAPTURE_EVENT, WORKLET_MESSAGE } from "../protocol.js";

export const MIC_CONSTRAINTS = {
  audio: {
    echoCancellation: false,
    noiseSuppression: false,
    autoGainControl: false,
    channelCount: 1,
  },
  video: false,
};

/**
 * @param {AudioContext} context
 * @param {{targetSampleRate:number, onLevel:(msg)=>void, onOnset?:(frame)=>void}} o
 * @returns {Promise<{ring:RingBuffer, node:AudioWorkletNode, source:MediaStreamAudioSourceNode, stop:()=>void}>}
 *   ring: the voice at targetSampleRate, for the engine Worker
 */
export async function startCapture(context, { targetSampleRate, onLevel, onOnset }) {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    throw new Error("This browser cannot open the microphone (needs HTTPS or localhost).");
  }
  const stream = await navigator.mediaDevices.getUserMedia(MIC_CONSTRAINTS);
  await context.audioWorklet.addModule("/static/build/capture-processor.js");
  const ring = RingBuffer.create(Math.ceil(CAPTURE_RING_SECONDS * targetSampleRate));
  const source = context.createMediaStreamSource(stream);
  // Its output is silent: an engine on the audio thread takes it as input so that the graph runs
  // capture first in every quantum (engine-node.js).
  const node = new AudioWorkletNode(context, "capture-processor", {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    outputChannelCount: [1],
    channelCount: 1,
    channelCountMode: "explicit",
    processorOptions: { targetSampleRate, ringBuffer: ring.sab },
  });
  node.port.onmessage = (e) => {
    if (e.data.type === CAPTURE_EVENT.LEVEL && onLevel) onLevel(e.data);
    if (e.data.type === CAPTURE_EVENT.ONSET && onOnset) onOnset(e.data.frame);
  };
  source.connect(node);
  const stop = () => {
    node.port.postMessage({ type: WORKLET_MESSAGE.STOP });
    source.disconnect();
    stream.getTracks().forEach((t) => t.stop());
  };
  return { ring, node, stream, source, stop };
}
