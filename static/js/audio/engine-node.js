// The page's side of the engine on the audio thread (worklets/engine-processor.js): the node,
// wired between the capture and output nodes so that the graph runs the three in that order in
// every quantum (their connections carry silence; the rings carry the audio).
import { AUDIO_THREAD, lateToleranceMs } from "../config.js";
import { ENGINE_EVENT, ENGINE_NODE_MESSAGE } from "../protocol.js";

/**
 * @param {AudioContext} context
 * @param {{capture:{node:AudioWorkletNode, ring:object}, output:{node:AudioWorkletNode, ring:object},
 *          meta:object, weights:Object<string, Float32Array>, blockFrames:number, controls:object,
 *          probe:boolean, onMessage:(msg)=>void}} o
 * @returns {Promise<{params:object, post:(msg)=>void, stop:()=>void}>} once the engine runs;
 *   params as the Worker's start reply (host "audio")
 */
export async function startAudioEngine(context, { capture, output, meta, weights, blockFrames, controls, probe, onMessage }) {
  await context.audioWorklet.addModule("/static/build/engine-processor.js");
  const node = new AudioWorkletNode(context, "engine-processor", {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    outputChannelCount: [1],
    channelCount: 1,
    channelCountMode: "explicit",
    processorOptions: {
      captureRing: capture.ring.sab, outputRing: output.ring.sab, meta, weights, blockFrames, controls, probe,
      lateToleranceMs: lateToleranceMs(context.baseLatency),
    },
  });
  const started = new Promise((resolve, reject) => {
    node.onprocessorerror = () => reject(new Error("the audio thread could not start the engine"));
    node.port.onmessage = (e) => {
      if (e.data.type === ENGINE_EVENT.STARTED) resolve(e.data.params);
      else onMessage(e.data);
    };
  });
  capture.node.connect(node);
  node.connect(output.node);
  const stop = () => {
    node.port.postMessage({ type: ENGINE_NODE_MESSAGE.STOP });
    capture.node.disconnect(node);
    node.disconnect();
  };
  const timeoutMs = AUDIO_THREAD.startTimeoutMs;
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the audio thread did not start the engine in ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const params = await Promise.race([started, timeout]);
    return { params, post: (msg) => node.port.postMessage(msg), stop };
  } catch (err) {
    stop();
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
