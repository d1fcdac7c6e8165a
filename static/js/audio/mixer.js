// Monitor mix: the instrument and (optionally) the dry voice, each with its level, then the
// output gain and a limiter, to the speakers. Recordings tap the instrument and voice nodes
// before this mix, so what the singer hears does not change what is recorded.

/**
 * The limiter: a soft clipper, the identity below `kneeLevel` and bending smoothly to full scale
 * above it (tanh), so no gain setting can clip. A clipper rather than DynamicsCompressorNode:
 * the compressor's look-ahead would add its delay (6 ms in Chromium) to the live path.
 * Inputs up to `headroom` × full scale are shaped; beyond that they sit at full scale.
 */
export const LIMITER = Object.freeze({ kneeLevel: 0.7, headroom: 4, curvePoints: 4097 });
export const OUTPUT_GAIN_DB_RANGE = Object.freeze([-24, 12]);

/** The limiter's transfer curve for a WaveShaperNode, over inputs −headroom … +headroom. */
export function limiterCurve({ kneeLevel, headroom, curvePoints } = LIMITER) {
  const curve = new Float32Array(curvePoints);
  for (let i = 0; i < curvePoints; i++) {
    const x = headroom * ((2 * i) / (curvePoints - 1) - 1);
    const a = Math.abs(x);
    const y = a <= kneeLevel ? a : kneeLevel + (1 - kneeLevel) * Math.tanh((a - kneeLevel) / (1 - kneeLevel));
    curve[i] = Math.sign(x) * y;
  }
  return curve;
}

const dbToGain = (db) => 10 ** (db / 20);

/**
 * Takes over `instrument`'s output (it is disconnected from wherever it went, the speakers).
 * @param {BaseAudioContext} context
 * @param {{instrument: AudioNode, voice?: AudioNode|null, destination?: AudioNode,
 *          instrumentLevel?: number, voiceLevel?: number, outputGainDb?: number}} o levels 0…1
 * @returns {{setInstrumentLevel(v:number):void, setVoiceLevel(v:number):void, setOutputGainDb(db:number):void,
 *            connectVoice(voice:AudioNode):void, disconnect():void, limiter: WaveShaperNode}}
 */
export function createMixer(context, { instrument, voice = null, destination = context.destination, instrumentLevel = 1, voiceLevel = 0, outputGainDb = 0 }) {
  const inst = new GainNode(context, { gain: instrumentLevel });
  const dry = new GainNode(context, { gain: voiceLevel });
  const out = new GainNode(context, { gain: dbToGain(outputGainDb) });
  const toCurve = new GainNode(context, { gain: 1 / LIMITER.headroom }); // the curve spans ±headroom
  const limiter = new WaveShaperNode(context, { curve: limiterCurve(), oversample: "none" });
  instrument.disconnect();
  instrument.connect(inst).connect(out);
  dry.connect(out);
  const voices = [];
  const connectVoice = (node) => {
    node.connect(dry);
    voices.push(node);
  };
  if (voice) connectVoice(voice);
  out.connect(toCurve).connect(limiter).connect(destination);
  const smooth = (param, v) => param.setTargetAtTime(v, context.currentTime, 0.02); // no zipper noise
  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, Number(v) || 0));
  return {
    setInstrumentLevel: (v) => smooth(inst.gain, clamp(v, 0, 1)),
    setVoiceLevel: (v) => smooth(dry.gain, clamp(v, 0, 1)),
    setOutputGainDb: (db) => smooth(out.gain, dbToGain(clamp(db, ...OUTPUT_GAIN_DB_RANGE))),
    connectVoice, // the microphone opens after the mix is built (main.js start)
    disconnect() {
      instrument.disconnect(inst);
      for (const v of voices) v.disconnect(dry);
      limiter.disconnect();
    },
    limiter,
  };
}
