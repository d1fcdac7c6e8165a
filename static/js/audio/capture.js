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
 * The capture node and its ring, ready before the microphone: `openMicrophone()` connects the
 * voice last, once everything after it runs, so the first sung sample meets a running engine
 * (a voice captured earlier would wait in the ring and be dropped or played late).
 * @param {AudioContext} context
 * @param {{targetSampleRate:number, analysis:object|null, onLevel:(msg)=>void, onOnset?:(frame)=>void}} o
 *   analysis: the model's (engine/analysis.js), for the pitch readout; null: level only
 * @returns {Promise<{ring:RingBuffer, node:AudioWorkletNode, openMicrophone:()=>Promise<MediaStreamAudioSourceNode>,
 *   source:MediaStreamAudioSourceNode|null, stop:()=>void}>} ring: the voice at targetSampleRate, for the engine
 */
export async function startCapture(context, { targetSampleRate, analysis, onLevel, onOnset }) {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    throw new Error("This browser cannot open the microphone (needs HTTPS or localhost).");
  }
  await context.audioWorklet.addModule("/static/build/capture-processor.js");
  const ring = RingBuffer.create(Math.ceil(CAPTURE_RING_SECONDS * targetSampleRate));
  // Its output is silent: an engine on the audio thread takes it as input so that the graph runs
  // capture first in every quantum (engine-node.js).
  const node = new AudioWorkletNode(context, "capture-processor", {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    outputChannelCount: [1],
    channelCount: 1,
    channelCountMode: "explicit",
    processorOptions: { targetSampleRate, ringBuffer: ring.sab, analysis },
  });
  node.port.onmessage = (e) => {
    if (e.data.type === CAPTURE_EVENT.LEVEL && onLevel) onLevel(e.data);
    if (e.data.type === CAPTURE_EVENT.ONSET && onOnset) onOnset(e.data.frame);
  };
  const capture = { ring, node, source: null, stream: null };
  capture.openMicrophone = async () => {
    capture.stream = await navigator.mediaDevices.getUserMedia(MIC_CONSTRAINTS);
    if (capture.stopped) capture.stream.getTracks().forEach((t) => t.stop()); // stopped while asking
    capture.source = context.createMediaStreamSource(capture.stream);
    capture.source.connect(node);
    return capture.source;
  };
  capture.stop = () => {
    capture.stopped = true;
    node.port.postMessage({ type: WORKLET_MESSAGE.STOP });
    if (capture.source) capture.source.disconnect();
    if (capture.stream) capture.stream.getTracks().forEach((t) => t.stop());
  };
  return capture;
}
