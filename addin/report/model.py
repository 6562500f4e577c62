"""report document + schema/ → the one report model the three writers (docx, html, md) render.

Nothing here knows a file format. The model is plain data: a title, the preamble paragraphs, and the six
sections in the official order, each a list of blocks (level-2 sub-heads, paragraphs, generated sentences,
tables). Tables are grids of cells with row/column spans computed by `layout.path_spans` from the same
label paths the workbook template uses, so every writer lays them out exactly as the official template.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from addin.format import fmt as fmtmod
from addin.format.layout import path_spans
from addin.text import number

CN_NUMERALS = "一二三四五六七八九十"
# Sub-head numbering staff use inside a section, by level: "（一）" (level 2), "1." / "1．" / "1、" (level 3).
_MARKERS = ((2, re.compile(r"^[（(][一二三四五六七八九十]{1,3}[)）]\s*")), (3, re.compile(r"^\d{1,2}\s*[.．、]\s*")))
_HEADING_MAX = 30                          # characters after the number: a title, not a sentence
_SENTENCE_MARK = re.compile(r"[。；;！？!?：:，,]")


@dataclass
class GridCell:
    row: int
    col: int
    text: str
    kind: str                   # title | corner | header | label | value
    rowspan: int = 1
    colspan: int = 1
    element: str | None = None  # the cell id for values


@dataclass
class TableGrid:
    id: str
    n_rows: int
    n_cols: int
    header_rows: int            # rows to repeat on every page (title + column headers)
    label_cols: int
    cells: list[GridCell]
    unit: str

    def rows(self) -> list[list[GridCell]]:
        out: list[list[GridCell]] = [[] for _ in range(self.n_rows)]
        for c in sorted(self.cells, key=lambda c: (c.row, c.col)):
            out[c.row].append(c)
        return out


@dataclass
class Block:
    kind: str                   # heading2 | para | generated | table | note
    text: str = ""
    table: TableGrid | None = None


@dataclass
class Section:
    id: str
    heading: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Report:
    title: str
    organ: str
    year: int | None
    preamble: list[str]
    sections: list[Section]
    draft: bool = False
    draft_mark: str = "征求意见稿"

    def title_lines(self) -> list[str]:
        """Organ on the first line, '<year>年政府信息公开工作年度报告' on the second, as published reports do."""
        if self.organ and self.title.startswith(self.organ) and len(self.title) > len(self.organ):
            return [self.organ, self.title[len(self.organ):]]
        return [self.title]

    def text_blocks(self):
        for s in self.sections:
            yield from s.blocks

    def tables(self) -> list[TableGrid]:
        return [b.table for b in self.text_blocks() if b.table is not None]


# --- values -------------------------------------------------------------------------------------

def format_value(v, kind: str = "count") -> str:
    """A table value as printed: integers plain, 万元 amounts without trailing zeros, blank as blank."""
    if v is None:
        return ""
    if isinstance(v, bool) or isinstance(v, str):
        return str(v)
    return number(v)


# --- tables -------------------------------------------------------------------------------------

def table_grid(table: fmtmod.Table, cells: dict) -> TableGrid:
    """The table laid out as the official template: title row, corner note, merged headers and labels."""
    label_cols = max(len(r.path) for r in table.rows)
    depth = max(len(c.path) for c in table.columns)
    n_cols = label_cols + len(table.columns)
    out: list[GridCell] = []
    top = 0
    if table.title:
        out.append(GridCell(0, 0, table.title, "title", 1, n_cols))
        top = 1
    if table.corner and label_cols:
        out.append(GridCell(top, 0, table.corner, "corner", depth, label_cols))
    for i, j, l1, l2, text in path_spans([c.path for c in table.columns], depth):
        out.append(GridCell(top + l1, label_cols + i, text, "header", l2 - l1 + 1, j - i + 1))
    data = top + depth
    for i, j, l1, l2, text in path_spans([r.path for r in table.rows], label_cols):
        out.append(GridCell(data + i, l1, text, "label", j - i + 1, l2 - l1 + 1))
    for ri, r in enumerate(table.rows):
        for ci, c in enumerate(table.columns):
            cid = table.cell_id_of(r, c)
            out.append(GridCell(data + ri, label_cols + ci, format_value(cells.get(cid), table.value), "value",
                                element=cid))
    return TableGrid(table.id, data + len(table.rows), n_cols, data, label_cols, out, table.unit)


# --- narrative ----------------------------------------------------------------------------------

def paragraphs(text: str | None) -> list[str]:
    """Staff write one paragraph per line; blank lines and surrounding spaces are dropped."""
    return [p.strip() for p in (text or "").splitlines() if p.strip()]


def heading_level(line: str) -> int | None:
    """The sub-head level of a narrative line, or None for a paragraph — one rule for every level.

    A sub-head is a number ("（一）", "1.") followed by a short title with no punctuation inside it; one
    closing "。" is allowed, since staff write "（一）工作要点落实情况。" as often as without it. Anything
    more ("（一）加强领导。我办……") is a paragraph that happens to start with a number.
    """
    for level, marker in _MARKERS:
        m = marker.match(line)
        if m:
            title = line[m.end():].removesuffix("。")
            if title and len(title) <= _HEADING_MAX and not _SENTENCE_MARK.search(title):
                return level
            return None
    return None


def narrative_blocks(text: str | None) -> list[Block]:
    out = []
    for p in paragraphs(text):
        level = heading_level(p)
        out.append(Block(f"heading{level}", p) if level else Block("para", p))
    return out


def cn_number(n: int) -> str:
    """1 → 一 … 10 → 十 (sub-head numbering)."""
    if n <= 10:
        return CN_NUMERALS[n - 1]
    return ("" if n < 20 else CN_NUMERALS[n // 10 - 1]) + "十" + ("" if n % 10 == 0 else CN_NUMERALS[n % 10 - 1])


def _organ_name(doc: dict) -> str:
    return str((doc.get("organ") or {}).get("name") or "").strip()


def title_of(doc: dict, f: fmtmod.Format | None = None) -> str:
    f = f or fmtmod.load()
    organ = doc.get("organ") or {}
    year = organ.get("year")
    return f.raw["report_title"].format(organ=_organ_name(doc), year=year if year is not None else "")


def default_preamble(doc: dict, f: fmtmod.Format) -> list[str]:
    """The customary preamble (FORMAT.md §1 [practice]) from 基本信息: basis, period, where published, contact."""
    o = doc.get("organ") or {}
    name, year = _organ_name(doc), o.get("year")
    topics = "、".join(s["heading"].split("、", 1)[1] for s in f.sections)
    first = (f"本报告由{name}根据《中华人民共和国政府信息公开条例》（以下简称《条例》）第五十条和"
             f"《{f.name}》（{f.notice}）要求编制。全文包括{topics}。")
    if year:
        first += f"本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
    out = [first]
    if o.get("website"):
        out.append(f"本报告电子版可在{o['website']}查阅或下载。")
    contact = []
    for key, label in (("address", "地址"), ("postcode", "邮编"), ("phone", "电话"), ("fax", "传真"),
                       ("email", "电子邮箱")):
        if o.get(key):
            contact.append(f"{label}：{o[key]}")
    if contact or o.get("contact_unit"):
        who = f"{name}{o.get('contact_unit') or ''}"
        out.append(f"如对本报告有疑问，请与{who}联系" + (f"（{'；'.join(contact)}）" if contact else "") + "。")
    return out


def build(doc: dict, generated_sentences: bool = True, draft: bool = False) -> Report:
    """The report model of one document."""
    from addin.report import sentences

    f = fmtmod.load()
    cells = doc.get("cells") or {}
    texts = doc.get("texts") or {}
    generated = sentences.leads(doc) if generated_sentences else {}
    sections = []
    for s in f.sections:
        sec = Section(s["id"], s["heading"])
        if s["id"] in generated:
            sec.blocks.extend(Block("generated", g) for g in generated[s["id"]])
        content = s["content"]
        text_parts = [c for c in content if any(t.id == c for t in f.texts)]
        for item in content:
            if any(t.id == item for t in f.tables):
                sec.blocks.append(Block("table", table=table_grid(f.table(item), cells)))
                continue
            t = f.text(item)
            if len(text_parts) > 1:  # 五: （一）存在的主要问题 （二）改进情况
                sec.blocks.append(Block("heading2", f"（{cn_number(text_parts.index(item) + 1)}）{t.label}"))
            sec.blocks.extend(narrative_blocks(texts.get(item)))
        sections.append(sec)
    preamble = paragraphs(texts.get("preamble")) or default_preamble(doc, f)
    organ = doc.get("organ") or {}
    return Report(title_of(doc, f), _organ_name(doc), organ.get("year"), preamble, sections, draft=draft)
