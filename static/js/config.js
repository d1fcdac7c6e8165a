// One source for the engine's constants that no model's metadata.json carries. Everything
// per-model (sample rate, frame rate, hop, harmonics, receptive field) and the analysis the
// factory shares with the page (loudness window and floor, voice f0 range: engine/analysis.js)
// comes from metadata.json.

/** Frames of one Web Audio render quantum (the spec fixes it at 128). */
export const RENDER_QUANTUM_FRAMES = 128;

/** Blocks of frames the engine may run, shortest first: the shortest the device keeps up with wins. */
export const BLOCK_FRAMES_CHOICES = [1, 2, 4, 8];

/**
 * Onset response. Inside a note a frame stays voiced after `minVoicedRun` confident,
 * pitch-continuous frames (a one-frame octave slip never reaches the decoder); a note starts on
 * `onsetRun` confident frame after an unvoiced one (each frame waited is 4 ms at every phrase
 * onset; the take's octave still waits for TAKE_START's agreeing frames). The gate opens over
 * `gateOpenFrames` (a 4 ms linear attack, as the synth glides from frame to frame) and closes
 * over `gateCloseFrames`, so onsets and releases never click.
 */
export const VOICING = { minVoicedRun: 2, onsetRun: 1, gateOpenFrames: 1, gateCloseFrames: 2 };

/**
 * Loudness analysis window at the model rate. ddsp's compute_loudness uses 512 (a 16 ms centred
 * look-ahead at 16 kHz); 256 halves it. docs/benchmarks.md ("Analysis window") measures it: the
 * output's dynamics follow the voice 8 ms sooner; a phrase onset is not sooner (YIN's window, not
 * the loudness window, decides when a frame is voiced); the output spectrum moves 2-4 dB (mean
 * log-spectral distance) from what 512 gives. We keep the sooner dynamics.
 */
export const ANALYSIS_FFT_SIZE = 256;

/**
 * The voice's pitch (engine/pitch-tracker.js), for the engine's features and the page's readout:
 * YIN's threshold; a frame counts as voiced at `minConfidence` (1 - aperiodicity) and at least
 * `minLoudnessDb` (the engine's loudness; the readout's level in dBFS). The f0 range and the
 * loudness window and floor are the model's (metadata.json `analysis`, engine/analysis.js).
 */
export const PITCH = { yinThreshold: 0.1, minConfidence: 0.8, minLoudnessDb: -55 };

/**
 * Output buffer beyond one block, in ms: blocks arrive whole, so the output holds one block plus
 * this margin against late blocks. Playback starts with the first blocks, at the margin the
 * engine's host needs (audio/output.js outputMarginMs: next to none on the audio thread, where
 * blocks come in step with the quanta; from the Worker one audio callback plus its lateness
 * measured at load). While playing it is tightened inside silence (OUTPUT_TIGHTEN). After an
 * underrun it grows to what the arrivals since the last start needed (dsp/arrival-jitter.js),
 * at least by `step`, never beyond `max`; tightening never goes below what an underrun showed.
 */
export const OUTPUT_MARGIN_MS = { step: 2, max: 48 };

/**
 * Tightening the output margin while playing: every `windowSeconds` of play, up to
 * OUTPUT_MARGIN_MS.step of the buffer the window's arrivals never used (its lowest level, less a
 * step of slack) is dropped from the ring where the output is silent (every sample involved below
 * `silenceAmplitude`, -80 dBFS), so the cut is never heard. A step at a time: a busy device's
 * rare stalls are not in every window (at once, a Worker under load ran dry again and again).
 */
export const OUTPUT_TIGHTEN = { windowSeconds: 1, silenceAmplitude: 1e-4 };

/** Capture ring length in seconds: the engine drops backlog long before it fills. */
export const CAPTURE_RING_SECONDS = 1;

/**
 * Live-loop backlog (in ms of audio) beyond which the oldest frames are dropped rather than played
 * late. It must exceed the longest output buffer (block + OUTPUT_MARGIN_MS.max): frames the output
 * would still play in time are never dropped, so a stall its margin covers loses nothing. Only an
 * engine slower than real time (which then moves to another backend) drops frames.
 */
export const MAX_BACKLOG_MS = 100;

/** A take ends after this much silence: the automatic octave may change only between takes. */
export const TAKE_GAP_SECONDS = 3;

/**
 * A take's first note sets its octave, so it is confirmed first: `frames` voiced frames within
 * one semitone of each other (a pitch tracker's octave slip at an onset rarely lasts that long).
 * It costs the take's first note (frames - 1) frames of latency; later notes nothing.
 */
export const TAKE_START = { frames: 3 };

/** Backend measurement at load: warm-up and timed blocks per backend, and a time cap per backend. */
// Warm-up long enough for the JS engine's optimising tier; p99 needs 100 samples to mean anything.
// Loading and compiling (a GPU's first shaders) may take seconds; they get their own cap.
export const BACKEND_PROBE = { warmupBlocks: 30, timedBlocks: 100, maxSetupMs: 8000, maxTimedMs: 2000 };

/** A measurement at load is remembered on the device this long (backend-memory.js). */
export const BACKEND_MEMORY = { days: 7 };

/** A backend qualifies when its p99 block time is under this fraction of a block's duration. */
export const BACKEND_P99_BUDGET = 0.5;

/**
 * Backends that run the same engine code (wasm and cpu: the plain-JS decoder and synth) measure
 * apart only by noise: the first in `order` is chosen unless another is faster by more than
 * `clearMargin` of its p50 (worker/backend-choice.js), so a device's visits agree.
 */
export const BACKEND_SAME_ENGINE = { order: ["wasm", "cpu"], clearMargin: 0.25 };

/**
 * Where the engine runs. On the audio thread (engine-processor.js) a block rendered from a
 * quantum's voice is played from that quantum on; from the Worker only after the audio callback
 * that captured it, one callback later (a device's callback may render several quanta at once). The
 * audio thread takes the engine when the plain-JS engine (decoder-cpu.js, the JS synth), measured
 * at load, typically (compute p50) takes under `typicalBudget` of a 1-frame block: the audio
 * thread must never be late, so it is given a quarter of a block. It hands the engine back to
 * the Worker when its typical load (engine/load-meter.js) passes `maxLoad` of real time over
 * FALLING_BEHIND.windowSeconds, or when it does not start within `startTimeoutMs`; never on
 * underruns (a device busy elsewhere makes the audio thread late wherever the engine runs).
 */
export const AUDIO_THREAD = { typicalBudget: 0.25, maxLoad: 0.3, startTimeoutMs: 3000 };

/**
 * While singing, over the last `windowSeconds`: compute above `load` of real time, more than
 * `droppedFraction` of the frames dropped, or `underruns` underruns means falling behind (one
 * stall is not). A heavy engine moves to another backend; a light one that is late anyway (its
 * thread starved of CPU) to longer blocks.
 */
export const FALLING_BEHIND = { windowSeconds: 2, load: 0.8, droppedFraction: 0.05, underruns: 3 };

/** Onset detection for the measured mic-to-output latency (same AudioContext clock). */
export const ONSET = { inputThreshold: 0.05, outputThreshold: 0.01, minSilenceSeconds: 0.15, maxLagSeconds: 0.5 };

/**
 * The page's live readouts (level meter, pitch, sargam trace) update at most this often; the
 * capture worklet's level reports and the engine's pitch messages come at this rate. Where the
 * page is rasterised in software (no GPU or a blocklisted one), every repaint takes CPU from the
 * audio threads; 20 a second still reads as continuous.
 */
export const UI_UPDATES_PER_SECOND = 20;

/**
 * Gentle raga tuning (engine/raga-tuning.js). A note becomes held (nyas) when its last
 * `heldSeconds` stay within a band of 2 × `heldCents`, neither trending (the mean of their last
 * third within `driftCents` of their first's: a glide) nor arching (the middle third within
 * `arcCents` of the outer two: the crest of an andolan); it stays held until it leaves the band or
 * trends by `releaseDriftCents`. Only a held note is moved, toward its nearest swara if that
 * swara is in the raga and within `captureCents`, with the time constant `fullStrengthSeconds` /
 * strength; when it stops being held the correction lets go over `releaseSeconds`. A held note
 * that swings out of its band (andolan, gamak) is left alone until the singer moves more than
 * `newNoteCents` from it or rests.
 */
export const RAGA_TUNING = {
  heldCents: 15, heldSeconds: 0.25, driftCents: 5, arcCents: 2, releaseDriftCents: 8, captureCents: 35,
  fullStrengthSeconds: 0.1, releaseSeconds: 0.03, newNoteCents: 80,
};

/** Engine stats (load, blocks, dropped frames) posted to the page, from either host. */
export const ENGINE_STATS_PER_SECOND = 4;

/** Output worklet stats (underruns, margin) posted to the page. */
export const OUTPUT_STATS_PER_SECOND = 20;

/** The recording clock beside the Record button. */
export const RECORDING_CLOCK_UPDATES_PER_SECOND = 4;

/** A block in flight on webgl checks whether its context was lost (its read-back would never end). */
export const WEBGL_CONTEXT_CHECKS_PER_SECOND = 10;

/**
 * The lateness beyond its floor at which the audio thread counts as late (engine/late-quanta.js):
 * three callbacks (baseLatency; at least 3 ms), since one callback's quanta spread over a
 * callback's duration even when nothing is late; about where a device's output buffer runs dry.
 * @param {number} baseLatencySeconds the AudioContext's baseLatency
 */
export function lateToleranceMs(baseLatencySeconds) {
  return 1000 * 3 * Math.max(baseLatencySeconds || 0, 0.003);
}

/**
 * The page's readouts when the audio thread stays late (`reports` engine stats in a row say so;
 * a single late report is a one-off hiccup, e.g. a take's start on a quiet machine): the page's
 * repaints take CPU from the audio threads, so they slow to `perSecond` until `recoverSeconds`
 * pass without a late report. Measured at half a core (docs/architecture.md): at 20 a second the
 * audio thread fell further behind real time through a take; at 4 it kept pace after the start.
 */
export const UI_UPDATES_WHEN_LATE = { perSecond: 5, reports: 2, recoverSeconds: 10 };

/** The probe worklet's late-quanta reports (?probe=1 only). */
export const PROBE_REPORTS_PER_SECOND = 2;
