// Preallocated scratch buffers that grow rarely (never inside a steady stream of equal blocks).

/** Grows a Float32Array scratch buffer to at least n samples (reallocates rarely). */
export function ensure(buf, n) {
  return buf.length >= n ? buf : new Float32Array(Math.max(n, 2 * buf.length));
}

