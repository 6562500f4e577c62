"""LibreOffice opens the annotated workbook and renders the marks (the pictures in docs/ come from here)."""
from __future__ import annotations

import subprocess

import pytest

from addin.review.backends import openpyxl_marks
from tests import lo

from .helpers import findings_of, make_bad

pytestmark = pytest.mark.libreoffice   # opens our files in LibreOffice (tests/lo.py)

ERROR_FILL = (0xFF, 0xC7, 0xCE)


def _ppm_pixels(path):
    data = path.read_bytes()
    parts = data.split(maxsplit=4)          # P6 width height maxval pixels
    assert parts[0] == b"P6"
    return parts[4]


def _pages_text(pdf):
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return out.split("\f")


def test_libreoffice_renders_the_marks_and_the_results_sheet(tmp_path):
    lo.debian_tool("pdftotext", "poppler-utils")
    src = make_bad(tmp_path)
    findings = findings_of(src)
    out = openpyxl_marks.annotate_file(src, findings)
    (pdf,) = lo.convert([out], "pdf", tmp_path / "pdf")
    pages = _pages_text(pdf)
    assert "校验结果" in pages[0] and "级别" in pages[0]
    first = " ".join(pages[0].split())
    for x in findings:
        assert x.rule in first
    table3 = next(i for i, p in enumerate(pages) if "三、收到和处理政府信息公开申请情况" in p)
    subprocess.run(["pdftoppm", "-r", "40", "-f", str(table3 + 1), "-l", str(table3 + 1), str(pdf),
                    str(tmp_path / "page")], check=True)
    ppm = next(tmp_path.glob("page*.ppm"))
    pixels = _ppm_pixels(ppm)
    red = sum(1 for i in range(0, len(pixels) - 2, 3) if tuple(pixels[i:i + 3]) == ERROR_FILL)
    assert red > 50, "the 错误 fill is visible on the rendered 表三 page"
