// The raga controls: the Raga picker and what it says of the raga, Find my Sa, and gentle raga
// tuning (on/off and strength, off by default). Remembered (preferences). DOM only: the wiring
// (riyaz.js) decides what they do.
import { RAGAS, getRaga, parseSwaras } from "../dsp/ragas.js";
import { swaraShortAt } from "../dsp/sargam.js";
import { $ } from "./dom.js";
import { preferences } from "./preferences.js";

const TRADITIONS = [["hindustani", "Hindustani"], ["carnatic", "Carnatic"]];

/** Swara tokens as the chart names them: komal in lower case, tivra Ma', a dot below (mandra) or above (taar). */
const sargam = (tokens) => parseSwaras(tokens).map(swaraShortAt).join(" ");

/** "Aroha Nị Re Ga Ma' Dha Ni Saṡ · Avaroha … · vadi Ga, samvadi Ni · Kalyan thaat · tanpura on Pa". */
function describeRaga(raga) {
  if (!raga) return "No raga: all twelve swaras, as a harmonium's keys.";
  const roles = `vadi ${sargam(raga.vadi)}, samvadi ${sargam(raga.samvadi)}${raga.counterpart ? ` (as ${raga.counterpart})` : ""}`;
  return `Aroha ${sargam(raga.aroha)} · Avaroha ${sargam(raga.avaroha)} · ${roles} · ${raga.family} · tanpura on ${sargam(raga.tanpura)}`;
}

/**
 * @param {{onRaga:(raga:object|null)=>void, onTuning:(t:{on:boolean, strength:number})=>void,
 *          onFindSa:()=>void}} h
 * @returns {{raga:object|null, tuning:{on:boolean, strength:number}}} the remembered choices
 */
export function bindRagaControls({ onRaga, onTuning, onFindSa }) {
  const select = $("raga");
  select.replaceChildren(new Option("None", "none"), ...TRADITIONS.map(([tradition, label]) => {
    const group = document.createElement("optgroup");
    group.label = label;
    group.append(...RAGAS.filter((r) => r.tradition === tradition).map((r) => new Option(r.name, r.id)));
    return group;
  }));
  select.value = preferences.get("raga");
  const showRaga = () => { $("raga-info").textContent = describeRaga(getRaga(select.value)); };
  showRaga();
  select.addEventListener("change", () => {
    preferences.set("raga", select.value);
    showRaga();
    onRaga(getRaga(select.value));
  });

  const on = $("raga-tuning"), strength = $("raga-tuning-strength"), out = $("raga-tuning-strength-out");
  on.checked = preferences.get("ragaTuning");
  strength.value = String(preferences.get("ragaTuningStrength"));
  const tuning = () => {
    out.textContent = `${Math.round(Number(strength.value) * 100)}%`;
    strength.disabled = !on.checked;
    return { on: on.checked, strength: Number(strength.value) };
  };
  on.addEventListener("change", () => {
    preferences.set("ragaTuning", on.checked);
    onTuning(tuning());
  });
  strength.addEventListener("input", () => {
    preferences.set("ragaTuningStrength", strength.value);
    onTuning(tuning());
  });

  $("find-sa").addEventListener("click", onFindSa);
  return { raga: getRaga(select.value), tuning: tuning() };
}

/**
 * Find my Sa's button (pressed while listening; a tap then finishes) and what it says.
 * @param {{listening:boolean, text:string}} s
 */
export function showFindSa({ listening, text }) {
  $("find-sa").setAttribute("aria-pressed", listening ? "true" : "false");
  $("find-sa-status").textContent = text;
}
