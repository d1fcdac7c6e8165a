// Sargam view: the sung pitch and the instrument's pitch as traces scrolling right to left over
// the swara lines of the singer's Sa (canvas), the chosen raga's swaras marked. Pitches are kept
// in Hz, so a new Sa, naming or raga redraws the history in place.
import { centsFromSa, swaraLines, swaraShortAt } from "../dsp/sargam.js";
import { noteName } from "../dsp/notes.js";
import { UI_UPDATES_PER_SECOND } from "../config.js";
import { createFrameThrottle } from "./frame-throttle.js";

const COLORS = {
  sung: "#ffc14d", instrument: "#2ec4b6",
  sa: "rgba(255,153,51,0.9)", pa: "rgba(253,246,236,0.55)", shuddh: "rgba(253,246,236,0.28)", vikrit: "rgba(253,246,236,0.14)",
  raga: "rgba(255,193,77,0.5)", outside: "rgba(253,246,236,0.06)",
  label: "#c7b8d8", labelSa: "#ff9933",
};

/**
 * @param {HTMLCanvasElement} canvas
 * @param {{saHz:number, naming?:"sargam"|"western", spanSeconds?:number, loCents?:number, hiCents?:number,
 *          requestDraw?:() => void}} o requestDraw: the page's frame throttle (its frame calls draw())
 *   loCents/hiCents: the visible range from Sa (default mandra Pa … taar Pa, two octaves)
 * @returns {{pushSung(f0Hz:number, tMs?:number):void, pushInstrument(f0Hz:number, tMs?:number):void,
 *            setSa(saHz:number):void, setNaming(n:string):void, setRaga(semitones:number[]|null):void,
 *            draw(nowMs?:number):void, stop():void}}
 *   setRaga: the raga's swaras (semitones above Sa, 0…11) drawn marked and named, the others faint;
 *   null: no raga, every swara as before.
 *   f0Hz 0 (or not finite) marks a gap in the trace.
 */
export function createSargamView(canvas, { saHz, naming = "sargam", spanSeconds = 8, loCents = -500, hiCents = 1900, requestDraw = null }) {
  const traces = { sung: [], instrument: [] }; // [tMs, f0Hz] pairs, oldest first
  let raga = null; // Set of the raga's semitones above Sa, or null
  const spanMs = spanSeconds * 1000;
  let cssWidth = 0, cssHeight = 0;

  const ctx = canvas.getContext("2d");
  const resize = () => {
    const dpr = globalThis.devicePixelRatio || 1;
    cssWidth = canvas.clientWidth || 320;
    cssHeight = canvas.clientHeight || 200;
    canvas.width = Math.round(cssWidth * dpr);
    canvas.height = Math.round(cssHeight * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  };
  resize();
  const observer = typeof ResizeObserver === "function" ? new ResizeObserver(() => { resize(); draw(); }) : null;
  if (observer) observer.observe(canvas);

  const MARGIN_CENTS = 60; // room for the top and bottom labels
  const y = (cents) => cssHeight * (1 - (cents - loCents + MARGIN_CENTS) / (hiCents - loCents + 2 * MARGIN_CENTS));

  function push(trace, f0Hz, tMs) {
    trace.push([tMs ?? performance.now(), f0Hz > 0 && Number.isFinite(f0Hz) ? f0Hz : 0]);
    const oldest = trace[trace.length - 1][0] - spanMs - 1000;
    while (trace.length && trace[0][0] < oldest) trace.shift();
    schedule();
  }

  // Redraws at most UI_UPDATES_PER_SECOND, through the page's shared throttle when it gives one.
  const throttle = requestDraw ? null : createFrameThrottle(() => draw(), UI_UPDATES_PER_SECOND);
  const schedule = requestDraw || (() => throttle.request());

  function drawLines(labelWidth) {
    for (const line of swaraLines(loCents, hiCents)) {
      const s = line.swara;
      const isSa = s.semitone === 0, isPa = s.semitone === 7, vikrit = s.komal || s.tivra;
      const inRaga = raga ? raga.has(s.semitone) : null; // null: no raga chosen
      const yy = Math.round(y(line.centsFromSa)) + 0.5;
      ctx.strokeStyle = isSa ? COLORS.sa : inRaga === false ? COLORS.outside : inRaga ? COLORS.raga
        : isPa ? COLORS.pa : vikrit ? COLORS.vikrit : COLORS.shuddh;
      ctx.lineWidth = isSa || inRaga ? 1.5 : 1;
      ctx.setLineDash(vikrit && !inRaga ? [3, 4] : []);
      ctx.beginPath();
      ctx.moveTo(labelWidth, yy);
      ctx.lineTo(cssWidth, yy);
      ctx.stroke();
      // Labels on shuddh swaras (the dashed lines between are komal/tivra), or on the raga's own.
      if (inRaga === false || (vikrit && !inRaga)) continue;
      let text;
      if (naming === "western") {
        const n = noteName(saHz * 2 ** (line.centsFromSa / 1200));
        text = n ? n.name : "";
      } else {
        text = swaraShortAt(line.centsFromSa / 100); // dot below: mandra, above: taar
      }
      ctx.fillStyle = isSa ? COLORS.labelSa : COLORS.label;
      ctx.font = `${isSa ? "600 " : ""}11px system-ui, sans-serif`;
      ctx.textBaseline = "middle";
      ctx.fillText(text, 2, yy);
    }
    ctx.setLineDash([]);
  }

  function drawTrace(trace, color, nowMs, labelWidth, fold, lineWidth) {
    const x = (t) => labelWidth + (cssWidth - labelWidth) * (1 - (nowMs - t) / spanMs);
    ctx.strokeStyle = color;
    ctx.lineWidth = lineWidth;
    ctx.lineJoin = "round";
    ctx.beginPath();
    let pen = false;
    for (const [t, f0Hz] of trace) {
      if (nowMs - t > spanMs || !(f0Hz > 0)) { pen = false; continue; }
      let c = centsFromSa(f0Hz, saHz);
      if (fold) while (c > hiCents) c -= 1200;
      if (fold) while (c < loCents) c += 1200;
      const px = x(t), py = y(c);
      if (pen) ctx.lineTo(px, py); else ctx.moveTo(px, py);
      pen = true;
    }
    ctx.stroke();
  }

  function draw(nowMs = performance.now()) {
    ctx.clearRect(0, 0, cssWidth, cssHeight);
    const labelWidth = 30;
    drawLines(labelWidth);
    // The instrument usually plays octaves away from the voice: fold it into view by octaves.
    // Drawn wider and first, so where it follows the voice exactly it shows as a rim around it.
    drawTrace(traces.instrument, COLORS.instrument, nowMs, labelWidth, true, 7);
    drawTrace(traces.sung, COLORS.sung, nowMs, labelWidth, false, 2.5);
  }

  draw();
  return {
    pushSung: (f0Hz, tMs) => push(traces.sung, f0Hz, tMs),
    pushInstrument: (f0Hz, tMs) => push(traces.instrument, f0Hz, tMs),
    setSa(hz) { saHz = hz; schedule(); },
    setNaming(n) { naming = n; schedule(); },
    setRaga(semitones) { raga = semitones ? new Set(semitones) : null; schedule(); },
    draw,
    stop() {
      if (throttle) throttle.cancel();
      if (observer) observer.disconnect();
    },
    /** Points kept per trace (tests). */
    sizes: () => ({ sung: traces.sung.length, instrument: traces.instrument.length }),
    /** The canvas y (CSS px) of a pitch, for tests and overlays. */
    yOf: (f0Hz) => y(centsFromSa(f0Hz, saHz)),
  };
}
