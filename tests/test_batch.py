"""A reviewer's folder: many workbooks validated at once, one summary table, nothing changed."""
from __future__ import annotations

import csv
import hashlib
import json
import shutil

import openpyxl
import pytest

from addin.cli import main
from addin.format import layout
from addin.review import batch, pool, summary_xlsx

from .helpers import EXAMPLE_XLSX


@pytest.fixture
def folder(tmp_path):
    """A clean unit, a broken unit in a subfolder, a CSV renamed .xlsx, a lock file and an annotated copy."""
    d = tmp_path / "各单位 2022"
    (d / "乡镇").mkdir(parents=True)
    shutil.copyfile(EXAMPLE_XLSX, d / "a-口岸办.xlsx")
    broken = d / "乡镇" / "b-某镇.xlsx"
    shutil.copyfile(EXAMPLE_XLSX, broken)
    wb = openpyxl.load_workbook(broken)
    sheet, ref = layout.load().sheet_and_ref("t3.R01.C1")
    wb[sheet][ref] = 3
    sheet, ref = layout.load().sheet_and_ref("organ.name")
    wb[sheet][ref] = "=HYPERLINK(\"http://x\")"          # a hostile organ name
    wb.save(broken)
    (d / "c-表格.xlsx").write_text("机关,年度\n", encoding="utf-8")
    (d / "~$a-口岸办.xlsx").write_bytes(b"lock")
    shutil.copyfile(EXAMPLE_XLSX, d / "a-口岸办.校验.xlsx")
    return d


def digests(d):
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(d.rglob("*")) if p.is_file()}


def test_collect_skips_lock_files_and_annotated_copies(folder):
    skipped = []
    assert [p.name for p in batch.collect([folder], skipped)] == ["a-口岸办.xlsx", "c-表格.xlsx", "b-某镇.xlsx"]
    assert sorted(p.name for p in skipped) == ["a-口岸办.校验.xlsx", "~$a-口岸办.xlsx"]


def test_an_annotated_copy_sent_alone_is_the_unit(tmp_path):
    shutil.copyfile(EXAMPLE_XLSX, tmp_path / "某镇.校验.xlsx")
    assert [p.name for p in batch.collect([tmp_path])] == ["某镇.校验.xlsx"]


def test_folder_summary_table_and_worst_exit_code(folder, capsys):
    before = digests(folder)
    assert main(["validate", str(folder)]) == 2
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("（跳过 2 个文件")                # the lock file and the annotated copy
    assert lines[1] == "批量校验：3 个工作簿"
    # by organ name (natural order), the units whose organ cannot be read after them
    assert "未通过" in lines[3] and "b-某镇.xlsx" in lines[3]            # organ “=HYPERLINK…” sorts before 中卫…
    assert "通过" in lines[4] and "a-口岸办.xlsx" in lines[4]
    assert "无法读取" in lines[5] and "c-表格.xlsx" in lines[5]
    assert "合计：通过 1，未通过 1，无法读取 1" in out
    assert "B1 表三 自然人 列" in out and "不是 .xlsx 工作簿" in out
    assert digests(folder) == before                      # no input changed


def test_exit_codes_by_the_worst_unit(folder, capsys):
    assert main(["validate", str(folder / "a-口岸办.xlsx"), str(folder / "a-口岸办.xlsx"), "--json"]) == 0
    assert main(["validate", str(folder / "a-口岸办.xlsx"), str(folder / "乡镇")]) == 1
    capsys.readouterr()


def test_json_has_every_unit_with_its_findings(folder, capsys):
    main(["validate", str(folder), "--json"])
    report = json.loads(capsys.readouterr().out)
    by_name = {r["file"].rsplit("/", 1)[-1]: r for r in report["files"]}
    assert report["exit"] == 2 and set(by_name) == {"a-口岸办.xlsx", "b-某镇.xlsx", "c-表格.xlsx"}
    assert by_name["a-口岸办.xlsx"]["summary"]["passed"]
    assert {"B1", "B2"} <= {f["rule"] for f in by_name["b-某镇.xlsx"]["findings"]}
    assert by_name["c-表格.xlsx"]["error"]["code"] == "input.not_xlsx"


def test_summary_csv_opens_in_excel_and_runs_no_formula(folder, tmp_path, capsys):
    out = tmp_path / "汇总.csv"
    main(["validate", str(folder), "--summary-csv", str(out)])
    raw = out.read_bytes()
    assert raw.startswith("\ufeff".encode("utf-8"))      # BOM: Excel reads UTF-8 Chinese correctly
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][:5] == ["序号", "文件", "机关", "年度", "结论"]
    town = next(r for r in rows if r[1].endswith("b-某镇.xlsx"))
    assert town[2] == "'=HYPERLINK(\"http://x\")"      # formula injection defused
    assert town[4] == "未通过" and town[9].startswith("B1 ")
    assert main(["validate", str(folder), "--summary-csv", str(out)]) == 2     # exists: refused before the work
    assert "已存在" in capsys.readouterr().err


@pytest.mark.slow   # > 5 s
def test_parallel_and_serial_give_the_same_rows(tmp_path):
    for i in range(pool.PARALLEL_FROM + 2):
        shutil.copyfile(EXAMPLE_XLSX, tmp_path / f"unit{i:02d}.xlsx")
    paths = batch.collect([tmp_path])
    serial, parallel = batch.run(paths, jobs=1), batch.run(paths, jobs=2)
    assert serial == parallel and [r["file"] for r in parallel] == [str(p) for p in paths]


def test_empty_folder_is_a_clear_message(tmp_path, capsys):
    assert main(["validate", str(tmp_path)]) == 2
    assert "没有找到 .xlsx 工作簿" in capsys.readouterr().err


def test_annotate_every_unit_of_a_folder(folder, capsys):
    assert main(["validate", str(folder / "乡镇"), str(folder / "a-口岸办.xlsx"), "--annotate", "--force"]) == 1
    assert (folder / "乡镇" / "b-某镇.校验.xlsx").is_file()
    capsys.readouterr()


def test_csv_safe():
    assert [batch.csv_safe(v) for v in ("=1+1", "+1", "-1", "@A", "正常", None, 2022)] == \
        ["'=1+1", "'+1", "'-1", "'@A", "正常", "", "2022"]


def test_notes_on_one_organ_twice_and_an_odd_year(tmp_path, example_doc, capsys):
    from addin.io import template

    shutil.copyfile(EXAMPLE_XLSX, tmp_path / "a.xlsx")
    shutil.copyfile(EXAMPLE_XLSX, tmp_path / "a(1).xlsx")
    example_doc["organ"].update(name="另一个局", year=2021)
    template.write(tmp_path / "c.xlsx", doc=example_doc)
    main(["validate", str(tmp_path)])
    out = capsys.readouterr().out
    assert "注意：同一机关“中卫市口岸和投资促进办公室”有 2 份工作簿（a(1).xlsx、a.xlsx）" in out
    assert "注意：多数单位为 2022 年度，以下不同：c.xlsx（2021）" in out


def test_old_and_other_spreadsheet_files_are_rows_not_silence(tmp_path, capsys):
    """A unit that sends .xls, WPS .et or .ods is told to re-save as .xlsx, not silently left out."""
    shutil.copyfile(EXAMPLE_XLSX, tmp_path / "a.xlsx")
    (tmp_path / "b.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000)
    (tmp_path / "c.docx").write_bytes(b"not a unit")
    assert main(["validate", str(tmp_path)]) == 2
    out = capsys.readouterr().out
    assert "批量校验：2 个工作簿" in out and "b.xls" in out and "另存为“Excel 工作簿（*.xlsx）”" in out
    assert "c.docx" not in out


@pytest.mark.libreoffice
def test_summary_workbook_prints_landscape_fit_to_width_with_the_header_on_every_page(folder, tmp_path, capsys):
    """校验汇总.xlsx as a reviewer prints it for a meeting: A4 landscape, every column on the page, the header row
    repeated on every page, the sheet's name at the top of each page."""
    import subprocess

    from . import lo

    lo.debian_tool("pdftotext", "poppler-utils")
    main(["validate", str(folder), "--json"])
    rows = json.loads(capsys.readouterr().out)["files"] * 40      # a province's worth: many printed pages
    summary = summary_xlsx.write(rows, tmp_path / "校验汇总.xlsx")
    wb = openpyxl.load_workbook(summary)
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0 and ws.print_title_rows == "$1:$1"
    (pdf,) = lo.convert([summary], "pdf", tmp_path / "pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    width, height = map(float, next(ln for ln in info.splitlines() if ln.startswith("Page size")).split()[2:5:2])
    assert width > height                                                         # landscape
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    sheet_of = [p.split()[0] for p in pages]                                      # the page's header
    assert sheet_of[0] == "各单位" and "首个阻止导出的问题" in pages[0]              # the last column fits
    findings_pages = [p for p, name in zip(pages, sheet_of) if name == "全部问题"]
    assert sheet_of.count("各单位") >= 2 and len(findings_pages) >= 2 and set(sheet_of) == {"各单位", "全部问题"}
    every = "".join(text.split())
    for r in rows[:2]:                                        # a wrapped message prints whole, not one clipped line
        for f in r["findings"]:
            assert "".join(f["message"].split())[-12:] in every, f["message"]
    for p, name in zip(pages, sheet_of):                                         # the header row on every page
        assert ("严重程度" in p and "单位的说明" in p) if name == "全部问题" else "首个阻止导出的问题" in p
