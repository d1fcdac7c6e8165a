"""docs/models.md and docs/img/*.png from the shipped metadata and the work dirs."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
TIMBRE_BAR_DB = 5.0  # issue 11: each instrument within 5 dB (harmonic profile) of its own preset


def _load(path: Path):
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None


def loss_png(history: dict, path: Path, title: str, plateau=None):
    """Train and held-out loss over steps; with `plateau` (factory.train.Plateau), the last window
    and the best held-out loss before it, so the plateau (or its absence) is visible."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3), dpi=80)
    if history.get("train"):
        s, v = zip(*history["train"])
        ax.plot(s, v, label="train (25-step mean)", lw=0.6, alpha=0.6)
    if history.get("heldout"):
        s, v = zip(*history["heldout"])
        ax.plot(s, v, "o-", label="held-out", lw=1.5, ms=2)
        anneal = history.get("anneal")
        if anneal:
            ax.axvspan(anneal["start"], s[-1], color="#cfe3f5", zorder=0,
                       label="final phase: learning rate falling ×0.05")
        if plateau is not None and s[-1] > plateau.window_steps:
            # the window in which the rule fired (before the final phase, if there is one)
            end = anneal["start"] if anneal else s[-1]
            start = end - plateau.window_steps
            before = [h for st, h in history["heldout"] if st <= start]
            ax.axvspan(start, end, color="0.85", zorder=0,
                       label=f"last {plateau.window_steps} steps before the rule fired")
            if before:
                ax.axhline(min(before) * (1 - plateau.min_improvement), color="k", lw=0.8, ls="--",
                           label=f"{plateau.min_improvement:.0%} below the best before it")
        lo, hi = min(v), max(v)
        ax.set_ylim(lo - 0.15 * (hi - lo), hi + 0.3 * (hi - lo))
    ax.set_xlabel("step")
    ax.set_ylabel("multi-scale spectral loss")
    ax.set_title(title)
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def spectrogram_png(target: np.ndarray, resynth: np.ndarray, path: Path, title: str, sr: int = 16000):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import scipy.signal

    fig, axes = plt.subplots(2, 1, figsize=(7, 4.5), dpi=64, sharex=True)
    for ax, y, label in ((axes[0], target, "ground truth (held out)"), (axes[1], resynth, "resynthesis")):
        f, t, s = scipy.signal.stft(y, fs=sr, nperseg=512, noverlap=256)
        db = 20 * np.log10(np.abs(s) + 1e-6)
        ax.pcolormesh(t, f / 1000, db, vmin=db.max() - 80, vmax=db.max(), shading="auto", cmap="magma")
        ax.set_ylabel("kHz")
        ax.set_title(f"{title}: {label}", fontsize=9)
    axes[1].set_xlabel("s")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _previous(quality: dict) -> str:
    prev = quality.get("previous")
    if not prev or prev.get("heldout_spectral_loss") is None:
        return ""
    return f"{prev['heldout_spectral_loss']} ({prev.get('steps')})"


def _first(quality: dict) -> str:
    first = quality.get("first_build")
    return f"{first['heldout_spectral_loss']} ({first.get('steps')})" if first else ""


def run_history(m: dict, checkpoints: Path) -> dict | None:
    """The loss log of the run that made model `m`: factory/checkpoints (in git) if it is there."""
    from factory.build import run_tag
    from factory.model import Config

    src = m.get("source", {})
    tag = run_tag(Config.from_dict(m.get("decoder", {})), src.get("program"))
    return _load(Path(checkpoints) / m["name"] / tag / "history.json")


def plateau_text(history: dict, plateau) -> str:
    h = history.get("heldout") or []
    if not h:
        return ""
    best = min(v for _, v in h)
    anneal = history.get("anneal")
    if anneal:
        at = [v for st, v in h if st <= anneal["start"]]
        return (f"the plateau rule fired at step {anneal['start']} ({anneal['improvement']:.2%} better than the best "
                f"{plateau.window_steps} steps before; best held-out loss then {min(at):.4f}, float32); after "
                f"the final low-learning-rate phase, at step {h[-1][0]}: {h[-1][1]:.4f} (best {best:.4f}): **converged**")
    imp = plateau.improvement(h)
    if imp is None:
        return (f"held-out loss {best:.4f} (best, float32) after {h[-1][0]} steps: not yet a full "
                f"{plateau.window_steps}-step window")
    state = "converged" if imp < plateau.min_improvement else "still improving"
    return (f"best held-out loss {best:.4f} (float32) at step {h[-1][0]}; {imp:.2%} better than the best "
            f"before the last {plateau.window_steps} steps: **{state}** (rule: < {plateau.min_improvement:.0%})")


def timbre_section(models_dir: Path) -> list[str]:
    from factory import timbre

    results = timbre.check_models(models_dir)
    ok = [n for n, r in results.items() if r["verdict"] and r["verdict"]["ok"]]
    return [
        "## Timbre",
        "",
        "Does each instrument sound like the preset it learned from? A sung phrase (`factory/voice.py`:",
        "glottal pulses through vowel formants, with rests, meend and vibrato; `factory.timbre.PHRASE`)",
        "goes through each shipped model (`factory.timbre.render_model`: the decoder graph as shipped,",
        "the ddsp synths, the engine's octave and loudness mapping); its output is compared with seven",
        "GM presets (FluidR3_GM) playing the pitch the engine asked of the instrument, each the way",
        "its instrument's training scores play (`factory.timbre.melody_score`): a sustained preset holds",
        "one key per sung stretch and bends through the glides; the plucked Sitar is plucked at each",
        "sung note and re-plucked every 0.285 s within it (the mean of the sitar style's re-pluck",
        "interval). Each cell:",
        "harmonic-profile distance (mean |dB| over harmonics 1-16 below 7.6 kHz, each relative to the",
        "frame's strongest, at the known f0) / MFCC distance (c1-c12 means, Euclidean); the own preset",
        "in bold. Both ignore pitch and loudness. The benchmark (`docs/benchmarks.md`, Timbre) runs the",
        "same check on the real browser engine's offline render.",
        "",
        timbre.format_table(results),
        "",
        f"Nearest its own preset by both distances: {len(ok)} of {len(results)} ({', '.join(ok) or 'none'}).",
        "The issue that asked for this check (#11) had found, with an earlier ad-hoc measurement, shehnai",
        "nearest Flute and sarangi's harmonic profile nearest Reed Organ and Sitar. With this check the",
        "first-build models were already nearest their own presets by both distances (shehnai 2.2 dB from",
        "Shanai, 6.6 from Flute; sarangi 4.7 dB from Violin, 6.6 from Sitar, 6.9 from Reed Organ; the",
        "browser engine's render gives 2.6 and 4.9 dB); what differs from that measurement (frames, level",
        "range, normalisation) is not recorded, so the two cannot be reconciled here.",
        "",
        "Why the plucked reference changed (this session): the Sitar preset used to play the phrase",
        "like a wind, one pluck per sung stretch (3 plucks in 9 s), so its string decayed for up to",
        "2.4 s and the frames the check keeps (within 25 dB of the loudest) were mostly a dying string",
        "whose upper harmonics fall away (harmonic 16: -47 dB vs -28 dB re-plucked). The model never",
        "learned that sound: its training scores pluck each note and re-pluck long ones every",
        "0.12-0.45 s, and the engine feeds it the singer's sustained loudness. The reference alone",
        "moved 7.2 dB between the two ways of playing (more than the 5 dB bar), so the check measured",
        "the playing technique, not the timbre. Measured with `factory.timbre` on the sitar models",
        "(harmonic profile / MFCC from Sitar): the first build's c32 model (held-out 4.225) 5.2 dB / 24",
        "with one pluck per stretch, 2.5 / 15 plucked as trained; the converged run of the same config (4.225 →",
        "3.967) 7.1 / 26 → 1.6 / 12. Its 'moving away' was toward the sitar it was trained on and away",
        "from the decayed string. Only the Sitar column changed (sustained presets play as before):",
        "the other instruments are now further from the re-plucked Sitar than from the decayed one.",
        "Over the issue's bar of 5 dB from the own preset: "
        + (", ".join(f"{n} ({r['verdict']['own_harmonic_db']} dB)" for n, r in results.items()
                     if r["verdict"] and r["verdict"]["own_harmonic_db"] > TIMBRE_BAR_DB) or "none") + ".",
        "The browser engine's render (docs/benchmarks.md, Timbre) gives the same own-preset distances",
        "within 0.3 dB except bansuri's (3.1 dB there against 0.8 here), which is not explained yet",
        "(this rendering uses the sung f0 as generated, the engine its own pitch tracker two octaves",
        "below the bansuri's register).",
        "",
    ]


def asha_table(sweep: dict) -> list[str]:
    """An ASHA sweep (factory.sweep): per config, each seed's held-out loss and the steps it reached."""
    seeds = sweep["seeds"]
    lines = [f"Sweep (Ray Tune, {sweep['scheduler']}, seeds {', '.join(map(str, seeds))}; {sweep['rule']}):", "",
             "| channels | depth | kernel | harmonics | noise bands | float16 | RF | est. bytes | "
             + " | ".join(f"seed {s}: held-out loss (steps)" for s in seeds) + " | mean (survivors) | chosen |",
             "| --- " * (10 + len(seeds)) + "|"]
    cfgs = {}
    for t in sweep["trials"]:
        cfgs.setdefault(json.dumps(t["config"], sort_keys=True), {})[t["seed"]] = t
    ranked = {json.dumps(r["config"], sort_keys=True): r for r in sweep["results"]}
    chosen = json.dumps(sweep["chosen"]["config"], sort_keys=True)

    def order(k):
        return (ranked[k]["heldout_loss"] if k in ranked else float("inf"),
                min(t["heldout_loss"] for t in cfgs[k].values()))
    for k in sorted(cfgs, key=order):
        by_seed = cfgs[k]
        c = next(iter(by_seed.values()))
        cells = [f"{by_seed[s]['heldout_loss']} ({by_seed[s]['steps']})" if s in by_seed else "" for s in seeds]
        mean = ranked[k]["heldout_loss"] if k in ranked else "stopped"
        lines.append(f"| {c['config']['channels']} | {c['config']['depth']} | {c['config']['kernel']} "
                     f"| {c['config']['n_harmonics']} | {c['config']['n_noise']} | {c['config']['float16']} "
                     f"| {c['receptive_field']} | {c['bytes']} | " + " | ".join(cells)
                     + f" | {mean} | {'**yes**' if k == chosen else ''} |")
    agree = sweep.get("seed_agreement")
    if agree:
        lines += ["", f"Seed agreement over the {agree['configs_in_every_seed']} configs that survived with every "
                      f"seed: Kendall tau {agree['kendall_tau']:.2f}, same best config: {agree['same_best']}."]
    elif sweep.get("seed_agreement", 0) is None:
        lines += ["", "Seed agreement of the survivors: fewer than two configs survived with both seeds."]
    rungs = sweep.get("rung_agreement") or []
    if rungs:
        lines += ["", "Seed agreement at each evaluation that at least two configs reached with both seeds "
                      "(ASHA's rungs rank every config, the survivors only a few):", "",
                  "| step | configs | Kendall tau | same best |", "| --- | --- | --- | --- |"]
        lines += [f"| {r['step']} | {r['configs']} | {r['kendall_tau']:.2f} | {r['same_best']} |" for r in rungs]
    return lines + [""]


BANDWIDTH = ROOT / "docs" / "data" / "bandwidth.json"   # python -m bench.bandwidth


def sweep_decision(m: dict, sweep: dict) -> list[str]:
    """Whether the sweep's choice ships: it replaces the shipped model only if its held-out loss
    (and then its timbre) is better."""
    chosen = sweep["chosen"]
    best = min((t for t in sweep["trials"] if t["config"] == chosen["config"] and not t["stopped_early"]),
               key=lambda t: t["heldout_loss"])
    c, d = chosen["config"], m.get("decoder", {})
    shipped = (m.get("quality") or {}).get("heldout_spectral_loss")
    name = f"c{c['channels']} d{c['depth']} k{c['kernel']} h{c['n_harmonics']} n{c['n_noise']}"
    noise = []
    rungs = sweep.get("rung_agreement") or []
    if rungs and len(sweep["seeds"]) >= 2:
        # at the first decision rung: how far apart are two seeds of one config, against the configs?
        step = min((r["step"] for r in rungs if r["step"] >= 500), default=rungs[-1]["step"])
        s0, s1 = sweep["seeds"][:2]
        by = {}
        for t in sweep["trials"]:
            v = (t.get("heldout_at") or {}).get(str(step), (t.get("heldout_at") or {}).get(step))
            if v is not None:
                by.setdefault(json.dumps(t["config"], sort_keys=True), {})[t["seed"]] = v
        pairs = [v for v in by.values() if s0 in v and s1 in v]
        if len(pairs) >= 2:
            seed_gap = sum(abs(v[s0] - v[s1]) for v in pairs) / len(pairs)
            means = [(v[s0] + v[s1]) / 2 for v in pairs]
            rung = next(r for r in rungs if r["step"] == step)
            noise = [f"At {step} steps, where ASHA makes its first cut, two seeds of one config differ by "
                     f"{seed_gap:.2f} on average while the configs' means span {max(means) - min(means):.2f}: "
                     f"the seeds rank the {len(pairs)} configs differently (Kendall tau {rung['kendall_tau']:.2f}, "
                     f"best config the same: {rung['same_best']}), so that cut is mostly the luck of the "
                     "initialisation. Asynchronous ASHA also lets the first trials to reach a rung through "
                     "with little to compare against, which is how the first-started trial became the only survivor. "
                     "To rank converged quality here the first cut has to come later than this noise allows "
                     "(or compare the mean of both seeds at the rung, or use synchronous rungs); that is not "
                     "done yet.", ""]
    if shipped is not None and best["heldout_loss"] >= shipped:
        return [f"The sweep's choice, {name} (best survivor: held-out {best['heldout_loss']} at "
                f"{best['steps']} steps, seed {best['seed']}), does not ship: the shipped c{d.get('channels')} "
                f"d{d.get('depth')} model, trained to its plateau, is better ({shipped} at "
                f"{m.get('training', {}).get('steps')} steps; {m.get('bytes'):,} bytes against the choice's "
                f"estimated {chosen['bytes']:,}). The survivors' 3,000 steps rank where configs are "
                "after 3,000 steps, and the first rung (500 steps) stops configs that learn slowly but end well: "
                "it keeps the sweep's bias toward fast learners, only weaker than the 100-step sweep's.", ""] + noise
    return [f"The sweep's choice, {name}, trained {best['steps']} steps (seed {best['seed']}): held-out "
            f"{best['heldout_loss']} vs the shipped model's {shipped}.", ""] + noise


def sweep_status(metas: list[dict], checkpoints: Path) -> list[str]:
    """Which instruments have a full ASHA sweep on record (factory/checkpoints/<name>/sweep.json)."""
    done = {m["name"]: _load(checkpoints / m["name"] / "sweep.json") for m in metas}
    done = {n: sw for n, sw in done.items() if sw and sw.get("trials")}
    if not done:
        return ["**The full sweep has not been run yet**; the sweep tables below are the first build's",
                "100-step sweep.", ""]
    lines = []
    for n, sw in done.items():
        steps = sum(t["steps"] for t in sw["trials"])
        survivors = sum(not t["stopped_early"] for t in sw["trials"])
        lines.append(f"Full sweep run for {n}: {len(sw.get('configs') or [])} configs × {len(sw['seeds'])} seeds, "
                     f"{len(sw['trials'])} trials, {survivors} trained to {sw['steps_per_trial']} steps, "
                     f"{steps:,} steps in all (table under {n}).")
    others = [m["name"] for m in metas if m["name"] not in done]
    if others:
        lines.append(f"Not swept at scale yet: {', '.join(others)} (their tables are the first build's "
                     "100-step sweep; at ~0.3 s/step two at a time a sweep is ~1 hour per instrument here).")
    return lines + [""]


def bandwidth_section(metas: list[dict], bandwidth: Path = BANDWIDTH) -> list[str]:
    """Harmonics each model can sound at its high notes, at 16 kHz and at the higher rates."""
    rates = (16000, 22050, 24000)
    lines = ["## Bandwidth", "",
             "The models run at 16 kHz: nothing sounds above 8 kHz. Harmonics below Nyquist at an",
             "instrument's mean training pitch and at its highest note:", "",
             "| instrument | mean pitch (Hz) | " + " | ".join(f"harmonics at {r / 1000:g} kHz" for r in rates)
             + " | highest note (Hz) | " + " | ".join(f"at {r / 1000:g} kHz" for r in rates) + " |",
             "| --- " * (3 + 2 * len(rates)) + "|"]
    for m in metas:
        st = m.get("f0_stats") or {}
        if "mean_midi" not in st:
            continue
        high = st["mean_hz"]
        top = st["max_hz"]
        n = m.get("n_harmonics", 0)
        lines.append(f"| {m['name']} | {high:.0f} | " + " | ".join(str(min(n, int(r / 2 // high))) for r in rates)
                     + f" | {top:.0f} | " + " | ".join(str(min(n, int(r / 2 // top))) for r in rates) + " |")
    lines += ["", "(capped at the model's n_harmonics). 22.05 kHz is not a whole number of samples per",
              "250 Hz control frame (88.2), so it would need another frame rate and a different decoder",
              "time base; 24 kHz (96 samples a frame) is the higher rate the factory and engine take as",
              "they are: `python build_models.py --sample-rate 24000` renders, trains and exports at 24 kHz",
              "(the rate is the model's: `Config.sample_rate`, written to metadata.json, which the engine",
              "reads; `factory/dsp.py` SAMPLE_RATE is only the default).", ""]
    bw = _load(bandwidth)
    if bw:
        rows = bw["rows"]
        lines += [f"What 24 kHz costs, measured (`{bw['command'].strip()}`: the shipped {bw['instrument']} config",
                  f"trained {bw['steps']} steps on {bw['data_minutes']:g} minutes of data rendered at each rate,",
                  "exported, then the browser engine renders the sung phrase on WASM, median of 7):", "",
                  "| rate | s/step (training) | bytes | engine ms per s of audio: features | decoder | synth "
                  "| whole engine | harmonics at the highest note |", "| --- " * 8 + "|"]
        for r in rows:
            e = r["engine_ms_per_s"]
            lines.append(f"| {r['sample_rate'] / 1000:g} kHz | {r['train_sec_per_step']} | {r['bytes']} "
                         f"| {e['featuresMsPerS']:.2f} | {e['decoderMsPerS']:.2f} | {e['synthMsPerS']:.2f} "
                         f"| {e['engineMsPerS']:.2f} | {r['harmonics_at_highest_note']} "
                         f"({r['highest_note_hz']:.0f} Hz) |")
        lo, hi = rows[0], rows[-1]
        ratio = hi["train_sec_per_step"] / lo["train_sec_per_step"]
        eng = hi["engine_ms_per_s"]["engineMsPerS"] / lo["engine_ms_per_s"]["engineMsPerS"]
        lines += ["", f"At {hi['sample_rate'] / 1000:g} kHz a training step costs {ratio:.1f}× (1.5× the samples "
                  f"through the synths and the loss's FFTs), the whole engine {eng:.2f}× (the synth "
                  f"{hi['engine_ms_per_s']['synthMsPerS'] / lo['engine_ms_per_s']['synthMsPerS']:.1f}×: it runs per "
                  "sample; the decoder runs per frame; the features moved within the noise of a shared machine), "
                  "and the bytes do not change (same decoder; "
                  f"n_harmonics caps what is kept). It keeps {hi['harmonics_at_highest_note']} harmonics of the "
                  f"highest note instead of {lo['harmonics_at_highest_note']}. Both bars hold "
                  f"({hi['engine_ms_per_s']['engineMsPerS']:.1f} ≤ 20 ms per second of audio on WASM, "
                  f"{hi['bytes']:,} ≤ 150 KB). Not shipped: a model is shipped when it is better, and no",
                  "24 kHz model has been trained to its plateau and compared yet (the runs above trained 200",
                  "steps to time them; held-out losses at different rates are not comparable, and the timbre",
                  "check stops at 7.6 kHz, so 'better' needs a comparison above 8 kHz against the preset",
                  "rendered at 24 kHz, which does not exist yet). Engine times here were measured beside a",
                  "running sweep, so they are higher than the Engine table of docs/benchmarks.md; the ratio",
                  "is what carries over.", ""]
    return lines


def playing_section(metas: list[dict]) -> list[str]:
    """How each instrument is played: its metadata.json "playing" section (factory/playing.py)."""
    def numbers(p: dict) -> str:
        if p["idiom"] == "keyed":
            return (f"keys of the singer's Sa (the raga's swaras once one is chosen); a key is left when another is "
                    f"{p['key_hysteresis_semitones']} semitone nearer; key change {p['key_change_ms']} ms, straight; "
                    f"bellows: the voice's loudness over {p['bellows_ms']} ms")
        if p["idiom"] == "plucked":
            return (f"strike at each articulated note; attack {p['attack_ms']} ms, then {p['decay_early_db_per_s']} dB/s "
                    f"to {p['decay_knee_ms']} ms, {p['decay_late_db_per_s']} dB/s after (measured: {p['measured']}); "
                    f"meend up to {p['meend_max_semitones']} semitones in a stroke")
        if p["idiom"] == "bowed":
            return (f"meend as sung; bow attack {p['attack_ms']} ms from silence; bow change at articulated notes: "
                    f"{p['bow_change_db']} dB dip over {p['bow_change_ms']} ms")
        if p["idiom"] == "breath":
            return (f"breath {p['band_hz'][0]}-{p['band_hz'][1]} Hz, {p['level_db']} dB under the note at aperiodicity "
                    f"{p['aperiodicity_ref']}, +{p['onset_db']} dB at onsets (over {p['onset_ms']} ms), "
                    f"+{p['soft_db_per_db']} dB per dB below the mean level; tongued after a consonant: "
                    f"+{p['tongue_db']} dB over {p['tongue_ms']} ms")
        return "as the voice sings"

    lines = ["## How each instrument is played", "",
             "Each model's `metadata.json` carries a \"playing\" section, written by the factory",
             "(`factory/playing.py`, also `python -m factory.playing static/models` for shipped models, no",
             "retraining) and checked by `app/manifest.py` (a bad one keeps the model out of the manifest",
             "with the reason). The engine's mapping stage plays the voice's contour in that idiom",
             "(`static/js/engine/idiom/`); a model without the section plays as the voice sings.",
             "An articulated note is an onset after a rest, a consonant (an unvoiced gap of up to",
             "`strike.consonant_max_ms` while the voice still sounds) or a jump (`strike.jump_semitones`",
             "within `strike.jump_ms`); a meend glides and is one note. `taraf`: sympathetic strings on Sa,",
             "Pa and the raga's swaras (all twelve without a raga) in the instrument's register, ringing",
             "60 dB down in `ring_s`, heard `level_db` under a steady note at a string's pitch (the page's",
             "Taraf control scales it 0-200 %). `chikari` (sitar): Sa strings in `octaves` above its register,",
             "struck as each stroke peaks, `level_db` under the stroke (off unless the player turns it on).",
             "",
             "| instrument | idiom | how | taraf | chikari |", "| --- | --- | --- | --- | --- |"]
    for m in metas:
        p = m.get("playing") or {"idiom": "voice"}
        taraf = f"ring {p['taraf']['ring_s']} s, {p['taraf']['level_db']} dB" if "taraf" in p else "–"
        chikari = (f"Sa +{', +'.join(str(o) for o in p['chikari']['octaves'])} oct., ring {p['chikari']['ring_s']} s, "
                   f"{p['chikari']['level_db']} dB") if "chikari" in p else "–"
        lines.append(f"| {m['name']} | {p['idiom']} | {numbers(p)} | {taraf} | {chikari} |")
    return lines + [""]


def write_report(models_dir: Path, work_root: Path, docs: Path = ROOT / "docs",
                 checkpoints: Path = ROOT / "factory" / "checkpoints", timbre: bool = True) -> Path:
    """Writes docs/models.md (+ figures) from the models in models_dir, the work dirs and the
    training states in `checkpoints`; `timbre` adds the timbre table (renders every model, ~1 min)."""
    from factory.train import Plateau

    from factory.build import run_tag
    from factory.model import Config

    plateau = Plateau()
    models_dir, work_root, docs = Path(models_dir), Path(work_root), Path(docs)
    img = docs / "img"
    img.mkdir(parents=True, exist_ok=True)
    metas = [m for m in (_load(p) for p in sorted(models_dir.glob("*/metadata.json"))) if m]
    lines = [
        "# Swara models",
        "",
        "Generated by `python build_models.py` (`factory/report.py`); numbers come from each shipped",
        "`static/models/<name>/metadata.json` and the build's work dir (`build/work/`, not in git).",
        "",
        "## Shipped models",
        "",
        "| instrument | source (SoundFont, preset) | decoder | params | bytes (shipped) | bytes before compaction | held-out loss (shipped weights) | float32 | steps | stopped | before: held-out loss (steps) | first build: held-out loss (steps) | s/step | chosen |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for m in metas:
        d, t, q, src = m.get("decoder", {}), m.get("training", {}), m.get("quality", {}), m.get("source", {})
        dec = (f"conv c{d.get('channels')} d{d.get('depth')} k{d.get('kernel')}, h{m['n_harmonics']} "
               f"n{m['n_noise']}, RF {m.get('receptive_field_frames')}, {m.get('weights_dtype')}")
        chosen = "sweep" if m.get("sweep") else "default config"
        lines.append(
            f"| {m['name']} | {src.get('soundfont', 'user audio')} {src.get('preset', '')} ({src.get('program', '')}) "
            f"| {dec} | {m.get('params')} | {m.get('bytes')} | {m.get('bytes_before_compression')} "
            f"| {q.get('heldout_spectral_loss')} | {q.get('heldout_spectral_loss_float32')} | {t.get('steps')} "
            f"| {t.get('stopped')} | {_previous(q)} | {_first(q)} | {t.get('sec_per_step')} | {chosen} |")
    lines += [
        "",
        "Held-out loss: `ddsp.losses.SpectralLoss` (FFT sizes 1024, 512, 256, 128; L1 of magnitude + log",
        "magnitude), mean over the 1 s windows of the last 10 % of each instrument's rendered audio, which",
        "training never sees; 'shipped weights' rounds the weights to float16 as TF.js holds them.",
        "Losses of different instruments are not comparable (different sounds).",
        "A model ships one graph, the streaming one (`stream.json` + its shard, beside `metadata.json`; at",
        "most 150 KB a folder): the page runs nothing else, and the whole-sequence decoder it equals is the",
        "Python model the tests compare it with. 'bytes (shipped)' is that graph as the page fetches it;",
        "'bytes before compaction' its plain `tensorflowjs` conversion; shipped is the conversion with",
        "the converter's experiments switch plus `factory.convert.compact_model_json` (short node names, no",
        "device attributes, compact JSON).",
        "s/step: wall time of one training step, batch × 1 s examples at 16 kHz, on the build machine",
        "(2 shared CPU cores, other engineers' browsers running alongside); ~0.13 s/step uncontended",
        "for the c64 decoder at batch 8 (vs ~1.2 s/step at batch 8 × 4 s with six FFT sizes). The",
        "converged runs trained under `nice -n 19`, one thread each, beside other agents' work: their",
        "s/step is what was left of the machine, not the decoder's cost.",
        "",
        "'stopped': why training ended: `converged` (the plateau rule below), `time budget`",
        "(`--minutes`) or `steps` (the cap). 'before': the held-out loss (shipped weights) and steps of",
        "the model this one replaced; 'first build': of the first build's model (4-minute budgets, 2.84-4.23).",
        "",
        "Plateau rule (`factory.train.Plateau`, `python build_models.py --converge`): the held-out loss",
        "is evaluated every 250 steps; when the best of it improved by less than 1 % over the last",
        "2,000 steps, a final phase of 1,000 steps lets the learning rate fall exponentially to 5 % of",
        "its value, then training stops (cap 30,000 steps, learning rate 1e-3 × 0.4 every 10,000 steps).",
        "The final phase is there because at the plateau the learning rate is still ~7e-4 and the",
        "held-out loss swings between evaluations (harmonium: 2.86-3.29 over its last 2,000 steps), so",
        "the weights the rule stopped on were a random draw from that swing: harmonium's first",
        "converged run ended at 2.896, worse than the 3,000-step model it was meant to replace (2.841),",
        "whose schedule had annealed to 6e-5. The",
        "training state (float32 weights, Adam slots, loss log: ~12 bytes a parameter, ~0.3 MB) is kept",
        "in `factory/checkpoints/<instrument>/<config>_p<program>/` in git, so a run stopped in one",
        "session resumes in the next with the same command. A retrained model replaces the shipped",
        "one only if both its held-out loss and its harmonic-profile distance to its own preset (Timbre",
        "below) are better; a run that was not shipped is shown under its instrument.",
        "",
        "Budget of the first build (models not retrained since: their 'stopped' is `time budget`): each",
        "sweep trial trained 100 steps, so the sweep ranked configs by how fast they learn, not by where",
        "they end up (the c64 float16 and float32 trials differ only in rounding yet scored up to ~0.3",
        "apart: the noise of a 100-step trial with its own random init); the chosen config was then",
        "trained for 4 minutes, about 1,000-3,000 steps per instrument.",
        "",
        "Sweep with early stopping (`factory/sweep.py`, `python build_models.py --sweep`): every config",
        "with two seeds on Ray Tune; ASHA evaluates held-out loss every 250 steps and, at 500 and 1,500",
        "steps, lets only the best third of the trials that reached that step go on; the survivors train",
        "3,000 steps. Configs are ranked by their survivors' mean held-out loss, the two seeds' rankings",
        "are compared (Kendall tau, same best config), and the smallest config within 10 % of the best",
        "ships. Locally two trials run at a time, one TensorFlow thread each (`LOCAL_TRIALS`).",
        "`tests/factory/test_sweep.py` runs it end to end on a tiny config (2 configs × 2 seeds, 6 steps).",
        "",
    ] + sweep_status(metas, Path(checkpoints))
    for m in metas:
        name = m["name"]
        lines += [f"## {m.get('display_name', name)}", ""]
        src = m.get("source", {})
        lines.append(f"Trained on {src.get('soundfont', 'user recordings')} preset {src.get('preset', '')} "
                     f"(bank {src.get('bank', '')}, program {src.get('program', '')}), "
                     f"{m.get('training', {}).get('data_seconds')} s of rendered raga-like phrases; licence: {m.get('licence')}.")
        lines.append("")
        if m.get("preset_choice"):
            lines += ["Preset chosen by held-out loss after a short training run on each candidate:", "",
                      "| preset | program | steps | held-out loss |", "| --- | --- | --- | --- |"]
            for c in m["preset_choice"]:
                lines.append(f"| {c['preset']} | {c['program']} | {c['steps']} | {c['heldout_spectral_loss']} |")
            lines.append("")
        latest = _load(work_root / name / "latest.json")
        summary = _load(Path(latest["work"]) / "summary.json") if latest else None
        made = (summary or {}).get("metadata", {})
        if (made.get("training", {}).get("steps"), made.get("decoder")) != (m.get("training", {}).get("steps"),
                                                                             m.get("decoder")):
            summary = None  # the work dir's last build is not the shipped model (e.g. built with --out)
        run = run_history(m, checkpoints)
        steps = m.get("training", {}).get("steps")
        shipped_run = run if run and run.get("heldout") and run["heldout"][-1][0] == steps else None
        history = shipped_run or (summary or {}).get("history")
        if history:
            loss_png(history, img / f"{name}_loss.png", f"{name}: loss", plateau)
            lines += [f"![{name} loss curves](img/{name}_loss.png)", ""]
            if shipped_run:
                lines += [plateau_text(history, plateau), ""]
        elif (img / f"{name}_loss.png").is_file():
            lines += [f"![{name} loss curves](img/{name}_loss.png)", ""]
        if run and run is not shipped_run and run.get("heldout"):
            # A longer run of the same config in factory/checkpoints, not shipped (yet).
            loss_png(run, img / f"{name}_training.png", f"{name}: longer run (not shipped)", plateau)
            why = Path(checkpoints) / name / run_tag(Config.from_dict(m.get("decoder", {})), src.get("program")) / "decision.md"
            lines += [f"A longer run in `factory/checkpoints/{name}/`, not shipped: "
                      + plateau_text(run, plateau) + "." + (" " + why.read_text().strip() if why.is_file() else ""), "",
                      f"![{name} longer run, not shipped](img/{name}_training.png)", ""]
        # other configs' runs kept in factory/checkpoints (e.g. a sweep's choice trained toward its plateau)
        shipped_tag = run_tag(Config.from_dict(m.get("decoder", {})), src.get("program"))
        for other in sorted(p for p in (Path(checkpoints) / name).glob("*/history.json")
                            if p.parent.name != shipped_tag):
            h = _load(other)
            if not h or not h.get("heldout"):
                continue
            tag = other.parent.name
            loss_png(h, img / f"{name}_{tag}.png", f"{name}: {tag} (not shipped)", plateau)
            how = (f" Resume it with `python build_models.py --converge --instrument {name} --out DIR` (the default "
                   "config), then compare before shipping." if tag == run_tag(Config(), src.get("program")) else "")
            why = other.parent / "decision.md"
            lines += [f"Another run in `factory/checkpoints/{name}/{tag}/`, not shipped: " + plateau_text(h, plateau)
                      + "." + (" " + why.read_text().strip() if why.is_file() else "") + how, "",
                      f"![{name} {tag}, not shipped](img/{name}_{tag}.png)", ""]
        if summary and summary.get("resynth") and Path(summary["resynth"]).is_file():
            with np.load(summary["resynth"]) as z:
                spectrogram_png(z["target"], z["resynth"], img / f"{name}_spectrogram.png", name)
            lines += [f"![{name} spectrogram: ground truth vs resynthesis](img/{name}_spectrogram.png)", ""]
        elif (img / f"{name}_spectrogram.png").is_file():
            lines += [f"![{name} spectrogram: ground truth vs resynthesis](img/{name}_spectrogram.png)", ""]
        # the sweep's record: kept in git beside the training states, else the work dir's
        sweep = _load(Path(checkpoints) / name / "sweep.json") or _load(work_root / name / "sweep.json")
        if sweep and sweep.get("trials"):
            lines += asha_table(sweep) + sweep_decision(m, sweep)
        elif sweep:
            lines += [f"Sweep (Ray Tune, {sweep['steps_per_trial']} steps per trial; {sweep['rule']}):", "",
                      "| channels | depth | kernel | harmonics | noise bands | float16 | RF | est. bytes | held-out loss | s/step | chosen |",
                      "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
            for r in sorted(sweep["results"], key=lambda r: r["heldout_loss"]):
                c = r["config"]
                mark = "**yes**" if r["config"] == sweep["chosen"]["config"] else ""
                lines.append(f"| {c['channels']} | {c['depth']} | {c['kernel']} | {c['n_harmonics']} | {c['n_noise']} "
                             f"| {c['float16']} | {r['receptive_field']} | {r['bytes']} | {r['heldout_loss']} "
                             f"| {r['sec_per_step']} | {mark} |")
            lines.append("")
        cmp_ = _load(work_root / name / "gru_vs_conv.json") or _load(Path(checkpoints) / name / "gru_vs_conv.json")
        if cmp_:
            lines += [f"GRU comparison (same data, {cmp_['steps']} steps each, float32 weights; the GRU is not "
                      "served: TF.js runs GRUs ~90x slower than the conv stack):", "",
                      "| decoder | params | held-out loss | s/step |", "| --- | --- | --- | --- |"]
            for k in ("conv", "gru"):
                r = cmp_[k]
                sps = None if r["sec_per_step"] is None else round(r["sec_per_step"], 4)
                lines.append(f"| {k} | {r['params']} | {r['heldout_spectral_loss']} | {sps} |")
            lines.append("")
    if timbre:
        lines += timbre_section(models_dir)
    lines += playing_section(metas)
    lines += bandwidth_section(metas)
    lines += [
        "## How the models are checked",
        "",
        "- `tests/factory/test_data.py`: every instrument's rendered audio follows its score: librosa.pyin",
        "  (an independent tracker) within 15 cents median of the score's f0 (measured 5-11 cents).",
        "- `tests/factory/test_stream.py`: block after block (1, 2, 4, 16 frames) from its caches, each",
        "  shipped graph gives the whole-sequence frames of its Keras decoder rebuilt from the shipped",
        "  weights (≥ 100 dB SNR); the caches carry the past (a stream is not a restart).",
        "- `tests/e2e/test_model_tfjs_parity.py`: the converted model (the streaming graph) in headless",
        "  Chromium (TF.js cpu backend), the phrase in one block from the silent caches, against",
        "  TensorFlow's decoder on silence + the phrase with the same float16-rounded weights: max abs",
        "  error ~8e-8 (asserted < 1e-4: float32 arithmetic in another order); the app's decoder stage,",
        "  block by block, equals it too; against the float32 weights float16 storage costs",
        "  ~1e-3 relative (asserted < 2e-2). Only weight tensors are float16: the graph's scalar constants",
        "  (exp_sigmoid's log 10, 1/127 …) stay float32, else outputs drift by ~1e-2.",
        "- `tests/factory/test_build.py`: `--quick` builds a loadable model in-process (~40 s).",
        "- `tests/factory/test_timbre.py`: the timbre distances read known harmonic amplitudes within",
        "  1.5 dB whatever the pitch and level, and a preset played a tone higher and louder stays",
        "  nearest itself among four presets; the plucked Sitar is plucked at every sung note, in order,",
        "  and re-plucked within long ones, while playing the contour exactly.",
        "- `tests/factory/test_train.py`: training stops at the plateau rule, runs the final phase",
        "  (learning rate halfway down at half its steps) and resumes in the middle of it, resumes from",
        "  the compact state, refuses a state made with other settings.",
        "- `tests/factory/test_sweep.py`: ranking on survivors, seed agreement over survivors and at",
        "  every rung, and a tiny ASHA sweep on Ray Tune end to end.",
        "",
        "## Reproduce",
        "",
        "```sh",
        "make install-test                          # venv with the factory stack, Debian fluidsynth + SoundFonts",
        "pip install 'ray[tune]==2.60.*' 'packaging>=24.2' 'pyarrow<18'   # (in the build extra)",
        "python build_models.py                     # every instrument; resumable (build/work/<name>/)",
        "python build_models.py --converge --shipped-config --instrument shehnai   # to the plateau,",
        "                                           #   state in factory/checkpoints/ (resumes)",
        "python build_models.py --instrument sitar --minutes 10",
        "python build_models.py --sweep --instrument sitar   # ASHA sweep (2 seeds, survivors 3000 steps),",
        "                                           #   exports the chosen config's best survivor",
        "python build_models.py --instrument sitar --sample-rate 24000 --out /tmp/m   # a 24 kHz model",
        "python -m bench.bandwidth                  # 16 vs 24 kHz: s/step, bytes, engine ms (docs/data/)",
        "python build_models.py --gru --instrument shehnai  # adds the GRU comparison",
        "python build_models.py --quick --out /tmp/models  # smoke build (< 1 min)",
        "python build_models.py --audio ~/my_wavs --instrument bansuri   # from your own recordings",
        "```",
        "",
        "Interrupting a build and running the same command again resumes from the last checkpoint",
        "(`factory/resume.py`: one state.npz, written atomically every 100 steps and at each",
        "evaluation; a resumed run keeps its learning-rate schedule, and a state made with another",
        "config, batch or learning rate is refused with a message). A NaN loss stops the build and keeps the last",
        "good checkpoint. Each model is converted in a temporary directory, staged beside",
        "`static/models/<name>/` and swapped in with one atomic `renameat2(RENAME_EXCHANGE)`",
        "(`factory/install.py`): a failed or killed build leaves the old model whole, and the next",
        "run removes the leftovers. Build errors exit with status 2 and name the instrument left unchanged.",
        "",
    ]
    path = docs / "models.md"
    path.write_text("\n".join(lines))
    return path
