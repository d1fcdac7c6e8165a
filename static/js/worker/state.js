// The engine Worker's state, shared by its modules (one Worker, one page: one instance).

export const state = {
  options: {}, // {backend, blockFrames, host, wasmThreads, forceF16, probe, remembered} from the page, at init
  backends: null, // {measurements, choice}
  backend: null,
  blockFrames: null,
  model: null,
  controls: {},
  session: null,
};

/** Posts a message to the page. */
export const post = (msg) => self.postMessage(msg);

export const now = () => performance.now();
