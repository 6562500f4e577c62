"""Tests that kill atomic.py's mutants (issue 14): lock-file names, refusing to overwrite, the suffix,
writes that replace the target only when complete, with ordinary permissions."""
from __future__ import annotations

import os

import pytest

from addin.errors import UserError
from addin.io import atomic


def test_lock_files_of_short_and_long_names(tmp_path):
    assert [p.name for p in atomic.owner_files(tmp_path / "ab.md")] == ["~$ab.md"]
    assert [p.name for p in atomic.owner_files(tmp_path / "abc.md")] == ["~$abc.md", "~$c.md"]
    (tmp_path / "~$.md").write_text("x")             # not a lock of "ab.md"
    atomic.check_free(tmp_path / "ab.md")
    (tmp_path / "~$c.md").write_text("x")            # Word's lock of "abc.md"
    with pytest.raises(UserError) as e:
        atomic.check_free(tmp_path / "abc.md")
    assert e.value.code == "output.locked" and "~$c.md" in e.value.message


def test_check_writable_and_suffix(tmp_path):
    t = tmp_path / "a.xlsx"
    atomic.check_writable(t)
    t.write_text("x")
    with pytest.raises(UserError) as e:
        atomic.check_writable(t)
    assert e.value.code == "output.exists"
    atomic.check_writable(t, force=True)
    atomic.check_suffix(tmp_path / "A.XLSX", ".xlsx")
    with pytest.raises(UserError) as e:
        atomic.check_suffix(tmp_path / "a.csv", ".xlsx")
    assert e.value.code == "output.suffix"
    with pytest.raises(UserError) as e:
        atomic.check_free(tmp_path / "无此文件夹" / "a.md")
    assert e.value.code == "output.no_folder"


def test_atomic_path_replaces_only_on_success_with_ordinary_permissions(tmp_path):
    target = tmp_path / "a.md"
    target.write_text("旧")
    with pytest.raises(RuntimeError):
        with atomic.atomic_path(target) as tmp:
            tmp.write_text("半")
            raise RuntimeError("中途失败")
    assert target.read_text() == "旧" and sorted(p.name for p in tmp_path.iterdir()) == ["a.md"]
    old = os.umask(0o022)
    try:
        with atomic.atomic_path(target) as tmp:
            tmp.write_text("新")
    finally:
        os.umask(old)
    assert target.read_text() == "新" and oct(target.stat().st_mode & 0o777) == "0o644"


