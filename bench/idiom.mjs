// Idiom benchmark, rendering half (node): a sung phrase through each shipped instrument with the
// engine the default page runs on the audio thread (plain-JS decoder and synth, 1-frame blocks,
// the instrument's idiom). bench/run.py (bench_idiom) sings the phrase and measures the output.
//   node bench/idiom.mjs --voice voice.f32 --out DIR --scale '{"saMidi":57,"degrees":[0,2,4,6,7,9,11]}'
// voice.f32: float32 little-endian samples at the models' rate. Writes DIR/<id>.f32 (the output,
// the synth's look-ahead removed) and DIR/<id>.json {askedF0Hz, gate} per frame.
import { readdirSync, readFileSync, existsSync, writeFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";

import { CpuStreamingDecoder, cpuWeightNames } from "../static/js/engine/decoder-cpu.js";
import { Engine } from "../static/js/engine/engine.js";

const MODELS = new URL("../static/models/", import.meta.url);
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) throw new Error(`bench/idiom.mjs: --${name} is required`);
  return args[i + 1];
};

/** A shipped model's metadata and its plain-JS decoder's weights (decoded as TF.js would). */
function loadModel(id) {
  const meta = { ...JSON.parse(readFileSync(new URL(`${id}/metadata.json`, MODELS))), id };
  const graph = JSON.parse(readFileSync(new URL(`${id}/${meta.streaming.model}`, MODELS)));
  const [group] = graph.weightsManifest;
  const bin = readFileSync(new URL(`${id}/${group.paths[0]}`, MODELS));
  const tensors = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length), group.weights);
  const weights = Object.fromEntries(cpuWeightNames(meta).map((n) => [n, Float32Array.from(tensors[n].dataSync())]));
  tf.dispose(Object.values(tensors));
  return { meta, weights };
}

await tf.setBackend("cpu");
const bytes = readFileSync(opt("voice"));
const voice = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
const scale = JSON.parse(opt("scale"));
const out = opt("out");
for (const id of readdirSync(MODELS).sort().filter((d) => existsSync(new URL(`${d}/metadata.json`, MODELS)))) {
  const { meta, weights } = loadModel(id);
  const engine = new Engine({ meta, decoder: new CpuStreamingDecoder(weights, meta, { maxBlockFrames: 1 }), blockFrames: 1, controls: { scale } });
  const asked = [], gate = [];
  const audio = await engine.renderClip(voice, {
    streaming: true,
    onBlock: (b) => { asked.push(...b.f0Hz); gate.push(...b.gate); },
  });
  const played = audio.subarray(engine.synthLookaheadSamples);
  writeFileSync(`${out}/${id}.f32`, Buffer.from(played.buffer, played.byteOffset, played.byteLength));
  writeFileSync(`${out}/${id}.json`, JSON.stringify({ askedF0Hz: asked, gate, analysisSamples: engine.analysisSamples }));
  console.log(`rendered ${id}: ${(played.length / meta.sample_rate).toFixed(2)} s`);
}
