"""The live check cells really calculate: LibreOffice opens the workbooks, recalculates and saves the results.

One soffice call converts all three workbooks (blank template, balanced fill, one cell off by one);
openpyxl then reads the cached values of every check cell.
"""
from __future__ import annotations

import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from addin.format import fmt, layout
from addin.io import template

from . import lo

pytestmark = pytest.mark.libreoffice   # opens our files in LibreOffice (tests/lo.py)

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def three_applications_doc() -> dict:
    """All zeros except 自然人: 3 new = 2 予以公开 (= 总计 2) + 1 carried to next year; 总计 column consistent."""
    f = fmt.load()
    cells = {cid: 0 for cid in f.cells}
    for row, v in {"R01": 3, "R03": 2, "R24": 2, "R25": 1}.items():
        cells[f"t3.{row}.C1"] = cells[f"t3.{row}.CT"] = v
    return {
        "format": f.version,
        "organ": {x.id: None for x in f.organ_fields},
        "cells": cells,
        "texts": {t.id: "" for t in f.texts},
        "explanations": [],
    }


def expected(doc: dict, check: layout.Check) -> str:
    cells = doc["cells"]
    d = sum(cells[e] for e in check.lhs) - sum(cells[e] for e in check.rhs)
    return "✓" if d == 0 else f"差 {d}"


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    lo.soffice()                      # skips where LibreOffice is missing, fails in CI
    src = tmp_path_factory.mktemp("src")
    out = tmp_path_factory.mktemp("out")
    profile = tmp_path_factory.mktemp("lo-profile")
    clean = three_applications_doc()
    broken = three_applications_doc()
    broken["cells"]["t3.R01.C1"] += 1          # B1 自然人 off by +1, B2 row 一 off by -1
    broken["cells"]["t4.review.upheld"] = 1    # B6 行政复议 off by -1
    docs = {"blank": None, "clean": clean, "broken": broken}
    for name, doc in docs.items():
        template.write(src / f"{name}.xlsx", doc=doc)
    cmd = [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
           "--convert-to", "xlsx", "--outdir", str(out)] + [str(src / f"{n}.xlsx") for n in docs]
    subprocess.run(cmd, check=True, capture_output=True, timeout=180)
    return {name: (doc, load_workbook(out / f"{name}.xlsx", data_only=True)) for name, doc in docs.items()}


def check_values(wb) -> dict[layout.Check, str]:
    return {c: wb[c.sheet].cell(row=c.row, column=c.col).value for c in layout.load().checks}


def test_blank_template_shows_a_tick_in_every_check_cell(recalculated):
    _, wb = recalculated["blank"]
    values = check_values(wb)
    assert len(values) == len(layout.load().checks) > 0
    assert set(values.values()) == {"✓"}


def test_balanced_document_shows_a_tick_in_every_check_cell(recalculated):
    _, wb = recalculated["clean"]
    assert set(check_values(wb).values()) == {"✓"}


def test_broken_document_shows_the_difference_in_the_right_check_cells(recalculated):
    doc, wb = recalculated["broken"]
    values = check_values(wb)
    assert values == {c: expected(doc, c) for c in values}
    off = {(c.rule, c.sheet, layout.ref(c.row, c.col)): v for c, v in values.items() if v != "✓"}
    lay = layout.load()
    b1 = next(c for c in lay.checks if c.rule == "B1" and c.lhs[0] == "t3.R01.C1")
    b2 = next(c for c in lay.checks if c.rule == "B2" and c.lhs[0] == "t3.R01.CT")
    b6 = next(c for c in lay.checks if c.rule == "B6" and c.lhs[0] == "t4.review.total")
    assert off == {
        ("B1", "表三", layout.ref(b1.row, b1.col)): "差 1",
        ("B2", "表三", layout.ref(b2.row, b2.col)): "差 -1",
        ("B6", "表四", layout.ref(b6.row, b6.col)): "差 -1",
    }


def test_filled_values_survive_libreoffice(recalculated):
    doc, wb = recalculated["broken"]
    sheet, r, c = layout.load().pos["t3.R01.C1"]
    assert wb[sheet].cell(row=r, column=c).value == 4


def test_a_check_cell_showing_a_difference_takes_the_error_colour(recalculated):
    """Conditional format "≠ ✓" in the 错误 colour on every check cell, as LibreOffice read and saved it."""
    from openpyxl.utils.cell import range_boundaries

    _, wb = recalculated["broken"]
    for check in layout.load().checks:
        ws = wb[check.sheet]
        rules = [rule for cf in ws.conditional_formatting for rule in cf.rules
                 if any(range_boundaries(str(r))[0] <= check.col <= range_boundaries(str(r))[2]
                        and range_boundaries(str(r))[1] <= check.row <= range_boundaries(str(r))[3] for r in cf.sqref.ranges)]
        assert rules, (check.sheet, layout.ref(check.row, check.col))
        rule = rules[0]
        assert rule.operator == "notEqual" and rule.formula == ['"✓"'], (rule.operator, rule.formula)
        assert rule.dxf.fill.fgColor.rgb.endswith(template.SEVERITY_FILLS["错误"]) or \
            rule.dxf.fill.bgColor.rgb.endswith(template.SEVERITY_FILLS["错误"])
