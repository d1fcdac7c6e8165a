// The "Riyaz report" region, shown after Stop: each swara sung with its offset and steadiness as
// a plot (canvas) and in words (the list, what a screen reader reads), beside earlier takes, and
// a CSV to save beside the take's WAV. DOM only: the numbers come from dsp/riyaz-stats.js.
import { describeSwaraStat } from "../dsp/riyaz-stats.js";
import { swaraShort, SWARAS } from "../dsp/sargam.js";

const $ = (id) => document.getElementById(id);
const PLOT_RANGE_CENTS = 50; // the plot's offsets: ±50 cents, half-way to the next swara
const COLORS = { grid: "rgba(253,246,236,0.18)", zero: "rgba(255,153,51,0.8)", now: "#ffc14d", earlier: "#2ec4b6", outside: "#ff5c7a", label: "#c7b8d8" };
let csvUrl = null;

const signedCents = (x) => `${x >= 0 ? "+" : "−"}${Math.abs(Math.round(x))} ¢`;

/** One swara's line: "Ga +12 ¢, steady ±6 ¢ · 3.2 s · earlier +18 ¢ (4 takes)". */
function describeRow(row, past) {
  const parts = [describeSwaraStat(row), `${row.seconds.toFixed(1)} s`];
  if (past.earlierOffsetCents !== null) {
    parts.push(`earlier ${signedCents(past.earlierOffsetCents)}, steady ±${Math.round(past.earlierSteadyCents)} ¢ (${past.earlierTakes} ${past.earlierTakes === 1 ? "take" : "takes"})`);
  }
  if (!row.inRaga) parts.push("outside the raga");
  return parts.join(" · ");
}

/** The plot: per swara sung, its mean offset (dot), ± its steadiness (bar), earlier takes (ring). */
function drawPlot(canvas, report, comparison) {
  const dpr = globalThis.devicePixelRatio || 1;
  const width = canvas.clientWidth || 320, height = canvas.clientHeight || 160;
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  const g = canvas.getContext("2d");
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, width, height);
  const left = 34, bottom = 20, top = 8;
  const y = (cents) => top + (height - top - bottom) * (0.5 - Math.max(-1, Math.min(1, cents / PLOT_RANGE_CENTS)) / 2);
  g.font = "11px system-ui, sans-serif";
  g.textBaseline = "middle";
  for (const c of [-50, -25, 0, 25, 50]) {
    g.strokeStyle = c === 0 ? COLORS.zero : COLORS.grid;
    g.beginPath();
    g.moveTo(left, Math.round(y(c)) + 0.5);
    g.lineTo(width, Math.round(y(c)) + 0.5);
    g.stroke();
    g.fillStyle = COLORS.label;
    g.fillText(c === 0 ? "0 ¢" : `${c > 0 ? "+" : ""}${c}`, 2, y(c));
  }
  const step = (width - left) / Math.max(1, report.swaras.length);
  report.swaras.forEach((row, i) => {
    const x = left + step * (i + 0.5);
    const past = comparison[i];
    if (past.earlierOffsetCents !== null) {
      g.strokeStyle = COLORS.earlier;
      g.lineWidth = 2;
      g.beginPath();
      g.arc(x, y(past.earlierOffsetCents), 6, 0, 2 * Math.PI);
      g.stroke();
    }
    const color = row.inRaga ? COLORS.now : COLORS.outside;
    g.strokeStyle = color;
    g.lineWidth = 3;
    g.beginPath();
    g.moveTo(x, y(row.meanOffsetCents - row.steadyCents));
    g.lineTo(x, y(row.meanOffsetCents + row.steadyCents));
    g.stroke();
    g.fillStyle = color;
    g.beginPath();
    g.arc(x, y(row.meanOffsetCents), 4, 0, 2 * Math.PI);
    g.fill();
    g.fillStyle = COLORS.label;
    g.textAlign = "center";
    g.fillText(swaraShort(SWARAS[row.semitone]), x, height - bottom / 2);
    g.textAlign = "start";
  });
}

/**
 * Shows a take's report.
 * @param {{report:object, comparison:object[], title:string, csv:string, filename:string}} o
 *   report: riyazStats' result; comparison: compareWithEarlier's; title: "Yaman · Sa E4 +13 ¢";
 *   csv: riyazCsv's text, saved as `filename`
 */
export function showRiyazReport({ report, comparison, title, csv, filename }) {
  const section = $("riyaz");
  section.hidden = false;
  const sung = report.swaras.length;
  $("riyaz-summary").textContent = sung
    ? `${title} · ${report.voicedSeconds.toFixed(0)} s sung, ${report.heldSeconds.toFixed(0)} s held on ${sung} ${sung === 1 ? "swara" : "swaras"}`
    : `${title} · no held swara in this take: hold each note a moment for the report.`;
  $("riyaz-list").replaceChildren(...report.swaras.map((row, i) => {
    const li = document.createElement("li");
    li.textContent = describeRow(row, comparison[i]);
    li.classList.toggle("outside", !row.inRaga);
    return li;
  }));
  const plot = $("riyaz-plot");
  plot.hidden = !sung;
  plot.setAttribute("aria-label", `Offsets of the ${sung} swaras sung, in cents: ${report.swaras.map(describeSwaraStat).join("; ")}`);
  if (sung) drawPlot(plot, report, comparison);
  if (csvUrl) URL.revokeObjectURL(csvUrl);
  csvUrl = URL.createObjectURL(new Blob([csv], { type: "text/csv" }));
  const link = $("riyaz-download");
  link.href = csvUrl;
  link.download = filename;
}
