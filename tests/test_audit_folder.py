"""`nianbao audit 文件夹`: the progress line, the summary (CSV or workbook), what a folder audit skips, Ctrl-C."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from addin import cli
from addin.audit import run
from addin.review import summary_xlsx

from .helpers import HANG_GUARD, ROOT, cli_on_pty, shared_dir

PUBLISHED = shared_dir() / "samples" / "published"
REPORTS = sorted(p.name for p in PUBLISHED.glob("*.txt"))


@pytest.fixture
def folder(tmp_path) -> Path:
    """The published reports and INDEX.md (a note, not a report) in a folder of their own."""
    d = tmp_path / "已发布"
    d.mkdir()
    for name in REPORTS + ["INDEX.md"]:
        shutil.copyfile(PUBLISHED / name, d / name)
    return d


def test_progress_on_a_terminal_and_silence_otherwise(folder):
    n = len(REPORTS) + 1
    code, seen = cli_on_pty(["audit", str(folder)])
    assert code == 2                                             # INDEX.md is not a report
    assert f"\r审读 {n}/{n} [" in seen and "100% " in seen and "个/秒 剩余 0:00" in seen
    assert "[1/" not in seen                                      # the old per-file lines are gone

    code, seen = cli_on_pty(["audit", str(folder), "--json"])
    assert code == 2 and "个/秒" not in seen                     # JSON asked: no line drawn

    code, seen = cli_on_pty(["audit", str(folder / REPORTS[0])])
    assert code == 1 and "个/秒" not in seen                     # one file: nothing to count

    piped = subprocess.run([sys.executable, "-m", "addin.cli", "audit", str(folder)], cwd=ROOT,
                           capture_output=True, text=True, timeout=HANG_GUARD)
    assert piped.returncode == 2 and "个/秒" not in piped.stderr and "\r" not in piped.stderr


def test_xlsx_summary_read_back(folder, tmp_path, capsys):
    out = tmp_path / "审读汇总.xlsx"
    assert cli.main(["audit", str(folder), "--summary", str(out), "--json"]) == 2
    rows = {Path(r["file"]).name: r for r in json.loads(capsys.readouterr().out)["summary"]}
    wb = openpyxl.load_workbook(out)
    units = list(wb[summary_xlsx.UNITS_SHEET].iter_rows(values_only=True))
    assert units[0] == summary_xlsx.UNIT_COLUMNS and len(units) == 1 + len(rows)
    by_file = {Path(u[1]).name: u for u in units[1:]}
    for name in REPORTS:
        r, u = rows[name], by_file[name]
        assert (u[2], u[3], u[5], u[6], u[8]) == (r["organ"], r["year"], r["错误"], r["需说明"], r["提示"])
        assert u[4] == ("通过" if r["passed"] else "未通过")
    note = by_file["INDEX.md"]
    assert note[4] == "无法读取" and "不像政府信息公开工作年度报告" in note[9]

    found = list(wb[summary_xlsx.FINDINGS_SHEET].iter_rows(values_only=True))[1:]
    total = sum(rows[n]["错误"] + rows[n]["需说明"] + rows[n]["提示"] for n in REPORTS)
    assert len(found) == total + 1                               # every finding, and INDEX.md's reason
    pingtan = [f for f in found if Path(f[1]).name == "pingtan-zone-2024.txt"]
    assert any(f[4] == "P2" for f in pingtan)
    located = [f for f in pingtan if f[3]]
    assert located and all(not f[2] and f[3].startswith("第") for f in located)   # a place in the text, no sheet
    assert all(len(set(f[3].split("、"))) == len(f[3].split("、")) for f in located)  # each place once
    link = wb[summary_xlsx.UNITS_SHEET]["B2"].hyperlink
    assert link is not None and (out.parent / link.target).resolve().parent == folder.resolve()

    assert cli.main(["audit", str(folder), "--summary", str(out)]) == 2           # never overwritten
    assert "已存在" in capsys.readouterr().err


def test_csv_summary_says_what_is_not_a_report(folder, tmp_path, capsys):
    out = tmp_path / "审读汇总.csv"
    assert cli.main(["audit", str(folder), "--summary", str(out)]) == 2
    lines = out.read_text("utf-8-sig").splitlines()
    assert len(lines) == 1 + len(REPORTS) + 1
    assert next(x for x in lines if x.startswith("INDEX.md,")).split(",")[-1].startswith("不是年度报告：")
    assert "不是年度报告：" in capsys.readouterr().out             # the table printed says the same


def test_a_folder_audit_skips_its_own_outputs(folder, tmp_path, capsys):
    view = folder / "视图.html"
    assert cli.main(["audit", str(folder / REPORTS[0]), "--html", str(view)]) == 1
    (folder / "~$草稿.docx").write_bytes(b"an Office lock file")
    capsys.readouterr()
    summary = folder / "汇总.txt"                                  # a summary named like a report, in the folder
    assert cli.main(["audit", str(folder), "--summary", str(summary)]) == 2
    captured = capsys.readouterr()
    assert "本工具生成的审读视图（--html）：视图.html" in captured.err
    assert "Excel 锁定文件或本工具的临时文件" in captured.err
    assert "视图.html" not in captured.out and "草稿" not in captured.out
    assert len(summary.read_text("utf-8-sig").splitlines()) == 1 + len(REPORTS) + 1

    summary.unlink()
    shutil.copyfile(PUBLISHED / REPORTS[0], folder / "汇总.txt")   # an existing file of that name is refused
    assert cli.main(["audit", str(folder), "--summary", str(summary)]) == 2
    assert "已存在" in capsys.readouterr().err


def test_ctrl_c_shows_what_was_done_and_writes_no_summary(folder, tmp_path, monkeypatch, capsys):
    real, calls = run.audit_one, []

    def stopped_at_the_third(path, last_year=None):
        calls.append(path)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(path, last_year)

    monkeypatch.setattr(run, "audit_one", stopped_at_the_third)
    out = tmp_path / "汇总.xlsx"
    assert cli.main(["audit", str(folder), "--summary", str(out)]) == 130
    captured = capsys.readouterr()
    n = len(REPORTS) + 1
    assert f"已中断：{n} 个文件中已审读 2 个（结果见上），其余 {n - 2} 个未审读；未写入汇总表" in captured.err
    assert "平潭综合实验区" in captured.out and not out.exists() and "Traceback" not in captured.err

    calls.clear()
    assert cli.main(["audit", str(folder), "--json"]) == 130
    done = json.loads(capsys.readouterr().out)
    assert done["exit"] == 130 and done["interrupted"] == {"done": 2, "total": n} and len(done["summary"]) == 2


def test_a_real_ctrl_c_on_a_terminal(folder, tmp_path):
    """SIGINT while the progress line runs: exit 130, the message, no traceback (stdout to a file: it may be long)."""
    for i in range(30):
        shutil.copyfile(PUBLISHED / REPORTS[0], folder / f"副本{i:02d}.txt")
    with open(tmp_path / "out.txt", "wb") as stdout:
        code, seen = cli_on_pty(["audit", str(folder), "--summary", str(tmp_path / "s.csv")], until="\r审读 ", stdout=stdout)
    assert code == 130 and "Traceback" not in seen
    assert f"已中断：{len(REPORTS) + 1 + 30} 个文件中已审读 " in seen and "未写入汇总表" in seen
    assert not (tmp_path / "s.csv").exists()
