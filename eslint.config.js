// ESLint (flat config) over all JavaScript. Globals follow where the code runs (docs/architecture.md):
// no-undef then keeps DOM and Worker globals out of the modules that must run anywhere.
import js from "@eslint/js";
import globals from "globals";

/** What every JS realm here has (page, Worker, audio thread, node): the language plus a console. */
const anywhere = { console: "readonly" };

export default [
  { ignores: ["static/build/", "tests/build/", "node_modules/", ".venv/", "static/models/", "shims/"] },
  js.configs.recommended,
  {
    languageOptions: { ecmaVersion: "latest", sourceType: "module", globals: anywhere },
    rules: {
      "no-unused-vars": ["error", { argsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  { files: ["static/js/page/**", "static/js/audio/**", "static/js/probe/probe.js", "tests/kit/**", "bench/bench*.js"], languageOptions: { globals: globals.browser } },
  { files: ["static/js/worker/**", "static/js/gpu/**"], languageOptions: { globals: globals.worker } },
  { files: ["static/js/worklets/**"], languageOptions: { globals: globals.audioWorklet } },
  { files: ["static/js/service-worker.js"], languageOptions: { globals: globals.serviceworker } },
  { files: ["**/*.mjs", "eslint.config.js"], languageOptions: { globals: globals.node } },
];
