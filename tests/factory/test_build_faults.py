"""Build faults: a failed, broken or killed build leaves the installed models as they were and says why.

The builds write into temporary copies of shipped models (`--out tmp`), never into static/models.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import ROOT

SHIPPED = ROOT / "static" / "models"
INSTRUMENT = "shehnai"  # a --quick build renders nothing until its data step


def tree_digest(folder: Path) -> dict:
    """{relative path: sha256} of every file under folder (what "untouched" means here)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(Path(folder).rglob("*")) if p.is_file()}


@pytest.fixture
def installed(tmp_path):
    """(models dir holding a copy of the shipped instrument, its digest, the shipped digest)."""
    out = tmp_path / "models"
    shutil.copytree(SHIPPED / INSTRUMENT, out / INSTRUMENT)
    return out, tree_digest(out), tree_digest(SHIPPED)


def run_cli(args, capsys) -> tuple[int, str]:
    import build_models

    rc = build_models.main(args)
    return rc, capsys.readouterr().err


def assert_untouched(installed_fixture):
    out, before, shipped = installed_fixture
    assert tree_digest(out) == before, "the installed model changed"
    assert [p.name for p in out.iterdir()] == [INSTRUMENT], "leftovers beside the model"
    assert tree_digest(SHIPPED) == shipped


# ---- install: one atomic step --------------------------------------------------------------


def model_version(folder: Path, tag: str, n_files: int = 4, size: int = 4096) -> Path:
    """A fake model folder whose every file says which version it belongs to."""
    folder.mkdir(parents=True)
    for i in range(n_files):
        (folder / f"f{i}.bin").write_bytes(tag.encode() * (size // len(tag)))
    (folder / "metadata.json").write_text(json.dumps({"version": tag}))
    return folder


def versions_in(dest: Path) -> set[str]:
    """Which versions the files of dest come from (one element for a consistent model)."""
    return {p.read_bytes()[:1].decode() if p.suffix == ".bin" else json.loads(p.read_text())["version"][0]
            for p in dest.iterdir()}


def test_install_replaces_the_model_in_one_swap_and_leaves_nothing_behind(tmp_path):
    from factory import install

    dest = tmp_path / "models" / "sitar"
    install.install_atomically(model_version(tmp_path / "a", "A"), dest)
    install.install_atomically(model_version(tmp_path / "b", "B"), dest)
    assert versions_in(dest) == {"B"}
    assert [p.name for p in dest.parent.iterdir()] == ["sitar"]


def test_exchange_swaps_two_folders_atomically_on_this_filesystem(tmp_path):
    from factory import install

    a, b = model_version(tmp_path / "a", "A"), model_version(tmp_path / "b", "B")
    if not install.exchange(a, b):
        pytest.skip("renameat2(RENAME_EXCHANGE) unsupported here: installs use the recoverable fallback")
    assert versions_in(a) == {"B"} and versions_in(b) == {"A"}


def test_fallback_install_and_recovery_after_a_crash_between_its_renames(tmp_path, monkeypatch):
    from factory import install

    monkeypatch.setattr(install, "exchange", lambda a, b: False)
    dest = tmp_path / "models" / "sitar"
    install.install_atomically(model_version(tmp_path / "a", "A"), dest)
    install.install_atomically(model_version(tmp_path / "b", "B"), dest)
    assert versions_in(dest) == {"B"}
    # A kill between the two renames leaves the old model aside and an unfinished staging folder:
    os.rename(dest, dest.parent / ".sitar.old-1234")
    model_version(dest.parent / ".sitar.new-1234", "C", n_files=1)
    assert install.recover(dest.parent) == [f"removed the leftover {dest.parent / '.sitar.new-1234'}",
                                            f"restored {dest} from an interrupted install"]
    assert versions_in(dest) == {"B"}
    assert [p.name for p in dest.parent.iterdir()] == ["sitar"]


def test_a_failed_copy_leaves_the_old_model(tmp_path, monkeypatch):
    from factory import install

    dest = tmp_path / "models" / "sitar"
    install.install_atomically(model_version(tmp_path / "a", "A"), dest)
    real, calls = shutil.copy2, []

    def copy_then_fail(src, dst):
        calls.append(src)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(shutil, "copy2", copy_then_fail)
    with pytest.raises(OSError, match="No space left"):
        install.install_atomically(model_version(tmp_path / "b", "B"), dest)
    assert versions_in(dest) == {"A"}
    assert [p.name for p in dest.parent.iterdir()] == ["sitar"]


# Runs one install in a child process that SIGKILLs itself just before its k-th filesystem step
# (file copy, fsync, mkdir, rename, exchange, unlink, rmdir); prints "finished" if there were fewer.
KILLED_INSTALL = textwrap.dedent("""
    import os, shutil, signal, sys
    from pathlib import Path
    from factory import install
    src, dest, k, can_exchange = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"
    steps = [0]
    def kill_before(fn):
        def step(*args, **kwargs):
            steps[0] += 1
            if steps[0] == k:
                os.kill(os.getpid(), signal.SIGKILL)
            return fn(*args, **kwargs)
        return step
    exchange = install.exchange if can_exchange else (lambda a, b: False)
    for name in ("rename", "replace", "mkdir", "rmdir", "unlink", "fsync"):
        setattr(os, name, kill_before(getattr(os, name)))
    shutil.copyfile = kill_before(shutil.copyfile)
    install.exchange = kill_before(exchange)
    install.install_atomically(src, dest)
    print("finished", flush=True)
""")


@pytest.mark.parametrize("can_exchange", [True, False], ids=["exchange", "fallback renames"])
def test_sigkill_at_every_step_of_an_install_leaves_one_whole_model(tmp_path, can_exchange):
    """Kills an install of version B over version A before each of its filesystem steps in turn:
    after every kill the recovery of the next run leaves exactly one whole version and no leftovers."""
    from factory import install

    a, b = model_version(tmp_path / "a", "A"), model_version(tmp_path / "b", "B")
    dest = tmp_path / "models" / "sitar"
    seen = []
    for k in range(1, 100):
        shutil.rmtree(dest.parent, ignore_errors=True)
        install.install_atomically(a, dest)
        proc = subprocess.run([sys.executable, "-c", KILLED_INSTALL, str(b), str(dest), str(k),
                               "1" if can_exchange else "0"], cwd=ROOT, capture_output=True, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
        if proc.stdout.strip() == "finished":
            assert versions_in(dest) == {"B"}
            break
        assert proc.returncode == -signal.SIGKILL, proc.stderr
        install.recover(dest.parent)
        assert [p.name for p in dest.parent.iterdir()] == ["sitar"], f"leftovers after a kill at step {k}"
        assert sorted(p.name for p in dest.iterdir()) == sorted(p.name for p in a.iterdir())
        seen.append("".join(sorted(versions_in(dest))))
    else:
        raise AssertionError("the install never finished")
    print(f"kills before steps 1..{len(seen)}: versions left {''.join(seen)}")
    assert set(seen) <= {"A", "B"} and seen[0] == "A", seen


# ---- the CLI: faults before anything is installed ---------------------------------------------


def cli_args(out: Path, tmp_path: Path, *extra) -> list[str]:
    return ["--quick", "--instrument", INSTRUMENT, "--no-report", "--out", str(out),
            "--work", str(tmp_path / "work"), *extra]


@pytest.mark.build
def test_missing_soundfont_names_the_package_installs_nothing_and_cleans_leftovers(installed, tmp_path, capsys,
                                                                                   monkeypatch):
    from factory import data

    monkeypatch.setitem(data.SF_DIRS, "FluidR3_GM.sf2", [str(tmp_path / "nowhere" / "FluidR3_GM.sf2")])
    leftover = model_version(installed[0] / f".{INSTRUMENT}.new-0badc0de", "X", n_files=1)  # a killed install's
    rc, err = run_cli(cli_args(installed[0], tmp_path), capsys)
    assert rc == 2
    assert f"removed the leftover {leftover}" in err
    assert "error: SoundFont FluidR3_GM.sf2 not found" in err and "apt-get install fluid-soundfont-gm" in err
    assert f"{INSTRUMENT} was not installed: {installed[0] / INSTRUMENT} is unchanged" in err
    assert_untouched(installed)


def write_wavs(folder: Path, signal_by_name: dict, sample_rate: int = 16000) -> Path:
    import soundfile as sf

    folder.mkdir()
    for name, x in signal_by_name.items():
        if isinstance(x, bytes):
            (folder / name).write_bytes(x)
        else:
            sf.write(folder / name, x, sample_rate, subtype="FLOAT")
    return folder


def tone(seconds: float = 2.0, f0_hz: float = 440.0, sample_rate: int = 16000) -> np.ndarray:
    t = np.arange(int(seconds * sample_rate)) / sample_rate
    return (0.3 * np.sin(2 * np.pi * f0_hz * t)).astype(np.float32)


@pytest.mark.build
@pytest.mark.parametrize("case,expected", [
    ("not a wav", "cannot read"),
    ("silent", "is silent or shorter than 0.5 s"),
    ("nan samples", "is corrupt: 4 samples are NaN or infinite"),
])
def test_bad_recordings_under_audio_name_the_file_and_install_nothing(installed, tmp_path, capsys, case, expected):
    bad = {"not a wav": b"RIFF\x10\x00\x00\x00WAVEfmt broken",
           "silent": np.zeros(32000, np.float32),
           "nan samples": np.where(np.arange(32000) % 10000 == 5, np.nan, tone()).astype(np.float32)}[case]
    folder = write_wavs(tmp_path / "takes", {"a-good.wav": tone(), "b-bad.wav": bad})
    rc, err = run_cli(cli_args(installed[0], tmp_path, "--audio", str(folder)), capsys)
    assert rc == 2
    assert f"{folder / 'b-bad.wav'}" in err and expected in err, err
    assert_untouched(installed)


@pytest.mark.build
def test_nan_loss_stops_the_build_says_so_and_installs_nothing(installed, tmp_path, capsys):
    """The cached training data is poisoned with NaN audio: the real training step yields a NaN loss."""
    from factory import build, data

    plan = build.Plan.quick(progress=False)
    inst = data.INSTRUMENTS[INSTRUMENT]
    build.prepare(INSTRUMENT, inst.teachers, plan, tmp_path / "work" / "_quick")  # renders the cache
    [cache] = (tmp_path / "work" / "_quick" / INSTRUMENT).glob("data_*.npz")
    with np.load(cache) as z:
        poisoned = {k: z[k] for k in z.files}
    poisoned["audio"] = np.full_like(poisoned["audio"], np.nan)
    np.savez(cache, **poisoned)
    rc, err = run_cli(cli_args(installed[0], tmp_path), capsys)
    assert rc == 2
    assert "error: NaN/inf loss at step 0" in err and "lower the learning rate or check the data" in err
    assert f"{INSTRUMENT} was not installed" in err
    assert_untouched(installed)


@pytest.mark.build
def test_sigkill_mid_build_leaves_the_installed_model_untouched(installed, tmp_path):
    """A --quick build in a subprocess is killed once it is training; nothing changed in --out."""
    out = installed[0]
    proc = subprocess.Popen([sys.executable, "build_models.py", *cli_args(out, tmp_path)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    seen = []
    try:
        for line in proc.stderr:  # tqdm's bars: "render …", then "train …"
            seen.append(line)
            if "train " in line:
                break
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    assert any("train " in s for s in seen), "the build never reached training:\n" + "".join(seen[-20:])
    assert_untouched(installed)
