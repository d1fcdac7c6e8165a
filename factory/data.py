"""Training data: scores rendered with FluidSynth, or the user's WAVs; features at 250 frames/s."""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from factory import dsp
from factory.analysis import LOUDNESS_N_FFT
from factory.dsp import FRAME_RATE, HOP, SAMPLE_RATE

RENDER_RATE = 48000  # FluidSynth renders here; resampled 3:1 to 16 kHz (cleaner than 16 kHz direct)
SF_DIRS = {
    "FluidR3_GM.sf2": ["/usr/share/sounds/sf2/FluidR3_GM.sf2"],
    "MuseScore_General.sf3": ["/usr/share/sounds/sf3/MuseScore_General.sf3",
                              "/usr/share/sounds/sf2/MuseScore_General.sf2"],
    "TimGM6mb.sf2": ["/usr/share/sounds/sf2/TimGM6mb.sf2"],
}
SF_PACKAGES = {"FluidR3_GM.sf2": "fluid-soundfont-gm",
               "MuseScore_General.sf3": "musescore-general-soundfont",
               "TimGM6mb.sf2": "timgm6mb-soundfont"}
SF_CODES = {"FluidR3_GM.sf2": "F", "MuseScore_General.sf3": "M", "TimGM6mb.sf2": "T"}  # run and cache names
LICENCES = {
    "FluidR3_GM.sf2": "MIT (FluidR3_GM SoundFont by Frank Wen, Debian fluid-soundfont-gm)",
    "MuseScore_General.sf3": "MIT (MuseScore_General SoundFont by S. Christian Collins, "
                             "Debian musescore-general-soundfont)",
    # GPL-2: a held-out teacher only (rendered to evaluate), never in a shipped model's training data
    "TimGM6mb.sf2": "GPL-2 (TimGM6mb SoundFont by Tim Brechbill, Debian timgm6mb-soundfont)",
}
TRAINING_SOUNDFONTS = ("FluidR3_GM.sf2", "MuseScore_General.sf3")  # MIT: a model trained on them is MIT
HELDOUT_SEED = 7919  # the held-out teacher plays scores of another seed than any training piece


class FactoryError(RuntimeError):
    """A build problem the user can fix; the message says how."""


@dataclass(frozen=True)
class Preset:
    """A teacher: a SoundFont preset, played through an instrument body (factory.body) if `body`."""

    soundfont: str
    program: int
    preset: str
    bank: int = 0
    body: str | None = None

    def describe(self) -> dict:
        """The teacher as metadata.json records it (source.teachers, source.heldout_teacher)."""
        d = {"soundfont": self.soundfont, "program": self.program, "preset": self.preset, "bank": self.bank}
        return d | ({"body": self.body} if self.body else {})

    @property
    def code(self) -> str:
        """Short name for run and cache folders: F41sarangi = FluidR3_GM program 41 through the sarangi body."""
        return f"{SF_CODES.get(self.soundfont, self.soundfont)}{self.program}{self.body or ''}"

    @classmethod
    def from_dict(cls, d: dict) -> Preset:
        """A teacher from metadata.json's source (e.g. source.heldout_teacher)."""
        return cls(d["soundfont"], int(d["program"]), d["preset"], int(d.get("bank", 0)), d.get("body"))


@dataclass
class Instrument:
    """teachers: mixed in the training data (levels matched); heldout: rendered to evaluate only."""

    name: str
    display_name: str
    teachers: list  # [Preset]
    style: dsp.Style
    heldout: Preset | None = None
    level: float = 1.0
    extra: dict = field(default_factory=dict)


def _held(program: int, preset: str, body: str | None = None) -> Preset:
    """The held-out teacher: the third SoundFont, never trained on."""
    return Preset("TimGM6mb.sf2", program, preset, body=body)


# Two teachers each: MuseScore_General's presets for these programs are FluidR3_GM's samples (their
# harmonic profiles 0.0-0.3 dB apart), so the second teacher is a kindred instrument, not a font.
INSTRUMENTS = {
    "bansuri": Instrument("bansuri", "Bansuri",
                          [Preset("FluidR3_GM.sf2", 75, "Pan Flute"),
                           Preset("FluidR3_GM.sf2", 77, "Shakuhachi")],  # end-blown bamboo, breathy
                          dsp.Style(low_midi=64, high_midi=88, p_meend=0.45, p_andolan=0.2),
                          heldout=_held(75, "Pan Flute")),
    "shehnai": Instrument("shehnai", "Shehnai",
                          [Preset("FluidR3_GM.sf2", 111, "Shanai"),
                           Preset("FluidR3_GM.sf2", 68, "Oboe")],  # the other double reed
                          dsp.Style(low_midi=62, high_midi=84, p_meend=0.5, p_gamak=0.25),
                          heldout=_held(111, "Shanai")),
    # Not a violin: a viola and a cello, the bowed strings nearest a sarangi's gut strings and
    # register, through the sarangi's skin-bellied body (docs/models.md, Teachers).
    "sarangi": Instrument("sarangi", "Sarangi",
                          [Preset("FluidR3_GM.sf2", 41, "Viola", body="sarangi"),
                           Preset("MuseScore_General.sf3", 42, "Cello", body="sarangi")],
                          dsp.Style(low_midi=55, high_midi=81, p_meend=0.55, p_gamak=0.25),
                          heldout=_held(41, "Viola", body="sarangi")),
    "sitar": Instrument("sitar", "Sitar",
                        [Preset("FluidR3_GM.sf2", 104, "Sitar"),
                         Preset("FluidR3_GM.sf2", 106, "Shamisen")],  # its sawari buzzes as a jawari does
                        dsp.Style(low_midi=52, high_midi=79, note_s=(0.15, 0.8), p_meend=0.35,
                                  p_gamak=0.15, p_vibrato=0.2, sustained=False,
                                  rest_s=(0.1, 0.5)),
                        heldout=_held(104, "Sitar")),
    "harmonium": Instrument("harmonium", "Harmonium",
                            [Preset("FluidR3_GM.sf2", 20, "Reed Organ"),
                             Preset("FluidR3_GM.sf2", 21, "Accordion")],  # free reeds and bellows too
                            dsp.Style(low_midi=53, high_midi=79, p_meend=0.15, max_meend=2,
                                      p_gamak=0.05, p_andolan=0.05, p_vibrato=0.1),
                            heldout=_held(20, "Reed Organ")),
}


def find_soundfont(name: str) -> str:
    if name not in SF_DIRS:
        raise FactoryError(f"unknown SoundFont {name!r}; known: {', '.join(SF_DIRS)}")
    for p in SF_DIRS[name]:
        if Path(p).is_file():
            return p
    raise FactoryError(
        f"SoundFont {name} not found (looked in {', '.join(SF_DIRS[name])}): "
        f"install the Debian package {SF_PACKAGES[name]} (sudo apt-get install {SF_PACKAGES[name]})")


def check_teacher(teacher: Preset) -> Preset:
    """The teacher's SoundFont is installed and its body known; else a FactoryError saying which."""
    from factory import body

    if teacher.body is not None and teacher.body not in body.BODIES:
        raise FactoryError(f"teacher {teacher.preset} ({teacher.soundfont}): unknown body {teacher.body!r}; "
                           f"known: {', '.join(body.BODIES)}")
    find_soundfont(teacher.soundfont)
    return teacher


def _fluidsynth():
    try:
        import fluidsynth  # pyfluidsynth
        fluidsynth.Synth  # noqa: B018  (fails if libfluidsynth is missing)
    except (ImportError, OSError, AttributeError) as err:
        raise FactoryError(
            f"FluidSynth is not usable ({err}): install the Debian package fluidsynth "
            "(sudo apt-get install fluidsynth) and the pip package pyfluidsynth") from err
    return fluidsynth


def _play(synth, score: dsp.Score, chunk: int) -> np.ndarray:
    """One score through a loaded synth (channel 0) → mono float32 at RENDER_RATE."""
    onsets = {}
    for f, k, v in score.onsets:
        onsets.setdefault(f, []).append((k, v))
    out = np.zeros(score.n_frames * chunk, np.float32)
    sounding = -1
    last_bend, last_expr = None, None
    for t in range(score.n_frames):
        k = int(score.key[t])
        if k < 0 and sounding >= 0:
            synth.noteoff(0, sounding)
            sounding = -1
        if k >= 0:
            b = int(round(float(score.bend[t]) / 12.0 * 8192))
            b = max(-8192, min(8191, b))
            if b != last_bend:
                synth.pitch_bend(0, b)
                last_bend = b
            e = int(round(score.expression[t]))
            if e != last_expr:
                synth.cc(0, 11, e)
                last_expr = e
        for key, vel in onsets.get(t, ()):
            if sounding >= 0:
                synth.noteoff(0, sounding)
            synth.noteon(0, key, vel)
            sounding = key
        s = synth.get_samples(chunk)
        out[t * chunk:(t + 1) * chunk] = s[0::2] / 32768.0
    synth.all_sounds_off(0)  # the next score starts from silence, not this one's release
    return out


def render_scores(scores: list, preset: Preset, level: float = 1.0, sample_rate: int = SAMPLE_RATE) -> list:
    """Renders scores with one FluidSynth (the SoundFont loaded once, no audio driver), each
    through the teacher's body → [mono float32 at sample_rate (16 kHz)]."""
    import scipy.signal

    from factory import body

    check_teacher(preset)
    if RENDER_RATE % sample_rate:
        raise FactoryError(f"cannot render at {sample_rate} Hz: not a divisor of {RENDER_RATE}")
    up = RENDER_RATE // sample_rate
    chunk = dsp.hop_samples(sample_rate) * up
    fluidsynth = _fluidsynth()
    sf_path = find_soundfont(preset.soundfont)
    # dynamic sample loading: only the chosen preset's samples are read (MuseScore_General.sf3
    # decompresses every sample of the font at load otherwise: ~30 s a render here, 0.1 s with it)
    synth = fluidsynth.Synth(gain=0.5, samplerate=float(RENDER_RATE), **{"synth.dynamic-sample-loading": 1})
    synth.setting("synth.reverb.active", 0)
    synth.setting("synth.chorus.active", 0)
    outs = []
    try:
        sfid = synth.sfload(sf_path)
        if sfid < 0:
            raise FactoryError(f"FluidSynth could not load {sf_path}")
        synth.program_select(0, sfid, preset.bank, preset.program)
        # Pitch-bend range ±12 semitones (RPN 0).
        for cc, v in ((101, 0), (100, 0), (6, 12), (38, 0), (101, 127), (100, 127)):
            synth.cc(0, cc, v)
        for score in scores:
            audio = scipy.signal.resample_poly(_play(synth, score, chunk), 1, up).astype(np.float32)
            if preset.body:
                audio = body.apply(audio, body.BODIES[preset.body], sample_rate)
            outs.append(audio * level)
    finally:
        synth.delete()
    return outs


def render(score: dsp.Score, preset: Preset, level: float = 1.0, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Renders a score with FluidSynth (no audio driver) → mono float32 at sample_rate (16 kHz)."""
    return render_scores([score], preset, level, sample_rate)[0]


def compute_loudness(audio: np.ndarray, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """ddsp.spectral_ops.compute_loudness (n_fft LOUDNESS_N_FFT at every rate, the window the page
    references its own to; A-weighted, center padding), one per frame."""
    from ddsp import spectral_ops

    hop = dsp.hop_samples(sample_rate)
    n_frames = len(audio) // hop
    ld = spectral_ops.compute_loudness(audio[: n_frames * hop], sample_rate=sample_rate,
                                       frame_rate=FRAME_RATE, n_fft=LOUDNESS_N_FFT, use_tf=False)
    ld = np.asarray(ld, dtype=np.float32).reshape(-1)
    return ld[:n_frames]


def normalise_audio(audio: np.ndarray, peak: float = 0.7) -> np.ndarray:
    m = float(np.max(np.abs(audio))) if audio.size else 0.0
    return audio if m <= 0 else (audio * (peak / m)).astype(np.float32)


def voiced_rms(audio: np.ndarray, voiced: np.ndarray, hop: int) -> float:
    """RMS of audio [n] over its voiced control frames (voiced [n // hop])."""
    frames = audio[: len(voiced) * hop].reshape(-1, hop)[voiced[: len(audio) // hop]]
    return float(np.sqrt(np.mean(np.square(frames)))) if frames.size else 0.0


def teacher_list(teachers) -> list:
    """A Preset or a list of them → a non-empty list."""
    teachers = [teachers] if isinstance(teachers, Preset) else list(teachers)
    if not teachers:
        raise FactoryError("no teacher to render: an instrument needs at least one")
    return teachers


def make_dataset(instrument: Instrument, teachers, seconds: float, seed: int = 0,
                 progress: bool = False, sample_rate: int = SAMPLE_RATE, piece_s: float = 60.0) -> dict:
    """Renders `seconds` of phrases → {audio [n] at sample_rate, f0_hz, loudness_db, voiced [frames],
    teacher [frames] (index into `teachers`), sample_rate}; f0 from the score.

    teachers: a Preset or a list. The data is cut in pieces of at most piece_s (bounded memory,
    at least one a teacher), each a new score of the instrument's style; piece i is played by
    teacher i mod len(teachers), so every teacher plays the same kind of phrases in turn and the
    held-out split (the last tenth) holds the last pieces of each. Each teacher's level is matched
    (the same RMS over its voiced frames) before the whole is normalised to a 0.7 peak.
    """
    teachers = teacher_list(teachers)
    hop = dsp.hop_samples(sample_rate)
    n_pieces = max(len(teachers), int(np.ceil(seconds / piece_s)))
    frames = [int(round(seconds * FRAME_RATE)) * (i + 1) // n_pieces for i in range(n_pieces)]
    lengths = np.diff([0] + frames) / FRAME_RATE
    scores = [dsp.make_score(float(lengths[i]), instrument.style, seed=seed * 1000 + i) for i in range(n_pieces)]
    who = [i % len(teachers) for i in range(n_pieces)]
    audios = [None] * n_pieces
    it = range(len(teachers))
    if progress:
        from tqdm import tqdm
        it = tqdm(it, desc=f"render {instrument.name} ({len(teachers)} teachers, {n_pieces} pieces)",
                  unit="teacher")
    for t in it:
        mine = [i for i in range(n_pieces) if who[i] == t]
        played = render_scores([scores[i] for i in mine], teachers[t], instrument.level, sample_rate)
        level = voiced_rms(np.concatenate(played), np.concatenate([scores[i].voiced for i in mine]), hop)
        for i, audio in zip(mine, played, strict=True):
            audios[i] = audio / max(level, 1e-9)
    audio = normalise_audio(np.concatenate(audios))
    return {"audio": audio, "f0_hz": np.concatenate([s.f0_hz() for s in scores]),
            "loudness_db": compute_loudness(audio, sample_rate),
            "voiced": np.concatenate([s.voiced for s in scores]),
            "teacher": np.concatenate([np.full(s.n_frames, who[i], np.int16) for i, s in enumerate(scores)]),
            "sample_rate": np.int64(sample_rate)}


def load_wav_folder(folder: str | Path, progress: bool = False) -> dict:
    """The user's recordings → features; f0 by librosa.pyin. Raises FactoryError on bad files."""
    import librosa
    import soundfile as sf

    folder = Path(folder)
    files = sorted(p for p in folder.glob("**/*") if p.suffix.lower() in (".wav", ".flac"))
    if not files:
        raise FactoryError(f"--audio {folder}: no .wav files found")
    audios, f0s, voiced = [], [], []
    for p in files:
        try:
            y, sr = sf.read(str(p), dtype="float32", always_2d=True)
        except Exception as err:  # soundfile raises several types
            raise FactoryError(f"--audio: cannot read {p}: {err}") from err
        if not np.isfinite(y).all():
            raise FactoryError(f"--audio: {p} is corrupt: {int((~np.isfinite(y)).sum())} samples are NaN or infinite")
        y = y.mean(axis=1)
        if sr != SAMPLE_RATE:
            y = librosa.resample(y, orig_sr=sr, target_sr=SAMPLE_RATE)
        if y.size < SAMPLE_RATE // 2 or float(np.max(np.abs(y))) < 1e-4:
            raise FactoryError(f"--audio: {p} is silent or shorter than 0.5 s")
        n = len(y) // HOP
        y = y[: n * HOP]
        f0, vflag, _ = librosa.pyin(y, fmin=50, fmax=2000, sr=SAMPLE_RATE, frame_length=1024,
                                    hop_length=HOP, center=True)
        f0 = np.nan_to_num(f0[:n], nan=0.0)
        vflag = vflag[:n] & (f0 > 0)
        if not vflag.any():
            raise FactoryError(f"--audio: no pitched sound found in {p}")
        audios.append(y)
        f0s.append(dsp.fill_unvoiced(np.where(vflag, f0, 0.0)).astype(np.float32))
        voiced.append(vflag)
    audio = normalise_audio(np.concatenate(audios))
    return {"audio": audio, "f0_hz": np.concatenate(f0s), "loudness_db": compute_loudness(audio),
            "voiced": np.concatenate(voiced)}


def _windows(data: dict, example_s: float) -> tuple[int, int, int]:
    """(samples a frame, frames a window, whole windows) of data."""
    hop = dsp.hop_samples(int(data.get("sample_rate", SAMPLE_RATE)))
    n_frames = min(len(data["f0_hz"]), len(data["loudness_db"]), len(data["audio"]) // hop)
    fpe = int(round(example_s * FRAME_RATE))
    return hop, fpe, n_frames // fpe


def _cut(data: dict, example_s: float, lo: int, hi: int) -> dict:
    """Windows lo … hi - 1 → {audio [n, samples], f0_hz [n, frames, 1], loudness_db [n, frames, 1]}."""
    hop, fpe, _ = _windows(data, example_s)
    idx = range(lo, hi)
    return {
        "audio": np.stack([data["audio"][i * fpe * hop:(i + 1) * fpe * hop] for i in idx]),
        "f0_hz": np.stack([data["f0_hz"][i * fpe:(i + 1) * fpe] for i in idx])[..., None],
        "loudness_db": np.stack([data["loudness_db"][i * fpe:(i + 1) * fpe] for i in idx])[..., None],
    }


def cut_examples(data: dict, example_s: float = 1.0) -> dict:
    """Every whole example_s window of data (e.g. a held-out teacher's, all for evaluation)."""
    n_ex = _windows(data, example_s)[2]
    if n_ex < 1:
        raise FactoryError(f"not enough audio: {len(data['f0_hz']) / FRAME_RATE:.1f} s (need ≥ {example_s} s)")
    return _cut(data, example_s, 0, n_ex)


def split_examples(data: dict, example_s: float = 1.0, heldout: float = 0.1) -> tuple[dict, dict]:
    """Cuts into example_s windows; the last `heldout` fraction of time is held out (no overlap)."""
    _, _, n_ex = _windows(data, example_s)
    if n_ex < 2:
        n_frames = min(len(data["f0_hz"]), len(data["loudness_db"]))
        raise FactoryError(f"not enough audio: {n_frames / FRAME_RATE:.1f} s (need ≥ {2 * example_s} s)")
    n_held = max(1, int(round(n_ex * heldout)))
    train, held = _cut(data, example_s, 0, n_ex - n_held), _cut(data, example_s, n_ex - n_held, n_ex)
    # Drop near-silent training windows (rests): they teach nothing.
    keep = train["loudness_db"].mean(axis=(1, 2)) > -70
    if keep.sum() >= 1:
        train = {k: v[keep] for k, v in train.items()}
    return train, held


def stats(data: dict) -> tuple[dict, dict]:
    f0 = data["f0_hz"][data["voiced"]] if data["voiced"].any() else data["f0_hz"]
    midi = dsp.hz_to_midi(f0)
    ld = data["loudness_db"]
    vld = ld[data["voiced"][: len(ld)]] if data["voiced"].any() else ld
    f0_stats = {"mean_hz": round(float(dsp.midi_to_hz(midi.mean())), 2),
                "mean_midi": round(float(midi.mean()), 2), "std_midi": round(float(midi.std()), 2),
                "min_hz": round(float(f0.min()), 2), "max_hz": round(float(f0.max()), 2)}
    loud_stats = {"mean_db": round(float(vld.mean()), 2), "std_db": round(float(vld.std()), 2),
                  "p05_db": round(float(np.percentile(vld, 5)), 2),
                  "p95_db": round(float(np.percentile(vld, 95)), 2)}
    return f0_stats, loud_stats


def teachers_tag(teachers) -> str:
    """Names the data of these teachers: p<program> for one plain FluidR3_GM preset (the
    one-teacher builds' folders), else t<code>-<code>… (Preset.code)."""
    teachers = teacher_list(teachers)
    t = teachers[0]
    if len(teachers) == 1 and t.soundfont == "FluidR3_GM.sf2" and t.body is None and t.bank == 0:
        return f"p{t.program}"
    return "t" + "-".join(x.code for x in teachers)


def cached_dataset(work: Path, instrument: Instrument, teachers, seconds: float,
                   audio_dir: str | None = None, progress: bool = False, sample_rate: int = SAMPLE_RATE,
                   seed: int = 0) -> dict:
    """make_dataset / load_wav_folder, cached as npz in the work dir (resumable builds)."""
    tag = f"wav_{Path(audio_dir).name}" if audio_dir else f"{teachers_tag(teachers)}_{int(seconds)}s"
    if seed:
        tag += f"_seed{seed}"
    if sample_rate != SAMPLE_RATE:
        if audio_dir:
            raise FactoryError(f"training on your own WAVs runs at {SAMPLE_RATE} Hz only")
        tag += f"_sr{sample_rate}"
    path = Path(work) / f"data_{tag}.npz"
    if path.is_file():
        with np.load(path) as z:
            return {k: z[k] for k in z.files}
    data = load_wav_folder(audio_dir, progress) if audio_dir else make_dataset(
        instrument, teachers, seconds, seed=seed, progress=progress, sample_rate=sample_rate)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, **data)
    shutil.move(tmp, path)
    return data


def dump_json(obj, path: Path):
    path.write_text(json.dumps(obj, indent=2) + "\n", encoding="utf-8")
