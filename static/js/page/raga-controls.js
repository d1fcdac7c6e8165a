// The raga controls: the Raga picker and what it says of the raga, Find my Sa, and gentle raga
// tuning (on/off and strength, off by default). Remembered (preferences). DOM only: the wiring
// (riyaz.js) decides what they do.
import { RAGAS, getRaga } from "../dsp/ragas.js";
import { $ } from "./dom.js";
import { preferences } from "./preferences.js";

const TRADITIONS = [["hindustani", "Hindustani"], ["carnatic", "Carnatic"]];

/** "Aroha .N R G M' D N S' · Avaroha … · vadi Ga, samvadi Ni · Kalyan thaat". */
function describeRaga(raga) {
  if (!raga) return "No raga: all twelve swaras, as a harmonium's keys.";
  const vadiWord = raga.tradition === "carnatic" ? `vadi ${raga.vadi}, samvadi ${raga.samvadi} (as ${raga.counterpart})` : `vadi ${raga.vadi}, samvadi ${raga.samvadi}`;
  return `Aroha ${raga.aroha} · Avaroha ${raga.avaroha} · ${vadiWord} · ${raga.family} · tanpura on ${raga.tanpura}`;
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
