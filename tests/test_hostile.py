"""Hang guard for the hostile worst cases of scripts/bench_hostile.py: each is validated in a fresh process
with a generous limit. A hang fails; no timing is asserted (time and memory are in the benchmark)."""
from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from .helpers import ROOT

_spec = importlib.util.spec_from_file_location("bench_hostile", ROOT / "scripts" / "bench_hostile.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

# the cases that hung or blew up before (the 10-million-cell and 5-million-string files take long to build:
# they are measured by the benchmark only)
CHEAP = [bench.labels_cubic, bench.digits_narrative, bench.names_to_last_row, bench.nested_extlst]


@pytest.mark.parametrize("build", CHEAP, ids=[b.__name__ for b in CHEAP])
def test_hostile_workbook_is_read_without_hanging(build, tmp_path):
    path = build(tmp_path)
    out = subprocess.run([sys.executable, "-m", "addin", "validate", str(path), "--json"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode in (0, 1, 2), out.stderr[-2000:]
    assert "Traceback" not in out.stderr
    if out.returncode == 2:
        assert "已拒绝读取" in out.stderr     # a clear refusal, naming the file


def test_readme_states_the_read_limits_in_force():
    from addin.io import fastxlsx, reader
    from addin.review import marks

    readme = (ROOT / "README.md").read_text(encoding="utf-8").replace("\n", "")
    for phrase in (f"有内容的单元格不超过 {fastxlsx.MAX_CELLS_PER_SHEET} 个", f"文字块不超过 {reader.MAX_TEXT_ROWS} 行",
                   f"最多读{marks.RESULT_ROWS_MAX} 行、{marks.MAX_MARKED_CELLS} 个标记格", "scripts/bench_hostile.py"):
        assert phrase in readme, phrase


def test_annotate_refuses_a_huge_hidden_sheet_before_loading_it(tmp_path):
    """A million cells in a veryHidden sheet the format never reads: validate --annotate refuses — naming file
    and sheet — before openpyxl builds a cell; so does annotate_file called on its own (the Excel-free path
    that skips validation). Hang guard only: the benchmark's 10-million-cell file takes too long to build here."""
    from addin.errors import UserError
    from addin.review.backends import openpyxl_marks

    from .badcorpus_read import with_big_hidden_sheet

    path = with_big_hidden_sheet(tmp_path, 10_000)
    out = subprocess.run([sys.executable, "-m", "addin", "validate", str(path), "--annotate"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr[-2000:]
    assert str(path) in out.stderr and "工作表“数据”" in out.stderr and "已拒绝读取" in out.stderr
    with pytest.raises(UserError) as e:
        openpyxl_marks.annotate_file(path, [])
    assert e.value.code == "input.too_many_cells" and "工作表“数据”" in e.value.message
    assert not path.with_name("年报.校验.xlsx").exists()


def test_cell_count_limits_pass_the_template_and_refuse_formatted_emptiness(tmp_path):
    from addin.errors import UserError
    from addin.io import fastxlsx, reader

    from .badcorpus import rezip
    from .helpers import EXAMPLE_XLSX

    reader.check_cell_counts(EXAMPLE_XLSX)     # the filled example passes
    limit = reader.MAX_STYLED_FACTOR * fastxlsx.MAX_CELLS_PER_SHEET

    def empty_cells(n):
        cells = "".join(f'<c r="A{r}" s="1"/>' for r in range(1, n + 1))
        return rezip(EXAMPLE_XLSX, tmp_path / f"{n}.xlsx",
                     lambda part, data: data.replace(b"</sheetData>", f"<row r=\"2000\">{cells}</row></sheetData>"
                                                     .encode(), 1) if part == "xl/worksheets/sheet5.xml" else data)
    reader.check_cell_counts(empty_cells(limit - 1000))        # formatted empty cells, within the bound
    with pytest.raises(UserError) as e:
        reader.check_cell_counts(empty_cells(limit + 10))
    assert e.value.code == "input.too_many_cells" and "含只设了格式的空单元格" in e.value.message
    assert "工作表“表三”" in e.value.message


@pytest.mark.parametrize("cell, factor", [("<c><v/></c>", 1), ("<c/>", 3)])
def test_cell_count_size_bound_never_skips_a_refusable_part(tmp_path, monkeypatch, cell, factor):
    """Parts too small to hold more cells than the limits are not scanned (the template's rule sheet): a part
    made of the shortest cells XML allows, one more than the limit, is still scanned and refused."""
    import zipfile

    from addin.errors import UserError
    from addin.io import fastxlsx, reader

    monkeypatch.setattr(fastxlsx, "MAX_CELLS_PER_SHEET", 50)
    n = factor * 50 + 1
    xml = f"<worksheet><sheetData><row>{cell * n}</row></sheetData></worksheet>"
    with zipfile.ZipFile(tmp_path / "x.zip", "w") as z:
        z.writestr("xl/worksheets/sheet1.xml", xml)
        z.writestr("xl/worksheets/sheet2.xml", xml.replace(cell, "", 1))     # one cell short: never refused
    with zipfile.ZipFile(tmp_path / "x.zip") as z:
        assert not reader._too_small_to_refuse(z, "xl/worksheets/sheet1.xml", 50)
        reader._check_parts(z, ["xl/worksheets/sheet2.xml"], tmp_path / "x.zip")
        with pytest.raises(UserError) as e:
            reader._check_parts(z, ["xl/worksheets/sheet1.xml"], tmp_path / "x.zip")
    assert e.value.code == "input.too_many_cells"
    assert reader._too_small_to_refuse(z, "xl/worksheets/sheet9.xml", 50)   # a part that is not there
