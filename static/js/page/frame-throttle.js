// One render at an animation frame, at most `perSecond` times a second, however often it is asked
// for. The page's live readouts share one, so a level report and a pitch message arriving apart
// still make one frame: where the page is rasterised in software (no GPU, or a blocklisted one),
// every frame's style, paint and composite take CPU from the audio threads.

/**
 * @param {() => void} render
 * @param {number} perSecond
 * @returns {{request(): void, cancel(): void, setPerSecond(n: number): void}}
 */
export function createFrameThrottle(render, perSecond) {
  let raf = 0, timer = 0, lastMs = -Infinity;
  const frame = () => {
    raf = 0;
    lastMs = performance.now();
    render();
  };
  return {
    request() {
      if (raf || timer) return;
      const waitMs = Math.max(0, lastMs + 1000 / perSecond - performance.now());
      timer = setTimeout(() => {
        timer = 0;
        raf = requestAnimationFrame(frame);
      }, waitMs);
    },
    cancel() {
      clearTimeout(timer);
      if (raf) cancelAnimationFrame(raf);
      raf = timer = 0;
    },
    /** From the next request on (one already waiting keeps its time). */
    setPerSecond(n) {
      if (!(n > 0)) throw new Error(`a frame throttle needs a positive rate, got ${n}`);
      perSecond = n;
    },
  };
}
