// Builds static/build/sw.js: the service worker with its precache list and version baked in.
// The list is what the page loads (esbuild's metafile, followed from the page's entry points, so
// stale chunks of earlier builds are left out), the TF.js WASM binaries, the CSS, icons, web app
// manifest, the page itself and every model. The version is a hash of all their bytes (and the
// page template's): a new deploy is a new sw.js, whose cache replaces the old one on activation.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

import { build } from "esbuild";

const STATIC = "static";

function filesUnder(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out.sort();
}

/** Outputs reachable from the entry points not in `skipEntries` (static and dynamic imports). */
function reachableOutputs(metafile, skipEntries) {
  const outputs = metafile.outputs;
  const roots = Object.keys(outputs).filter((o) => outputs[o].entryPoint && !skipEntries.some((s) => o.endsWith(`/${s}.js`)));
  const seen = new Set();
  const visit = (o) => {
    if (seen.has(o) || !outputs[o]) return;
    seen.add(o);
    for (const imp of outputs[o].imports) visit(imp.path);
  };
  roots.forEach(visit);
  return [...seen];
}

/**
 * What the page fetches of each model: metadata.json, the graph it names (streaming.model) and
 * that graph's weight shards; whatever else a model folder holds (notes, reports) is left out.
 */
function modelFiles(modelsDir) {
  let names;
  try {
    names = readdirSync(modelsDir).filter((n) => !n.startsWith("."));
  } catch {
    return []; // no models built yet: nothing to cache
  }
  const files = [];
  for (const name of names) {
    const metaPath = join(modelsDir, name, "metadata.json");
    if (!existsSync(metaPath)) continue;
    const graph = JSON.parse(readFileSync(metaPath, "utf8")).streaming?.model;
    if (!graph || !existsSync(join(modelsDir, name, graph))) continue; // the manifest lists it as broken
    const shards = JSON.parse(readFileSync(join(modelsDir, name, graph), "utf8")).weightsManifest.flatMap((g) => g.paths);
    files.push(metaPath, ...[graph, ...shards].map((f) => join(modelsDir, name, f)));
  }
  return files;
}

/**
 * @param {{metafiles: object[], out: string, skipEntries: string[]}} o
 * @returns {Promise<{version: string, urls: string[]}>}
 */
export async function writeServiceWorker({ metafiles, out, skipEntries }) {
  const files = new Set();
  for (const m of metafiles) reachableOutputs(m, skipEntries).forEach((f) => files.add(f));
  for (const dir of [join(out, "wasm"), join(STATIC, "css"), join(STATIC, "icons")]) {
    filesUnder(dir).filter((f) => !f.split("/").pop().startsWith(".")).forEach((f) => files.add(f));
  }
  modelFiles(join(STATIC, "models")).forEach((f) => files.add(f));
  files.add(join(STATIC, "manifest.webmanifest"));
  const sorted = [...files].filter((f) => !f.endsWith(".map")).sort();
  const hash = createHash("sha256");
  for (const f of [...sorted, "app/templates/index.html"]) hash.update(f).update(readFileSync(f));
  const version = hash.digest("hex").slice(0, 16);
  const urls = ["/", "/models/manifest.json", ...sorted.map((f) => "/" + relative(".", f).split("\\").join("/"))];
  await build({
    entryPoints: ["static/js/service-worker.js"],
    outfile: join(out, "sw.js"),
    bundle: true,
    format: "iife",
    target: "es2020",
    minify: true,
    logLevel: "warning",
    define: { __SWARA_VERSION__: JSON.stringify(version), __SWARA_PRECACHE__: JSON.stringify(urls) },
  });
  return { version, urls };
}
