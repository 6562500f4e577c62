"""Writing outputs when the machine or the file system says no (issue 8): disk full for every writer, a
rename failing midway through an export, temps a killed run left behind, and text that cannot go where
it is written (control characters in file names and titles)."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from addin.cli import main
from addin.errors import UserError
from addin.io import atomic

from .helpers import EXAMPLE_JSON, EXAMPLE_XLSX, ROOT


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


# --- disk full ----------------------------------------------------------------------------------

@pytest.fixture
def full_disk(tmp_path):
    """A 200 KB tmpfs holding the example workbook, the rest filled up."""
    folder = tmp_path / "满盘"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the disk-full tests (mount a tmpfs as root): {mounted.stderr.decode()[:200]}")
        pytest.skip(f"mounting a 200 KB tmpfs is not permitted here (needs root): {mounted.stderr.decode()[:200]}")
    try:
        shutil.copyfile(EXAMPLE_XLSX, folder / "年报.xlsx")
        with open(folder / "填充", "wb", buffering=0) as f:
            try:
                while True:
                    f.write(b"\0" * 1024)
            except OSError:
                pass
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


WRITERS = {
    "template": lambda d: ["template", "-o", str(d / "模板.xlsx")],
    "fill": lambda d: ["fill", str(EXAMPLE_JSON), "-o", str(d / "生成.xlsx")],
    "dump": lambda d: ["dump", str(EXAMPLE_XLSX), "-o", str(d / "数据.json")],
    "rollup": lambda d: ["rollup", str(EXAMPLE_XLSX), "-o", str(d / "汇总.xlsx"), "--organ", "某县人民政府"],
    "summary-csv": lambda d: ["validate", str(EXAMPLE_XLSX), str(EXAMPLE_XLSX), "--summary-csv", str(d / "汇总.csv")],
    "summary-xlsx": lambda d: ["validate", str(EXAMPLE_XLSX), str(EXAMPLE_XLSX), "--summary", str(d / "校验汇总.xlsx")],
    "summary-one-file": lambda d: ["validate", str(EXAMPLE_XLSX), "--summary", str(d / "校验汇总.xlsx")],
    "annotate": lambda d: ["validate", str(d / "年报.xlsx"), "--annotate"],
    "export": lambda d: ["export", str(d / "年报.xlsx"), "--force"],
}


@pytest.mark.parametrize("writer", list(WRITERS))
def test_disk_full_is_a_clear_message_and_leaves_no_file(writer, full_disk, capsys):
    before = _digest(full_disk)
    code = main(WRITERS[writer](full_disk))
    err = capsys.readouterr().err
    assert code == 2, err
    assert "磁盘空间不足" in err and "Traceback" not in err and "内部错误" not in err
    assert _digest(full_disk) == before, "a partial file was left, or an existing one changed"
    assert not [p for p in full_disk.iterdir() if p.name.startswith(".~")]


def test_disk_full_in_a_subprocess_prints_no_traceback_at_exit(full_disk):
    """A zip file left open by the failed writer must not flush into the full disk at exit (stderr stays clean)."""
    p = subprocess.run([sys.executable, "-m", "addin", *WRITERS["fill"](full_disk)], capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
    assert p.returncode == 2
    assert "Traceback" not in p.stderr and "Exception ignored" not in p.stderr, p.stderr


# --- export: all or none ------------------------------------------------------------------------

@pytest.fixture
def exported(tmp_path):
    """A workbook and an earlier export of it (old files written after the workbook)."""
    wb = tmp_path / "a.xlsx"
    shutil.copyfile(EXAMPLE_XLSX, wb)
    old = {k: tmp_path / f"a.{k}" for k in ("docx", "html", "md")}
    for k, p in old.items():
        p.write_bytes(f"OLD {k}".encode())
    return wb


def test_a_rename_failing_midway_puts_every_old_file_back(exported, monkeypatch):
    from addin.report import export

    folder = exported.parent
    before = _digest(folder)
    real = os.replace
    calls = []

    def failing_second(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise PermissionError(13, "Permission denied (locked by Word)", str(dst))
        return real(src, dst)

    monkeypatch.setattr(os, "replace", failing_second)
    with pytest.raises(UserError) as e:
        export.export(exported, force=True)
    assert e.value.code == "output.readonly" and "未写入任何文件" in e.value.message
    assert len(calls) >= 3                        # the first target was replaced, then put back
    assert _digest(folder) == before, "the old report files must all be back"
    assert sorted(p.name for p in folder.iterdir()) == ["a.docx", "a.html", "a.md", "a.xlsx"]


def test_a_rename_failing_midway_removes_the_new_files_of_a_first_export(tmp_path, monkeypatch):
    from addin.report import export

    wb = tmp_path / "a.xlsx"
    shutil.copyfile(EXAMPLE_XLSX, wb)
    real, calls = os.replace, []

    def failing_last(src, dst):
        calls.append(dst)
        if len(calls) == 3:
            raise OSError(5, "Input/output error", str(dst))
        return real(src, dst)

    monkeypatch.setattr(os, "replace", failing_last)
    with pytest.raises(UserError):
        export.export(wb)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx"]


def test_a_folder_named_like_one_output_stops_export_before_any_rename(exported):
    folder = exported.parent
    (folder / "a.docx").unlink()
    (folder / "a.docx").mkdir()
    before = _digest(folder)
    assert main(["export", str(exported), "--force"]) == 2
    assert _digest(folder) == before                       # a.html and a.md are still the old ones
    assert not [p for p in folder.iterdir() if p.name.startswith(".~")]


def test_the_same_export_with_no_obstacle_writes_the_whole_set(exported):
    assert main(["export", str(exported), "--force"]) == 0
    folder = exported.parent
    assert all(not (folder / f"a.{k}").read_bytes().startswith(b"OLD") for k in ("docx", "html", "md"))
    assert not [p for p in folder.iterdir() if p.name.startswith(".~")]


# --- temps a killed run left behind -------------------------------------------------------------

def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_a_temp_left_by_a_killed_writer_is_removed_on_the_next_run(tmp_path):
    """SIGKILL a `fill` while it writes (its temp stays), then run again: the stale temp is gone."""
    out = tmp_path / "out.xlsx"
    cmd = [sys.executable, "-m", "addin", "fill", str(EXAMPLE_JSON), "-o", str(out), "--force"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    left = []
    for _ in range(60):                             # kill when the temp exists (it lives only while writing)
        p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while p.poll() is None and not list(tmp_path.glob(".~nianbao.*.tmp")):
            time.sleep(0.002)
        p.send_signal(signal.SIGKILL)
        p.wait()
        left = list(tmp_path.glob(".~nianbao.*.tmp"))
        if left:
            break
    assert left, "never caught the writer with its temp file"
    assert main(["fill", str(EXAMPLE_JSON), "-o", str(out), "--force"]) == 0
    assert not list(tmp_path.glob(".~*.tmp")), "the stale temp of the killed run was not removed"


def test_only_our_stale_temps_are_removed(tmp_path):
    host = atomic._HOST
    dead, alive = _dead_pid(), os.getpid()
    names = {
        f".~nianbao.{host}.{dead}.0123abcd.xlsx.tmp": False,          # ours, writer gone: removed
        f".~nianbao.{host}.{dead}.0123abcd.docx.old.tmp": False,      # ours, a backup of a killed export
        f".~nianbao.{host}.{alive}.0123abcd.xlsx.tmp": True,          # ours, writer still running: kept
        f".~nianbao.ffffff.{dead}.0123abcd.xlsx.tmp": True,           # another machine's (shared folder): kept
        ".~年报.abcd1234.xlsx.tmp": True,                              # not our pattern: kept
        "~$年报.xlsx": True,                                          # Excel's lock file: kept
        f".~nianbao.{host}.{dead}.0123abcd.xlsx": True,               # no .tmp: kept
    }
    for n in names:
        (tmp_path / n).write_bytes(b"x")
    old = tmp_path / f".~nianbao.ffffff.{alive}.89abcdef.md.tmp"     # any writer, a day old: removed
    old.write_bytes(b"x")
    os.utime(old, (time.time() - atomic.STALE_AFTER_S - 60,) * 2)
    (tmp_path / f".~nianbao.{host}.{dead}.0123abcd.dir.tmp").mkdir()  # not a regular file: kept
    atomic.clean_stale(tmp_path)
    kept = {p.name for p in tmp_path.iterdir()}
    assert kept == {n for n, k in names.items() if k} | {f".~nianbao.{host}.{dead}.0123abcd.dir.tmp"}


# --- special files, names -----------------------------------------------------------------------

def test_force_never_replaces_a_device(tmp_path):
    """`-o /dev/null --force` (as root this would replace the real /dev/null with a regular file)."""
    with pytest.raises(UserError) as e:
        atomic.check_writable(Path("/dev/null"), force=True)
    assert e.value.code == "output.not_regular"
    assert not Path("/dev/null").is_file()


def test_a_long_name_lock_file_lookup_does_not_crash(tmp_path):
    """A 254-byte output name: its '~$' lock name is 256 bytes and cannot exist; the write goes ahead."""
    out = tmp_path / ("a" * 249 + ".xlsx")
    assert main(["template", "-o", str(out)]) == 0 and out.is_file()


def test_rollup_with_esc_in_a_unit_file_name_shows_it_escaped(tmp_path, capsys):
    import openpyxl

    unit = tmp_path / "某局\x1b[31m.xlsx"
    shutil.copyfile(EXAMPLE_XLSX, unit)
    out = tmp_path / "汇总.xlsx"
    assert main(["rollup", str(unit), "-o", str(out), "--organ", "某县人民政府"]) == 0
    from addin.review.rollup import SOURCES_SHEET

    texts = [c.value for row in openpyxl.load_workbook(out)[SOURCES_SHEET].iter_rows() for c in row
             if isinstance(c.value, str)]
    assert any("某局\\x1b[31m.xlsx" in t for t in texts), texts


def test_jobs_above_the_cap_run_with_the_cap(tmp_path, monkeypatch, capsys):
    from addin import cli
    from addin.review import batch, pool

    seen = {}
    real_run = batch.run

    def spy(paths, jobs=None, **kw):
        seen["jobs"] = jobs
        return real_run(paths, jobs=1, **kw)

    monkeypatch.setattr(batch, "run", spy)
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    shutil.copyfile(EXAMPLE_XLSX, a)
    shutil.copyfile(EXAMPLE_XLSX, b)
    assert main(["validate", str(a), str(b), "--jobs", "100"]) == 0
    assert seen["jobs"] == cli.max_jobs() == pool.cores()
    assert "超过本机处理器核数" in capsys.readouterr().err


# --- single-line fields in the writers ----------------------------------------------------------

def test_a_newline_in_the_organ_name_stays_inside_every_title(tmp_path, example_doc):
    import docx

    from addin.io import template

    example_doc["organ"]["name"] = "某局\n1) 列表\r\n# 标题"
    wb = tmp_path / "年报.xlsx"
    template.write(wb, doc=example_doc)
    assert main(["export", str(wb), "--draft"]) == 0
    md = (tmp_path / "年报-征求意见稿.md").read_text(encoding="utf-8").splitlines()
    title = next(i for i, line in enumerate(md) if line.startswith("# "))
    assert md[title].startswith("# 某局 1) 列表 \\# 标题") and md[title + 1] == ""
    html = (tmp_path / "年报-征求意见稿.html").read_text(encoding="utf-8")
    assert "<title>某局 1) 列表 # 标题" in html and "<span>某局 1) 列表 # 标题</span>" in html
    d = docx.Document(tmp_path / "年报-征求意见稿.docx")
    assert "\n" not in d.core_properties.title and d.paragraphs[0].text == "某局 1) 列表 # 标题"


def test_docx_properties_hold_an_organ_name_of_any_length(tmp_path):
    import docx

    from addin.report import model
    from addin.report.writers import docx as docx_writer

    doc = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    doc["organ"]["name"] = "某" * 300
    out = tmp_path / "a.docx"
    docx_writer.write(model.build(doc), out)
    props = docx.Document(out).core_properties
    assert len(props.title) == len(props.author) == 255 and props.author.endswith("…")
