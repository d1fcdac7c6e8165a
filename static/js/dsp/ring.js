// Single-producer / single-consumer ring of float samples over a SharedArrayBuffer.
// One side only writes `write`, the other only writes `read`; Atomics publish the indices
// after the samples are in place, so no lock is needed. One slot stays empty to tell
// full from empty. Works across threads (AudioWorklet <-> main) and within one thread.

const READ = 0, WRITE = 1;

export class RingBuffer {
  /** Bytes a ring of `capacity` samples needs. */
  static bytesFor(capacity) {
    return 8 + 4 * (capacity + 1);
  }

  /** @param {SharedArrayBuffer|ArrayBuffer} sab made with bytesFor(capacity) */
  constructor(sab) {
    this.sab = sab;
    this.indices = new Int32Array(sab, 0, 2);
    this.data = new Float32Array(sab, 8);
    this.size = this.data.length; // capacity + 1
  }

  static create(capacity) {
    const Buf = typeof SharedArrayBuffer !== "undefined" ? SharedArrayBuffer : ArrayBuffer;
    return new RingBuffer(new Buf(RingBuffer.bytesFor(capacity)));
  }

  get capacity() {
    return this.size - 1;
  }

  availableRead() {
    const r = Atomics.load(this.indices, READ), w = Atomics.load(this.indices, WRITE);
    return (w - r + this.size) % this.size;
  }

  availableWrite() {
    return this.capacity - this.availableRead();
  }

  /** Writes as much of `src` as fits; returns the count written. Producer only. */
  push(src, count = src.length) {
    const r = Atomics.load(this.indices, READ), w = Atomics.load(this.indices, WRITE);
    const free = this.capacity - ((w - r + this.size) % this.size);
    const n = Math.min(count, free);
    const first = Math.min(n, this.size - w);
    this.data.set(src.subarray(0, first), w);
    if (n > first) this.data.set(src.subarray(first, n), 0);
    Atomics.store(this.indices, WRITE, (w + n) % this.size);
    return n;
  }

  /** Reads up to `dst.length` samples into `dst`; returns the count read. Consumer only. */
  pop(dst, count = dst.length) {
    const r = Atomics.load(this.indices, READ), w = Atomics.load(this.indices, WRITE);
    const avail = (w - r + this.size) % this.size;
    const n = Math.min(count, avail);
    const first = Math.min(n, this.size - r);
    dst.set(this.data.subarray(r, r + first), 0);
    if (n > first) dst.set(this.data.subarray(0, n - first), first);
    Atomics.store(this.indices, READ, (r + n) % this.size);
    return n;
  }

  /** Producer: wakes a consumer sleeping in waitAsync() (call after push). */
  notify() {
    Atomics.notify(this.indices, WRITE);
  }

  /** The producer's write position: pass it to waitAsync() to sleep until it moves. */
  get writePosition() {
    return Atomics.load(this.indices, WRITE);
  }

  /**
   * Consumer, in a Worker: sleeps until the producer writes past `seenWrite` or `timeoutMs` pass.
   * Atomics.waitAsync keeps the worker's event loop (its messages) running while it sleeps;
   * where a browser lacks it, a blocking Atomics.wait of at most `timeoutMs` is followed by one
   * turn of the event loop.
   * @returns {Promise<string>} "ok", "not-equal" or "timed-out"
   */
  async waitAsync(seenWrite, timeoutMs) {
    if (typeof Atomics.waitAsync === "function") {
      return Atomics.waitAsync(this.indices, WRITE, seenWrite, timeoutMs).value; // a string or its promise
    }
    const r = Atomics.wait(this.indices, WRITE, seenWrite, timeoutMs);
    await new Promise((resolve) => globalThis.setTimeout(resolve, 0)); // a Worker's
    return r;
  }

  /** Largest magnitude among the oldest `count` readable samples, left unread. Consumer only. */
  peakAmplitude(count) {
    const r = Atomics.load(this.indices, READ), n = Math.min(count, this.availableRead());
    let peak = 0;
    for (let i = 0; i < n; i++) peak = Math.max(peak, Math.abs(this.data[(r + i) % this.size]));
    return peak;
  }

  /** Drops the oldest `n` readable samples (at most what is there). Consumer only. */
  skip(n) {
    const r = Atomics.load(this.indices, READ);
    Atomics.store(this.indices, READ, (r + Math.min(n, this.availableRead())) % this.size);
  }

  /** Drops everything readable. Consumer only. */
  clear() {
    Atomics.store(this.indices, READ, Atomics.load(this.indices, WRITE));
  }
}
