// Riyaz: the chosen raga drives the sargam trace's swaras, the tanpura's first string and the
// engine's gentle tuning; Find my Sa listens to the singing and sets Sa to the cent; each take's
// sung pitch becomes the Riyaz report after Stop, beside earlier takes kept on this device.
// Wiring only: the numbers come from dsp/ (ragas, sa-listener, riyaz-stats).
import { UI_UPDATES_PER_SECOND } from "../config.js";
import { ragaSemitones, tanpuraFirstString } from "../dsp/ragas.js";
import { compareWithEarlier, riyazCsv, riyazStats } from "../dsp/riyaz-stats.js";
import { SaListener } from "../dsp/sa-listener.js";
import { saLabel } from "../dsp/sargam.js";
import { preferences, saHz } from "./preferences.js";
import { bindRagaControls, showFindSa } from "./raga-controls.js";
import * as readouts from "./readouts.js";
import { createRiyazHistory } from "./riyaz-history.js";
import { showRiyazReport } from "./riyaz-report.js";

/** A take shorter than this (voiced) gets no report. */
const MIN_REPORT_SECONDS = 1;

/**
 * @param {{onTuning:()=>void, onTanpura:()=>void, startSinging:()=>Promise<boolean>}} h
 *   onTuning: the engine's tuning changed (read tuning()); onTanpura: the drone's Sa or first
 *   string changed (read saHz() and tanpuraStrings()); startSinging: starts a take unless one
 *   runs, false when it could not
 */
export function createRiyaz({ onTuning, onTanpura, startSinging }) {
  const listener = new SaListener({ frameRate: UI_UPDATES_PER_SECOND });
  const history = createRiyazHistory();
  let take = null; // the take's sung pitch readings (Hz, 0 unvoiced), while singing
  const state = bindRagaControls({
    onRaga: (raga) => {
      state.raga = raga;
      readouts.setRaga(raga && ragaSemitones(raga));
      onTuning();
      onTanpura();
    },
    onTuning: (tuning) => {
      state.tuning = tuning;
      onTuning();
    },
    onFindSa: () => findSa(),
  });
  readouts.setRaga(state.raga && ragaSemitones(state.raga));
  readouts.onSaChange(() => {
    onTuning();
    onTanpura();
  });

  async function findSa() {
    if (listener.listening) return found(listener.finish());
    if (!(await startSinging())) return undefined;
    listener.start(state.raga);
    showFindSa({ listening: true, text: "Listening… hold your Sa, or sing a phrase that ends on Sa, then rest." });
    return undefined;
  }

  function found(result) {
    if (!result) return showFindSa({ listening: false, text: "Too little singing heard: hold your Sa for 3 seconds, then rest." });
    const midi = Math.round(result.saMidi * 100) / 100; // to the cent
    readouts.setSa(midi);
    return showFindSa({ listening: false, text: `Sa set to ${saLabel(midi)}.` });
  }

  function report(readings) {
    const semitones = state.raga && ragaSemitones(state.raga);
    const stats = riyazStats(readings, { frameRate: UI_UPDATES_PER_SECOND, saHz: saHz(), semitones });
    if (stats.voicedSeconds < MIN_REPORT_SECONDS) return;
    const ragaId = state.raga ? state.raga.id : "none";
    const at = new Date().toISOString();
    const comparison = compareWithEarlier(stats, history.takes(ragaId));
    history.remember({ at, raga: ragaId, saHz: saHz(), swaras: stats.swaras });
    const title = `${state.raga ? state.raga.name : "No raga"} · Sa ${saLabel(preferences.get("saMidi"))}`;
    showRiyazReport({
      report: stats, comparison, title,
      csv: riyazCsv(stats, { raga: state.raga ? state.raga.name : "none", saHz: saHz(), at }, comparison),
      // named as the take's WAV is (take-view.js), so the two sit side by side
      filename: `swara-riyaz-${ragaId}-${at.slice(0, 19).replace(/[T:]/g, "-")}.csv`,
    });
  }

  return {
    /** One sung pitch reading from the capture worklet (Hz, 0 when unvoiced). */
    feed(f0Hz) {
      if (take) take.push(f0Hz);
      const result = listener.feed(f0Hz);
      if (result !== undefined) found(result);
    },
    /** A take starts (Sing). */
    begin() {
      take = [];
    },
    /** The take ends (Stop): its report. */
    end() {
      if (listener.listening) {
        listener.cancel();
        showFindSa({ listening: false, text: "" });
      }
      if (take) report(take);
      take = null;
    },
    /** The raga's swaras as semitones above Sa (0…11; all twelve with no raga). */
    semitones() {
      return ragaSemitones(state.raga);
    },
    /** The engine's controls.tuning: {saHz, semitones, strength}, or null when off. */
    tuning() {
      return state.tuning.on ? { saHz: saHz(), semitones: ragaSemitones(state.raga), strength: state.tuning.strength } : null;
    },
    /** The drone's strings: {firstStringRatio} of the raga (Pa with none). */
    tanpuraStrings() {
      return { firstStringRatio: tanpuraFirstString(state.raga).ratio };
    },
  };
}
