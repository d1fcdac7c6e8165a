// Tanpura player: the rendered drone cycle looped through its own gain to the speakers only.
// It never connects to the capture node, so the pitch tracker hears the singer alone (with
// headphones; a loudspeaker would leak it into the microphone like any sound in the room).
import { renderTanpuraCycle } from "../dsp/tanpura.js";

const FADE_SECONDS = 0.4;

/**
 * @param {BaseAudioContext} context
 * @param {{destination?: AudioNode, volume?: number}} o volume 0…1
 * @returns {{start(saHz:number, strings?:{firstStringRatio?:number}):void, stop():void,
 *            setSa(saHz:number, strings?:{firstStringRatio?:number}):void, setVolume(v:number):void,
 *            readonly playing:boolean, output:GainNode}}
 *   firstStringRatio: the first string's pitch / Sa (the raga's: dsp/ragas.js tanpuraFirstString)
 */
export function createTanpura(context, { destination = context.destination, volume = 0.5 } = {}) {
  const output = context.createGain(); // the volume
  output.gain.value = volume;
  output.connect(destination);
  const cache = new Map(); // Sa and first string → AudioBuffer: re-picking one costs nothing
  let voice = null; // {source, fade}

  function bufferFor(saHz, strings) {
    const key = `${saHz.toFixed(3)} ${strings.firstStringRatio ?? ""}`;
    if (!cache.has(key)) {
      const samples = renderTanpuraCycle({ saHz, sampleRate: context.sampleRate, ...strings });
      const buffer = context.createBuffer(1, samples.length, context.sampleRate);
      buffer.copyToChannel(samples, 0);
      cache.set(key, buffer);
    }
    return cache.get(key);
  }

  function fadeOut(v) {
    const t = context.currentTime;
    v.fade.gain.cancelScheduledValues(t);
    v.fade.gain.setValueAtTime(v.fade.gain.value, t);
    v.fade.gain.linearRampToValueAtTime(0, t + FADE_SECONDS);
    v.source.stop(t + FADE_SECONDS + 0.05);
    v.source.onended = () => v.fade.disconnect();
  }

  function start(saHz, strings = {}) {
    const source = context.createBufferSource();
    source.buffer = bufferFor(saHz, strings);
    source.loop = true;
    const fade = context.createGain();
    const t = context.currentTime;
    fade.gain.setValueAtTime(0, t);
    fade.gain.linearRampToValueAtTime(1, t + FADE_SECONDS);
    source.connect(fade).connect(output);
    source.start(t);
    if (voice) fadeOut(voice); // a new Sa: cross-fade
    voice = { source, fade };
  }

  return {
    start,
    stop() {
      if (voice) fadeOut(voice);
      voice = null;
    },
    setSa(saHz, strings = {}) {
      if (voice) start(saHz, strings);
    },
    setVolume(v) {
      output.gain.setTargetAtTime(Math.max(0, Math.min(1, v)), context.currentTime, 0.05);
    },
    get playing() {
      return voice !== null;
    },
    output,
  };
}

/**
 * The page's drone: a tanpura in its own AudioContext, made on first use (a tap), so it plays
 * whether or not the singer is singing and never shares a graph with the microphone.
 * @param {{volume?: number}} o
 */
export function createDrone({ volume = 0.5 } = {}) {
  let tanpura = null, context = null;
  return {
    /** Starts (in `saHz`, `strings` as createTanpura's) or stops the drone. */
    async setPlaying(on, saHz, strings = {}) {
      if (on && !tanpura) {
        context = new AudioContext({ latencyHint: "playback" });
        tanpura = createTanpura(context, { volume });
      }
      if (!tanpura) return;
      if (on) {
        await context.resume(); // a context made outside a gesture starts suspended
        tanpura.start(saHz, strings);
      } else {
        tanpura.stop();
      }
    },
    setVolume(v) {
      volume = v;
      if (tanpura) tanpura.setVolume(v);
    },
    setSa(saHz, strings = {}) {
      if (tanpura) tanpura.setSa(saHz, strings);
    },
  };
}
