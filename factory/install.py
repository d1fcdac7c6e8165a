"""Installing a built model folder into static/models/<name>/ in one atomic step.

A new model is copied into a staging folder beside the old one (`.<name>.new-<token>`, same
filesystem, files fsync'ed), then the two folders swap places with a single
renameat2(RENAME_EXCHANGE): at every instant `<name>/` is either the whole old model or the whole
new one, even if the process is killed. The old model, now in the staging folder, is deleted
afterwards. Where the kernel or filesystem cannot exchange (not Linux, or EINVAL), the fallback
is two renames (`<name>` → `.<name>.old-<token>`, staging → `<name>`); `recover()` puts the old
model back if a crash fell between them. Folders starting with "." are never served as models
(app/manifest.py skips them), and `recover()` removes the leftovers of an interrupted install.
"""
from __future__ import annotations

import ctypes
import errno
import os
import secrets
import shutil
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
try:
    _renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
except (OSError, AttributeError):  # not glibc ≥ 2.28
    _renameat2 = None


def exchange(a: Path, b: Path) -> bool:
    """Atomically swaps two existing paths; False if this kernel/filesystem cannot."""
    if _renameat2 is None:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, f"cannot swap {a} and {b}: {os.strerror(err)}")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def recover(models_dir: Path) -> list[str]:
    """Cleans up after interrupted installs in models_dir; returns what it did (one line each).

    Run it when no other install into models_dir is running (a build does it before installing).

    `.<name>.new-*`: an unfinished (or already swapped-out) staging folder → deleted.
    `.<name>.old-*`: the old model of a fallback install → restored if `<name>` is missing, else deleted.
    """
    models_dir = Path(models_dir)
    done = []
    if not models_dir.is_dir():
        return done
    for p in sorted(models_dir.iterdir()):
        marker = ".new-" if ".new-" in p.name else ".old-" if ".old-" in p.name else None
        if marker is None or not p.name.startswith(".") or not p.is_dir():
            continue
        live = models_dir / p.name[1:].rsplit(marker, 1)[0]
        if marker == ".old-" and not live.exists():
            os.rename(p, live)
            done.append(f"restored {live} from an interrupted install")
        else:
            shutil.rmtree(p)
            done.append(f"removed the leftover {p}")
    return done


def install_atomically(src_dir: Path, dest: Path) -> None:
    """Makes `dest` a copy of the model folder `src_dir`; `dest` is never missing or half-written."""
    src_dir, dest = Path(src_dir), Path(dest)
    parent = dest.parent
    parent.mkdir(parents=True, exist_ok=True)
    recover(parent)
    token = secrets.token_hex(4)
    stage = parent / f".{dest.name}.new-{token}"
    old = parent / f".{dest.name}.old-{token}"
    stage.mkdir(mode=0o755)
    try:
        for p in Path(src_dir).iterdir():
            shutil.copy2(p, stage / p.name)
            _fsync(stage / p.name)
        _fsync(stage)
        if not dest.exists():
            os.rename(stage, dest)
        elif exchange(stage, dest):
            shutil.rmtree(stage)  # the old model
        else:
            os.rename(dest, old)
            os.rename(stage, dest)
            shutil.rmtree(old)
        _fsync(parent)
    except BaseException:
        if old.exists() and not dest.exists():
            os.rename(old, dest)
        shutil.rmtree(stage, ignore_errors=True)
        raise
