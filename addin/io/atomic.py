"""Outputs are written atomically: a temp file in the target folder, then a rename.

A crash or a kill never leaves a half-written file; an existing file is only replaced when asked; only
regular files are written (never a device, a pipe or a folder); a set of outputs (export) is renamed all or
none. Temp files carry our name and the writer's pid (`.~nianbao.<host>.<pid>.<random>.<ext>.tmp`), so
that the next run removes the ones a killed run left behind — only ours, only when their writer is gone.
"""
from __future__ import annotations

import errno
import gc
import hashlib
import os
import re
import secrets
import shutil
import socket
import stat
import sys
import time
import traceback
from contextlib import contextmanager
from pathlib import Path

from addin.errors import UserError
from addin.messages import refuse

MAX_NAME_BYTES = 255          # one file name on every file system staff use (NTFS, ext4, APFS: 255)
STALE_AFTER_S = 24 * 3600     # a temp this old is stale whoever wrote it (pid reuse, another machine)
_HOST = hashlib.sha1(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:6]
_TEMP = re.compile(r"^\.~nianbao\.([0-9a-f]{6})\.(\d+)\.[0-9a-f]{8}(\.[^.]*)?(\.old)?\.tmp$")
_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG)


def owner_files(target: Path) -> list[Path]:
    """Lock files Excel/Word/WPS keep beside an open document: '~$' + name, or '~$' replacing its first two
    characters (Word does that for longer names)."""
    names = {"~$" + target.name}
    if len(target.stem) > 2:
        names.add("~$" + target.name[2:])
    return [target.with_name(n) for n in sorted(names)]


def _exists(p: Path) -> bool:
    """exists() that treats a name too long to exist as absent (a lock name is 2 bytes longer than its file)."""
    try:
        return p.exists()
    except OSError as e:
        if e.errno == errno.ENAMETOOLONG:
            return False
        raise


def check_name(target: Path) -> None:
    """A name the file system can hold (a long workbook name plus '.校验' or '-征求意见稿' can pass 255 bytes)."""
    n = len(os.fsencode(Path(target).name))
    if n > MAX_NAME_BYTES:
        raise refuse("output.name_too_long", target=target, size=n, limit=MAX_NAME_BYTES)


def check_kind(target: Path) -> None:
    """Only regular files are written: a folder, a device (/dev/null), a pipe or a socket is refused."""
    target = Path(target)
    try:
        st = target.stat()
    except OSError:
        return                              # absent (or a dangling link, which the rename replaces)
    if stat.S_ISDIR(st.st_mode):
        raise refuse("output.is_dir", target=target)
    if not stat.S_ISREG(st.st_mode):
        raise refuse("output.not_regular", target=target)


def check_free(target: Path) -> None:
    """The target's folder exists, the target can be a regular file, and no program has it open."""
    target = Path(target)
    if not target.parent.is_dir():
        if _exists(target.parent):
            raise refuse("output.folder_is_file", folder=target.parent)
        raise refuse("output.no_folder", folder=target.parent)
    check_name(target)
    check_kind(target)
    for owner in owner_files(target):
        if _exists(owner):
            raise refuse("output.locked", target=target, owner=owner.name)


def check_writable(target: Path, force: bool = False) -> None:
    """Refuse to overwrite silently, or to replace a file another program has open."""
    target = Path(target)
    check_free(target)
    if _exists(target) and not force:
        raise refuse("output.exists", target=target)


def check_suffix(target: Path, suffix: str) -> None:
    """A workbook written under another name (.csv, none) would not open as what it is: refuse it."""
    target = Path(target)
    check_kind(target)                      # `-o .` is a folder: say that, not "wrong suffix"
    if target.suffix.lower() != suffix:
        better = (target.stem or "年报") + suffix
        raise refuse("output.suffix", target=target, suffix=suffix, better=better)


def write_error(target: Path, e: OSError) -> UserError:
    """The Chinese message for a write that failed (disk full, read-only, no permission)."""
    if e.errno in _FULL:
        return refuse("output.disk_full", target=target)
    return refuse("output.readonly", folder=Path(target).parent, name=Path(target).name, reason=e.strerror or e)


def temp_beside(target: Path, tag: str = "") -> Path:
    """A new empty temp file of ours beside `target` (first removing stale ones a killed run left there)."""
    target = Path(target)
    clean_stale(target.parent)
    ext = target.suffix if re.fullmatch(r"\.[^.]{1,16}", target.suffix) else ""
    for _ in range(100):
        p = target.with_name(f".~nianbao.{_HOST}.{os.getpid()}.{secrets.token_hex(4)}{ext}{tag}.tmp")
        try:
            fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        except OSError as e:
            raise write_error(target, e)
        os.close(fd)
        return p
    raise refuse("output.readonly:temp", folder=target.parent)


def clean_stale(folder: Path) -> list[Path]:
    """Remove our temps whose writer is gone: same machine and its pid no longer runs, or older than a day.

    Only names of our pattern, only regular files, only the current user's (POSIX)."""
    removed = []
    try:
        names = [n for n in os.listdir(folder) if n.startswith(".~nianbao.")]
    except OSError:
        return removed
    for name in names:
        m = _TEMP.match(name)
        p = Path(folder) / name
        try:
            st = p.lstat()
        except OSError:
            continue
        if not m or not stat.S_ISREG(st.st_mode) or (hasattr(os, "geteuid") and st.st_uid != os.geteuid()):
            continue
        gone = m.group(1) == _HOST and _pid_gone(int(m.group(2)))
        if gone or time.time() - st.st_mtime > STALE_AFTER_S:
            try:
                p.unlink()
                removed.append(p)
            except OSError:
                pass
    return removed


def _pid_gone(pid: int) -> bool:
    if os.name != "posix":            # os.kill(pid, 0) would terminate the process on Windows: age decides
        return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False                  # exists, someone else's
    return False


@contextmanager
def atomic_path(target: Path):
    """Yield a temp path beside `target`; on success it replaces `target` in one rename."""
    with atomic_paths([target]) as tmps:
        yield tmps[0]


@contextmanager
def atomic_paths(targets: list[Path], kept: dict[Path, Path] | None = None, ours=None):
    """Temps beside each target; when the body succeeds all are renamed over their targets — all or none:
    if one rename fails, the targets already replaced get their old files back (or are removed if new).

    With `kept` (a dict, filled in): a target that exists and differs from its new content stays on disk
    under a dated name of its own (previous_name) — a report edited by hand is never lost to a re-export —
    unless `ours(target)` says it is exactly what we wrote last time (nothing of anyone's would be lost)."""
    targets = [Path(t) for t in targets]
    tmps: list[Path] = []
    try:
        for t in targets:
            check_kind(t)
            tmps.append(temp_beside(t))
        yield tmps
        mode = 0o666 & ~_umask()       # mkstemp-like 0600; outputs are ordinary files for colleagues too
        for tmp in tmps:
            os.chmod(tmp, mode)
        if kept is not None:
            kept.update(_keep_previous(list(zip(tmps, targets)), ours))
        try:
            _commit(list(zip(tmps, targets)))
        except BaseException:
            for name in (kept or {}).values():   # the old files are back in place: no second copy of them
                _unlink(name)
            raise
    except OSError as e:
        err = write_error(targets[0], e)
        _release(e)
        raise err from None
    finally:
        for tmp in tmps:
            _unlink(tmp)


def _commit(pairs: list[tuple[Path, Path]]) -> None:
    """Rename each temp over its target; on a failure put every earlier target back as it was."""
    backups: dict[Path, Path] = {}
    done: list[Path] = []
    kept: list[Path] = []
    try:
        if len(pairs) > 1:             # one rename is atomic by itself; a set needs the old files kept
            for _, target in pairs:
                if _exists(target):
                    backups[target] = _backup(target)
        for tmp, target in pairs:
            os.replace(tmp, target)
            done.append(target)
    except BaseException as e:
        for target in reversed(done):
            try:
                if target in backups:
                    os.replace(backups[target], target)
                else:
                    target.unlink()
            except OSError:
                kept.append(backups.get(target, target))
        if kept and isinstance(e, OSError):
            raise refuse("output.partial", reason=e.strerror or e, kept="、".join(str(k) for k in kept)) from e
        raise
    finally:
        for b in backups.values():
            if b not in kept:
                _unlink(b)


def previous_name(target: Path, when: float) -> Path:
    """'报告.md' → '报告.旧版-20261201-164012.md': the old file's own time, its own extension (it still opens
    with a double click), beside it."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(when))
    return target.with_name(f"{target.stem}.旧版-{stamp}{target.suffix}")


def _keep_previous(pairs: list[tuple[Path, Path]], ours=None) -> dict[Path, Path]:
    """target → the name its old file is kept under, for the targets that exist and are about to change
    (but not those `ours` vouches for: our own earlier output, untouched)."""
    out = {}
    for tmp, target in pairs:
        if not _exists(target) or _same_bytes(tmp, target) or (ours is not None and ours(target)):
            continue
        out[target] = _second_name(target, previous_name(target, target.stat().st_mtime))
    return out


def _second_name(target: Path, first: Path) -> Path:
    """Give `target` another name, never over an existing file: `first`, else first-2, first-3 …"""
    for n in range(1, 1000):
        name = first if n == 1 else first.with_name(f"{first.stem}-{n}{first.suffix}")
        try:
            os.link(target, name)           # fails when the name is taken: nothing overwritten
            return name
        except FileExistsError:
            continue
        except OSError:                      # no hard links on this file system: an exclusive copy
            try:
                with open(target, "rb") as src, open(name, "xb") as dst:
                    shutil.copyfileobj(src, dst)
            except FileExistsError:
                continue
            shutil.copystat(target, name)
            return name
    raise refuse("output.readonly:temp", folder=target.parent)


def _same_bytes(a: Path, b: Path) -> bool:
    if a.stat().st_size != b.stat().st_size:
        return False
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            x, y = fa.read(1 << 16), fb.read(1 << 16)
            if x != y:
                return False
            if not x:
                return True


def _release(e: BaseException) -> None:
    """Drop the failed writer's frames now, quietly: a zip file it left open (openpyxl, python-docx) would
    otherwise try to flush into the full disk when collected, and print a traceback at exit."""
    tb, e.__traceback__ = e.__traceback__, None
    hook, sys.unraisablehook = sys.unraisablehook, lambda _unraisable: None
    try:
        traceback.clear_frames(tb)
        del tb
        gc.collect()
    finally:
        sys.unraisablehook = hook


def _backup(target: Path) -> Path:
    """A second name for the old file (a hard link; a copy where the file system has none)."""
    b = temp_beside(target, ".old")
    b.unlink()
    try:
        os.link(target, b)
    except OSError:
        shutil.copy2(target, b)
    return b


def _unlink(p: Path) -> None:
    try:
        os.unlink(p)
    except OSError:
        pass


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
