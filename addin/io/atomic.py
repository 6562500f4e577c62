"""Outputs are written atomically: a temp file in the target folder, then a rename.

A crash or a kill never leaves a half-written file; an existing file is only replaced when asked.
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from addin.errors import UserError


def owner_files(target: Path) -> list[Path]:
    """Lock files Excel/Word/WPS keep beside an open document: '~$' + name, or '~$' replacing its first two
    characters (Word does that for longer names)."""
    names = {"~$" + target.name}
    if len(target.stem) > 2:
        names.add("~$" + target.name[2:])
    return [target.with_name(n) for n in sorted(names)]


def check_free(target: Path) -> None:
    """The target's folder exists and no program has the target open; say so in Chinese otherwise."""
    target = Path(target)
    if not target.parent.is_dir():
        raise UserError(f"输出文件夹不存在：{target.parent}。请先创建该文件夹，或指定其他输出位置。",
                        code="output.no_folder")
    for owner in owner_files(target):
        if owner.exists():
            raise UserError(f"输出文件 {target} 正被 Excel、Word 或 WPS 打开（旁边有锁定文件 {owner.name}），未写入任何文件。"
                            f"请先关闭该文件再试；如程序已关闭，删除 {owner.name} 即可。", code="output.locked")


def check_writable(target: Path, force: bool = False) -> None:
    """Refuse to overwrite silently, or to replace a file another program has open."""
    target = Path(target)
    check_free(target)
    if target.exists() and not force:
        raise UserError(f"输出文件已存在：{target}。如需覆盖，请加 --force；也可以先把它移走或改名。",
                        code="output.exists")


def check_suffix(target: Path, suffix: str) -> None:
    """A workbook written under another name (.csv, none) would not open as what it is: refuse it."""
    if Path(target).suffix.lower() != suffix:
        raise UserError(f"输出文件名 {target} 应以 {suffix} 结尾（写出的是 Excel 工作簿）。请改用如 "
                        f"{Path(target).with_suffix(suffix).name} 的文件名。", code="output.suffix")


@contextmanager
def atomic_path(target: Path):
    """Yield a temp path beside `target`; on success it replaces `target` in one rename."""
    target = Path(target)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".~{target.stem}.", suffix=target.suffix + ".tmp", dir=target.parent)
    except OSError as e:
        raise UserError(f"无法在文件夹 {target.parent} 中写入文件（{e.strerror}）。请检查该文件夹是否只读，"
                        f"或用 -o 指定其他位置。", code="output.readonly")
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~_umask())   # mkstemp makes 0600; outputs are ordinary files for colleagues too
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
