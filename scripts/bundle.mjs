// Bundles static/js ES modules into static/build/ (ignored) and copies the TF.js WASM
// binaries beside them, so the page needs no network beyond this server. The test kit (the
// stages for browser tests and benchmarks) goes to tests/build/, which the app never serves
// (tests/serving.py mounts it for tests).
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

import { writeServiceWorker } from "./service-worker.mjs";

const out = "static/build";
const testOut = "tests/build";
rmSync(out, { recursive: true, force: true }); // content-hashed chunks would pile up, moved entries linger
mkdirSync(join(out, "wasm"), { recursive: true });

const common = { bundle: true, format: "esm", target: "es2022", sourcemap: true, minify: true, logLevel: "warning" };
// One build with code splitting (the page and the engine Worker share chunks); the page's own
// code loads no TF.js.
const pageBuild = await build({
  metafile: true,
  ...common,
  entryPoints: { app: "static/js/page/main.js", "engine-worker": "static/js/worker/engine-worker.js" },
  outdir: out,
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  loader: { ".glsl": "text" },
});
const workletBuild = await build({
  ...common,
  metafile: true,
  entryPoints: {
    "capture-processor": "static/js/worklets/capture-processor.js",
    "output-processor": "static/js/worklets/output-processor.js",
    "engine-processor": "static/js/worklets/engine-processor.js",
    "recorder-processor": "static/js/worklets/recorder-processor.js",
    "probe-processor": "static/js/worklets/probe-processor.js",
  },
  outdir: out,
});

// The test kit: one bundle, so one copy of TF.js in the page that imports it (two copies would
// share TF.js's global engine but not its kernel registry).
rmSync(testOut, { recursive: true, force: true });
await build({ ...common, entryPoints: { testkit: "tests/kit/testkit.js" }, outdir: testOut, loader: { ".glsl": "text" } });

const wasmDir = "node_modules/@tensorflow/tfjs-backend-wasm/dist";
for (const f of readdirSync(wasmDir).filter((f) => f.endsWith(".wasm"))) copyFileSync(join(wasmDir, f), join(out, "wasm", f));
// The service worker precaches what the page needs offline (the probe is left out).
await writeServiceWorker({ metafiles: [pageBuild.metafile, workletBuild.metafile], out, skipEntries: ["probe-processor"] });
console.log("bundled into", out, "and the test kit into", testOut);
