// The globals an AudioWorkletGlobalScope gives a processor module, set up in node so a test can
// import a worklet (static/js/worklets/*-processor.js) and drive its class quantum by quantum.

/**
 * Imports a processor module inside a stand-in AudioWorkletGlobalScope and returns the class it
 * registered. Each processor's port records what it posts in `port.sent`.
 * @param {string} moduleUrl the processor module (an import specifier or file URL)
 * @param {Object<string, number>} scope the scope's globals the module reads (sampleRate,
 *   currentFrame, currentTime …)
 * @returns {Promise<Function>} the registered AudioWorkletProcessor subclass
 */
export async function loadProcessor(moduleUrl, scope) {
  let registered = null;
  globalThis.AudioWorkletProcessor = class {
    constructor() {
      this.port = { sent: [], onmessage: null, postMessage(m) { this.sent.push(m); } };
    }
  };
  globalThis.registerProcessor = (name, cls) => { registered = cls; };
  Object.assign(globalThis, scope);
  await import(moduleUrl);
  if (!registered) throw new Error(`${moduleUrl} registered no processor`);
  return registered;
}
