"""Rendering is checked, not assumed: LibreOffice converts the exported .docx to PDF; poppler reads it."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from addin.cli import main

from . import lo
from .helpers import EXAMPLE_XLSX

pytestmark = pytest.mark.libreoffice   # opens our files in LibreOffice (tests/lo.py)


def _pdfinfo(pdf) -> dict:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def _pages(pdf) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def _fonts(pdf) -> str:
    return subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    lo.debian_tool("pdftotext", "poppler-utils")
    lo.soffice()
    lo.cjk_fonts()
    folder = tmp_path_factory.mktemp("render")
    book = folder / EXAMPLE_XLSX.name
    shutil.copy(EXAMPLE_XLSX, book)
    assert main(["export", str(book), "--to", "docx"]) == 0
    assert main(["export", str(book), "--to", "docx", "--draft"]) == 0
    pdfs = lo.convert([book.with_suffix(".docx"), folder / (book.stem + "-征求意见稿.docx")], "pdf", folder / "pdf",
                      cjk_fonts=True)
    return pdfs


def test_pdf_is_a4_with_a_sane_page_count_and_all_text(rendered):
    pdf = rendered[0]
    info = _pdfinfo(pdf)
    w, h = map(float, re.findall(r"[\d.]+", info["Page size"])[:2])
    assert abs(w - 595.3) < 1 and abs(h - 841.9) < 1                        # A4 portrait
    pages = _pages(pdf)
    assert 5 <= int(info["Pages"]) == len(pages) <= 12
    text = re.sub(r"\s+", "", "".join(pages))
    for needle in ("中卫市口岸和投资促进办公室", "2022年政府信息公开工作年度报告", "一、总体情况",
                   "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况",
                   "五、存在的主要问题及改进情况", "六、其他需要报告的事项", "本年度未收到政府信息公开申请",
                   "第二十条第（一）项", "申请人情况", "结转下年度继续办理", "未经复议直接起诉"):
        assert needle in text, needle
    for n, page in enumerate(pages, 1):
        assert re.search(rf"—\s*{n}\s*—", page), f"page {n} has no page number “— {n} —”"
        assert len(page.strip()) > 50, f"page {n} is empty"


def test_page_numbers_odd_right_even_left(rendered):
    pages = _pages(rendered[0])
    for n, page in enumerate(pages, 1):
        line = next(x for x in page.splitlines() if re.search(rf"—\s*{n}\s*—", x))
        indent = len(line) - len(line.lstrip())
        assert (indent > 20) if n % 2 else (indent < 10), (n, line)


def test_body_lines_hold_28_characters_and_the_cjk_fonts_are_used(rendered):
    pages = _pages(rendered[0])
    lines = [re.sub(r"\s+", "", x) for x in pages[1].splitlines()]
    # full lines of pure Chinese text: 28 characters (GB/T 9704: 28 字 per line)
    cjk_lines = [x for x in lines if re.fullmatch(r"[\u4e00-\u9fff，。、；：“”（）《》]+", x) and len(x) >= 20]
    # ... where a closing mark that would start the next line is squeezed in after the 28th (never hung in the
    # margin, where LibreOffice does not print it)
    cells = [len(x) - 1 if len(x) == 29 and x[-1] in "，。、；：”）》" else len(x) for x in cjk_lines]
    assert cjk_lines and max(cells) == 28, [len(x) for x in cjk_lines]
    fonts = _fonts(rendered[0])
    for face in ("UMingCN", "UKaiCN", "NotoSansCJK"):     # 仿宋_GB2312 / 楷体_GB2312 / 黑体 as mapped in fonts.conf
        assert face in fonts, fonts


def test_full_text_pages_hold_22_lines(rendered):
    """GB/T 9704: 22 lines a page. Pages 2 and 3 of the example are all running text (section 一)."""
    for n in (2, 3):
        page = _pages(rendered[0])[n - 1]
        lines = [x for x in page.splitlines() if x.strip() and not re.search(r"—\s*\d+\s*—", x)]
        assert len(lines) == 22, (n, len(lines))


def test_pdf_holds_every_character_of_the_document_punctuation_included(rendered, tmp_path):
    """LibreOffice once dropped the "。" ending a line (condensed character spacing): every body paragraph
    of the .docx, punctuation included, must be in the PDF's text, read in order across lines and pages."""
    import docx

    doc = docx.Document(str(rendered[0].parent.parent / (rendered[0].stem + ".docx")))
    pdf = re.sub(r"—\s*\d+\s*—", "", "".join(_pages(rendered[0])))      # page numbers between two lines
    pdf = re.sub(r"\s+", "", pdf)
    checked = 0
    for p in doc.paragraphs:
        text = re.sub(r"\s+", "", p.text)
        if text:
            assert text in pdf, f"not in the PDF as written: {p.text}"
            checked += 1
    assert checked > 25
    body = "".join(p.text for p in doc.paragraphs)
    for mark in "。，、；：":
        assert pdf.count(mark) >= body.count(mark) > 0, mark


def test_draft_marks_every_page(rendered):
    pages = _pages(rendered[1])
    assert len(pages) >= 5
    for n, page in enumerate(pages, 1):
        assert "征求意见稿" in page.splitlines()[0] or "征求意见稿" in "".join(page.splitlines()[:3]), n


def test_table_labels_wrap_between_words_never_inside_one(rendered):
    """表三/表四 headers break as the official template does (商业|企业, never 商业企|业), and the group labels
    of 表三 keep each word whole (（三）不予公开 on one line, 三、本年度|办理结果)."""
    from addin.format import fmt

    f = fmt.load()
    tokens = set(re.findall(r"\S{2,}", "".join(_pages(rendered[0]))))     # (a lone character is anywhere)
    headers = {part for tid in ("t3", "t4") for c in f.table(tid).columns for part in c.path}
    for label in headers:
        pieces = [t for t in tokens if t != label and len(t) < len(label)
                  and (label.startswith(t) or label.endswith(t))]
        assert all(len(t) % 2 == 0 for t in pieces), (label, pieces)
    groups = {r.path[1] for r in f.table("t3").rows if len(r.path) == 3}
    assert groups and all(g in tokens for g in groups), groups - tokens
    assert {"三、本年度", "办理结果"} <= tokens
