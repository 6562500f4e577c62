"""workbook (.xlsx) → report document. The only module that knows cells.

Cells are found by the template's defined names (derived from the format's ids); when a workbook has
none (tables copied elsewhere), by the official labels (addin.io.labels), and it says so. Values are read
as they are: typed totals and formulas are never trusted (the validator recomputes every rule), a blank
stays blank (None), text in a number cell stays text for the validator to explain. The input file is
opened read-only and never written.
"""
from __future__ import annotations

import re
import unicodedata
import warnings
from functools import lru_cache
from itertools import repeat
from operator import attrgetter
from pathlib import Path

from addin.checks.findings import Finding
from addin.format import fmt as fmtmod
from addin.format import layout
from addin.format.record import MutableRecord
from addin.io import container, document
from addin.io.document import ReportDocument
from addin.io.results import explanations_from_results
from addin.messages import refuse
from addin.text import DATE_MARK

XLWINGS_CONF_SHEET = "xlwings.conf"


class Read(MutableRecord):
    """A workbook read: its document, the reader's own findings, where each element was found (element →
    '表三!D7'), and how (names: the template's defined names; labels: the label search)."""
    __slots__ = ("path", "document", "findings", "addresses", "located_by")

    def __init__(self, path: Path, document: ReportDocument, findings: list[Finding] | None = None,
                 addresses: dict[str, str] | None = None, located_by: str = "names"):
        self.path, self.document, self.located_by = path, document, located_by
        self.findings = [] if findings is None else findings
        self.addresses = {} if addresses is None else addresses

    def locate(self, element: str) -> str:
        return self.addresses.get(element) or layout.load().address(element)


def read(path: str | Path, fast: bool = True) -> Read:
    """The report document of a workbook file. `fast`: the streaming reader (addin.io.fastxlsx), which
    falls back to openpyxl, the reference reader, where it cannot promise the same values."""
    path = Path(path)
    if fast:
        checked = container.check(path, keep_open=True)
        from addin.io import fastxlsx

        try:
            book = fastxlsx.Book(path, checked)
            _check_version(book, path)
            out = read_workbook(book, path)
            # the sheets the format does not read (a hidden one, say) are counted too: the same refusal
            # as the reference reader and --annotate, which load every sheet
            _check_parts(book.zip, [ws.part for ws in book.worksheets if ws._loaded is None], path)
            return out
        except fastxlsx.Unsupported:
            pass
        except fastxlsx.TooLarge as e:
            raise refuse("input.too_many_cells:streamed", path=path, sheet=e.sheet, limit=fastxlsx.MAX_CELLS_PER_SHEET)
        except Exception as e:
            if container.damaged_part(e):          # met past the part's first bytes, which the check read
                raise refuse("input.corrupt", path=path) from None
            raise
        finally:
            checked.close()          # the book's zip: closed however the read ended
    wb = open_workbook(path)
    return read_workbook(wb, path)


def sheet_names(path: Path) -> list[str] | None:
    """The sheet titles of a workbook, from workbook.xml alone (None: not a readable .xlsx): what tells our own
    outputs (a 校验汇总 workbook, an earlier roll-up) from units, asked in the workers. The streaming parser
    refuses a DTD here as the container check would."""
    import zipfile

    from addin.io import fastxlsx

    try:
        with zipfile.ZipFile(Path(path)) as z:
            return list(fastxlsx.Book(Path(path), z).sheetnames)
    except Exception:  # noqa: BLE001 — a damaged workbook is the reader's to report, in its own row
        return None


# --- opening ----------------------------------------------------------------------------------

def open_workbook(path: Path, data_only: bool = False):
    """openpyxl workbook, or a UserError in Chinese saying what the file is and what to do."""
    container.check(path)
    check_cell_counts(path)
    import openpyxl
    from defusedxml import DefusedXmlException

    if not openpyxl.DEFUSEDXML:  # openpyxl parses through defusedxml only when it is importable and not disabled
        raise refuse("setup.defusedxml")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops; we only read
            wb = openpyxl.load_workbook(path, data_only=data_only, keep_links=False, rich_text=False)
    except Exception as e:  # openpyxl raises many kinds on broken parts, and wraps defusedxml's refusals
        if _caused_by(e, DefusedXmlException):
            raise refuse("input.unsafe_xml:openpyxl", path=path)
        raise refuse("input.corrupt:openpyxl", path=path, error=type(e).__name__)
    _check_version(wb, path)
    return wb


MAX_STYLED_FACTOR = 3   # empty cells that only carry a format may outnumber the filled ones, not without bound


def check_cell_counts(path: Path) -> None:
    """Refuse, before openpyxl builds every cell of every sheet (hidden ones too; --annotate, fill, the
    fallback reader), a sheet over the streaming reader's limit: more than MAX_CELLS_PER_SHEET filled cells,
    or MAX_STYLED_FACTOR times that counting empty formatted cells. Every part is scanned, so a sheet the
    workbook lists under any part name is counted; the scan stops at the limit."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        try:
            _check_parts(z, [i.filename for i in z.infolist()], path)
        except Exception as e:
            if container.damaged_part(e):
                raise refuse("input.corrupt", path=path) from None
            raise


def _check_parts(z, parts: list[str], path: Path) -> None:
    from addin.io import fastxlsx

    limit = fastxlsx.MAX_CELLS_PER_SHEET
    for part in parts:
        if _too_small_to_refuse(z, part, limit):
            continue
        filled, cells = _count_cells(z, part, limit)
        if filled > limit:
            raise refuse("input.too_many_cells:filled", path=path, sheet=_sheet_title(path, part), limit=limit)
        if cells > MAX_STYLED_FACTOR * limit:
            raise refuse("input.too_many_cells:styled", path=path, sheet=_sheet_title(path, part),
                         limit=MAX_STYLED_FACTOR * limit)


# The shortest XML a cell can take: <c/> (any cell), <c><v/></c> (a filled one). zipfile never yields more
# bytes of a part than its declared size (a longer stream fails its CRC), so a part smaller than the limits
# times these cannot be refused and is not scanned: the template's 规则说明 and 填报说明 cost a batch nothing.
_SHORTEST_CELL, _SHORTEST_FILLED = len(b"<c/>"), len(b"<c><v/></c>")


def _too_small_to_refuse(z, part: str, limit: int) -> bool:
    try:
        size = z.getinfo(part).file_size
    except KeyError:
        return True          # nothing to count
    return (size < _SHORTEST_FILLED * (limit + 1)
            and size < _SHORTEST_CELL * (MAX_STYLED_FACTOR * limit + 1))


def _count_cells(z, part: str, limit: int) -> tuple[int, int]:
    """(filled, all) <c> elements in the sheetData of one part; stops past the limits; (0, 0) for non-XML."""
    from xml.parsers import expat

    from addin.io import fastxlsx

    n = {"filled": 0, "cells": 0, "in_data": False, "open": False, "root": True}

    def start(tag, attrs):
        t = fastxlsx._local(tag)
        if n["root"] and t != "worksheet":
            raise _Counted               # styles, shared strings, drawings: no cells, not read further
        n["root"] = False
        if t == "sheetData":
            n["in_data"] = True
        elif n["in_data"] and t == "c":
            n["cells"] += 1
            n["open"] = False
        elif n["in_data"] and t in ("v", "f", "is") and not n["open"]:
            n["open"] = True            # the first value of this cell
            n["filled"] += 1
        if n["filled"] > limit or n["cells"] > MAX_STYLED_FACTOR * limit:
            raise _Counted

    def end(tag):
        if fastxlsx._local(tag) == "sheetData":
            raise _Counted               # one sheetData a sheet; what follows holds no cells

    try:
        fastxlsx._feed(z, part, fastxlsx._parser(start, end))
    except (_Counted, fastxlsx.Unsupported, expat.ExpatError):
        pass                             # not XML (an image), or a DTD the container check already refused
    return n["filled"], n["cells"]


class _Counted(Exception):
    pass


def _sheet_title(path: Path, part: str) -> str:
    """The sheet tab shown for a part, or the part's own name when the workbook does not list it."""
    from addin.io import fastxlsx

    try:
        book = fastxlsx.Book(path)
    except (fastxlsx.Unsupported, KeyError, OSError):
        return part
    try:
        return next((ws.title for ws in book.worksheets if ws.part == part), part)
    finally:
        book.close()


def _caused_by(e: BaseException, kind: type) -> bool:
    seen = 0
    while e is not None and seen < 10:
        if isinstance(e, kind):
            return True
        e, seen = e.__cause__ or e.__context__, seen + 1
    return False


def _check_version(wb, path: Path) -> None:
    """The template declares its format version in a defined name; a newer one needs a newer nianbao."""
    dn = wb.defined_names.get(layout.VERSION_NAME)
    if dn is None:
        return
    declared = str(dn.attr_text).strip('"')
    if declared != fmtmod.load().version:
        raise refuse("input.version", path=path, declared=declared, version=fmtmod.load().version)


# --- reading ----------------------------------------------------------------------------------

def read_workbook(wb, path: Path, planned: bool = True) -> Read:
    """The report document of an opened workbook. The code below reads it step by step; a streamed workbook named
    throughout is read by its names' plan (_read_planned, the same result; `planned=False` for the steps)."""
    f = fmtmod.load()
    plan = _plan(wb, f)
    if planned and plan.planned:
        return _read_planned(wb, path, f, plan)
    by_names, named = plan.by_names, plan.named
    integrity = _integrity_findings(wb, f, by_names)
    positions, findings, located_by = _positions(wb, f, named)
    if not any(e in f.cells for e in positions):
        raise refuse("input.not_template", path=path)
    by_name = {e for e in positions if e in named}
    addresses = {e: f"{s}!{layout.ref(r, c)}" for e, (s, r, c) in positions.items()}
    doc = document.empty()
    formula_cells = []
    for cid in f.cells:
        if cid not in positions:
            continue
        sheet, r, c = positions[cid]
        cell = wb[sheet].cell(r, c)
        if cell.data_type == "f":
            formula_cells.append(cid)
        doc["cells"][cid] = _cell_value(cell.value)
    if formula_cells:
        _use_cached_results(wb, path, positions, formula_cells, doc, f)
    for fld in f.organ_fields:
        if fld.element in positions:
            s, r, c = positions[fld.element]
            doc["organ"][fld.id] = _organ_value(wb[s].cell(r, c).value, fld)
    for t in f.texts:
        rng = _range_of(named, t.element)
        if rng:
            doc["texts"][t.id] = _join_rows(wb, *rng, path=path)
            addresses[t.element] = f"{rng[0]}!{layout.ref(rng[1], rng[3])}:{layout.ref(rng[2], rng[3])}"
    # explanations typed in the 校验结果 sheet of an annotated workbook come first (the newer text);
    # addin.review.marks moves them into 说明, the one place they are kept, on the next marking run
    doc["explanations"] = explanations_from_results(wb) + _explanations(wb, named)
    findings += _label_findings(wb, f, positions, by_name)
    findings += _sheet_findings(wb, f) + integrity + _stray_findings(wb, f, named, positions)
    findings += _missing_sheets(wb, f, located_by)
    return Read(path, doc, findings, addresses, located_by)


class _Plan:
    """What a workbook's defined names (and its sheet titles) alone decide: where each element is, the addresses,
    which cells hold the labels to check, the input areas of the writing sheets. Worked out once for the names
    of a batch's template (kept by their bytes, see _plan) and only read afterwards: a unit's cells never enter it.
    `planned`: a streamed workbook whose names place every table cell (no label search runs), for _read_planned;
    openpyxl's workbooks, the reference reader's, are read step by step."""

    def __init__(self, wb, f: fmtmod.Format, kept: bool):
        self.by_names = _defined(wb)
        self.named = _with_template_places(wb, f, dict(self.by_names))
        self.positions = _named_positions(self.named)
        self.planned = kept and all(c in self.positions for c in f.cells)
        if self.planned:
            self._plan_reading(wb, f)

    def _plan_reading(self, wb, f: fmtmod.Format) -> None:
        named, positions = self.named, self.positions
        self.moved = _moved(f, self.by_names)
        self.addresses = {e: f"{s}!{layout.ref(r, c)}" for e, (s, r, c) in positions.items()}
        self.runs = _runs([(cid, positions[cid]) for cid in f.cells])     # table cells, sheet by sheet
        self.organ = [(fld, positions[fld.element]) for fld in f.organ_fields if fld.element in positions]
        self.texts = []
        for t in f.texts:
            rng = _range_of(named, t.element)
            if rng:
                self.texts.append((t.id, rng, _area_keys(rng[1], rng[3], rng[2], rng[3])))
                self.addresses[t.element] = f"{rng[0]}!{layout.ref(rng[1], rng[3])}:{layout.ref(rng[2], rng[3])}"
        self.explanations = None
        if ":" in named.get("explanations", ("", ""))[1]:
            c1, r1, c2, r2 = _bounds(named["explanations"][1])
            self.explanations = _area_keys(r1, c1, r2, c1 + 2)
        self.labels = _label_runs(f, positions)
        self.stray = _stray_plan(wb, f, named, positions)


def _plan(wb, f: fmtmod.Format) -> _Plan:
    """The plan of a workbook's names. The same names over the same sheets give the same plan: kept by the names'
    bytes and the sheet titles where the streaming reader read them whole (a batch's units share their template's
    names); worked out afresh for every other workbook (openpyxl's, or names the streaming reader did not keep)."""
    key = getattr(wb, "names_key", None)
    if key is None:
        return _Plan(wb, f, kept=False)
    key = (key, tuple(ws.title for ws in wb.worksheets), tuple(wb.sheetnames), id(f))
    plan = _PLANS.get(key)
    if plan is None:
        if len(_PLANS) >= 16:
            _PLANS.clear()
        plan = _PLANS[key] = _Plan(wb, f, kept=True)
    return plan


_PLANS: dict[tuple, _Plan] = {}


def forget() -> None:
    """Empty what the reader keeps across a batch (the zip's and fastxlsx's, and the plans of the names)."""
    from addin.io import fastxlsx

    container.forget()
    fastxlsx.forget()
    _PLANS.clear()


# --- reading by the plan: the same document and findings as the code above, the per-cell work at C speed ----

class _Blank:
    """An absent cell, as fastxlsx's Sheet.cell gives it."""
    __slots__ = ()
    value = None
    data_type = "n"


_BLANK = _Blank()
_VALUE, _DATA_TYPE = attrgetter("value"), attrgetter("data_type")
_AS_READ = frozenset({int, type(None)})     # value types _cell_value keeps as they are


def _cells_at(cells: dict, keys: tuple) -> list:
    return list(map(cells.get, keys, repeat(_BLANK, len(keys))))


def _runs(items: list[tuple[str, tuple[str, int, int]]]) -> list[tuple[str, tuple, tuple]]:
    """(element, (sheet, row, col)) in order → (sheet, elements, (row, col) keys) runs of one sheet each."""
    out: list[tuple[str, list, list]] = []
    for element, (sheet, r, c) in items:
        if not out or out[-1][0] != sheet:
            out.append((sheet, [], []))
        out[-1][1].append(element)
        out[-1][2].append((r, c))
    return [(sheet, tuple(elements), tuple(keys)) for sheet, elements, keys in out]


def _read_planned(wb, path: Path, f: fmtmod.Format, plan: _Plan) -> Read:
    """read_workbook for a workbook whose names place every table cell (sheets are touched in the same order, so a
    sheet the streaming reader cannot read stops the read at the same point)."""
    integrity = _integrity_findings(wb, f, plan.by_names, plan.moved)
    doc = document.empty()
    cells_doc = doc["cells"]
    formula_cells: list[str] = []
    for sheet, cids, keys in plan.runs:
        got = _cells_at(wb[sheet]._cells, keys)
        kinds = list(map(_DATA_TYPE, got))
        values = list(map(_VALUE, got))
        if "f" in kinds:
            formula_cells += [cid for cid, kind in zip(cids, kinds) if kind == "f"]
        cells_doc.update(zip(cids, values if _AS_READ.issuperset(map(type, values)) else map(_cell_value, values)))
    if formula_cells:
        _use_cached_results(wb, path, plan.positions, formula_cells, doc, f)
    for fld, (s, r, c) in plan.organ:
        doc["organ"][fld.id] = _organ_value(wb[s]._cells.get((r, c), _BLANK).value, fld)
    for tid, rng, keys in plan.texts:
        doc["texts"][tid] = _join_rows(wb, *rng, path=path, keys=keys)
    doc["explanations"] = explanations_from_results(wb) + _explanations(wb, plan.named, plan.explanations)
    findings = _planned_label_findings(wb, f, plan.labels)
    findings += _sheet_findings(wb, f) + integrity + _planned_stray_findings(wb, f, plan.stray)
    findings += _missing_sheets(wb, f, "names")
    return Read(path, doc, findings, dict(plan.addresses), "names")


def _label_runs(f: fmtmod.Format, positions: dict) -> list[tuple[str, tuple, tuple, list]]:
    """The label cells _label_findings checks when names place every cell: (sheet, (row, col) keys, official texts,
    [(key, official, official without spaces)]), one run a sheet in _label_findings' order."""
    checks = []
    for anchor, dr, dc, text in _label_spans(f):
        sheet, ar, ac = positions[anchor]
        r, c = ar + dr, ac + dc
        if r >= 1 and c >= 1:
            checks.append((sheet, (r, c), text))
    runs: list[tuple[str, tuple, tuple, list]] = []
    for sheet, key, text in checks:
        if not runs or runs[-1][0] != sheet:
            runs.append((sheet, (), (), []))
        s, keys, texts, entries = runs[-1]
        entries.append((key, text, _norm(text)))
        runs[-1] = (s, keys + (key,), texts + (text,), entries)
    return runs


def _label_spans(f: fmtmod.Format) -> list[tuple[str, int, int, str]]:
    """(anchor cell, row offset, column offset, official text) of every label span of the format's tables, in
    _label_findings' order (worked out once for the loaded format)."""
    if _SPANS[0] is not f:
        lay = layout.load()
        out = []
        for table in f.tables:
            box = lay.boxes[table.id]
            for span in lay.spans:
                if span.sheet != table.sheet or span.kind == "check-label" or not _in_box(span, box):
                    continue
                ri = max(0, span.row1 - box.data_row)
                ci = max(0, span.col1 - box.data_col)
                out.append((table.cell_id_of(table.rows[ri], table.columns[ci]),
                            span.row1 - (box.data_row + ri), span.col1 - (box.data_col + ci), span.text))
        _SPANS[:] = [f, out]
    return _SPANS[1]


_SPANS: list = [None, []]


def _planned_label_findings(wb, f: fmtmod.Format, runs) -> list[Finding]:
    """_label_findings by the plan: a sheet whose label cells hold the template's texts exactly passes at once;
    any other is checked cell by cell as _label_findings does."""
    out = []
    for sheet, keys, texts, entries in runs:
        actual = tuple(map(_VALUE, _cells_at(wb[sheet]._cells, keys)))
        if actual == texts:
            continue
        for (key, text, normed), v in zip(entries, actual):
            if v is not None and (v == text or _norm(v) == normed):
                continue
            out.append(_label_finding(f, sheet, key[0], key[1], v, text))
    return out


MAX_COVERED = 100_000   # input areas as cell sets up to this size; a name spanning a whole column is scanned


def _area_keys(r1: int, c1: int, r2: int, c2: int) -> frozenset | None:
    """The (row, col) keys of a range, where it is small enough to keep as a set."""
    if (r2 - r1 + 1) * (c2 - c1 + 1) > MAX_COVERED:
        return None
    return frozenset((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1))


def _stray_plan(wb, f: fmtmod.Format, named: dict, positions: dict) -> list[tuple]:
    """(sheet, input areas, label places, every cell of both or None when too many, the template's own texts) of
    each writing sheet _stray_findings looks at."""
    areas = _input_areas(f, named, positions)
    titles = {ws.title for ws in wb.worksheets}
    own = layout.own_texts()
    out = []
    for sheet in layout.text_input_sheets():
        if sheet not in titles or sheet not in areas:
            continue
        inside = areas[sheet]
        places = _label_places(inside, sheet)
        covered = None
        if sum((r2 - r1 + 1) * (c2 - c1 + 1) for r1, c1, r2, c2, _ in inside) <= MAX_COVERED:
            covered = frozenset(places.union((r, c) for r1, c1, r2, c2, _ in inside
                                             for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)))
        out.append((sheet, inside, places, covered, own.get(sheet, ())))
    return out


def _planned_stray_findings(wb, f: fmtmod.Format, plan: list[tuple]) -> list[Finding]:
    """_stray_findings by the plan: only the cells outside the input areas and label places are looked at (a set
    difference), where the sheet holds no formula (a shared one's text is unknown: the scan meets it as before)."""
    rule = f.rule("F11")
    out = []
    for sheet, inside, places, covered, own in plan:
        ws = wb[sheet]
        cells = ws._cells
        if covered is None or "f" in set(map(_DATA_TYPE, cells.values())):
            stray = _stray_cells(ws, inside, places, own)
        else:
            stray = sorted((r, c, v) for r, c in cells.keys() - covered
                           if (v := cells[(r, c)].value) is not None and _text(v).strip() and _norm(v) not in own)
        if stray:
            out.append(_stray_finding(rule, sheet, inside, stray))
    return out


def _defined(wb) -> dict[str, tuple[str, str]]:
    """element → (sheet, 'A1' or 'A1:B2') for every nb_ name (workbook or sheet scope)."""
    out = {}
    worksheets = {ws.title for ws in wb.worksheets}  # not chartsheets: they have no cells
    scopes = [wb.defined_names] + [ws.defined_names for ws in wb.worksheets]
    for names in scopes:
        for name, dn in names.items():
            element = layout.element_of_name(name)
            if not element:
                continue
            try:
                dests = list(dn.destinations)
            except Exception:  # #REF! or an expression: not a cell
                continue
            if len(dests) == 1 and dests[0][0] in worksheets and layout_area(dests[0][1]):
                out[element] = (dests[0][0], dests[0][1].replace("$", ""))
    return out


_AREA = re.compile(r"^\$?([A-Z]{1,3})\$?([0-9]{1,7})(?::\$?([A-Z]{1,3})\$?([0-9]{1,7}))?$")
MAX_ROW, MAX_COL = 1048576, 16384


@lru_cache(maxsize=4096)    # the template's ~200 names recur in every workbook of a batch
def layout_area(ref: str) -> bool:
    """A cell or a cell range inside the sheet grid. Whole rows ('$3:$202'), whole columns, or cells beyond
    XFD1048576 are not a place of the format: such a name is ignored like a #REF! one."""
    m = _AREA.match(ref.upper())
    if not m:
        return False
    pairs = [(m.group(1), m.group(2))] + ([(m.group(3), m.group(4))] if m.group(3) else [])
    return all(1 <= int(r) <= MAX_ROW and 1 <= _col_index(c) <= MAX_COL for c, r in pairs)


def _bounds(ref: str) -> tuple[int, int, int, int]:
    """'A3:C5' → (min col, min row, max col, max row), like openpyxl's range_boundaries."""
    m = _AREA.match(ref.upper())
    cols = [_col_index(m.group(1)), _col_index(m.group(3) or m.group(1))]
    rows = [int(m.group(2)), int(m.group(4) or m.group(2))]
    return min(cols), min(rows), max(cols), max(rows)


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _with_template_places(wb, f: fmtmod.Format, named: dict) -> dict:
    """Organ fields, texts and explanations without a name: where the template puts them, if that sheet exists.

    (Table cells have their own fallback, the official labels.)"""
    lay = layout.load()
    for element in f.elements():
        if element not in f.cells and element not in named:
            sheet, ref = lay.sheet_and_ref(element)
            if sheet in {ws.title for ws in wb.worksheets}:
                named[element] = (sheet, ref)
    return named


def _named_positions(named: dict) -> dict[str, tuple[str, int, int]]:
    """element → (sheet, row, col) of every element a name places in one cell."""
    positions: dict[str, tuple[str, int, int]] = {}
    for element, (sheet, ref) in named.items():
        if ":" in ref or element.startswith("text.") or element == "explanations":
            continue
        m = _AREA.match(ref.upper())
        positions[element] = (sheet, int(m.group(2)), _col_index(m.group(1)))
    return positions


def _positions(wb, f: fmtmod.Format, named: dict):
    positions = _named_positions(named)
    findings: list[Finding] = []
    missing = {c for c in f.cells if c not in positions}
    located_by = "names"
    if missing:
        from addin.io import labels

        found = labels.locate(wb, missing)
        positions.update(found.positions)
        if found.positions:
            located_by = "labels" if len(missing) == len(f.cells) else "names"
            rule = f.rule("F7")
            msg = rule.message("default" if located_by == "labels" else "partial", missing=len(missing),
                               found=len(found.positions))
            findings.append(Finding("F7", rule.severity, msg,
                                    cells=sorted(found.positions, key=list(f.cells).index), target="F7"))
        for sheet, r, c, text in found.trial_2019:
            findings.append(_trial_finding(f, sheet, r, c, text))
        still = sorted(missing - set(found.positions), key=list(f.cells).index)
        if still:
            findings.extend(_not_found(f, still))
    return positions, findings, located_by


def _not_found(f: fmtmod.Format, elements: list[str]) -> list[Finding]:
    """F3, one finding per table: which items could not be found at all."""
    rule = f.rule("F3")
    out = []
    for table in f.tables:
        ids = [e for e in elements if f.cells[e].table.id == table.id]
        if not ids:
            continue
        names = "、".join(f.cells[e].label() for e in ids[:5]) + ("等" if len(ids) > 5 else "")
        msg = rule.message(where=f"{table.sheet}{' ' + table.title if table.title else ''}", count=len(ids),
                           names=names)
        out.append(Finding("F3", rule.severity, msg, cells=ids, addresses=[table.sheet], target=f"F3:{table.id}"))
    return out


def _trial_finding(f: fmtmod.Format, sheet: str, r: int, c: int, text: str, official: str | None = None) -> Finding:
    """F1. With `official` the label stands in the 2021 template (found by its defined names) and only this
    label was changed: say to restore it, not to switch templates."""
    rule = f.rule("F1")
    addr = f"{sheet}!{layout.ref(r, c)}"
    replaced = f.trial_2019["replaced_labels"].get(text)
    variant = "edited" if official else ("replaced" if replaced else "default")
    msg = rule.message(variant, address=addr, text=text, official=official or replaced)
    return Finding("F1", rule.severity, msg, addresses=[addr], values={"text": text}, target=addr)


def _cell_value(v):
    """A data cell's value as the document holds it; nothing is coerced that could hide an error."""
    if v is None:
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, float):
        if v != v or v in (float("inf"), float("-inf")):
            return str(v)
        return int(v) if v.is_integer() and abs(v) < 2**53 else v
    if isinstance(v, int):
        return v
    if _is_date(v, time_too=True):
        return DATE_MARK + v.isoformat()
    text = str(getattr(v, "text", v))  # ArrayFormula → its text
    return None if not text.strip() else text


def _is_date(v, time_too: bool = False) -> bool:
    """A date (or time) cell value — only openpyxl gives one: datetime is imported only where a value may be one
    (≈2 ms of every cold `nianbao validate` otherwise)."""
    if isinstance(v, (str, int, float)) or v is None:
        return False
    import datetime as dt

    return isinstance(v, (dt.datetime, dt.date, dt.time) if time_too else (dt.datetime, dt.date))


def _use_cached_results(wb, path: Path, positions, formula_cells: list[str], doc: dict, f) -> None:
    """A formula typed into a data cell: take the value the spreadsheet program last computed, if any."""
    if hasattr(wb, "zip"):     # the streaming reader kept each formula's cached result beside it
        value_at = lambda s, r, c: wb[s].cell(r, c).cached
    else:
        cached = open_workbook(path, data_only=True)
        value_at = lambda s, r, c: cached[s].cell(r, c).value
    for cid in formula_cells:
        sheet, r, c = positions[cid]
        value = value_at(sheet, r, c)
        if value is not None:
            doc["cells"][cid] = _cell_value(value)


def _organ_value(v, fld: fmtmod.OrganField):
    if v is None:
        return None
    if fld.type == "integer":
        if isinstance(v, float) and v.is_integer():
            return int(v)
        if isinstance(v, str):
            s = unicodedata.normalize("NFKC", v).strip().removesuffix("年").strip()
            return int(s) if s.isdigit() else (v.strip() or None)
        return v if isinstance(v, int) and not isinstance(v, bool) else str(v)
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if _is_date(v):
        v = v.isoformat()
    s = str(v).strip()
    return s or None


def _range_of(named: dict, element: str):
    named = named.get(element)
    if not named or ":" not in named[1]:
        return None
    c1, r1, c2, r2 = _bounds(named[1])
    return named[0], r1, r2, c1


def _present(ws, r1: int, r2: int, c1: int, c2: int, keys: frozenset | None = None) -> dict[tuple[int, int], object]:
    """(row, col) → value of the cells the sheet really has in a range. A name may span rows 3:1048576:
    walking the grid would create a million empty cells; the sheet's own cells are few. `keys`: every key of
    the range (the plan's), for a set intersection instead of the walk."""
    cells = getattr(ws, "_cells", None)
    if keys is not None and cells is not None:
        return {k: v for k in keys.intersection(cells) if (v := cells[k].value) is not None}
    if cells is None:   # a read-only or foreign sheet: the grid, but only as far as the sheet goes
        return {(r, c): v for r, row in enumerate(ws.iter_rows(min_row=r1, max_row=min(r2, ws.max_row or r1),
                                                              min_col=c1, max_col=min(c2, ws.max_column or c1),
                                                              values_only=True), start=r1)
                for c, v in enumerate(row, start=c1) if v is not None}
    return {(r, c): cell.value for (r, c), cell in cells.items()
            if r1 <= r <= r2 and c1 <= c <= c2 and cell.value is not None}


MAX_TEXT_ROWS = 5000   # a text block of the template has 30–60 rows; staff may insert some, not thousands


def _join_rows(wb, sheet: str, r1: int, r2: int, col: int, path: Path | None = None,
               keys: frozenset | None = None) -> str:
    texts = {r: v if v.__class__ is str and "\r" not in v else _text(v)
             for (r, _), v in _present(wb[sheet], r1, r2, col, col, keys).items()}
    last = next((r for r in sorted(texts, reverse=True) if texts[r].strip()), r1 - 1)   # the last row with words
    if last - r1 >= MAX_TEXT_ROWS:
        where = f"{sheet}!{layout.ref(r1, col)}:{layout.ref(last, col)}"
        raise refuse("input.text_too_long", path=path, where=where, rows=last - r1 + 1, limit=MAX_TEXT_ROWS)
    return "\n".join([texts.get(r, "") for r in range(r1, last + 1)])


def _text(v) -> str:
    if v.__class__ is str:
        return v if "\r" not in v else v.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).replace("\r\n", "\n").replace("\r", "\n")


def _explanations(wb, named: dict, keys: frozenset | None = None) -> list[dict]:
    named = named.get("explanations")
    if not named:
        return []
    c1, r1, c2, r2 = _bounds(named[1])
    have = _present(wb[named[0]], r1, r2, c1, c1 + 2, keys)
    out = []
    for r in sorted({r for r, _ in have}):
        rule, target, text = ("" if have.get((r, c)) is None else _text(have[(r, c)]).strip()
                              for c in (c1, c1 + 1, c1 + 2))
        if rule or text:
            out.append({"rule": rule, "target": target, "text": text})
    return out


# --- label and sheet checks -------------------------------------------------------------------

def _norm(text) -> str:
    return "".join(str(text).split())


def _label_findings(wb, f: fmtmod.Format, positions, by_name: set[str]) -> list[Finding]:
    """F1/F2: every official label stands where the template puts it, word for word.

    Each label is checked beside the data cell of its own row (row labels) or column (headers), as the
    defined names place them — so rows inserted by staff move labels and cells together and stay clean.
    """
    out = []
    for anchor, dr, dc, official in _label_spans(f):
        if anchor not in by_name:
            continue
        sheet, ar, ac = positions[anchor]
        r, c = ar + dr, ac + dc
        if r < 1 or c < 1:
            continue
        actual = wb[sheet].cell(r, c).value
        if actual is not None and _norm(actual) == _norm(official):
            continue
        out.append(_label_finding(f, sheet, r, c, actual, official))
    return out


def _in_box(span: layout.Span, box: layout.TableBox) -> bool:
    return box.first_row <= span.row1 <= box.last_row and box.first_col <= span.col1 <= box.last_col


def _label_finding(f: fmtmod.Format, sheet: str, r: int, c: int, actual, official: str) -> Finding:
    addr = f"{sheet}!{layout.ref(r, c)}"
    text = "" if actual is None else str(actual).strip()
    if f.trial_2019["replaced_labels"].get(_norm(text)) == official or _norm(text) in f.trial_2019["markers"]:
        return _trial_finding(f, sheet, r, c, text, official)
    rule = f.rule("F2")
    msg = rule.message("default" if text else "empty", address=addr, found=text, official=official)
    return Finding("F2", rule.severity, msg, addresses=[addr], values={"found": text, "official": official},
                   target=addr)


def _sheet_findings(wb, f: fmtmod.Format) -> list[Finding]:
    out = []
    for ws in wb.worksheets:
        if ws.title.strip().lower() == XLWINGS_CONF_SHEET:
            rule = f.rule("F6")
            out.append(Finding("F6", rule.severity, rule.message(sheet=ws.title),
                               addresses=[f"{ws.title}!A1"], target=ws.title))
    return out


# --- text outside the input cells: certainly lost -----------------------------------------------

def _missing_sheets(wb, f: fmtmod.Format, located_by: str) -> list[Finding]:
    """F3 for a sheet of words (基本信息, a text sheet) that is not in the workbook: say the sheet is gone, not that its text is empty.
    (A workbook whose tables were copied elsewhere, found by labels, has no such sheets to miss: F7 says so.)"""
    if located_by == "labels":
        return []
    titles = {ws.title for ws in wb.worksheets}
    rule = f.rule("F3")
    out = []
    # not 说明: without it nothing of the report is lost (an explanation typed in 校验结果 is refused there)
    for sheet in [layout.ORGAN_SHEET] + f.text_sheets():
        if sheet in titles:
            continue
        elements = ([t.element for t in f.texts if t.sheet == sheet] if sheet != layout.ORGAN_SHEET
                    else [fld.element for fld in f.organ_fields])
        what = "、".join(f"“{layout.text_heading(f, t)}”" for t in f.texts if t.sheet == sheet) or "机关名称、报告年度等基本信息"
        out.append(Finding("F3", rule.severity, rule.message("sheet", sheet=sheet, what=what), cells=elements,
                           addresses=[sheet], target=sheet))
    return out


def _input_areas(f: fmtmod.Format, named: dict, positions: dict) -> dict[str, list[tuple[int, int, int, int, str]]]:
    """sheet → (row1, col1, row2, col2, what) of every input area as this workbook places it (rows inserted
    by staff move the names, and with them the areas)."""
    out: dict[str, list] = {}
    for t in f.texts:
        rng = _range_of(named, t.element)
        if rng:
            out.setdefault(rng[0], []).append((rng[1], rng[3], rng[2], rng[3], t.label))
    if "explanations" in named and ":" in named["explanations"][1]:
        sheet, ref = named["explanations"]
        c1, r1, c2, r2 = _bounds(ref)
        out.setdefault(sheet, []).append((r1, c1, r2, c2, ""))
    return out


def _stray_findings(wb, f: fmtmod.Format, named: dict, positions: dict) -> list[Finding]:
    """F11: words on a writing sheet outside its input cells that are not the template's own labels. The
    reader reads only the input cells, so such text is surely missing from the report (staff unprotect a
    sheet and paste long Word text past the white rows, or into column B)."""
    areas = _input_areas(f, named, positions)
    titles = {ws.title for ws in wb.worksheets}
    own = layout.own_texts()
    rule = f.rule("F11")
    out = []
    for sheet in layout.text_input_sheets():
        if sheet not in titles or sheet not in areas:
            continue
        inside = areas[sheet]
        stray = _stray_cells(wb[sheet], inside, _label_places(inside, sheet), own.get(sheet, ()))
        if stray:
            out.append(_stray_finding(rule, sheet, inside, stray))
    return out


def _stray_cells(ws, inside: list[tuple[int, int, int, int, str]], labels: set, own) -> list[tuple[int, int, object]]:
    """(row, col, value) of the words on a sheet outside its input areas and label places, in reading order."""
    return sorted((r, c, v) for (r, c), v in _present(ws, 1, MAX_ROW, 1, MAX_COL).items()
                  if _text(v).strip() and (r, c) not in labels and _norm(v) not in own
                  and not any(r1 <= r <= r2 and c1 <= c <= c2 for r1, c1, r2, c2, _ in inside))


def _stray_finding(rule, sheet: str, inside: list[tuple[int, int, int, int, str]], stray: list) -> Finding:
    addresses = [f"{sheet}!{layout.ref(r, c)}" for r, c, _ in stray]
    first = " ".join(_text(stray[0][2]).split())
    variant = "explanations" if sheet == layout.EXPLAIN_SHEET else "default"
    msg = rule.message(variant, cells=layout.address_list(addresses), count=len(stray),
                       excerpt=first if len(first) <= 20 else first[:20] + "…", areas=_areas_text(inside))
    # the target is the cells themselves: what the 对象 column of 校验结果 shows
    return Finding("F11", rule.severity, msg, addresses=addresses, values={"count": len(stray)},
                   target=layout.address_list(addresses))


def _label_places(inside: list[tuple[int, int, int, int, str]], sheet: str) -> set[tuple[int, int]]:
    """The cells where the template puts its own words, found from the input areas as placed: whatever they
    hold is the template's (a workbook from an older template words its prompts differently; no false 错误)."""
    places = {(layout.TITLE_ROW, 1), (layout.HINT_ROW, 1)}
    for r1, c1, r2, c2, what in inside:                      # heading and prompt rows (text), column heads (说明)
        places |= {(r1 - k, c) for k in ((1, 2) if what else (1,)) for c in range(c1, c2 + 1)}
    return places


def _areas_text(inside: list[tuple[int, int, int, int, str]]) -> str:
    """'A6:A35（存在的主要问题）、A39:A68（改进情况）'; unnamed cells (基本信息, 说明) as few rectangles."""
    named_areas = [f"{layout.ref(r1, c1)}:{layout.ref(r2, c2)}（{what}）" for r1, c1, r2, c2, what in inside if what]
    cells = {(r, c) for r1, c1, r2, c2, what in inside if not what
             for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
    return "、".join(named_areas + layout.rectangles(cells))


# --- integrity: what is read is what a person sees --------------------------------------------------

_STATE = {"hidden": "（隐藏）", "veryHidden": "（深度隐藏，只能用宏取消隐藏）"}


@lru_cache(maxsize=1024)     # the same few sheet titles in every workbook of a batch
def _fold(title: str) -> str:
    """Sheet titles that look the same to a person: no spaces, half-width, one case."""
    return "".join(unicodedata.normalize("NFKC", title).split()).casefold()


def _home_sheets(f: fmtmod.Format) -> dict[str, str]:
    """element → the sheet the template puts it on (worked out once for the loaded format)."""
    if _HOME[0] is not f:
        lay = layout.load()
        _HOME[:] = [f, {e: lay.sheet_and_ref(e)[0] for e in f.elements()}]
    return _HOME[1]


_HOME: list = [None, {}]


def _official_sheets(f: fmtmod.Format) -> dict[str, str]:
    """_fold(title) → title of every sheet of the format (worked out once for the loaded format)."""
    if _OFFICIAL[0] is not f:
        _OFFICIAL[:] = [f, {_fold(s): s for s in set(_home_sheets(f).values())}]
    return _OFFICIAL[1]


_OFFICIAL: list = [None, {}]


def _moved(f: fmtmod.Format, by_names: dict) -> dict[tuple[str, str], list[str]]:
    """(sheet, the format's sheet) → the elements whose names lead to a sheet other than the format's."""
    moved: dict[tuple[str, str], list[str]] = {}
    home = _home_sheets(f)
    for element, (sheet, _) in by_names.items():
        expected = home.get(element)
        if expected and sheet != expected:
            moved.setdefault((sheet, expected), []).append(element)
    return moved


def _integrity_findings(wb, f: fmtmod.Format, by_names: dict, moved: dict | None = None) -> list[Finding]:
    """F9: names leading to a sheet other than the format's (a hidden copy, a look-alike title);
    F10: hidden sheets. The same document then feeds validate, export and roll-up, so what they all read
    is said here. `moved`: _moved of the names, where the plan has it."""
    states = {ws.title: getattr(ws, "sheet_state", "visible") for ws in wb.worksheets}
    out: list[Finding] = []
    if moved is None:
        moved = _moved(f, by_names)
    rule = f.rule("F9")
    for (sheet, expected), elements in moved.items():
        names = "、".join(layout.defined_name(e) for e in elements[:3]) + ("等" if len(elements) > 3 else "")
        msg = rule.message("redirected", count=len(elements), names=names, sheet=sheet,
                           state=_STATE.get(states.get(sheet), ""), expected=expected)
        out.append(Finding("F9", rule.severity, msg, cells=[e for e in elements if e in f.cells],
                           addresses=[f"{sheet}!A1"], target=f"F9:{sheet}"))
    official = _official_sheets(f)
    for title in states:
        twin = official.get(_fold(title))
        if twin and twin != title:
            msg = rule.message("lookalike", sheet=title, expected=twin)
            out.append(Finding("F9", rule.severity, msg, addresses=[f"{title}!A1"], target=f"F9:{title}"))
    hidden = f.rule("F10")
    for title, state in states.items():
        if state in _STATE:
            out.append(Finding("F10", hidden.severity, hidden.message(sheet=title, state=_STATE[state]),
                               addresses=[f"{title}!A1"], target=f"F10:{title}"))
    return out
