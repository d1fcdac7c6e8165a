// Bundles static/js ES modules into static/build/ (ignored) and copies the TF.js WASM
// binaries beside them, so the page needs no network beyond this server.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

import { writeServiceWorker } from "./service-worker.mjs";

const out = "static/build";
rmSync(join(out, "chunks"), { recursive: true, force: true }); // content-hashed: old ones would pile up
mkdirSync(join(out, "wasm"), { recursive: true });

const common = { bundle: true, format: "esm", target: "es2022", sourcemap: true, minify: true, logLevel: "warning" };
// One build with code splitting: the engine Worker and the test kit share one copy of TF.js (two
// copies would share TF.js's global engine but not its kernel registry); the page loads none.
const pageBuild = await build({
  metafile: true,
  ...common,
  entryPoints: { app: "static/js/page/main.js", testkit: "tests/kit/testkit.js", "engine-worker": "static/js/worker/engine-worker.js" },
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

const wasmDir = "node_modules/@tensorflow/tfjs-backend-wasm/dist";
for (const f of readdirSync(wasmDir).filter((f) => f.endsWith(".wasm"))) copyFileSync(join(wasmDir, f), join(out, "wasm", f));
// The service worker precaches what the page needs offline (the test kit and probe are left out).
await writeServiceWorker({ metafiles: [pageBuild.metafile, workletBuild.metafile], out, skipEntries: ["testkit", "probe-processor"] });
console.log("bundled into", out);
