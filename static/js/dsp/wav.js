// WAV (RIFF, 16-bit PCM) encoding of float audio: what a recording is saved and shared as.

/**
 * @param {Float32Array[]} channels one array per channel, equal lengths, samples in [-1, 1]
 *   (beyond is clipped)
 * @param {number} sampleRate Hz
 * @returns {ArrayBuffer} a complete .wav file: 44-byte header + interleaved little-endian int16
 */
export function encodeWav(channels, sampleRate) {
  if (!channels.length) throw new Error("encodeWav: no channels");
  const n = channels[0].length;
  if (channels.some((c) => c.length !== n)) throw new Error(`encodeWav: channel lengths differ (${channels.map((c) => c.length).join(", ")})`);
  if (!(Number.isInteger(sampleRate) && sampleRate > 0)) throw new Error(`encodeWav: sample rate must be a positive integer, got ${sampleRate}`);
  const nCh = channels.length, bytesPerSample = 2;
  const dataBytes = n * nCh * bytesPerSample;
  if (44 + dataBytes > 0xffffffff) throw new Error("encodeWav: longer than a WAV file can hold (4 GiB)");
  const buf = new ArrayBuffer(44 + dataBytes);
  const v = new DataView(buf);
  const ascii = (off, s) => { for (let i = 0; i < s.length; i++) v.setUint8(off + i, s.charCodeAt(i)); };
  ascii(0, "RIFF");
  v.setUint32(4, 36 + dataBytes, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  v.setUint32(16, 16, true); // fmt chunk size
  v.setUint16(20, 1, true); // PCM
  v.setUint16(22, nCh, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * nCh * bytesPerSample, true); // byte rate
  v.setUint16(32, nCh * bytesPerSample, true); // block align
  v.setUint16(34, 8 * bytesPerSample, true);
  ascii(36, "data");
  v.setUint32(40, dataBytes, true);
  const pcm = new Int16Array(buf, 44);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < nCh; c++) {
      const x = Math.max(-1, Math.min(1, channels[c][i] || 0)); // NaN → 0
      pcm[i * nCh + c] = Math.round(x < 0 ? x * 32768 : x * 32767);
    }
  }
  return buf;
}
