"""A province's folder: order, progress a reviewer sees, the summary workbook, and processes that never outlive
the command (issue 11, and issue 8's process cases)."""
from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from addin.cli import main
from addin.format import layout
from addin.review import batch, pool, progress, summary_xlsx
from addin.text import display_len

from .helpers import EXAMPLE_XLSX, HANG_GUARD, ROOT, cli_on_pty


def units(d: Path, n: int, name="u{}.xlsx") -> list[Path]:
    d.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(1, n + 1):
        p = d / name.format(i)
        shutil.copyfile(EXAMPLE_XLSX, p)
        out.append(p)
    return out


def row(file, organ=None, year=2022, exit=0, findings=()):
    return {"file": str(file), "organ": organ, "year": year, "exit": exit, "error": None, "findings": list(findings),
            "prior": None, "prior_searched": False,
            "summary": {"counts": {"错误": 0, "需说明": 0, "提示": 0}, "explained": 0, "blocking": 0, "passed": True}}


# --- order and notes ----------------------------------------------------------------------------------------

def test_units_in_natural_order(tmp_path):
    for name in ("u10.xlsx", "u2.xlsx", "u1.xlsx", "u100.xlsx", "U3.xlsx"):
        shutil.copyfile(EXAMPLE_XLSX, tmp_path / name)
    (tmp_path / "u9").mkdir()
    shutil.copyfile(EXAMPLE_XLSX, tmp_path / "u9" / "x.xlsx")
    got = [str(p.relative_to(tmp_path)) for p in batch.collect([tmp_path])]
    assert got == ["u1.xlsx", "u2.xlsx", "U3.xlsx", "u9/x.xlsx", "u10.xlsx", "u100.xlsx"]


def test_rows_by_organ_then_file_and_unnamed_last():
    rows = [row("u10.xlsx", "乙局2"), row("u2.xlsx", None, exit=2), row("u1.xlsx", "乙局10"), row("u3.xlsx", "乙局2"),
            row("u11.xlsx", "甲局")]
    assert [r["file"] for r in batch.ordered(rows)] == ["u3.xlsx", "u10.xlsx", "u1.xlsx", "u11.xlsx", "u2.xlsx"]


def test_one_organ_200_times_is_one_short_note():
    rows = [row(f"/x/u{i}.xlsx", "某局") for i in range(1, 201)]
    notes = batch._notes(rows)
    assert notes == ["注意：同一机关“某局”有 200 份工作簿（u1.xlsx、u2.xlsx、u3.xlsx 等 200 个），都是 2022 年度，汇总时只能计入一份"
                     "（将计入 u1.xlsx：修改时间相同，取文件名排在前面的）。"]


def test_escape_sequences_in_file_names_are_printed_escaped(tmp_path, capsys):
    bad = tmp_path / "a\x1b[31m红\x1b]0;title\x07.xlsx"
    shutil.copyfile(EXAMPLE_XLSX, bad)
    shutil.copyfile(EXAMPLE_XLSX, tmp_path / "b.xlsx")
    assert main(["validate", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "a\\x1b[31m红\\x1b]0;title\\x07.xlsx" in out


# --- what is skipped, and said ------------------------------------------------------------------------------

def test_fifo_and_dangling_link_are_named_for_what_they_are(tmp_path, capsys):
    os.mkfifo(tmp_path / "管道.xlsx")
    (tmp_path / "断链.xlsx").symlink_to(tmp_path / "不存在.xlsx")
    (tmp_path / "~$a.xlsx").write_bytes(b"lock")
    shutil.copyfile(EXAMPLE_XLSX, tmp_path / "a.xlsx")
    skipped = []
    assert [p.name for p in batch.collect([tmp_path], skipped)] == ["a.xlsx"]
    assert main(["validate", str(tmp_path)]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("（跳过 3 个文件")
    assert "1 个命名管道（FIFO，不是文件）：管道.xlsx" in first
    assert "1 个失效的符号链接（指向的文件不存在）：断链.xlsx" in first
    assert "1 个Excel 锁定文件" in first


def test_folder_of_only_a_fifo_says_so(tmp_path, capsys):
    os.mkfifo(tmp_path / "a.xlsx")
    assert main(["validate", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "没有找到 .xlsx 工作簿" in err and "命名管道" in err and "锁定文件" not in err


# --- processes ----------------------------------------------------------------------------------------------

def test_jobs_are_capped_at_the_cores_and_must_be_positive(capsys):
    assert pool.jobs_for(100, 10_000) == pool.cores()
    assert pool.jobs_for(None, 3) == min(3, pool.cores())
    assert pool.jobs_for(2, 1) == 1
    for bad in (0, -1):
        assert main(["validate", str(EXAMPLE_XLSX), str(EXAMPLE_XLSX), "--jobs", str(bad)]) == 2
        assert "不是有效的进程数" in capsys.readouterr().err


def test_jobs_100_starts_no_more_workers_than_cores(tmp_path):
    paths = units(tmp_path, pool.PARALLEL_FROM + 2)
    proc = subprocess.Popen([sys.executable, "-m", "addin.cli", "validate", str(tmp_path), "--jobs", "100"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen = set()
    while proc.poll() is None:
        seen |= set(children(proc.pid))
        time.sleep(0.05)
    assert proc.returncode == 0 and len(paths) > pool.cores()
    assert 0 < len(seen) <= pool.cores()


def children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (Linux /proc)."""
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(d.name))
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find the workers")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
@pytest.mark.parametrize("command", ["validate", "rollup"])
def test_no_worker_outlives_a_killed_batch(tmp_path, sig, command):
    units(tmp_path / "units", 40)
    args = (["validate", str(tmp_path / "units"), "--jobs", "2"] if command == "validate" else
            ["rollup", str(tmp_path / "units"), "-o", str(tmp_path / "sum.xlsx"), "--organ", "某县", "--jobs", "2"])
    proc = subprocess.Popen([sys.executable, "-m", "addin.cli", *args], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + HANG_GUARD
    workers: list[int] = []
    while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
        workers = children(proc.pid)
        time.sleep(0.02)
    assert len(workers) == 2, "the batch started its two workers"
    os.kill(proc.pid, sig)
    proc.wait(timeout=HANG_GUARD)
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [w for w in workers if alive(w)], "a worker outlived its killed parent"


def test_ctrl_c_stops_cleanly_and_says_how_far(tmp_path):
    N_UNITS = 600                # enough that the fast reader is still busy when Ctrl-C comes
    units(tmp_path, N_UNITS)
    proc = subprocess.Popen([sys.executable, "-m", "addin.cli", "validate", str(tmp_path), "--jobs", "2"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + HANG_GUARD
    while len(children(proc.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)              # let some units finish (the message is right whether or not any did)
    workers = children(proc.pid)
    os.kill(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=HANG_GUARD)
    assert proc.returncode == 130
    assert "Traceback" not in out + err and f"已中断：{N_UNITS} 个工作簿中已校验 " in err
    done = int(err.split("已校验 ")[1].split(" 个")[0])
    assert out.count("u") >= done and f"其余 {N_UNITS - done} 个未校验" in err
    assert not [w for w in workers if alive(w)]


# --- outputs ------------------------------------------------------------------------------------------------

def test_an_annotated_copy_that_cannot_be_written_is_a_failure_row(tmp_path, capsys):
    units(tmp_path, 2)
    (tmp_path / "u1.校验.xlsx").write_bytes(b"an earlier copy")      # exists, and no --force
    assert main(["validate", str(tmp_path / "u1.xlsx"), str(tmp_path / "u2.xlsx"), "--annotate"]) == 2
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.endswith("u1.xlsx") and "·" in x)
    assert "标注失败" in line and "—" not in line.split("·")[0]
    assert "已校验，但未写入标注副本：输出文件已存在" in out and "合计：通过 1，标注失败 1" in out


def test_summary_into_a_read_only_folder_is_refused_before_the_work(tmp_path, capsys, monkeypatch):
    units(tmp_path / "units", 2)
    if os.geteuid() == 0:          # root writes into a chmod 555 folder: /proc is read-only for everyone
        target = Path("/proc/self/汇总.csv")
    else:
        (tmp_path / "ro").mkdir(mode=0o555)
        target = tmp_path / "ro" / "汇总.csv"
    checked = []
    monkeypatch.setattr(batch, "check", lambda *a, **k: checked.append(a))
    assert main(["validate", str(tmp_path / "units"), "--summary-csv", str(target)]) == 2
    assert "尚未开始校验" in capsys.readouterr().err and checked == []


def test_summary_workbook_reads_back(tmp_path, capsys):
    d = tmp_path / "各单位"
    units(d, 3, "县{}.xlsx")
    wb = openpyxl.load_workbook(d / "县2.xlsx")
    for element, value in (("organ.name", '=HYPERLINK("http://x","点我")'), ("t3.R01.C1", 3)):
        sheet, ref = layout.load().sheet_and_ref(element)
        wb[sheet][ref] = value
    wb.save(d / "县2.xlsx")
    (d / "县3.xlsx").write_text("not a workbook", encoding="utf-8")
    out = tmp_path / "报告" / "汇总.csv"
    out.parent.mkdir()
    assert main(["validate", str(d), "--summary-csv", str(out), "--json"]) == 2
    rows = {Path(r["file"]).name: r for r in json.loads(capsys.readouterr().out)["files"]}
    book = openpyxl.load_workbook(out.with_name("校验汇总.xlsx"))
    assert book.sheetnames == ["各单位", "全部问题"]
    units_ws, findings_ws = book["各单位"], book["全部问题"]
    table = [[c.value for c in r] for r in units_ws.iter_rows()]
    assert tuple(table[0]) == summary_xlsx.UNIT_COLUMNS
    by_file = {Path(r[1]).name: r for r in table[1:]}
    assert set(by_file) == {"县1.xlsx", "县2.xlsx", "县3.xlsx"}
    assert by_file["县1.xlsx"][4] == "通过" and by_file["县2.xlsx"][4] == "未通过" and by_file["县3.xlsx"][4] == "无法读取"
    assert by_file["县2.xlsx"][2] == '=HYPERLINK("http://x","点我")'            # text, not a formula
    assert units_ws.cell(1 + list(by_file).index("县2.xlsx") + 1, 3).data_type == "s"
    assert by_file["县2.xlsx"][9].startswith("B1 ")
    for ws in (units_ws, findings_ws):
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    link = units_ws.cell(2, 2).hyperlink
    assert link is not None and (out.parent / link.target).resolve() == Path(units_ws.cell(2, 2).value).resolve()
    assert units_ws.column_dimensions["J"].width > units_ws.column_dimensions["A"].width
    assert units_ws.column_dimensions["C"].width >= display_len("中卫市口岸和投资促进办公室")
    found = [[c.value for c in r] for r in findings_ws.iter_rows(min_row=2)]
    expected = sum(len(r["findings"]) for r in rows.values()) + 1                  # + the unreadable file's reason
    assert len(found) == expected
    b1 = next(r for r in found if r[4] == "B1")
    assert Path(b1[1]).name == "县2.xlsx" and b1[2] == "表三" and b1[3] and b1[5] == "错误"
    assert any(r[4] == "input.not_xlsx" and Path(r[1]).name == "县3.xlsx" for r in found)


def test_summary_cells_take_odd_file_names():
    assert summary_xlsx.text("a\x1b[1m\udcff.xlsx") == "a\\x1b[1m\\udcff.xlsx"
    assert summary_xlsx.text("x" * 40000).endswith("…") and len(summary_xlsx.text("x" * 40000)) == 32767


def test_summary_name_must_be_xlsx_and_not_overwritten(tmp_path, capsys):
    units(tmp_path / "u", 1)
    assert main(["validate", str(tmp_path / "u"), "--summary", str(tmp_path / "s.csv")]) == 2
    (tmp_path / "s.xlsx").write_bytes(b"mine")
    assert main(["validate", str(tmp_path / "u"), "--summary", str(tmp_path / "s.xlsx")]) == 2
    assert "已存在" in capsys.readouterr().err and (tmp_path / "s.xlsx").read_bytes() == b"mine"


# --- progress -----------------------------------------------------------------------------------------------

def test_progress_line_text():
    assert progress.line("校验", 50, 200, 10.0) == \
        "校验 50/200 [██████░░░░░░░░░░░░░░░░░░]  25% 5.0 个/秒 剩余 0:30"
    assert progress.clock(3725) == "1:02:05"


def test_progress_is_silent_when_not_a_terminal():
    buf = io.StringIO()
    with progress.Progress(3, "校验", stream=buf) as bar:
        for _ in range(3):
            bar.advance()
    assert buf.getvalue() == ""
    assert list(progress.track(iter("abc"), 3, "审核")) == ["a", "b", "c"]


def test_progress_on_a_terminal_and_silence_otherwise(tmp_path):
    units(tmp_path, pool.PARALLEL_FROM + 2)
    n = pool.PARALLEL_FROM + 2
    code, seen = cli_on_pty(["validate", str(tmp_path), "--jobs", "2"])
    assert code == 0
    assert f"\r校验 {n}/{n} [" in seen and "100% " in seen and "个/秒 剩余 0:00" in seen
    assert seen.count("\r校验 ") >= 2                    # redrawn in place: the first unit, then the last

    code, seen = cli_on_pty(["validate", str(tmp_path), "--jobs", "2", "--json"])
    assert code == 0 and "个/秒" not in seen              # JSON asked: machines read it, no line drawn

    piped = subprocess.run([sys.executable, "-m", "addin.cli", "validate", str(tmp_path)], cwd=ROOT,
                           capture_output=True, text=True, timeout=HANG_GUARD)
    assert piped.returncode == 0 and "个/秒" not in piped.stderr + piped.stdout and "\r" not in piped.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find the workers")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_a_worker_stuck_on_a_unit_dies_with_its_parent(sig):
    """A worker busy for an hour (a unit that hangs) still ends when the batch is killed: a worker between units
    sees its queue close anyway, so this is the case the parent-death signal and the watchdog are for."""
    script = ("import time\nfrom pathlib import Path\nfrom addin.review import pool\n"
              "def stuck(p):\n    time.sleep(3600)\n"
              "pool.map_paths(stuck, [Path(str(i)) for i in range(pool.PARALLEL_FROM)], 2)\n")
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    deadline = time.monotonic() + HANG_GUARD
    workers: list[int] = []
    while len(workers) < 2 and time.monotonic() < deadline:
        workers = children(proc.pid)
        time.sleep(0.02)
    assert len(workers) == 2
    time.sleep(0.5)              # both workers are inside stuck()
    os.kill(proc.pid, sig)
    proc.wait(timeout=HANG_GUARD)
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    survivors = [w for w in workers if alive(w)]
    for w in survivors:
        os.kill(w, signal.SIGKILL)        # ours, by id: do not leave them to the machine
    assert not survivors, "a worker outlived its killed parent"


def test_benchmark_folder_units_are_real_workbooks_with_their_own_names(tmp_path):
    """The benchmark's 10,000 units are made by zip-level edits: each must read back as its own organ."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import benchmark

    from addin.io import reader

    made = benchmark.generate(tmp_path, 21)
    assert sum(made["counts"].values()) == 21 and made["counts"]["不是工作簿"] == 1
    got = {p.name: p for p in (tmp_path / "units").iterdir()}
    assert reader.read(got["u7.xlsx"]).document["organ"]["name"] == "某省第7号单位"
    rows = batch.run(batch.collect([tmp_path / "units"]), jobs=1)
    readable = [r for r in rows if r["organ"]]
    assert len(readable) == 20 and all(r["organ"] == f"某省第{Path(r['file']).stem[1:]}号单位" for r in readable)
    assert {batch.verdict(r) for r in rows} == {"通过", "未通过", "无法读取"}


def test_folder_validation_imports_no_word_or_excel_bridge(tmp_path):
    units(tmp_path, 2)
    code = ("import sys\nfrom addin.cli import main\nmain(['validate', sys.argv[1], '--summary', sys.argv[2]])\n"
            "print(sorted(m for m in ('docx', 'xlwings') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path), str(tmp_path / "s.xlsx")], cwd=ROOT,
                         capture_output=True, text=True, timeout=HANG_GUARD).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_ctrl_c_during_rollup_writes_nothing_and_says_how_far(tmp_path):
    units(tmp_path / "units", 40)
    out = tmp_path / "汇总.xlsx"
    proc = subprocess.Popen([sys.executable, "-m", "addin.cli", "rollup", str(tmp_path / "units"), "-o", str(out),
                             "--organ", "某县", "--jobs", "2"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + HANG_GUARD
    while len(children(proc.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=HANG_GUARD)
    assert proc.returncode == 130 and "Traceback" not in err
    assert "已中断：40 个单位中已读取 " in err and "未写入汇总工作簿" in err and not out.exists()
