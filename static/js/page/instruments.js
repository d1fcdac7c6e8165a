// What the instrument cards say: the picture we drew, one line on the sound, the SoundFont the
// model learned from (its metadata.json `source`). An instrument not listed here still gets a
// card, with the generic picture and its metadata's `description` if it has one.

const PICTURES = "/static/icons/instruments";
// Listening demos (factory/demo.py): the sung phrase, then the instrument's answer.
const DEMOS = "/static/demos";

export const INSTRUMENT_NOTES = Object.freeze({
  bansuri: "Bamboo flute: breathy and pure, gliding between notes.",
  shehnai: "Double-reed pipe: bright and nasal, the sound of weddings and temples.",
  sarangi: "Bowed strings: the instrument closest to the voice, rich and crying.",
  sitar: "Plucked strings: a bright twang with a shimmering, buzzing ring.",
  harmonium: "Hand-pumped reed organ: steady and warm, every note held.",
});

/**
 * @param {object} meta a models-manifest entry (metadata.json + id)
 * @returns {{id:string, name:string, pictureUrl:string, sound:string, source:string, demoUrl:string}}
 */
export function describeInstrument(meta) {
  const id = meta.id || meta.name;
  const src = meta.source || {};
  const font = src.soundfont ? `${src.soundfont}${src.preset ? `, preset “${src.preset}”` : ""}` : "";
  return {
    id,
    name: meta.display_name || meta.name || id,
    pictureUrl: `${PICTURES}/${id in INSTRUMENT_NOTES ? id : "instrument"}.svg`,
    sound: INSTRUMENT_NOTES[id] || meta.description || "",
    source: font ? `Learned from ${font}` : "",
    demoUrl: `${DEMOS}/${id}.mp3`,
  };
}

/**
 * The playing controls an instrument offers (its metadata.json "playing"): a level for its taraf
 * (sympathetic strings), the chikari (drone strings struck with each stroke), how much of the
 * singer's vibrato it plays.
 * @returns {{taraf:boolean, chikari:boolean, vibrato:boolean}}
 */
export function playingControls(meta) {
  const playing = (meta && meta.playing) || {};
  return { taraf: Boolean(playing.taraf), chikari: Boolean(playing.chikari), vibrato: Boolean(playing.vibrato) };
}
