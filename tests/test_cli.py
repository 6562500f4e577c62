"""The `nianbao` command: subcommands, exit codes, no silent overwrite, lazy imports, Chinese help."""
from __future__ import annotations

import gc
import json
import subprocess
import sys

import pytest

from addin.cli import build_parser, main
from addin.io import reader

from .helpers import EXAMPLE_JSON, EXAMPLE_XLSX, ROOT
from .test_fastread import _imported_after


def test_bundled_example_validates_clean(capsys):
    assert main(["validate", str(EXAMPLE_XLSX)]) == 0
    out = capsys.readouterr().out
    assert "中卫市口岸和投资促进办公室" in out and "通过" in out and "[需说明·已说明] N2" in out


def test_bundled_example_workbook_is_the_example_document():
    assert reader.read(EXAMPLE_XLSX).document == json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))


def test_template_then_validate_reports_what_is_missing(tmp_path, capsys):
    out = tmp_path / "模板.xlsx"
    assert main(["template", "-o", str(out), "--organ", "某县发展和改革局", "--year", "2025"]) == 0
    assert out.exists()
    assert main(["validate", str(out), "--json"]) == 1
    report = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert report["organ"] == "某县发展和改革局" and report["year"] == 2025
    assert {"F4", "N1", "N3", "N4", "N5", "S2"} <= {f["rule"] for f in report["findings"]}


def test_dump_fill_roundtrip_and_no_silent_overwrite(tmp_path, capsys):
    doc = tmp_path / "doc.json"
    assert main(["dump", str(EXAMPLE_XLSX), "-o", str(doc)]) == 0
    assert json.loads(doc.read_text(encoding="utf-8")) == json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    before = doc.read_bytes()
    assert main(["dump", str(EXAMPLE_XLSX), "-o", str(doc)]) == 2          # exists: refused
    assert "已存在" in capsys.readouterr().err and doc.read_bytes() == before
    xlsx = tmp_path / "filled.xlsx"
    assert main(["fill", str(doc), "-o", str(xlsx)]) == 0
    assert reader.read(xlsx).document == json.loads(before)
    assert main(["fill", str(doc), "-o", str(xlsx)]) == 2
    assert main(["fill", str(doc), "-o", str(xlsx), "--force"]) == 0


def test_fill_refuses_an_invalid_document(tmp_path, capsys):
    bad = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    bad["cells"]["t3.R01.C1"] = "三件"
    del bad["texts"]["other"]
    p = tmp_path / "bad.json"
    p.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    assert main(["fill", str(p), "-o", str(tmp_path / "x.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "不符合格式" in err and "三件" in err and "other" in err
    assert not (tmp_path / "x.xlsx").exists()


def test_dump_to_stdout(capsys):
    assert main(["dump", str(EXAMPLE_XLSX)]) == 0
    assert json.loads(capsys.readouterr().out)["organ"]["year"] == 2022


def test_validate_imports_neither_docx_nor_xlwings():
    code = ("import sys; from addin.cli import main; sys.stdout = open('/dev/null','w'); "
            f"main(['validate', {str(EXAMPLE_XLSX)!r}]); "
            "sys.stderr.write(repr(sorted(m for m in sys.modules if m.split('.')[0] in ('docx', 'xlwings', 'lxml'))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    loaded = eval(out.stderr.strip().splitlines()[-1])
    assert not [m for m in loaded if m.startswith(("docx", "xlwings"))], loaded


def test_help_and_version_in_chinese():
    out = subprocess.run([sys.executable, "-m", "addin", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0 and "用法：" in out.stdout and "校验" in out.stdout
    v = subprocess.run([sys.executable, "-m", "addin", "--version"], cwd=ROOT, capture_output=True, text=True)
    assert v.stdout.startswith("nianbao ")
    bad = subprocess.run([sys.executable, "-m", "addin", "validate"], cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 2 and "缺少必需的参数" in bad.stderr and "Traceback" not in bad.stderr


def test_bundled_example_workbook_is_current(tmp_path):
    """examples/*.xlsx is `nianbao fill examples/*.json`: regenerate it when the template changes."""
    from .helpers import zip_members

    fresh = tmp_path / "fresh.xlsx"
    assert main(["fill", str(EXAMPLE_JSON), "-o", str(fresh)]) == 0
    built, committed = zip_members(fresh), zip_members(EXAMPLE_XLSX)
    drift = [n for n in built if built[n] != committed.get(n)]
    assert not drift, f"stale {drift}: nianbao fill {EXAMPLE_JSON.name} -o {EXAMPLE_XLSX.name} --force"


def test_subcommand_help_says_usage_once():
    for cmd in ("validate", "export", "fill", "template", "dump", "addin"):
        out = subprocess.run([sys.executable, "-m", "addin", cmd, "--help"], cwd=ROOT, capture_output=True, text=True)
        assert out.returncode == 0 and out.stdout.count("用法：") == 1 and f"nianbao {cmd}" in out.stdout, cmd


def test_validate_builds_only_its_own_subcommand():
    parser = build_parser()
    assert parser.parse_args(["validate", "a.xlsx"]).file == ["a.xlsx"]
    subs = parser._subparsers._group_actions[0].choices
    assert sorted(n for n, s in subs.items() if s._actions) == ["validate"]
    assert "--annotate" in subs["validate"].format_help() and "--draft" in subs["export"].format_help()


def test_cold_validate_leaves_out_what_it_does_not_use():
    """What a cold `nianbao validate` (timed by scripts/benchmark.py) was made to do without: the process pool
    (only --jobs and folders use it), the pattern of characters no cell can hold (only writers and JSON input),
    and dataclasses/typing in the format model, the document and the command line."""
    run = ("from addin.cli import main; out, sys.stdout = sys.stdout, open('/dev/null', 'w'); "
           f"main(['validate', {str(EXAMPLE_XLSX)!r}]); sys.stdout = out")
    assert _imported_after(run, "addin.review.pool") is False
    assert _imported_after(f"{run}; from addin.io import document; assert not document.illegal_rx.cache_info().currsize",
                           "addin.review.printer") is True
    mine = "import addin.cli, addin.format.layout, addin.format.quantity, addin.io.document, addin.review.progress"
    assert _imported_after(mine, "dataclasses") is False
    assert _imported_after(mine, "typing") is False


def test_a_command_runs_with_a_higher_gc_threshold_and_gives_the_callers_back(monkeypatch, capsys):
    from addin import cli

    before = gc.get_threshold()
    seen = []
    monkeypatch.setattr(cli, "cmd_validate", lambda args: seen.append(gc.get_threshold()[0]) or 0)
    assert main(["validate", str(EXAMPLE_XLSX)]) == 0
    assert seen == [cli.GC_THRESHOLD] and gc.get_threshold() == before
    with pytest.raises(SystemExit):
        main(["--version"])                     # argparse leaves by SystemExit: the threshold is given back too
    assert gc.get_threshold() == before
