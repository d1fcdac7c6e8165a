// The tree shows where code runs (docs/architecture.md): these rules keep it so. Each follows a
// folder's imports through to every module they reach, as the bundle resolves them.
import assert from "node:assert/strict";
import { test } from "node:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { JS_DIR, ROOT, closure, codeOf, importGraph, sourceFiles } from "../fixtures/source-tree.mjs";

const graph = importGraph();
const files = sourceFiles();
const inFolder = (folder) => files.filter((f) => f.startsWith(`${folder}/`));
const isTfjs = (path) => path.startsWith("@tensorflow/");

/** Globals that exist only where there is a document (a page), never in a Worker or worklet. */
const DOM_GLOBALS = ["document", "window", "localStorage", "sessionStorage", "HTMLElement", "requestAnimationFrame", "getComputedStyle"];
const touchesDom = (file) => DOM_GLOBALS.filter((g) => new RegExp(`(?<![.\\w$])${g}\\b`).test(codeOf(file)));

/** `file`'s reachable modules that break `allowed(path)`, with the rule's name for the message. */
function breaking(file, allowed) {
  return closure(graph, file).filter((p) => !allowed(p));
}

test("the rules see every module: the folders by where code runs hold every file but the top level", () => {
  const folders = new Set(files.filter((f) => f.includes("/")).map((f) => f.split("/")[0]));
  assert.deepEqual([...folders].sort(), ["audio", "dsp", "engine", "gpu", "page", "probe", "worker", "worklets"]);
  for (const f of files) assert.ok(graph.has(f), `${f} is not in the import graph`);
});

test("engine/ and dsp/ import no TF.js and nothing from page/, audio/, worker/ or gpu/", () => {
  for (const f of [...inFolder("engine"), ...inFolder("dsp")]) {
    const bad = breaking(f, (p) => !isTfjs(p) && !/^(page|audio|worker|gpu|worklets|probe)\//.test(p));
    assert.deepEqual(bad, [], `${f} reaches ${bad.join(", ")}`);
  }
});

test("engine/ and dsp/ touch no DOM global", () => {
  for (const f of [...inFolder("engine"), ...inFolder("dsp")]) assert.deepEqual(touchesDom(f), [], `${f} touches the DOM`);
});

test("page/ and audio/ reach nothing in worker/ or gpu/ and no TF.js: the page's main thread runs none", () => {
  for (const f of [...inFolder("page"), ...inFolder("audio")]) {
    const bad = breaking(f, (p) => !isTfjs(p) && !/^(worker|gpu)\//.test(p));
    assert.deepEqual(bad, [], `${f} reaches ${bad.join(", ")}`);
  }
});

test("worklets reach only pure modules (dsp/, engine/) and config.js, protocol.js", () => {
  for (const f of inFolder("worklets")) {
    const bad = breaking(f, (p) => ["config.js", "protocol.js", "fft.js"].includes(p) || /^(dsp|engine)\//.test(p));
    assert.deepEqual(bad, [], `${f} reaches ${bad.join(", ")}`);
    for (const p of closure(graph, f).filter((x) => x.endsWith(".js") && graph.has(x))) assert.deepEqual(touchesDom(p), [], `${f} reaches ${p}, which touches the DOM`);
  }
});

test("only gpu/shaders.js reaches the shaders folder", () => {
  const reaching = files.filter((f) => (graph.get(f) || []).some((i) => i.path.endsWith(".glsl")));
  assert.deepEqual(reaching, ["gpu/shaders.js"]);
});

test("the DOM check sees a DOM global in code, not in a string or a property", () => {
  // The rule's own check, on this repository's page code: page/dom.js uses document.
  assert.deepEqual(touchesDom("page/dom.js"), ["document"]);
  assert.deepEqual(touchesDom("dsp/stats.js"), []);
});

test("one pitch tracker: only engine/pitch-tracker.js runs YIN, for the engine's features and the capture readout", () => {
  const users = files.filter((f) => (graph.get(f) || []).some((i) => i.path === "dsp/yin.js"));
  assert.deepEqual(users, ["engine/pitch-tracker.js"]);
  for (const f of ["engine/features.js", "worklets/capture-processor.js"]) assert.ok(closure(graph, f).includes("engine/pitch-tracker.js"), f);
});

test("static/js stays readable: at most 8 files at its top, none over 300 lines", () => {
  const top = files.filter((f) => !f.includes("/"));
  assert.ok(top.length <= 8, `top level: ${top.join(", ")}`);
  const long = files.map((f) => [f, readFileSync(join(ROOT, JS_DIR, f), "utf8").split("\n").length - 1]).filter(([, n]) => n > 300);
  assert.deepEqual(long, [], "files over 300 lines");
});
