// Offline: registers the service worker (/sw.js) that precaches the app, so after one visit the
// page loads and plays with no network. Browsers without service workers (or over plain HTTP
// off localhost) simply stay online-only.

/** @returns {Promise<ServiceWorkerRegistration|null>} null where service workers are unavailable */
export async function registerOffline() {
  if (!("serviceWorker" in navigator) || !globalThis.isSecureContext) return null;
  try {
    return await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  } catch (err) {
    console.warn(`Offline mode unavailable: ${err.message}`);
    return null;
  }
}
