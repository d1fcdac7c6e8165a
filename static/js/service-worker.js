// Service worker (served as /sw.js): the app works offline after one visit.
// __SWARA_VERSION__ and __SWARA_PRECACHE__ are filled in by scripts/service-worker.mjs.
/* global __SWARA_VERSION__, __SWARA_PRECACHE__ */
const CACHE = `swara-${__SWARA_VERSION__}`;
const PRECACHE = __SWARA_PRECACHE__;
// Asked of the network first (a new deploy shows at once), from the cache when offline.
const NETWORK_FIRST = new Set(["/", "/models/manifest.json"]);

self.addEventListener("install", (event) => {
  // cache: "reload" skips the HTTP cache, so the precache is this deploy's bytes.
  event.waitUntil(
    caches.open(CACHE).then((c) => c.addAll(PRECACHE.map((url) => new Request(url, { cache: "reload" })))).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("swara-") && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

async function networkFirst(request, path) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(path, response.clone());
    return response;
  } catch (err) {
    const cached = await cache.match(path);
    if (cached) return cached;
    throw err;
  }
}

async function cacheFirst(request) {
  const cached = await caches.match(request, { cacheName: CACHE });
  return cached || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (NETWORK_FIRST.has(url.pathname)) event.respondWith(networkFirst(event.request, url.pathname));
  else if (PRECACHE.includes(url.pathname)) event.respondWith(cacheFirst(new Request(url.pathname)));
});
