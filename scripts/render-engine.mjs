// A voice through each instrument with the engine the default page runs on the audio thread
// (plain-JS decoder and synth, 1-frame blocks, the instrument's idiom), in node: what a singer
// hears, offline. The factory's demos (factory/engine_render.py) and the idiom benchmark use it.
//   node scripts/render-engine.mjs --voice voice.f32 --out DIR [--models DIR] [--instrument ID ...]
//        [--scale '{"saMidi":57,"degrees":[0,2,4,6,7,9,11]}']
// voice.f32: float32 little-endian samples at the models' rate. Writes DIR/<id>.f32 (the output,
// the synth's look-ahead removed) and DIR/<id>.json {askedF0Hz, gate} per frame.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";

import { CpuStreamingDecoder, cpuWeightNames } from "../static/js/engine/decoder-cpu.js";
import { Engine } from "../static/js/engine/engine.js";

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  if (i >= 0) return args[i + 1];
  if (fallback === undefined) throw new Error(`scripts/render-engine.mjs: --${name} is required`);
  return fallback;
};
const instruments = args.flatMap((a, i) => (a === "--instrument" ? [args[i + 1]] : []));
const models = pathToFileURL(`${resolve(opt("models", new URL("../static/models", import.meta.url).pathname))}/`);

/** A model's metadata and its plain-JS decoder's weights (decoded as TF.js would). */
function loadModel(id) {
  const meta = { ...JSON.parse(readFileSync(new URL(`${id}/metadata.json`, models))), id };
  const graph = JSON.parse(readFileSync(new URL(`${id}/${meta.streaming.model}`, models)));
  const [group] = graph.weightsManifest;
  const bin = readFileSync(new URL(`${id}/${group.paths[0]}`, models));
  const tensors = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length), group.weights);
  const weights = Object.fromEntries(cpuWeightNames(meta).map((n) => [n, Float32Array.from(tensors[n].dataSync())]));
  tf.dispose(Object.values(tensors));
  return { meta, weights };
}

await tf.setBackend("cpu");
const bytes = readFileSync(opt("voice"));
const voice = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
const scale = JSON.parse(opt("scale", "null"));
const out = opt("out");
const ids = instruments.length ? instruments
  : readdirSync(models).sort().filter((d) => existsSync(new URL(`${d}/metadata.json`, models)));
for (const id of ids) {
  const { meta, weights } = loadModel(id);
  const decoder = new CpuStreamingDecoder(weights, meta, { maxBlockFrames: 1 });
  decoder.warmUp();
  const engine = new Engine({ meta, decoder, blockFrames: 1, controls: scale ? { scale } : {} });
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
