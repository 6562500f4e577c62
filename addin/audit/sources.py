"""Each input kind → one list of lines with provenance.

A line is what a reader sees as one line or one table row: its text, where it is in the source
("第12行", "第2页第7行", "表格3第5行"), and for table rows the cells as published (a blank cell is "").
Everything after this module is independent of the input kind. The input file is only read.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from addin.errors import UserError
from addin.messages import refuse

SUFFIXES = (".html", ".htm", ".shtml", ".pdf", ".docx", ".txt", ".md")
MAX_BYTES = 50 * 1024 * 1024
_FOOTER = re.compile(r"^\s*(?:[—–\-－]+\s*\d+\s*[—–\-－]+|第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?)\s*$")
_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


@dataclass
class Line:
    text: str
    where: str
    cells: list[str] | None = None     # table cells as published ("" = blank cell), None for prose
    offset: int = 0                     # where this text starts in the source line (a section cut from a long line)


@dataclass
class Source:
    path: Path
    kind: str                           # html | pdf | docx | text
    lines: list[Line]


_COMMENT = re.compile(r"<!--.*?-->", re.S)


def load(path: str | Path) -> Source:
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise refuse("input.missing:audit", path=path)
    if suffix not in SUFFIXES:
        raise refuse("audit.unsupported", path=path, suffix=suffix or "无扩展名")
    if path.stat().st_size > MAX_BYTES:
        raise refuse("audit.too_large", path=path, limit=MAX_BYTES // 1048576)
    if suffix == ".pdf":
        lines, kind = _pdf(path), "pdf"
    elif suffix == ".docx":
        lines, kind = _docx(path), "docx"
    elif suffix in (".html", ".htm", ".shtml"):
        lines, kind = _html(decode(path.read_bytes(), path)), "html"
    else:
        text = decode(path.read_bytes(), path)
        if suffix == ".md":    # an HTML comment is not on the page (nianbao's own exports end with one)
            text = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
        lines, kind = _text(text), "text"
    lines = [ln for ln in lines if not _FOOTER.match(ln.text)]     # page footers "— 3 —"
    if not any(ln.text.strip() for ln in lines):
        raise refuse("audit.no_text", path=path)
    return Source(path, kind, lines)


def decode(raw: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM), UTF-16 with its BOM (Notepad's “Unicode”), UTF-8 with a few broken bytes (a
    text cut mid-character, one damaged byte: shown as �, the rest read), else the charset a page declares,
    else GB18030 (a superset of GBK). A GBK text read as UTF-8 breaks at nearly every character, not a few."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    lenient = raw.decode("utf-8", errors="replace")
    if lenient.count("\ufffd") - raw.count("\ufffd".encode()) <= max(3, len(lenient) // 1000):
        return lenient
    m = re.search(rb"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", raw[:4096])
    for enc in ([m.group(1).decode("ascii")] if m else []) + ["gb18030"]:
        try:
            return raw.decode("gb18030" if enc.lower() in ("gbk", "gb2312") else enc)
        except (UnicodeDecodeError, LookupError):
            continue
    raise refuse("audit.encoding", path=path)


# --- text: pdftotext -layout output, " | " cells, Markdown pipe tables, tab-separated, OCR ----------------

def _text(text: str) -> list[Line]:
    if re.search(r"<table[\s>]", text, re.I):      # Markdown holding HTML tables (our own export does this)
        return _mixed(text)
    out = []
    for n, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        out.append(_text_line(raw, f"第{n}行"))
    return [ln for ln in out if ln is not None]


def _text_line(raw: str, where: str) -> Line | None:
    s = raw.rstrip()
    if _PIPE_RULE.match(s):
        return None
    if s.lstrip().startswith("|") and s.rstrip().endswith("|") and s.count("|") >= 2:
        cells = [c.strip() for c in s.strip().strip("|").split("|")]
    elif " | " in s:
        cells = [c.strip() for c in s.split(" | ")]
    elif "\t" in s:
        cells = [c.strip() for c in s.split("\t")]
    else:
        cells = None
    if cells is not None and " | " in s and not s.lstrip().startswith("|"):
        cells = ["" if c in ('""', "“”") else c for c in cells]      # an HTML capture marks a blank cell ""
    elif cells is not None:
        cells = [c or None for c in cells]     # tabs or pipes with nothing between: a lost cell, not a blank
    return Line(s.strip().lstrip("#").strip() if cells is None else s.strip(), where, cells)


def _mixed(text: str) -> list[Line]:
    out, pos, n = [], 0, 0
    for m in re.finditer(r"<table[\s>].*?</table>", text, re.I | re.S):
        before = text[pos:m.start()]
        for k, raw in enumerate(before.split("\n")):
            ln = _text_line(raw, f"第{n + k + 1}行")
            if ln is not None:
                out.append(ln)
        n += before.count("\n")
        for ln in _html(m.group(0)):
            ln.where = f"第{n + 1}行起的{ln.where}"
            out.append(ln)
        n += m.group(0).count("\n")
        pos = m.end()
    for k, raw in enumerate(text[pos:].split("\n")):
        ln = _text_line(raw, f"第{n + k + 1}行")
        if ln is not None:
            out.append(ln)
    return out


# --- HTML: block text and tables, rowspan/colspan expanded ------------------------------------------------

_BLOCKS = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "tr", "title", "hr"}


class _Html(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[Line] = []
        self.buf: list[str] = []
        self.skip = 0
        self.tables: list[dict] = []       # stack of open tables
        self.count = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "style", "head"):
            self.skip += 1
        elif tag == "table":
            self._flush()
            self.count += 1
            self.tables.append({"n": self.count, "rows": [], "row": None, "cell": None})
        elif self.tables and tag == "tr":
            self.tables[-1]["row"] = []
        elif self.tables and tag in ("td", "th"):
            t = self.tables[-1]
            if t["row"] is None:
                t["row"] = []
            t["cell"] = {"text": [], "rowspan": _span(a.get("rowspan")), "colspan": _span(a.get("colspan"))}
        elif tag in _BLOCKS or tag == "br":
            if self.tables and self.tables[-1]["cell"] is not None:
                self.tables[-1]["cell"]["text"].append("")
            else:
                self._flush()

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head"):
            self.skip = max(0, self.skip - 1)
        elif tag == "table" and self.tables:
            t = self.tables.pop()
            for r, cells in enumerate(_grid(t["rows"]), 1):
                texts = [c for c in cells]
                self.lines.append(Line(" | ".join(texts), f"表格{t['n']}第{r}行", texts))
        elif self.tables and tag in ("td", "th"):
            t = self.tables[-1]
            if t["cell"] is not None and t["row"] is not None:
                c = t["cell"]
                t["row"].append(("".join(c["text"]).strip(), c["rowspan"], c["colspan"]))
            t["cell"] = None
        elif self.tables and tag == "tr":
            t = self.tables[-1]
            if t["row"] is not None:
                t["rows"].append(t["row"])
            t["row"] = None
        elif tag in _BLOCKS and not self.tables:
            self._flush()

    def handle_data(self, data):
        if self.skip:
            return
        if self.tables and self.tables[-1]["cell"] is not None:
            self.tables[-1]["cell"]["text"].append(" ".join(data.split()))
        elif not self.tables:
            self.buf.append(data)

    def _flush(self):
        text = " ".join("".join(self.buf).split())
        self.buf = []
        if text:
            self.lines.append(Line(text, f"正文第{sum(ln.cells is None for ln in self.lines) + 1}段"))


def _span(v) -> int:
    try:
        return max(1, min(int(v), 100))
    except (TypeError, ValueError):
        return 1


def _grid(rows: list[list[tuple[str, int, int]]]) -> list[list[str]]:
    """Rows of (text, rowspan, colspan) → a full grid; a merged cell's text fills every slot it covers."""
    grid: dict[tuple[int, int], str] = {}
    for r, row in enumerate(rows):
        c = 0
        for text, rs, cs in row:
            while (r, c) in grid:
                c += 1
            for dr in range(rs):
                for dc in range(cs):
                    grid[(r + dr, c + dc)] = text
            c += cs
    out = []
    for r in range(len(rows)):
        width = max((c for (rr, c) in grid if rr == r), default=-1) + 1
        out.append([grid.get((r, c), "") for c in range(width)])
    return out


def _html(text: str) -> list[Line]:
    p = _Html()
    p.feed(text)
    p.close()
    p._flush()
    return p.lines


# --- Word ------------------------------------------------------------------------------------------------

def _docx(path: Path) -> list[Line]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        d = docx.Document(str(path))
    except Exception as e:  # python-docx raises many kinds on a broken package
        raise refuse("audit.corrupt:docx", path=path, error=type(e).__name__)
    out, tables, paras = [], 0, 0
    for el in d.element.body.iterchildren():
        if el.tag.endswith("}p"):
            paras += 1
            text = Paragraph(el, d).text.strip()
            if text:
                out.append(Line(text, f"第{paras}段"))
        elif el.tag.endswith("}tbl"):
            tables += 1
            for r, row in enumerate(Table(el, d).rows, 1):
                cells = [c.text.strip() for c in row.cells]   # merged cells repeat their text, as in HTML
                out.append(Line(" | ".join(cells), f"表格{tables}第{r}行", cells))
    return out


# --- PDF -------------------------------------------------------------------------------------------------

def _pdf(path: Path) -> list[Line]:
    try:
        import pdfplumber
    except ImportError:  # pragma: no cover - a dependency of the package
        raise refuse("setup.pdfplumber")
    pages = []
    try:
        with pdfplumber.open(str(path)) as pdf:
            for page in pdf.pages:
                pages.append([x.strip() for x in (page.extract_text(x_tolerance=1.5) or "").split("\n")])
    except UserError:
        raise
    except Exception as e:  # pdfminer raises many kinds on broken or encrypted files
        raise refuse("audit.corrupt:pdf", path=path, error=type(e).__name__)
    # a running header (the same first line on several pages) is not part of the report's text
    firsts = [pg[0] for pg in pages if pg and pg[0]]
    header = {x for x in firsts if firsts.count(x) >= 2 and len(x) < 40}
    out = []
    for p, lines in enumerate(pages, 1):
        for n, raw in enumerate(lines, 1):
            if raw and not (n == 1 and raw in header):
                out.append(Line(raw, f"第{p}页第{n}行", _pdf_cells(raw)))
    return out


def _pdf_cells(raw: str) -> list[str] | None:
    """A PDF line whose words end in numbers is a table row: words are its cells."""
    words = raw.split()
    return words if len(words) > 1 and re.fullmatch(r"[\d.]+", words[-1]) else None
