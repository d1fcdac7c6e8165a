// Tanpura drone, synthesized: four plucked strings (Pa Sa Sa Sa; the first string follows the
// raga: Pa, Ma or Ni, dsp/ragas.js) rendered once into a loop.
// Each string is a Karplus-Strong string: a delay line one period long (with an all-pass for the
// fractional part, so the tuning is exact), a gentle loop filter that keeps the upper harmonics
// ringing, and a one-sided soft limit at the bridge standing in for the jivari (the thread under
// the strings that makes them buzz: bright while loud, mellowing as the string decays).
// Tails are folded into the loop (sample i lands at i mod loop length), so the loop is seamless.

/**
 * The cycle: [ratio to Sa, onset in seconds]; Pa and the low Sa are an octave down (mandra).
 * The first string's ratio is the default: a raga may tune it to Ma or Ni (`firstStringRatio`).
 */
export const TANPURA_STRINGS = Object.freeze([
  [0.75, 0.0], // mandra Pa
  [1.0, 1.15], // madhya Sa
  [1.0, 2.3], // madhya Sa (second string, a few cents apart: the chorus of a real tanpura)
  [0.5, 3.45], // mandra Sa (kharaj)
]);
export const TANPURA_CYCLE_SECONDS = 5.2;
const SECOND_SA_DETUNE_CENTS = 1.5;
const RING_T60_SECONDS = 10; // a tanpura string rings for many seconds
const JIVARI_THRESHOLD = 0.35; // of the pluck's peak: above it the string buzzes on the bridge
const JIVARI_SLOPE = 0.45;

/** mulberry32: a small seeded PRNG, so every render of a Sa is the same audio. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One plucked string, `seconds` long, peak about 1.
 * @param {{f0Hz:number, sampleRate:number, seconds:number, seed?:number}} o
 * @returns {Float32Array} [round(seconds * sampleRate)]
 */
export function pluckString({ f0Hz, sampleRate, seconds, seed = 1 }) {
  if (!(f0Hz > 0) || f0Hz > sampleRate / 8) throw new Error(`pluckString: f0Hz ${f0Hz} out of range for ${sampleRate} Hz`);
  const n = Math.round(seconds * sampleRate);
  const out = new Float32Array(n);
  // Loop delay = N samples + the loop filter's 0.5 + the all-pass's fractional delay.
  const period = sampleRate / f0Hz;
  const brightness = 0.06; // loop filter y = (1-b) x[n] + b x[n-1]: group delay b samples at low f
  let N = Math.floor(period - brightness - 0.1);
  let frac = period - brightness - N; // in [0.1, 1.1): an all-pass stable and near-flat in delay
  const apC = (1 - frac) / (1 + frac);
  const rho = 10 ** (-3 / (RING_T60_SECONDS * f0Hz)); // per-period loss for the T60
  const line = new Float32Array(N);
  // Excitation: a noise burst, low-passed and without DC (a plectrum-less finger pluck).
  const rand = prng(seed);
  let lp = 0;
  for (let i = 0; i < N; i++) {
    lp += 0.3 * (rand() * 2 - 1 - lp);
    line[i] = lp;
  }
  let mean = 0;
  for (let i = 0; i < N; i++) mean += line[i] / N;
  let peak = 0;
  for (let i = 0; i < N; i++) peak = Math.max(peak, Math.abs((line[i] -= mean)));
  for (let i = 0; i < N; i++) line[i] /= peak;
  const threshold = JIVARI_THRESHOLD;
  let idx = 0, prevIn = 0, apX1 = 0, apY1 = 0;
  for (let i = 0; i < n; i++) {
    const x = line[idx];
    out[i] = x;
    const filtered = rho * ((1 - brightness) * x + brightness * prevIn);
    prevIn = x;
    const ap = apC * filtered + apX1 - apC * apY1; // fractional delay
    apX1 = filtered;
    apY1 = ap;
    // The jivari: the string grazing the curved bridge flattens one side of its swing.
    line[idx] = ap > threshold ? threshold + (ap - threshold) * JIVARI_SLOPE : ap;
    idx = idx + 1 === N ? 0 : idx + 1;
  }
  return out;
}

/**
 * One seamless cycle of the drone with Sa at `saHz`, peak 0.9.
 * @param {{saHz:number, sampleRate:number, cycleSeconds?:number, firstStringRatio?:number}} o
 *   firstStringRatio: the first string's pitch / Sa, in (0.5, 1) (3/4 Pa, 2/3 Ma, 15/16 Ni, all
 *   in the lower octave; dsp/ragas.js tanpuraFirstString)
 * @returns {Float32Array} [round(cycleSeconds * sampleRate)], meant to be played looped
 */
export function renderTanpuraCycle({ saHz, sampleRate, cycleSeconds = TANPURA_CYCLE_SECONDS, firstStringRatio = TANPURA_STRINGS[0][0] }) {
  if (!(saHz > 0)) throw new Error(`renderTanpuraCycle: Sa must be a positive frequency, got ${saHz}`);
  if (!(firstStringRatio > 0.5 && firstStringRatio < 1)) {
    throw new Error(`renderTanpuraCycle: the first string's ratio to Sa must lie in (0.5, 1) (the lower octave), got ${firstStringRatio}`);
  }
  const L = Math.round(cycleSeconds * sampleRate);
  const loop = new Float32Array(L);
  const strings = [[firstStringRatio, TANPURA_STRINGS[0][1]], ...TANPURA_STRINGS.slice(1)];
  strings.forEach(([ratio, onsetSeconds], s) => {
    const detune = s === 2 ? 2 ** (SECOND_SA_DETUNE_CENTS / 1200) : 1;
    // Three cycles long (down > 60 dB by then): what rings past one cycle folds back onto the
    // start, as the previous round's strings still ringing when the loop comes round.
    const tone = pluckString({ f0Hz: saHz * ratio * detune, sampleRate, seconds: 3 * cycleSeconds, seed: s + 1 });
    const gain = ratio < 1 ? 1.0 : 0.8; // the low strings carry the drone
    const start = Math.round(onsetSeconds * sampleRate);
    for (let i = 0; i < tone.length; i++) loop[(start + i) % L] += gain * tone[i];
  });
  let peak = 0;
  for (let i = 0; i < L; i++) peak = Math.max(peak, Math.abs(loop[i]));
  for (let i = 0; i < L; i++) loop[i] *= 0.9 / peak;
  return loop;
}
