"""Moving float arrays between Python and a Playwright page, as base64 float32."""
from __future__ import annotations

import base64

import numpy as np

# Page-side helpers, installed by `install_js_helpers(page)`.
JS_HELPERS = """() => {
globalThis.__f32ToB64 = (arr) => {
  const bytes = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(s);
};
globalThis.__b64ToF32 = (b64) => {
  const s = atob(b64);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return new Float32Array(bytes.buffer);
};
}"""


def install_js_helpers(page) -> None:
    page.evaluate(JS_HELPERS)


def to_b64(x) -> str:
    return base64.b64encode(np.ascontiguousarray(x, dtype="<f4").tobytes()).decode()


def from_b64(s: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(s), dtype="<f4").copy()


def snr_db(reference, estimate) -> float:
    reference, estimate = np.asarray(reference, float), np.asarray(estimate, float)
    noise = np.sum((reference - estimate) ** 2)
    return float(10 * np.log10(np.sum(reference**2) / max(noise, 1e-30)))
