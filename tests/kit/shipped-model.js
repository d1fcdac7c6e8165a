// The first shipped model, for node tests that run the real engine: its metadata and its
// plain-JS decoder's weights, decoded from the streaming graph's shard as TF.js would.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";

import { cpuWeightNames } from "../../static/js/engine/decoder-cpu.js";

const MODELS = new URL("../../static/models/", import.meta.url);

/** @returns {Promise<{meta:object, weights:Object<string, Float32Array>}>} meta with its `id` */
export async function firstModel() {
  const id = readdirSync(MODELS).sort().find((d) => existsSync(new URL(`${d}/metadata.json`, MODELS)));
  assert.ok(id, "no shipped model in static/models");
  const meta = JSON.parse(readFileSync(new URL(`${id}/metadata.json`, MODELS)));
  const graph = JSON.parse(readFileSync(new URL(`${id}/${meta.streaming.model}`, MODELS)));
  const [group] = graph.weightsManifest;
  const bin = readFileSync(new URL(`${id}/${group.paths[0]}`, MODELS));
  await tf.setBackend("cpu");
  const tensors = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length), group.weights);
  const weights = Object.fromEntries(cpuWeightNames(meta).map((n) => [n, Float32Array.from(tensors[n].dataSync())]));
  tf.dispose(Object.values(tensors));
  return { meta: { ...meta, id }, weights };
}
