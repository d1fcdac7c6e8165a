// The instrument's playing controls, beside the tuning controls: the taraf's level (sarangi,
// sitar), the chikari (sitar) and how much of the singer's vibrato it plays (every instrument that
// has a vibrato depth). Only those the chosen instrument has are shown (instruments.js
// playingControls); the choices are remembered.
import { depthAtLevel } from "../dsp/vibrato-depth.js";
import { $ } from "./dom.js";
import { playingControls } from "./instruments.js";
import { preferences } from "./preferences.js";

/**
 * @param {(c:{tarafLevel:number, vibratoLevel:number, chikari:boolean|undefined})=>void} onChange
 * @returns {{values:()=>{tarafLevel:number, vibratoLevel:number, chikari:boolean|undefined},
 *   showFor:(meta:object|null)=>void}} values: chikari undefined until the singer sets it (the
 *   instrument's own default)
 */
export function bindPlaying(onChange) {
  const taraf = $("taraf"), chikari = $("chikari"), vibrato = $("vibrato");
  taraf.value = String(preferences.get("tarafLevel"));
  vibrato.value = String(preferences.get("vibratoLevel"));
  const chosen = preferences.get("chikari");
  if (chosen !== null) chikari.checked = chosen;
  let current = null; // the chosen instrument's metadata
  const values = () => {
    $("taraf-out").textContent = `${Math.round(Number(taraf.value) * 100)}%`;
    const own = current && current.playing && current.playing.vibrato;
    // the share of the singer's vibrato played, as the engine computes it
    $("vibrato-out").textContent = own ? `${Math.round(100 * depthAtLevel(own.depth, Number(vibrato.value)))}% of yours` : "";
    return { tarafLevel: Number(taraf.value), vibratoLevel: Number(vibrato.value), chikari: preferences.get("chikari") ?? undefined };
  };
  taraf.addEventListener("input", () => {
    preferences.set("tarafLevel", taraf.value);
    onChange(values());
  });
  vibrato.addEventListener("input", () => {
    preferences.set("vibratoLevel", vibrato.value);
    onChange(values());
  });
  chikari.addEventListener("change", () => {
    preferences.set("chikari", chikari.checked);
    onChange(values());
  });
  values();
  return {
    values,
    showFor(meta) {
      current = meta;
      const has = playingControls(meta);
      $("taraf-row").hidden = !has.taraf;
      $("chikari-row").hidden = !has.chikari;
      $("vibrato-row").hidden = !has.vibrato;
      if (has.chikari && preferences.get("chikari") === null) chikari.checked = meta.playing.chikari.default_on;
      $("playing").hidden = !has.taraf && !has.chikari && !has.vibrato;
      values();
    },
  };
}
