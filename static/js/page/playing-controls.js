// The instrument's playing controls, beside the tuning controls: the taraf's level (sarangi,
// sitar) and the chikari (sitar). Only those the chosen instrument has are shown
// (instruments.js playingControls); the choices are remembered.
import { $ } from "./dom.js";
import { playingControls } from "./instruments.js";
import { preferences } from "./preferences.js";

/**
 * @param {(c:{tarafLevel:number, chikari:boolean|undefined})=>void} onChange
 * @returns {{values:()=>{tarafLevel:number, chikari:boolean|undefined}, showFor:(meta:object|null)=>void}}
 *   values: chikari undefined until the singer sets it (the instrument's own default)
 */
export function bindPlaying(onChange) {
  const taraf = $("taraf"), chikari = $("chikari");
  taraf.value = String(preferences.get("tarafLevel"));
  const chosen = preferences.get("chikari");
  if (chosen !== null) chikari.checked = chosen;
  const values = () => {
    $("taraf-out").textContent = `${Math.round(Number(taraf.value) * 100)}%`;
    return { tarafLevel: Number(taraf.value), chikari: preferences.get("chikari") ?? undefined };
  };
  taraf.addEventListener("input", () => {
    preferences.set("tarafLevel", taraf.value);
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
      const has = playingControls(meta);
      $("taraf-row").hidden = !has.taraf;
      $("chikari-row").hidden = !has.chikari;
      if (has.chikari && preferences.get("chikari") === null) chikari.checked = meta.playing.chikari.default_on;
      $("playing").hidden = !has.taraf && !has.chikari;
    },
  };
}
