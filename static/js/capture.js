// Capture stage: opens the microphone raw (no echo cancellation, noise suppression or AGC:
// they smear pitch and pump loudness) and runs capture-processor in an AudioWorklet.
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
 * @param {{targetSampleRate:number, ringBuffer?:SharedArrayBuffer, onLevel:(msg)=>void}} o
 * @returns {Promise<{node:AudioWorkletNode, stream:MediaStream, stop:()=>void}>}
 */
export async function startCapture(context, { targetSampleRate = 16000, ringBuffer = null, onLevel, onOnset }) {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    throw new Error("This browser cannot open the microphone (needs HTTPS or localhost).");
  }
  const stream = await navigator.mediaDevices.getUserMedia(MIC_CONSTRAINTS);
  await context.audioWorklet.addModule("/static/build/capture-processor.js");
  const source = context.createMediaStreamSource(stream);
  const node = new AudioWorkletNode(context, "capture-processor", {
    numberOfInputs: 1,
    numberOfOutputs: 0,
    channelCount: 1,
    channelCountMode: "explicit",
    processorOptions: { targetSampleRate, ringBuffer, reportHz: 30 },
  });
  node.port.onmessage = (e) => {
    if (e.data && e.data.type === "level" && onLevel) onLevel(e.data);
    if (e.data && e.data.type === "onset" && onOnset) onOnset(e.data.frame);
  };
  source.connect(node);
  const stop = () => {
    node.port.postMessage({ type: "stop" });
    source.disconnect();
    stream.getTracks().forEach((t) => t.stop());
  };
  return { node, stream, source, stop };
}
