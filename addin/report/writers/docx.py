"""The report as a Word document in the 公文 layout of GB/T 9704-2012 (python-docx).

A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; the document grid of Word 公文 templates, 22 lines × 28 characters (w:docGrid linesAndChars)
(linePitch 579 twips, body lines exactly 28.95 pt); title 2号 (22 pt) 方正小标宋简体, centred, in two lines
(organ / year + 年政府信息公开工作年度报告); body 3号 (16 pt) 仿宋_GB2312, first line indented two characters;
level-1 headings 黑体, level-2 楷体_GB2312, level-3 仿宋_GB2312 (all kept with the next paragraph); page numbers "— n —" in 4号 (14 pt) 宋体, odd pages right and even
pages left, one character in. Tables in 仿宋_GB2312 五号/小五 with full borders, their header rows repeated on
every page and no row split across pages.

Fonts: the mandated names are written as the East Asian font of our own styles (never the built-in
Title/Heading styles, whose theme fonts would override them), every *Theme attribute is removed from
styles.xml, and the font table names a fallback (w:altName) for machines without the 公文 fonts:
方正小标宋简体 → 宋体, 仿宋_GB2312 → 仿宋, 楷体_GB2312 → 楷体.
"""
from __future__ import annotations

import math
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips

from addin.report.model import Report, TableGrid
from addin.report.writers import one_line, storable

# GB/T 9704-2012 page and type (notes/excel-and-docx.md §2)
PAGE_W, PAGE_H = Mm(210), Mm(297)
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}
LINE_PITCH = 579                 # twips: 22 lines fill the 225 mm type area
CHARS_PER_LINE = 28
LATIN = "Times New Roman"
TITLE_FONT, BODY_FONT, H1_FONT, H2_FONT, PAGE_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体"
FALLBACK = {"方正小标宋简体": "宋体", "仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体"}
SIZE_2, SIZE_3, SIZE_4, SIZE_5, SIZE_S5 = Pt(22), Pt(16), Pt(14), Pt(10.5), Pt(9)
TYPE_WIDTH_MM = 210 - 28 - 26    # 156 mm
CORE_PROPERTY_MAX = 255          # python-docx refuses longer title/author properties (ValueError)
# Child order of the OOXML elements we add to (ECMA-376 CT_PPr, CT_TblPr): Word rejects out-of-order children.
_ORDER = {
    "pPr": ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
            "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
            "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
            "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
            "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"),
    "rPr": ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline", "shadow",
            "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern",
            "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs",
            "em", "lang", "eastAsianLayout", "specVanish", "oMath"),
    "tblPr": ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
              "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
              "tblCaption", "tblDescription"),
}


def put(parent, child) -> None:
    """Insert `child` into `parent` at its schema position, replacing an existing one of the same tag."""
    kind = parent.tag.split("}")[1]
    name = child.tag.split("}")[1]
    for old in parent.findall(child.tag):
        parent.remove(old)
    order = _ORDER[kind]
    after = set(order[order.index(name) + 1:])
    for i, existing in enumerate(parent):
        if existing.tag.split("}")[1] in after:
            parent.insert(i, child)
            return
    parent.append(child)


def write(report: Report, path: Path) -> None:
    doc = Document()
    _page_setup(doc)
    _styles(doc)
    _font_table(doc)
    _properties(doc, report)
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):  # the template's empty first paragraph
        body.remove(p)

    ids = {name: doc.styles[name].style_id
           for name in ("NB Title", "NB Heading 1", "NB Heading 2", "NB Heading 3", "NB Table Gap")}

    def para(text: str, style: str | None = None) -> None:
        p = doc.add_paragraph(storable(text) if style is None else one_line(text))
        if style:
            p._p.style = ids[style]   # (style= by name looks the default style up each time: slow)

    for line in report.title_lines():
        para(line, "NB Title")
    para("", "NB Title")          # one blank line under the title
    for p in report.preamble:
        para(p)
    for s in report.sections:
        para(s.heading, "NB Heading 1")
        for b in s.blocks:
            if b.kind in ("heading2", "heading3"):
                para(b.text, "NB Heading " + b.kind[-1])
            elif b.kind == "table":
                _table(doc, b.table)
                para("", "NB Table Gap")
            else:
                para(b.text)
    _footers(doc)
    if report.draft:
        _draft_headers(doc, report.draft_mark)
    from addin.report.fingerprint import docx_identifier

    doc.core_properties.identifier = docx_identifier(doc.part.blob)   # a re-export knows an untouched report
    doc.save(str(path))


# --- document properties ----------------------------------------------------------------------

APP_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
 xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">
<Application>nianbao</Application><DocSecurity>0</DocSecurity><Company>{company}</Company>
<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>
</Properties>"""


def _properties(doc, report: Report) -> None:
    """Title, author (the organ) and today's dates instead of python-docx's template values (created 2013,
    "generated by python-docx", "Microsoft Macintosh Word", a thumbnail of an empty page)."""
    from datetime import datetime, timezone
    from xml.sax.saxutils import escape

    now = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)
    cp = doc.core_properties
    organ = one_line(report.organ, CORE_PROPERTY_MAX)
    cp.title, cp.author, cp.last_modified_by = one_line(report.title, CORE_PROPERTY_MAX), organ, organ
    cp.subject, cp.comments, cp.keywords, cp.category = "政府信息公开工作年度报告", "", "", ""
    cp.created = cp.modified = now
    cp.revision = 1
    cp.language = "zh-CN"
    package = doc.part.package
    for rel in list(package.rels.values()):
        if rel.reltype.endswith("/metadata/thumbnail"):
            package.rels.pop(rel.rId)
        elif rel.reltype.endswith("/extended-properties"):
            rel.target_part._blob = APP_XML.format(company=escape(organ)).encode("utf-8")


# --- page ---------------------------------------------------------------------------------------

def _page_setup(doc) -> None:
    sec = doc.sections[0]
    sec.page_width, sec.page_height = PAGE_W, PAGE_H
    sec.top_margin, sec.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    sec.left_margin, sec.right_margin = MARGINS["left"], MARGINS["right"]
    sec.header_distance = Mm(20)
    sec.footer_distance = Mm(23)     # the "— n —" line starts 7 mm under the type area
    sec.start_type = WD_SECTION.NEW_PAGE
    sectPr = sec._sectPr
    for g in sectPr.findall(qn("w:docGrid")):
        sectPr.remove(g)
    grid = OxmlElement("w:docGrid")
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(LINE_PITCH))
    grid.set(qn("w:charSpace"), str(char_space()))
    sectPr.append(grid)
    doc.settings.odd_and_even_pages_header_footer = True


def char_space() -> int:
    """w:docGrid w:charSpace giving exactly 28 characters of 3号 on the 156 mm line (每行 28 字).

    The grid pitch is the default font size plus charSpace/4096 pt (ECMA-376 §17.6.5). 28 × 16 pt = 448 pt is
    wider than the 442.2 pt type area, so the pitch is a little under 16 pt: a negative charSpace, as in the
    公文 templates of Word and WPS. Condensed character spacing would do the same in Word, but LibreOffice
    then drops the punctuation that ends a line from its PDF.
    """
    width_pt = (PAGE_W - MARGINS["left"] - MARGINS["right"]) / 12700
    return math.floor((width_pt / CHARS_PER_LINE - SIZE_3.pt) * 4096)


def cell_twips() -> int:
    """Width of one cell of the character grid, in twips (rounded down so two cells never exceed it)."""
    return math.floor((SIZE_3.pt + char_space() / 4096) * 20)


def char_scale_percent() -> int:
    """w:w (horizontal glyph scale, %) making a 3号 character no wider than one grid cell.

    Word and WPS squeeze each character into its cell of the linesAndChars grid; LibreOffice instead gives a
    character wider than the cell two cells (14 characters a line). At 98 % the glyph fits one cell in both,
    the type stays 16 pt high, and no character spacing is condensed.
    """
    pitch = SIZE_3.pt + char_space() / 4096
    return math.floor(pitch / SIZE_3.pt * 100)


# --- fonts and styles ---------------------------------------------------------------------------

def set_fonts(rpr_owner, east_asia: str, latin: str = LATIN) -> None:
    """Explicit fonts on a style or run: ascii/hAnsi Latin, eastAsia the Chinese face, no theme fonts."""
    rPr = rpr_owner.get_or_add_rPr()
    rFonts = rPr.find(qn("w:rFonts"))
    if rFonts is None:
        rFonts = OxmlElement("w:rFonts")
        rPr.insert(0, rFonts)
    for attr in list(rFonts.attrib):
        if attr.endswith("Theme") or attr.endswith("theme"):
            del rFonts.attrib[attr]
    for key, val in (("ascii", latin), ("hAnsi", latin), ("eastAsia", east_asia), ("cs", latin)):
        rFonts.set(qn(f"w:{key}"), val)


def _strip_theme_fonts(styles_el) -> None:
    for rFonts in styles_el.iter(qn("w:rFonts")):
        for attr in list(rFonts.attrib):
            if attr.endswith("Theme") or attr.endswith("theme"):
                del rFonts.attrib[attr]


def _styles(doc) -> None:
    styles = doc.styles
    st = styles.element
    _strip_theme_fonts(st)
    rpr_default = st.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    rFonts = rpr_default.find(qn("w:rFonts"))
    for key, val in (("ascii", LATIN), ("hAnsi", LATIN), ("eastAsia", BODY_FONT), ("cs", LATIN)):
        rFonts.set(qn(f"w:{key}"), val)
    for tag, val in (("w:sz", "32"), ("w:szCs", "32")):
        rpr_default.find(qn(tag)).set(qn("w:val"), val)
    rpr_default.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
    ppr_default = st.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    sp = ppr_default.find(qn("w:spacing"))
    sp.set(qn("w:after"), "0")
    sp.set(qn("w:line"), str(LINE_PITCH))
    sp.set(qn("w:lineRule"), "exact")

    normal = styles["Normal"]
    set_fonts(normal.element, BODY_FONT)
    normal.font.size = SIZE_3
    scale = OxmlElement("w:w")
    scale.set(qn("w:val"), str(char_scale_percent()))
    put(normal.element.get_or_add_rPr(), scale)
    pf = normal.paragraph_format
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Twips(LINE_PITCH)
    pf.space_before = pf.space_after = Pt(0)
    pf.first_line_indent = Twips(2 * cell_twips())     # two grid cells, not 2 × 16 pt: a wider indent
                                                      # leaves the 28th cell short and its "，" hanging
    no_hang = OxmlElement("w:overflowPunct")           # LibreOffice does not print punctuation hung into
    no_hang.set(qn("w:val"), "0")                      # the margin: keep it on the line
    put(normal.element.get_or_add_pPr(), no_hang)
    _first_line_chars(normal.element, 200)
    pf.widow_control = True

    def para_style(name, font, size, align, indent_chars, outline=None, keep=True, bold=False):
        s = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        s.base_style = normal
        s.quick_style = True
        set_fonts(s.element, font)
        s.font.size = size
        s.font.bold = bold
        f = s.paragraph_format
        f.alignment = align
        f.first_line_indent = Twips(indent_chars * cell_twips()) if size == SIZE_3 else Pt(size.pt * indent_chars)
        _first_line_chars(s.element, indent_chars * 100)
        f.keep_with_next = keep
        if outline is not None:
            lvl = OxmlElement("w:outlineLvl")
            lvl.set(qn("w:val"), str(outline))
            put(s.element.get_or_add_pPr(), lvl)
        return s

    title = para_style("NB Title", TITLE_FONT, SIZE_2, WD_ALIGN_PARAGRAPH.CENTER, 0)
    _no_grid(title.element)      # 2号 characters are wider than a cell of the 3号 character grid
    para_style("NB Heading 1", H1_FONT, SIZE_3, WD_ALIGN_PARAGRAPH.JUSTIFY, 2, outline=0)
    para_style("NB Heading 2", H2_FONT, SIZE_3, WD_ALIGN_PARAGRAPH.JUSTIFY, 2, outline=1)
    para_style("NB Heading 3", BODY_FONT, SIZE_3, WD_ALIGN_PARAGRAPH.JUSTIFY, 2, outline=2)
    gap = para_style("NB Table Gap", BODY_FONT, SIZE_3, WD_ALIGN_PARAGRAPH.LEFT, 0, keep=False)
    gap.paragraph_format.line_spacing = Pt(12)
    for name, size in (("NB Table", SIZE_5), ("NB Table Small", SIZE_S5)):
        t = para_style(name, BODY_FONT, size, WD_ALIGN_PARAGRAPH.CENTER, 0, keep=False)
        t.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        _no_grid(t.element)
    pn = para_style("NB Page Number", PAGE_FONT, SIZE_4, WD_ALIGN_PARAGRAPH.RIGHT, 0, keep=False)
    pn.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    _no_grid(pn.element)
    dr = para_style("NB Draft Mark", H1_FONT, SIZE_3, WD_ALIGN_PARAGRAPH.RIGHT, 0, keep=False)
    dr.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    _no_grid(dr.element)


def _first_line_chars(style_el, hundredths: int) -> None:
    """w:ind w:firstLineChars: the indent in characters (Word and WPS honour it over twips)."""
    ind = style_el.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(hundredths))


def _no_grid(style_el) -> None:
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    put(style_el.get_or_add_pPr(), snap)


def _font_table(doc) -> None:
    """Name the 公文 fonts in fontTable.xml with their fallbacks (w:altName)."""
    from lxml import etree

    part = next(r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/fontTable"))
    root = etree.fromstring(part.blob)
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    for name in (TITLE_FONT, BODY_FONT, H1_FONT, H2_FONT, PAGE_FONT):
        font = etree.SubElement(root, f"{{{w}}}font")
        font.set(f"{{{w}}}name", name)
        if name in FALLBACK:
            alt = etree.SubElement(font, f"{{{w}}}altName")
            alt.set(f"{{{w}}}val", FALLBACK[name])
        cs = etree.SubElement(font, f"{{{w}}}charset")
        cs.set(f"{{{w}}}val", "86")                       # GB2312
        fam = etree.SubElement(font, f"{{{w}}}family")
        fam.set(f"{{{w}}}val", "modern" if name != H1_FONT else "auto")
        pitch = etree.SubElement(font, f"{{{w}}}pitch")
        pitch.set(f"{{{w}}}val", "fixed" if name != H1_FONT else "variable")
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# --- header and footer --------------------------------------------------------------------------

def _page_field(paragraph) -> None:
    """'— n —' with a PAGE field."""
    paragraph.add_run("— ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            fc = OxmlElement("w:fldChar")
            fc.set(qn("w:fldCharType"), kind)
            run._r.append(fc)
        elif text.strip() == "PAGE":
            it = OxmlElement("w:instrText")
            it.set(qn("xml:space"), "preserve")
            it.text = text
            run._r.append(it)
        else:
            t = OxmlElement("w:t")
            t.text = text
            run._r.append(t)
    paragraph.add_run(" —")


def _footers(doc) -> None:
    sec = doc.sections[0]
    one_char = SIZE_4
    for footer, align in ((sec.footer, WD_ALIGN_PARAGRAPH.RIGHT), (sec.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.style = doc.styles["NB Page Number"]
        p.alignment = align
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            p.paragraph_format.right_indent = one_char
        else:
            p.paragraph_format.left_indent = one_char
        _page_field(p)


def _draft_headers(doc, mark: str) -> None:
    sec = doc.sections[0]
    for header, align in ((sec.header, WD_ALIGN_PARAGRAPH.RIGHT), (sec.even_page_header, WD_ALIGN_PARAGRAPH.LEFT)):
        header.is_linked_to_previous = False
        p = header.paragraphs[0]
        p.style = doc.styles["NB Draft Mark"]
        p.alignment = align
        p.add_run(mark)


# --- tables -------------------------------------------------------------------------------------

CELL_MARGIN_MM = 2 * 40 / 56.7          # tblCellMar left + right (40 twips each)
LABEL_CHARS = (5, 7)                     # "三、本年度|办理结果", "（三）不予公开" on whole lines
MIN_DATA_CHARS = 2                       # four digits


def _fit_mm(chars: int, size_pt: float) -> float:
    return chars * size_pt * 25.4 / 72 + CELL_MARGIN_MM + 0.3


def column_widths_mm(grid: TableGrid) -> list[float]:
    """Widths filling the 156 mm type area so that labels wrap between words, never inside one.

    Tables with three label columns (表三): the group columns hold exactly LABEL_CHARS characters, so
    "三、本年度办理结果" wraps after 本年度 and "（三）不予公开" stays on one line; the data columns hold three
    characters; a data column is as wide as its header's longest unbreakable part ("自然人"; "商业|企业" breaks
    between words: header_lines); the leaf labels take the rest.
    """
    n_data = grid.n_cols - grid.label_cols
    if grid.label_cols == 0 or n_data <= 3:
        return [TYPE_WIDTH_MM / grid.n_cols] * grid.n_cols
    size = (SIZE_S5 if grid.n_cols > 6 else SIZE_5).pt
    data = [_fit_mm(_data_chars(grid, grid.label_cols + i), size) for i in range(n_data)]
    if grid.label_cols == 3:
        groups = [_fit_mm(n, size) for n in LABEL_CHARS]
        return groups + [TYPE_WIDTH_MM - sum(groups) - sum(data)] + data
    label_total = TYPE_WIDTH_MM - sum(data)
    return [label_total / grid.label_cols] * grid.label_cols + data


def _data_chars(grid: TableGrid, col: int) -> int:
    heads = [c.text for c in grid.cells if c.kind == "header" and c.col == col and c.colspan == 1]
    return max([MIN_DATA_CHARS] + [max(map(len, header_lines(h, 2))) for h in heads])


def header_lines(text: str, chars_per_line: int) -> list[str]:
    """A column header too long for its column, broken between its two-character words ("商业|企业").

    The headers of 表三/表四 are compounds of two-character words (商业企业, 社会公益组织, 结果维持); a header
    that is not (odd length, digits, brackets) is left to wrap by itself.
    """
    if len(text) <= chars_per_line or len(text) % 2 or not all("\u4e00" <= ch <= "\u9fff" for ch in text):
        return [text]
    words = [text[i:i + 2] for i in range(0, len(text), 2)]
    lines, line = [], ""
    for w in words:
        if line and len(line) + len(w) > chars_per_line:
            lines.append(line)
            line = ""
        line += w
    return lines + [line]


def _table(doc, grid: TableGrid) -> None:
    table = doc.add_table(rows=grid.n_rows, cols=grid.n_cols)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    small = grid.n_cols > 6
    style = doc.styles["NB Table Small" if small else "NB Table"]
    tbl = table._tbl
    tblPr = tbl.tblPr
    _borders(tblPr)
    _cell_margins(tblPr)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    put(tblPr, layout)
    widths = column_widths_mm(grid)
    for col, w in zip(table.columns, widths):
        col.width = Mm(w)
    rows = table.rows
    for i, row in enumerate(rows):
        trPr = row._tr.get_or_add_trPr()
        cant = OxmlElement("w:cantSplit")
        trPr.append(cant)
        if i < grid.header_rows:
            hdr = OxmlElement("w:tblHeader")
            trPr.append(hdr)
    cells = [list(rows[r].cells) for r in range(grid.n_rows)]
    for r in range(grid.n_rows):
        for c in range(grid.n_cols):
            cells[r][c].width = Mm(widths[c])
    for gc in grid.cells:
        cell = cells[gc.row][gc.col]
        if gc.rowspan > 1 or gc.colspan > 1:
            _merge(cells, gc)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        p = cell.paragraphs[0]
        p._p.style = style.style_id       # (p.style = … looks the default style up each time: slow)
        if (gc.kind == "label" and gc.rowspan == 1) or (gc.kind == "corner" and len(gc.text) > 8):
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT     # row labels read left-aligned; group labels centred
        if gc.kind == "header" and gc.colspan == 1:
            chars = int((widths[gc.col] - CELL_MARGIN_MM) / (style.font.size.pt * 25.4 / 72))
            _lines(p, header_lines(gc.text, chars))
        else:
            p.add_run(gc.text)
        if gc.row < grid.header_rows:
            p.paragraph_format.keep_with_next = True


def _merge(cells: list[list], gc) -> None:
    """What python-docx's cell.merge does to a rectangle of a fresh, empty table — the columns' w:tc joined into
    one with w:gridSpan and their widths added, w:vMerge restart/continue down the rows — without walking the
    table for each merge (python-docx's merge was a third of an export's time; the grid knows each rectangle)."""
    for r in range(gc.row, gc.row + gc.rowspan):
        tc = cells[r][gc.col]._tc
        for c in range(gc.col + 1, gc.col + gc.colspan):
            other = cells[r][c]._tc
            if tc.width is not None and other.width is not None:
                tc.width = tc.width + other.width
            other.getparent().remove(other)
        if gc.colspan > 1:
            tc.grid_span = gc.colspan
        tc.vMerge = None if gc.rowspan == 1 else ("restart" if r == gc.row else "continue")


def _lines(p, lines: list[str]) -> None:
    run = p.add_run(lines[0])
    for line in lines[1:]:
        run.add_break()
        run.add_text(line)


def _borders(tblPr) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        e = OxmlElement(f"w:{edge}")
        e.set(qn("w:val"), "single")
        e.set(qn("w:sz"), "4")
        e.set(qn("w:space"), "0")
        e.set(qn("w:color"), "000000")
        borders.append(e)
    put(tblPr, borders)


def _cell_margins(tblPr) -> None:
    mar = OxmlElement("w:tblCellMar")
    for edge, v in (("top", 20), ("left", 40), ("bottom", 20), ("right", 40)):
        e = OxmlElement(f"w:{edge}")
        e.set(qn("w:w"), str(v))
        e.set(qn("w:type"), "dxa")
        mar.append(e)
    put(tblPr, mar)
