// Order statistics over plain arrays (the page's latency readout and the Worker's measurements).

/** Value at quantile p in [0, 1] of numbers xs (nearest rank); NaN for none. */
export function quantile(xs, p) {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
}
