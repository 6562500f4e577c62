"""The three writers read back: docx (python-docx), HTML (html.parser), Markdown — headings, every table cell
value and label at the place the official template puts it, checked against the report document."""
from __future__ import annotations

import copy
import html as htmllib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from addin.format import fmt
from addin.report import model as report
from addin.report.model import format_value
from addin.report.writers import writer

from .helpers import EXAMPLE_JSON, balanced_doc

F = fmt.load()
HEADINGS = [s["heading"] for s in F.sections]


# --- expected places, from the format alone (not from addin.report) --------------------------------

def expected_places(table: fmt.Table) -> dict[tuple[int, int], str]:
    """(row, col) in the printed grid → expected text for leaf labels, leaf column headers and titles."""
    top = 1 if table.title else 0
    depth = max(len(c.path) for c in table.columns)
    label_cols = max(len(r.path) for r in table.rows)
    out = {}
    if table.title:
        out[(0, 0)] = table.title
    for j, c in enumerate(table.columns):
        out[(top + depth - 1, label_cols + j)] = c.path[-1]
    for i, r in enumerate(table.rows):
        if r.path:
            out[(top + depth + i, label_cols - 1)] = r.path[-1]
    return out


def expected_values(table: fmt.Table, doc: dict) -> dict[tuple[int, int], str]:
    top = 1 if table.title else 0
    depth = max(len(c.path) for c in table.columns)
    label_cols = max(len(r.path) for r in table.rows)
    return {(top + depth + i, label_cols + j): format_value(doc["cells"][table.cell_id_of(r, c)], table.value)
            for i, r in enumerate(table.rows) for j, c in enumerate(table.columns)}


def check_grid(matrix: list[list[str]], table: fmt.Table, doc: dict) -> None:
    for (r, c), text in {**expected_places(table), **expected_values(table, doc)}.items():
        assert matrix[r][c] == text, (table.id, r, c, matrix[r][c], text)


# --- readers -------------------------------------------------------------------------------------

def docx_read(path: Path):
    d = docx.Document(str(path))
    paragraphs = [(p.style.name, p.text) for p in d.paragraphs]
    # (headers broken between words carry explicit line breaks: 商业\n企业)
    tables = [[[t.cell(r, c).text.replace("\n", "") for c in range(len(t.columns))] for r in range(len(t.rows))]
              for t in d.tables]
    return d, paragraphs, tables


class _Html(HTMLParser):
    """Headings, paragraphs and tables (as occupancy matrices honouring rowspan/colspan)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []
        self.tables: list[list[list[str]]] = []
        self._tag = None
        self._text = []
        self._rows = None
        self._cell = None
        self.scripts = 0
        self.external = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag in ("link", "img", "iframe") or (tag == "style" and a.get("src")):
            self.external.append(tag)
        if tag in ("h1", "h2", "h3", "p"):
            self._tag, self._text = tag, []
        elif tag == "table":
            self._rows = []
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = [int(a.get("rowspan", 1)), int(a.get("colspan", 1)), []]

    def handle_endtag(self, tag):
        if tag == self._tag:
            self.blocks.append((tag, "".join(self._text)))
            self._tag = None
        elif tag in ("td", "th") and self._cell is not None:
            self._rows[-1].append((self._cell[0], self._cell[1], "".join(self._cell[2])))
            self._cell = None
        elif tag == "table":
            self.tables.append(_occupancy(self._rows))
            self._rows = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[2].append(data)
        elif self._tag:
            self._text.append(data)


def _occupancy(rows) -> list[list[str]]:
    n_cols = sum(cs for _, cs, _ in rows[0])
    grid: list[list[str | None]] = [[None] * n_cols for _ in rows]
    for r, row in enumerate(rows):
        c = 0
        for rs, cs, text in row:
            while grid[r][c] is not None:
                c += 1
            for dr in range(rs):
                for dc in range(cs):
                    assert grid[r + dr][c + dc] is None, "overlapping spans"
                    grid[r + dr][c + dc] = text
            c += cs
    assert all(x is not None for line in grid for x in line), "holes in the table"
    return grid


def html_read(text: str) -> _Html:
    p = _Html()
    p.feed(text)
    p.close()
    return p


# --- fixtures ------------------------------------------------------------------------------------

@pytest.fixture
def balanced() -> dict:
    return balanced_doc(json.loads(EXAMPLE_JSON.read_text(encoding="utf-8")))


def write_all(doc: dict, folder: Path, draft: bool = False, generated: bool = True) -> dict[str, Path]:
    model = report.build(doc, generated_sentences=generated, draft=draft)
    out = {}
    for kind in ("docx", "html", "md"):
        out[kind] = folder / f"report.{kind}"
        writer(kind).write(model, out[kind])
    return out


def tables_in_order() -> list[fmt.Table]:
    return [F.table(c) for s in F.sections for c in s["content"] if any(t.id == c for t in F.tables)]


# --- docx ----------------------------------------------------------------------------------------

def test_docx_reads_back_headings_texts_and_every_cell(balanced, tmp_path):
    paths = write_all(balanced, tmp_path)
    d, paragraphs, tables = docx_read(paths["docx"])
    h1 = [t for s, t in paragraphs if s == "NB Heading 1"]
    assert h1 == HEADINGS
    titles = [t for s, t in paragraphs if s == "NB Title" and t]
    assert titles == ["中卫市口岸和投资促进办公室", "2022年政府信息公开工作年度报告"]
    body = "\n".join(t for _, t in paragraphs)
    for tid in ("overview", "problems", "improvements", "other"):
        for line in report.paragraphs(balanced["texts"][tid]):
            assert line in body, (tid, line[:20])
    h2 = [t for s, t in paragraphs if s == "NB Heading 2"]
    assert h2.index("（一）存在的主要问题") + 1 == h2.index("（二）改进情况")
    assert len(tables) == len(F.tables)
    for matrix, table in zip(tables, tables_in_order()):
        check_grid(matrix, table, balanced)
    # 表三's corner note and the merged group label, as in the template
    t3 = tables[4]
    assert t3[0][0] == t3[2][2] == F.table("t3").corner
    assert t3[3 + 4][0] == t3[3 + 25 - 2][0] == "三、本年度办理结果"


def test_docx_page_layout_fonts_and_table_properties(balanced, tmp_path):
    d, paragraphs, _ = docx_read(write_all(balanced, tmp_path)["docx"])
    s = d.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    assert [round(x.mm) for x in (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)] == [37, 35, 28, 26]
    grid = s._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars" and grid.get(qn("w:linePitch")) == "579"
    # the grid pitch (16 pt + charSpace/4096 pt) puts exactly 28 characters on the line, 22 lines on the page
    width_pt = (s.page_width - s.left_margin - s.right_margin) / 12700
    pitch = 16 + int(grid.get(qn("w:charSpace"))) / 4096
    assert int(width_pt // pitch) == 28 and int(width_pt // (pitch + 1 / 4096)) in (27, 28)
    height_pt = (s.page_height - s.top_margin - s.bottom_margin) / 12700
    assert int(height_pt // (579 / 20)) == 22
    normal_rpr = d.styles["Normal"].element.rPr
    assert normal_rpr.find(qn("w:spacing")) is None, "condensed character spacing is back"
    assert 28 * 16 * int(normal_rpr.find(qn("w:w")).get(qn("w:val"))) / 100 <= width_pt  # glyphs fit their cells
    styles_xml = d.styles.element.xml
    assert not re.search(r'w:(ascii|hAnsi|eastAsia|cs)[Tt]heme=', styles_xml), "theme fonts left in styles.xml"

    def east_asia(style_name):
        return d.styles[style_name].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))

    assert east_asia("NB Title") == "方正小标宋简体" and d.styles["NB Title"].font.size.pt == 22
    assert east_asia("Normal") == "仿宋_GB2312" and d.styles["Normal"].font.size.pt == 16
    assert east_asia("NB Heading 1") == "黑体" and east_asia("NB Heading 2") == "楷体_GB2312"
    assert east_asia("NB Page Number") == "宋体" and d.styles["NB Page Number"].font.size.pt == 14
    # odd pages right, even pages left; "— PAGE —"
    assert d.settings.odd_and_even_pages_header_footer
    odd, even = s.footer.paragraphs[0], s.even_page_footer.paragraphs[0]
    assert odd.alignment == 2 and even.alignment == 0     # RIGHT, LEFT
    for p in (odd, even):
        assert "PAGE" in p._p.xml and p.text.startswith("— ") and p.text.endswith(" —")
    # header rows repeated, rows never split
    for t in d.tables:
        trs = t._tbl.findall(qn("w:tr"))
        assert all(tr.trPr is not None and tr.trPr.find(qn("w:cantSplit")) is not None for tr in trs)
        flags = [tr.trPr.find(qn("w:tblHeader")) is not None for tr in trs]
        n = flags.index(False)
        assert n >= 1 and not any(flags[n:]), flags
    # fallbacks named in the font table
    font_table = next(r.target_part for r in d.part.rels.values() if r.reltype.endswith("/fontTable")).blob.decode()
    assert 'w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in font_table


def test_docx_properties_are_the_reports_not_python_docx_defaults(balanced, tmp_path):
    import zipfile
    from datetime import datetime, timedelta, timezone

    path = write_all(balanced, tmp_path)["docx"]
    cp = docx.Document(str(path)).core_properties
    assert cp.title == "中卫市口岸和投资促进办公室2022年政府信息公开工作年度报告"
    assert cp.author == cp.last_modified_by == "中卫市口岸和投资促进办公室"
    assert not cp.comments and cp.created == cp.modified
    assert abs(cp.created - datetime.now(timezone.utc)) < timedelta(days=1)
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        app = z.read("docProps/app.xml").decode()
        everything = b"".join(z.read(n) for n in names if n.endswith((".xml", ".rels")))
    assert not any("thumbnail" in n for n in names)
    assert b"python-docx" not in everything and b"Macintosh" not in everything and b"thumbnail" not in everything
    assert "<Company>中卫市口岸和投资促进办公室</Company>" in app


@pytest.mark.parametrize("line, level", [
    ("（一）工作要点落实情况", 2), ("（一）工作要点落实情况。", 2), ("（二）政府信息管理情况", 2),
    ("(三)平台建设情况。", 2), ("1.加强组织领导", 3), ("2．完善工作机制。", 3), ("3、强化监督保障", 3),
    ("（一）加强组织领导。我办调整了领导小组。", None), ("（一）根据工作要点，我办及时公开了信息。", None),
    ("1.本年度共公开信息10条，其中通知公告1条。", None), ("一是加强组织领导。", None), ("2022年，我办认真贯彻。", None),
    ("（一）" + "很" * 31, None),
])
def test_one_rule_decides_sub_heading_or_paragraph_for_every_level(line, level):
    assert report.heading_level(line) == level
    kinds = [b.kind for b in report.narrative_blocks(f"{line}\n正文。")]
    assert kinds == ([f"heading{level}"] if level else ["para"]) + ["para"]


def test_docx_headings_keep_with_the_next_paragraph(balanced, tmp_path):
    doc = copy.deepcopy(balanced)
    doc["texts"]["other"] = "（一）工作要点落实情况。\n按要点落实。\n（二）其他事项\n无。\n1.细项\n说明。"
    d, paragraphs, _ = docx_read(write_all(doc, tmp_path)["docx"])
    styles = dict((t, s) for s, t in paragraphs)
    assert styles["（一）工作要点落实情况。"] == styles["（二）其他事项"] == "NB Heading 2"
    assert styles["1.细项"] == "NB Heading 3"
    for name in ("NB Heading 1", "NB Heading 2", "NB Heading 3"):
        assert d.styles[name].paragraph_format.keep_with_next, name


@pytest.mark.slow   # > 5 s
def test_docx_draft_header_on_odd_and_even_pages(balanced, tmp_path):
    d, _, _ = docx_read(write_all(balanced, tmp_path, draft=True)["docx"])
    s = d.sections[0]
    assert s.header.paragraphs[0].text == s.even_page_header.paragraphs[0].text == "征求意见稿"
    d2, _, _ = docx_read(write_all(balanced, tmp_path / "..", draft=False)["docx"])
    assert "征求意见稿" not in d2.sections[0].header._element.xml


# --- HTML ----------------------------------------------------------------------------------------

def test_html_is_one_self_contained_page_with_template_tables(balanced, tmp_path):
    html = write_all(balanced, tmp_path)["html"].read_text(encoding="utf-8")
    p = html_read(html)
    assert p.scripts == 0 and p.external == [] and "http" not in re.sub(r"<p>[^<]*</p>", "", html)
    assert [t for tag, t in p.blocks if tag == "h2"] == HEADINGS
    assert [t for tag, t in p.blocks if tag == "h1"] == ["中卫市口岸和投资促进办公室2022年政府信息公开工作年度报告"]
    assert len(p.tables) == len(F.tables)
    for matrix, table in zip(p.tables, tables_in_order()):
        check_grid(matrix, table, balanced)
    assert "<thead>" in html and "@page" in html


def test_html_fits_a_phone_and_breaks_headers_between_words(balanced, tmp_path):
    html = write_all(balanced, tmp_path)["html"].read_text(encoding="utf-8")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    # every table in its own sideways-scrolling box, with the Word report's column widths
    assert html.count('<div class="table"><table') == len(F.tables) and ".table { overflow-x: auto" in html
    for table in re.findall(r"<table.*?</table>", html, re.S):
        widths = [float(w) for w in re.findall(r'<col style="width:([\d.]+)%">', table)]
        assert widths and abs(sum(widths) - 100) < 0.1
    # headers never wrap by themselves; they break between words, as the official template does
    assert "th.head { white-space: nowrap; }" in html
    for word in ("商业<br>企业", "科研<br>机构", "社会<br>公益<br>组织", "结果<br>维持", '<th rowspan="2" class="head">自然人</th>'):
        assert word in html, word


def test_html_and_markdown_escape_workbook_text(balanced, tmp_path):
    doc = copy.deepcopy(balanced)
    doc["texts"]["other"] = '<script>alert(1)</script> & <b>粗</b> [链接](javascript:x) 本年度未收取信息处理费。'
    doc["organ"]["name"] = "某局<img src=x>"
    paths = write_all(doc, tmp_path)
    html = paths["html"].read_text(encoding="utf-8")
    p = html_read(html)
    assert p.scripts == 0 and "img" not in p.external
    assert any("<script>alert(1)</script> & <b>粗</b>" in t for _, t in p.blocks)
    md = paths["md"].read_text(encoding="utf-8")
    assert "<script>" not in md and "&lt;script&gt;" in md and "\\[链接\\]" in md
    assert "<script>alert(1)</script> & <b>粗</b>" in htmllib.unescape(md)   # still reads as the text


# --- Markdown ------------------------------------------------------------------------------------

def test_markdown_headings_paragraphs_and_html_tables(balanced, tmp_path):
    md = write_all(balanced, tmp_path)["md"].read_text(encoding="utf-8")
    assert re.findall(r"^## (.+)$", md, re.M) == HEADINGS
    assert md.startswith("# 中卫市口岸和投资促进办公室 2022年政府信息公开工作年度报告")
    p = html_read(md)
    assert len(p.tables) == len(F.tables)
    for matrix, table in zip(p.tables, tables_in_order()):
        check_grid(matrix, table, balanced)


def test_generated_sentences_lead_sections_two_to_four_and_can_be_switched_off(balanced, tmp_path):
    on = html_read(write_all(balanced, tmp_path)["html"].read_text(encoding="utf-8"))
    texts = [t for tag, t in on.blocks if tag == "p"]
    assert any(t.startswith("本年度新收政府信息公开申请13件") for t in texts)
    assert any(t.startswith("本年度发生政府信息公开行政复议3件") for t in texts)
    off_dir = tmp_path / "off"
    off_dir.mkdir()
    off = html_read(write_all(balanced, off_dir, generated=False)["html"].read_text(encoding="utf-8"))
    assert not any(t.startswith("本年新收") for tag, t in off.blocks)


# --- property: any valid document exported and read back ---------------------------------------

COUNT_CELLS = [c for c, cell in F.cells.items() if cell.value == "count"]


@st.composite
def documents(draw):
    doc = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    for c in COUNT_CELLS:
        doc["cells"][c] = draw(st.integers(0, 99999))
    doc["cells"]["t2.fees.amount"] = draw(st.integers(0, 10 ** 8)) / 10000
    text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=40)
    doc["texts"]["other"] = draw(text) + "\n" + draw(text)
    doc["organ"]["name"] = draw(st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                                        min_size=1, max_size=20)).strip() or "某局"
    return doc


@pytest.mark.slow   # > 5 s
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=documents())
def test_property_any_document_exports_and_reads_back(doc, tmp_path_factory):
    folder = tmp_path_factory.mktemp("prop")
    paths = write_all(doc, folder)
    _, paragraphs, tables = docx_read(paths["docx"])
    for matrix, table in zip(tables, tables_in_order()):
        check_grid(matrix, table, doc)
    assert [t for s, t in paragraphs if s == "NB Heading 1"] == HEADINGS
    for kind in ("html", "md"):
        p = html_read(paths[kind].read_text(encoding="utf-8"))
        assert len(p.tables) == len(F.tables)
        for matrix, table in zip(p.tables, tables_in_order()):
            check_grid(matrix, table, doc)
