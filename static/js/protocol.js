// Every message between the page, the engine Worker and the worklets: one frozen table of types
// per channel, each payload typed below. Senders and receivers name a type only through these
// tables (tests/js/test_protocol.mjs keeps every type used and none unused). Pure: the worklets
// import it.

/**
 * Page → engine Worker requests (engine-client.js → worker/handlers.js). Each carries an `id`
 * and is answered by one `ENGINE_EVENT.REPLY` with that id; CONTROLS and UNDERRUNS go without
 * one.
 * @typedef {{options: {backend:string|null, blockFrames:number|null, host:string|null,
 *   wasmThreads:number|null, forceF16:boolean, probe:boolean, remembered?:object}}} InitRequest
 *   → `{crossOriginIsolated}`
 * @typedef {{model: object}} LoadRequest a manifest entry → `{id, backend, blockFrames}`
 * @typedef {{captureRing: SharedArrayBuffer, outputRing: SharedArrayBuffer, controls: Controls,
 *   take: object|null}} StartRequest `take`: the audio thread's, when the Worker takes over →
 *   EngineParams
 * @typedef {{model: object}} AudioEngineRequest → `{meta, weights}` (name → Float32Array)
 * @typedef {{controls: Controls}} ControlsMessage
 * @typedef {{octaveShift:number|null, semitoneShift:number, reverbWet:number, tarafLevel:number,
 *   vibratoLevel:number, chikari?:boolean, scale:{saMidi:number, degrees:number[]},
 *   tuning:{saHz:number, semitones:number[], strength:number}|null}} Controls the mapping stage's
 *   and the idiom's (engine/idiom/): Sa as a MIDI number, the raga's swaras as semitones above it
 *   (0-11); tuning: gentle raga tuning (engine/raga-tuning.js, strength 0…1), null when off
 * @typedef {{count: number}} UnderrunsMessage the output worklet's underruns so far
 * @typedef {{action: "loseWebGLContext"}} ProbeRequest only with ?probe=1
 * @typedef {{host:"worker"|"audio", backend:string, blockFrames:number, hopSamples:number,
 *   sampleRate:number, analysisSamples:number, synthLookaheadSamples:number}} EngineParams
 */
export const WORKER_REQUEST = Object.freeze({
  INIT: "init",
  LOAD: "load",
  START: "start",
  AUDIO_ENGINE: "audioEngine",
  STOP: "stop",
  CONTROLS: "controls",
  UNDERRUNS: "underruns",
  PROBE: "probe",
});

/**
 * Engine → page: from the Worker, from the engine worklet (host "audio"), or from EngineClient
 * itself (SWITCHED when it moves the engine off the audio thread).
 * @typedef {{id:number, ok:boolean, result?:any, error?:string}} Reply Worker only
 * @typedef {{modelId:string, choice:{backend:string, blockFrames:number, p50Ms:number, p99Ms:number,
 *   keepsUp:boolean, reason:string, host:"audio"|"worker", hostReason:string}, measurements:object[]}} BackendEvent
 * @typedef {{from:object, to:object, reason:string, params?:EngineParams}} SwitchedEvent
 * @typedef {{inputF0Hz:number, f0Hz:number}} PitchEvent at most UI_UPDATES_PER_SECOND
 * @typedef {{host:string, modelId:string, backend:string, blockFrames:number, blocks:number,
 *   droppedFrames:number, overflowSamples:number, load:number, octaveShift:number|null,
 *   underruns?:number, blockMsP50?:number, blockMsP99?:number, numTensors?:number,
 *   switches?:object[], take?:object}} StatsEvent ENGINE_STATS_PER_SECOND; numTensors only
 *   where TF.js runs, take only from the audio thread
 * @typedef {{octaveShift:number|null}} BlockEvent only with ?probe=1, when it changes
 * @typedef {{params: EngineParams}} StartedEvent the engine worklet built its engine
 * @typedef {{message: string}} ErrorEvent
 */
export const ENGINE_EVENT = Object.freeze({
  REPLY: "reply",
  BACKEND: "backend",
  SWITCHED: "switched",
  PITCH: "pitch",
  STATS: "stats",
  BLOCK: "block",
  STARTED: "started",
  ERROR: "error",
});

/**
 * Page → engine worklet (audio/engine-node.js → worklets/engine-processor.js).
 * @typedef {{meta:object, weights:Object<string, Float32Array>}} ModelMessage an instrument
 *   switch, applied between two blocks
 * CONTROLS carries ControlsMessage; STOP nothing.
 */
export const ENGINE_NODE_MESSAGE = Object.freeze({ CONTROLS: "controls", MODEL: "model", STOP: "stop" });

/**
 * Capture worklet → page.
 * @typedef {{levelDb:number, f0Hz:number, confidence:number, dropped:number}} LevelEvent
 *   UI_UPDATES_PER_SECOND; f0Hz 0 when unvoiced
 * @typedef {{frame:number}} OnsetEvent a phrase onset on the context's frame clock (capture and output)
 */
export const CAPTURE_EVENT = Object.freeze({ LEVEL: "level", ONSET: "onset" });

/**
 * Output worklet → page.
 * @typedef {{underruns:number, marginSamples:number, trimmedSamples:number, bufferedSamples:number}} OutputStatsEvent
 *   OUTPUT_STATS_PER_SECOND
 */
export const OUTPUT_EVENT = Object.freeze({ STATS: "stats", ONSET: "onset" });

/**
 * Page → output worklet.
 * @typedef {{blockSamples:number}} BlockSizeMessage the engine's new block (model-rate samples)
 * @typedef {{margins:{startMs:number, leastMs:number}}} MarginsMessage the engine moved: the margin its
 *   new host starts with and the least (audio/output.js outputMarginMs)
 */
export const OUTPUT_MESSAGE = Object.freeze({ BLOCK: "block", MARGINS: "margins", STOP: "stop" });

/**
 * Recorder worklet → page: tracks transferred, one second each; DONE is the last.
 * @typedef {{tracks: Float32Array[]}} RecorderChunkEvent
 * Page → recorder worklet: STOP `{atTime}` (context time).
 */
export const RECORDER_EVENT = Object.freeze({ CHUNK: "chunk", DONE: "done" });
export const RECORDER_MESSAGE = Object.freeze({ STOP: "stop" });

/**
 * Probe worklet → probe (?probe=1 only).
 * @typedef {{events:number, lateQuanta:number, worstMs:number}} LateEvent PROBE_REPORTS_PER_SECOND
 */
export const PROBE_EVENT = Object.freeze({ LATE: "late" });

/** Page → capture and probe worklets: the node's last message. */
export const WORKLET_MESSAGE = Object.freeze({ STOP: "stop" });
