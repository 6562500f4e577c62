"""A streaming read of an .xlsx for the commands that only read (validate, batch, dump, export, --prior).

Shows the reader (addin.io.reader.read_workbook) the same small surface of a workbook that openpyxl does —
sheets with titles, states, defined names, merged ranges and cell values — but parsed with expat straight
from the zip, only the parts that are asked for, without importing openpyxl (≈90 ms) and without building
a tree. A sheet is parsed when the reader first looks at it (an unused hidden sheet of 10 million cells
costs nothing), shared strings are kept only for the indices those cells use, and nothing is read past
what the format needs (a sheet's extLst, the rest of workbook.xml after its names).

Values follow openpyxl's reading (keep_links=False, rich_text=False) so the document is identical, with one
deliberate difference: a number cell's <v> is a number only when written as Excel writes numbers (ASCII
digits, '.', exponent); '１２', '١٢' or '1_000' stay text, as Excel itself treats such a file as corrupt.
Where this reader cannot promise openpyxl's value (a date-formatted number, a formula without a cached
value) it raises Unsupported and the caller reads the file with openpyxl instead.
"""
from __future__ import annotations

import re
import zipfile
import zlib
from functools import lru_cache
from pathlib import Path, PurePosixPath
from xml.parsers import expat

from addin.io import container

MAX_CELLS_PER_SHEET = 100_000      # a filled template has ~2,000; a sheet with more is refused (README limits)
_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$", re.ASCII)
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")
_AREA = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)(?::\$?([A-Za-z]{1,3})\$?(\d+))?$")
_DEST = re.compile(r"^(?:'(?P<quoted>(?:[^']|'')*)'|(?P<notquoted>[^'^ ^!]*))!"
                   r"(?P<cells>\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?)$")
_DATE_IDS = set(range(14, 23)) | {45, 46, 47} | set(range(27, 37)) | set(range(50, 59))
_MAIN_SPACE = "http://schemas.openxmlformats.org/spreadsheetml/2006/main "     # expat's namespaced tags start so
_R_ID = "http://schemas.openxmlformats.org/officeDocument/2006/relationships id"


class Unsupported(Exception):
    """This file needs the reference reader (openpyxl); not an error of the file."""


class TooLarge(Exception):
    def __init__(self, sheet: str, cells: int):
        super().__init__(sheet)
        self.sheet, self.cells = sheet, cells


class _Stop(Exception):
    pass


def _local(name: str) -> str:
    return _LOCAL.get(name) or _local_cached(name)


# tag → local name and cell reference → (row, col): the same few hundred strings recur in every workbook of a
# batch; bounded so that a hostile file cannot grow them without end
_LOCAL: dict[str, str] = {}
_CELLS: dict[str, tuple[int, int]] = {}
_CACHE_MAX = 50_000


def _local_cached(tag: str) -> str:
    t = tag.rpartition(" ")[2]
    if len(_LOCAL) < _CACHE_MAX:
        _LOCAL[tag] = t
    return t


def _ref_cached(ref: str) -> tuple[int, int]:
    m = _CELL_REF.match(ref)
    if not m:
        raise Unsupported(f"cell reference {ref!r}")
    out = (int(m.group(2)), _col(m.group(1)))
    if len(_CELLS) < _CACHE_MAX:
        _CELLS[ref] = out
    return out


def _parser(start=None, end=None, text=None):
    """An expat parser that refuses any DTD or entity declaration (defusedxml's policy) and strips namespaces."""
    p = expat.ParserCreate(namespace_separator=" ")

    def refuse(*_):
        raise Unsupported("DTD")

    p.StartDoctypeDeclHandler = refuse
    p.EntityDeclHandler = refuse
    p.UnparsedEntityDeclHandler = refuse
    p.ExternalEntityRefHandler = refuse
    p.buffer_text = True
    if start:
        p.StartElementHandler = start
    if end:
        p.EndElementHandler = end
    if text:
        p.CharacterDataHandler = text
    return p


def _feed(z: zipfile.ZipFile, part: str, parser) -> None:
    try:
        with z.open(part) as fh:
            while chunk := fh.read(1 << 16):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _Stop:
        pass
    except expat.ExpatError as e:
        raise Unsupported(f"{part}: {e}")


# A styled empty cell (<c r="B7" s="3"/>) or an empty row makes two handler calls and yields nothing; the
# template's grids are mostly such cells (说明: 600 cells, 7 values). Cut at C speed before expat sees them —
# only where that cannot change what is read: whole tags between '>' and '<', no comment, CDATA or DTD that
# could join the remains into new markup, and every cell and row addressed (a cell or row without r= counts
# on from the one before, which a cut would shift).
_EMPTY_CELL = re.compile(rb'>(?:<c r="[A-Z]{1,3}[0-9]{1,7}"(?: s="[0-9]{1,6}")?(?: t="[a-zA-Z]{1,9}")?'
                         rb'(?:/>|></c>))+(?=<)')
_EMPTY_ROW = re.compile(rb'>(?:<row r="[0-9]{1,7}"(?: [A-Za-z0-9:]{1,40}="[^"<>&]*")*(?:/>|></row>))+(?=<)')
_ROW_START = re.compile(rb'<row r="[0-9]{1,7}"(?: [A-Za-z0-9:]{1,40}="[^"<>&]*")*/?>')
_TAG_ENDS = (b" ", b"\t", b"\n", b"\r", b"/", b">")      # what may follow a tag's name in XML
_CUT_MAX = container.WHOLE_MAX    # larger parts are streamed as they are (1 MB holds fewer cells than MAX_CELLS_PER_SHEET)


def _cuttable(data: bytes) -> bool:
    """No comment, CDATA or DTD; no prefixed cell or row tag (by a sure sign: ':c' or ':row' before a space,
    '/' or '>'); and every cell and row tag starts with its address. Counted at C speed."""
    if b"<!" in data or _prefixed(data, b":c") or _prefixed(data, b":row"):
        return False
    return (sum(data.count(b"<c" + end) for end in _TAG_ENDS) == data.count(b'<c r="')
            and sum(data.count(b"<row" + end) for end in _TAG_ENDS) == data.count(b'<row r="'))


def _style_id(written: str | None) -> int:
    """A cell's s= as openpyxl reads it: int(), which refuses what is no number (checked on empty cells too)."""
    if not written:
        return 0
    return int(written)


def _prefixed(data: bytes, name: bytes) -> bool:
    """Whether ':c' (':row') stands before what may end a tag's name: a prefixed tag may (text rarely does)."""
    i = data.find(name)
    while i >= 0:
        if data[i + len(name): i + len(name) + 1] in _TAG_ENDS:
            return True
        i = data.find(name, i + 1)
    return False


def _small_part(z: zipfile.ZipFile, part: str) -> bytes | None:
    """A part's bytes when it is small enough to read whole (None: larger, or damaged — streamed instead)."""
    try:
        with z.open(part) as fh:
            data = fh.read(_CUT_MAX + 1)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, zlib.error):
        return None     # let the streaming read meet the damage where it always has
    return data if len(data) <= _CUT_MAX else None


def _feed_sheet(z: zipfile.ZipFile, part: str, parser, data: bytes | None) -> None:
    """_feed, with the empty cells and rows of a small well-behaved part (`data`) cut first where they are many
    (the cut costs a pass over every byte: a part of long texts is fed as it is)."""
    if not data or not _mostly_empty(data) or not _cuttable(data):
        _feed(z, part, parser)
        return
    _parse_whole(parser, _without_rows(_EMPTY_ROW.sub(b">", _EMPTY_CELL.sub(b">", data))), part)


def _parse_whole(parser, data: bytes, part: str) -> None:
    """A part read whole, fed at once: as _feed, the walk's stop ends it, a damage says the reference must read."""
    try:
        parser.Parse(data, True)
    except _Stop:
        pass
    except expat.ExpatError as e:
        raise Unsupported(f"{part}: {e}")


def _mostly_empty(data: bytes) -> bool:
    """More empty cells than cells with content, counted by their ends ("/> and "></c>, at C speed)."""
    return (data.count(b'"></c>') + data.count(b'"/>')) * 2 > data.count(b"<c")


def _without_rows(data: bytes) -> bytes:
    """The row tags cut too (two handler calls each): every cell says its row, so they tell nothing more.
    All or none: a row tag the pattern does not take keeps every row."""
    rows = data.count(b"<row")
    cut, n = _ROW_START.subn(b"", data)
    return cut.replace(b"</row>", b"") if n == rows else data


# The scan: a small part written as Excel, WPS, LibreOffice and openpyxl write worksheets is read with one
# regular expression over <sheetData>, at C speed, instead of ~5 expat handler calls for each cell (the cost
# of a province's batch). Only where its result is surely the walk's: no DTD, comment or CDATA; UTF-8; the
# part well-formed (expat, no handlers); one <sheetData>, with nothing the walk stops at (extLst, mergeCells)
# before its end; every cell tag in it taken by the pattern (an address, then s= and t= at most, and content
# of the shapes <v>, <is><t>, <f>[<v>] — a formula plain, shared or array as Excel writes it, aca= as
# LibreOffice does); no cell tag outside it; merges as _scan_merged takes them. Anything else: None, and the
# walk reads the part.
_KINDS = {b"": "n", b"n": "n", b"s": "s", b"str": "str", b"inlineStr": "inlineStr"}
_DECL = re.compile(rb"^(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)[\"']")
_SCAN_CELL = re.compile(
    rb'<c r="([A-Z]{1,3}[0-9]{1,7})"(?: s="([0-9]{1,6})")?(?: t="([a-zA-Z]{1,9})")?(?:/>|>(?:'
    rb'(<v>)([^<]*)</v>|(<is>)<t(?: xml:space="preserve")?>([^<]*)</t></is>'
    rb'|(<f)(?: t="(shared|array)")?(?: ref="[A-Z]{1,3}[0-9]{1,7}(?::[A-Z]{1,3}[0-9]{1,7})?")?(?: si="[0-9]{1,6}")?'
    rb'(?: aca="(?:false|true)")?(?:/>|>([^<]*)</f>)(?:(<v>)([^<]*)</v>)?'
    rb')?</c>)')
_NOT_IN_NAME = frozenset(b" \t\r\n>/!?")
_MERGE = re.compile(rb'<mergeCell ref="([A-Z]{1,3}[0-9]{1,7}:[A-Z]{1,3}[0-9]{1,7})"/>')


def _scan_sheet(data: bytes) -> tuple[tuple, list[bytes], list[bytes], list[_Range]] | None:
    """(the plan of the cells with content, the texts cut from the part's <v> and from its <t>, merged ranges),
    or None: the walk reads the part.

    The guards and the plan are decided on the part's shape: the same template saved by the same program
    gives the same shape in every unit of a batch, so they are made once per shape, not once per unit; what
    differs between units, the texts, comes back in the order the plan takes them."""
    shape, values, texts = _cut_texts(data)
    verdict = _SHAPES.get(shape)
    if verdict is None:
        verdict = _shape_verdict(shape)
        _SHAPES.put(shape, verdict)
    if not verdict:
        return None
    plan, cuts, merged = verdict
    # every text cut is one the plan reads, or the walk reads the part: a text cut anywhere else (in a stray
    # element, in a comment or instruction that the cut could end elsewhere) would make one more
    return (plan, values, texts, merged) if cuts == (len(values), len(texts)) else None


# A part's shape: the part with the whole text of every <v> and <t> cut where it is plain ASCII (no '<', no
# ']': no ']]>'), a DEL (_CUT) standing in its place. The cut removes only bytes between a <v> or <t> tag and its
# end tag, so the shape has the part's tags exactly, and it is well-formed exactly when the part is — but for
# the references among the cut bytes (&#1; is no character), and where the "tag" stood in a comment or an
# instruction (<?pi <t>?></t>?>: the cut would move its end). The shape is trusted only where every <v> and <t>
# of the part is one the pattern takes in a cell (as many texts cut as the plan reads), and no '<!' stands in
# it: the texts cut are then character data of the cells read, whose references expat resolves when they are
# read (`_unescape`; a failure sends the part to the walk).
# Two patterns, each found from a literal start at C speed (one from '>' tried a match at every tag).
_PLAIN_TEXT = rb"([\t\n\r -;=-\\\^-\x7f]+)"
_V_TEXT = re.compile(rb"(<v>)" + _PLAIN_TEXT + rb"(?=</v>)")
_T_TEXT = re.compile(rb'(<t(?: xml:space="preserve")?>)' + _PLAIN_TEXT + rb"(?=</t>)")
_CUT = b"\x7f"          # where a text was cut: DEL, a character like any other (a text "\x7f" is cut as well)


def _cut_texts(data: bytes) -> tuple[bytes, list[bytes], list[bytes]]:
    """(the part's shape, the texts cut from its <v>, those cut from its <t>, each in document order). The
    cursor's place is cut from the shape too (_VIEW)."""
    pieces = _V_TEXT.split(data)
    values = pieces[2::3]
    pieces[2::3] = [_CUT] * len(values)
    pieces = _T_TEXT.split(b"".join(pieces))
    texts = pieces[2::3]
    pieces[2::3] = [_CUT] * len(texts)
    shape = b"".join(pieces)
    start = shape.find(b"<sheetData")
    return (_VIEW.sub(rb'\1"', shape[:start]) + shape[start:] if start > 0 else shape), values, texts


# Where the cursor stood when the unit was saved (<selection activeCell="D7" sqref="D7"/>, the pane's top left
# cell): every unit saved by Excel or WPS has its own, and the reader reads none of it. Cut from the shape before
# <sheetData> only (no cell stands there): letters, digits, '$', ':' and spaces, which no markup is made of, so
# the shape stays well-formed exactly when the part is.
_VIEW = re.compile(rb'( (?:activeCell|sqref|topLeftCell)=")[A-Z0-9:$ ]{1,512}"')


def _shape_verdict(shape: bytes) -> tuple[tuple, tuple[int, int], list[_Range]] | bool:
    """The scan's guards on a part's shape: False, or (the plan of its cells, how many texts were cut from their
    <v> and their <t>, the merged ranges)."""
    if b"<!" in shape or not _utf8(shape):
        return False
    start = shape.find(b"<sheetData")
    if start < 0 or shape.find(b"<sheetData", start + 1) >= 0:
        return False
    end = shape.find(b"</sheetData>", start)
    end = shape.find(b">", start) + 1 if end < 0 else end          # <sheetData/>
    stops = [i for i in (shape.find(b"<extLst"), shape.find(b"mergeCells")) if i >= 0]
    if (stops and min(stops) < end) or _cells_outside(shape, start, end):
        return False
    body = shape[start:end]
    if _foreign(body):
        return False                      # a prefix or namespace among the cells: the walk decides
    cut = _mostly_empty(body)
    if cut:
        body = _EMPTY_CELL.sub(b">", body)
    found = _SCAN_CELL.findall(body)
    if len(found) != body.count(b"<c"):
        return False                      # a cell the pattern did not take
    merged = _scan_merged(shape)
    plan = _plan(found)
    # whole empty cells cut from between tags leave a part well-formed exactly when it was
    if merged is None or plan is None or not _well_formed(shape[:start] + body + shape[end:] if cut else shape):
        return False
    values = sum((field is _V and v == _CUT) + (fv == _CUT) for *_, field, v, fv in plan)
    return plan, (values, sum(field is _IS and v == _CUT for *_, field, v, _ in plan)), merged


def _plan(found: list[tuple]) -> tuple | None:
    """The cells with content, in document order, as the reader takes them: (row, column), t=, s= as a number,
    and what it holds — a value (_V) or inline text (_IS) as written in the shape (_CUT where the unit's text
    goes), or a formula's kind ('f:shared'…) with its text and cached result. None where two cells share an
    address: which one wins depends on the order the walk keeps."""
    plan, seen = [], set()
    for ref, style, kind, vtag, v, istag, it, ftag, fkind, f, fvtag, fv in found:
        if not (vtag or istag or ftag):
            continue                     # no content: nothing to read, as in the walk
        if ref in seen:
            return None
        seen.add(ref)
        r = ref.decode("ascii")
        head = (_CELLS.get(r) or _ref_cached(r), _KINDS.get(kind) or kind.decode("ascii"), int(style) if style else 0)
        if vtag:
            plan.append(head + (_V, v, None))
        elif istag:
            plan.append(head + (_IS, it, None))
        else:
            plan.append(head + ("f:" + fkind.decode("ascii"), f, fv if fvtag else None))
    return tuple(plan)


_V, _IS = "v", "is"


def _foreign(body: bytes) -> bool:
    """A namespace declared, or a tag with a prefix (<o:c>), among the cells. Found from the colons, which are few
    there (a time, a shared formula's ref): a colon is a prefix's when only name characters stand between it
    and the last '<' before it (at C speed: a regular expression over every byte cost 10% of a unit)."""
    if b"xmlns" in body:
        return True
    i = body.find(b":")
    while i >= 0:
        j = body.rfind(b"<", 0, i)
        if j >= 0 and not _NOT_IN_NAME.intersection(body[j + 1:i]):
            return True
        i = body.find(b":", i + 1)
    return False


def _cells_outside(data: bytes, start: int, end: int) -> bool:
    """A cell tag before or after <sheetData> (the walk reads it; the scan would not)."""
    return any(data.count(b"<c" + e, 0, start) or data.count(b"<c" + e, end) for e in _TAG_ENDS) or \
        _prefixed(data[:start], b":c") or _prefixed(data[end:], b":c")


def _unescape(raw: list[bytes]) -> list[str]:
    """Texts with references (openpyxl writes every Chinese character as &#NNNNN;) or line ends, resolved by
    expat as the walk resolves them: one parse for all the texts of a part that are not known yet. The short
    ones are kept (the template's labels recur in every unit of a batch); a text that is not well-formed
    raises expat's error, as in the walk."""
    known = [_RESOLVED.get(t) for t in raw]
    missing = [t for t, k in zip(raw, known) if k is None]
    if missing:
        found = iter(_resolve(missing))
        for i, k in enumerate(known):
            if k is None:
                known[i] = text = next(found)
                if len(raw[i]) <= _RESOLVED_LEN and len(_RESOLVED) < _RESOLVED_MAX:
                    _RESOLVED[raw[i]] = text
    return known


class _Kept(dict):
    """What a batch keeps, keyed on a part's bytes (or its shape): bounded by the bytes of its keys — a folder of
    10,000 units each with its own shape must not grow a worker — and emptied when full (what recurs comes back)."""

    def __init__(self, budget: int):
        super().__init__()
        self.budget, self.used = budget, 0

    def put(self, key, value) -> None:
        size = len(key[0]) if isinstance(key, tuple) else len(key)
        if size > self.budget // 8:
            return
        if self.used + size > self.budget:
            self.clear()
            self.used = 0
        self[key] = value
        self.used += size


_SHAPES = _Kept(8 << 20)       # a shape → the scan's verdict on it
_WORKBOOKS = _Kept(4 << 20)    # workbook.xml → its sheets, names and names' key, as read
_RELS = _Kept(1 << 20)         # (a relationships part, its base) → its relationships, as read
def forget() -> None:
    """Empty what a batch keeps, as a fresh process starts: how the first unit of a template is read (the
    benchmark's measure of a folder whose units share nothing)."""
    for kept in (_SHAPES, _WORKBOOKS, _RELS):
        kept.clear()
        kept.used = 0
    _RESOLVED.clear()
    _NAMES_READ.clear()
    _date_styles.cache_clear()


_RESOLVED: dict[bytes, str] = {}
_RESOLVED_LEN, _RESOLVED_MAX = 512, 20_000      # a label's length; bounded whatever a batch holds


def _resolve(raw: list[bytes]) -> list[str]:
    texts: list[list[str]] = []

    def start(tag, attrs):
        texts.append([])

    def text(chunk):
        texts[-1].append(chunk)

    p = _parser(start, None, text)
    p.Parse(b"<r>" + b"".join(b"<x>" + t + b"</x>" for t in raw) + b"</r>", True)
    return ["".join(t) for t in texts[1:]]


def _utf8(data: bytes) -> bool:
    m = _DECL.match(data)
    return (m is None or m.group(1).lower() in (b"utf-8", b"utf8")) and not data.startswith((b"\xff\xfe", b"\xfe\xff"))


def _well_formed(data: bytes) -> bool:
    try:
        _parser().Parse(data, True)
    except (expat.ExpatError, Unsupported):
        return False
    return True


def _scan_merged(data: bytes) -> list[_Range] | None:
    """The merged ranges: one <mergeCells> block holding every <mergeCell> of the part, no extLst before its
    end (where the walk stops); None otherwise."""
    region = b""
    if data.count(b"mergeCells"):
        start, end = data.find(b"<mergeCells"), data.find(b"</mergeCells")
        ext = data.find(b"<extLst")
        if data.count(b"mergeCells") != 2 or not 0 <= start < end or 0 <= ext < end:
            return None
        region = data[start:end]
    refs = _MERGE.findall(region)
    # '<mergeCell' opens both tags; a name that merely begins so (<mergeCellX>) leaves the counts unequal
    if len(refs) != data.count(b"<mergeCell") - data.count(b"<mergeCells") or _prefixed(data, b":mergeCell"):
        return None
    return [r for ref in refs if (r := _merge_range(ref.decode("ascii"))) is not None]


def _merge_range(ref: str) -> _Range | None:
    m = _AREA.match(ref)
    if not (m and m.group(3)):
        return None
    return _Range(int(m.group(2)), _col(m.group(1).upper()), int(m.group(4)), _col(m.group(3).upper()))


# The style ids of a styles part that may show a date. Kept for the few distinct parts a batch meets: the units of
# one template, saved by one program, share their styles part byte for byte (the key is the bytes themselves).
@lru_cache(maxsize=16)
def _date_styles(data: bytes) -> frozenset[int]:
    return _date_styles_fed(lambda parser: _parse_whole(parser, data, "xl/styles.xml"))


def _date_styles_fed(feed) -> frozenset[int]:
    """What the numFmts and cellXfs say, read by `feed(parser)`, up to the end of <cellXfs>."""
    custom: dict[int, str] = {}
    xfs: list[int] = []
    where = {"xfs": False}

    def start(tag, attrs):
        t = _local(tag)
        if t == "numFmt":
            custom[int(attrs.get("numFmtId", "0") or 0)] = attrs.get("formatCode", "")
        elif t == "cellXfs":
            where["xfs"] = True
        elif t == "xf" and where["xfs"]:
            xfs.append(int(attrs.get("numFmtId", "0") or 0))

    def end(tag):
        if _local(tag) == "cellXfs":
            raise _Stop

    feed(_parser(start, end))
    return frozenset(i for i, fid in enumerate(xfs) if fid in _DATE_IDS or (fid in custom and _may_be_date(custom[fid])))


# The <definedNames> of workbooks read before, by their bytes: a batch's units share their template's names.
_NAMES_READ: dict[bytes, tuple[tuple[str, str | None, str], ...]] = {}
_NAMES_READ_MAX = 16


def _names_section(data: bytes) -> tuple[int, int] | None:
    """Where <definedNames>…</definedNames> stands in workbook.xml (None: not written plainly so)."""
    if b"<!" in data:
        return None
    start = data.find(b"<definedNames>")
    end = data.find(b"</definedNames>", start)
    if start < 0 or end < 0 or data.find(b"<definedNames", start + 1) >= 0:
        return None
    # names are only what stands inside it, and it holds nothing else the walk takes (a <sheet>)
    if data.find(b"definedName", 0, start) >= 0 or data.find(b"<sheet", start, end) >= 0 \
            or data.find(b":sheet", start, end) >= 0:
        return None
    return start, end + len(b"</definedNames>")


# --- the surface the reader sees ------------------------------------------------------------------

class Name:
    def __init__(self, name: str, value: str):
        self.name, self.attr_text, self.value = name, value, value

    @property
    def destinations(self):
        yield from _destinations(self.value)


@lru_cache(maxsize=4096)    # the template's ~200 names recur in every workbook of a batch
def _destinations(value: str) -> tuple[tuple[str, str], ...]:
    m = _DEST.match(value)
    return ((m.group("notquoted") or m.group("quoted"), m.group("cells")),) if m else ()


class Cell:
    __slots__ = ("value", "data_type", "cached")

    def __init__(self, value, data_type: str, cached=None):
        self.value, self.data_type, self.cached = value, data_type, cached


class _Shared(Cell):
    """A cell that shares another cell's formula: its cached result is known, its formula text is not."""
    __slots__ = ()

    def __init__(self, cached):
        super().__init__(None, "f", cached)

    def __getattribute__(self, name):
        if name == "value":
            raise Unsupported("shared formula text")
        return object.__getattribute__(self, name)


class _Range:
    def __init__(self, min_row, min_col, max_row, max_col):
        self.min_row, self.min_col, self.max_row, self.max_col = min_row, min_col, max_row, max_col


class _Merged:
    def __init__(self, ranges):
        self.ranges = ranges


class Sheet:
    def __init__(self, book: "Book", title: str, part: str, state: str):
        self.book, self.title, self.part, self.sheet_state = book, title, part, state
        self.defined_names: dict[str, Name] = {}
        self._loaded: dict | None = None
        self._merged: list[_Range] = []

    @property
    def _cells(self) -> dict[tuple[int, int], Cell]:
        if self._loaded is None:
            self._loaded = self.book._parse_sheet(self)
        return self._loaded

    @property
    def merged_cells(self) -> _Merged:
        self._cells
        return _Merged(self._merged)

    def cell(self, r: int, c: int) -> Cell:
        return self._cells.get((r, c)) or Cell(None, "n")

    @property
    def max_row(self) -> int:
        return max((r for r, _ in self._cells), default=1)

    @property
    def max_column(self) -> int:
        return max((c for _, c in self._cells), default=1)

    def iter_rows(self, min_row=1, max_row=None, min_col=1, max_col=None, values_only=True):
        cells = self._cells
        max_row = max_row or self.max_row
        max_col = max_col or self.max_column
        for r in range(min_row, max_row + 1):
            yield tuple(cells[(r, c)].value if (r, c) in cells else None for c in range(min_col, max_col + 1))


class Book:
    def __init__(self, path: Path, opened: zipfile.ZipFile | None = None):
        self.path = path
        self.zip = opened or container.unzipped(path)
        self.defined_names: dict[str, Name] = {}
        self.worksheets: list[Sheet] = []
        self.sheetnames: list[str] = []
        self._strings: dict[int, str] = {}
        self._date_styles: frozenset[int] | None = None
        self._sst_part: str | None = None
        self.names_key: bytes | None = None     # the <definedNames> bytes, where they were read whole
        self._sst_inners: list[bytes] | tuple | None = None
        self._read_workbook()

    def __getitem__(self, title: str) -> Sheet:
        return self._by_title[title]

    def close(self) -> None:
        self.zip.close()

    # workbook.xml + its rels: sheets and defined names; stops at the end of <definedNames>
    def _read_workbook(self) -> None:
        rels = self._workbook_rels = self._rels("xl/_rels/workbook.xml.rels", "xl")   # the strings' part too
        sheets: list[tuple[str, str, str]] = []
        names: list[tuple[str, str | None, list[str]]] = []
        current: list = []
        depth = [0]
        in_names = [False]

        def start(tag, attrs):
            t = _local(tag)
            depth[0] += 1
            if depth[0] == 2 and t == "extLst":
                raise _Stop   # the last child of <workbook> (schema order): nothing more to read
            if t == "sheet":
                sheets.append((attrs.get("name", ""), attrs.get(_R_ID, ""), attrs.get("state", "visible")))
            elif t == "definedNames" and depth[0] == 2:
                in_names[0] = True
            elif t == "definedName" and in_names[0]:    # openpyxl reads a name only inside <definedNames>
                current.append((attrs.get("name", ""), attrs.get("localSheetId"), []))

        def end(tag):
            depth[0] -= 1
            t = _local(tag)
            if t == "definedName" and current:
                names.append(current.pop())
            elif t == "definedNames":
                raise _Stop

        def text(data):
            if current:
                current[-1][2].append(data)

        data = _small_part(self.zip, "xl/workbook.xml")
        known = _WORKBOOKS.get(data) if data else None
        if known is not None:                # a batch's units share their template's workbook.xml, byte for byte
            sheets, read, self.names_key = known
            names = [(name, local, [text]) for name, local, text in read]
        else:
            at = _names_section(data) if data else None
            if at is None:
                _feed(self.zip, "xl/workbook.xml", _parser(start, end, text))
            else:
                names = self._walk_then_names(data, at, _parser(start, end, text), names)
            if data:
                _WORKBOOKS.put(data, (tuple(sheets), tuple((n, loc, "".join(t)) for n, loc, t in names),
                                      self.names_key))
        for title, rid, state in sheets:
            target, kind = rels.get(rid, ("", ""))
            self.sheetnames.append(title)
            if not kind.endswith("/worksheet"):
                raise Unsupported("a chart or dialog sheet")   # rare; openpyxl judges whether it is readable
            self.worksheets.append(Sheet(self, title, target, state))
        self._by_title: dict[str, Sheet] = {}
        for ws in self.worksheets:
            self._by_title.setdefault(ws.title, ws)      # a repeated title: the first, as openpyxl's lookup gives
        all_sheets = [s for s in sheets]
        for name, local, parts in names:
            n = Name(name, "".join(parts))
            if local is None:
                if name not in ("_xlnm.Print_Titles", "_xlnm.Print_Area", "_xlnm._FilterDatabase"):
                    self.defined_names[name] = n
                continue
            try:
                title = all_sheets[int(local)][0]
            except (ValueError, IndexError):
                continue
            for ws in self.worksheets:
                if ws.title == title:
                    ws.defined_names[name] = n

    def _walk_then_names(self, data: bytes, at: tuple[int, int], parser, names: list) -> list:
        """workbook.xml walked up to <definedNames>; the names then read by the same parser, or — when the same
        <definedNames> bytes were read before (every unit of a template has them) — taken as read then, the
        parser only checking them (handlers off: C speed). Either way the walk's stops and errors hold."""
        start, end = at
        section = data[start:end]
        known = None
        try:
            parser.Parse(data[:start], False)
            known = _NAMES_READ.get(section)
            if known is not None:
                parser.StartElementHandler = parser.EndElementHandler = parser.CharacterDataHandler = None
                parser.Parse(section, False)
                self.names_key = section
                return [(name, local, [text]) for name, local, text in known]
            parser.Parse(section, False)
        except _Stop:
            if known is None and names and len(_NAMES_READ) < _NAMES_READ_MAX:
                _NAMES_READ[section] = tuple((name, local, "".join(parts)) for name, local, parts in names)
                self.names_key = section
        except expat.ExpatError as e:
            raise Unsupported(f"xl/workbook.xml: {e}")
        return names

    def _rels(self, part: str, base: str) -> dict[str, tuple[str, str]]:
        out: dict[str, tuple[str, str]] = {}

        def start(tag, attrs):
            if _local(tag) == "Relationship" and attrs.get("TargetMode") != "External":
                target = attrs.get("Target", "")
                path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath(base, target))
                out[attrs.get("Id", "")] = (_normpath(path), attrs.get("Type", ""))

        if part not in self.zip.NameToInfo:
            return out
        data = _small_part(self.zip, part)
        known = _RELS.get((data, base)) if data else None
        if known is not None:
            return dict(known)
        _feed(self.zip, part, _parser(start))
        if data:
            _RELS.put((data, base), tuple(out.items()))
        return out

    # a worksheet: its cells (values and cached formula results) and merged ranges; stops after mergeCells.
    # The handlers run once per XML element (≈2,500 per filled template): plain locals, cached tag names and
    # cell references; a cell's fields are locals too, and a cell without content (most cells of a styled
    # grid) ends without building anything.
    def _parse_sheet(self, ws: Sheet) -> dict[tuple[int, int], Cell]:
        if ws.part not in self.zip.NameToInfo:
            raise Unsupported(f"missing part {ws.part}")
        cells: dict[tuple[int, int], Cell] = {}
        merged: list[_Range] = []
        sst_refs: list[tuple[tuple[int, int], int]] = []
        row = col = depth = 0
        incell = seen_data = in_data = False
        kind, style = "n", None               # the cell's t= and s= as written
        v = f = fa = None                     # its <v> and <f> texts, <f t=…>
        inline: list[str] | None = None       # the texts of its <is>
        into: str | None = None
        buf: list[str] = []
        append = buf.append

        def start(tag, attrs):
            nonlocal row, col, depth, incell, kind, style, v, f, fa, inline, into, buf, append, seen_data, in_data
            if in_data and not tag.startswith(_MAIN_SPACE):
                # openpyxl takes every child of a row as a cell but its <v>, <f>, <is> only in the main namespace
                raise Unsupported("an element of another namespace among the cells")
            t = _LOCAL.get(tag) or _local_cached(tag)
            if t == "c":
                ref = attrs.get("r")
                if ref:
                    row, col = _CELLS.get(ref) or _ref_cached(ref)
                else:
                    col += 1
                incell, kind, style = True, attrs.get("t", "n"), attrs.get("s")
                v = f = fa = inline = None
            elif t == "row":
                row = int(attrs["r"]) if "r" in attrs else row + 1
                col = 0
            elif incell and (t == "v" or t == "f" or t == "t"):
                into, buf = t, []
                append = buf.append
                if t == "f":
                    fa = attrs.get("t")
            elif t == "is" and incell:
                inline = []
            elif t == "rPh" and incell:
                into = "rPh"
            elif t == "mergeCell":
                if (r := _merge_range(attrs.get("ref", ""))) is not None:
                    merged.append(r)
            elif t == "extLst" and depth == 1 and seen_data:
                raise _Stop   # the last child of a worksheet; nothing the format reads lies in it
            elif t == "sheetData":
                seen_data = in_data = True

            depth += 1

        def end(tag):
            nonlocal depth, incell, v, f, into, in_data
            depth -= 1
            t = _LOCAL.get(tag) or _local_cached(tag)
            if t == "c":
                if not incell:
                    return
                incell = False
                if not (v or f is not None or fa is not None or inline is not None):
                    _style_id(style)          # a styled empty cell: nothing to read, its style still checked
                    return
                self._add(cells, sst_refs, (row, col), kind, _style_id(style), v, f, fa, inline, ws.title)
            elif incell and into == t and (t == "v" or t == "f" or t == "t"):
                text = "".join(buf)
                if t == "v":
                    v = text
                elif t == "f":
                    f = text
                elif inline is not None:
                    inline.append(text)
                into = None
            elif t == "rPh":
                into = None
            elif t == "sheetData":
                in_data = False
            elif t == "mergeCells":
                raise _Stop

        def text(data):
            if into is not None and into != "rPh":
                append(data)

        data = _small_part(self.zip, ws.part)
        scanned = _scan_sheet(data) if data else None
        if scanned is not None and self._read_scanned_safely(scanned, cells, sst_refs, ws.title):
            merged = scanned[3]
        else:
            cells.clear()
            sst_refs.clear()
            _feed_sheet(self.zip, ws.part, _parser(start, end, text), data)
        ws._merged = merged
        if sst_refs:
            strings = self._shared_strings({i for _, i in sst_refs})
            for key, i in sst_refs:
                cell = cells[key]
                if cell.data_type == "f":
                    cell.cached = strings[i]
                else:
                    cell.value = strings[i]
        return cells

    def _read_scanned(self, plan: tuple, values: list[bytes], texts: list[bytes], cells: dict, sst_refs: list,
                      title: str) -> None:
        """The cells of the scan's plan, read as the walk reads them, each cut text (_CUT) taken in turn from
        `values` (a <v>) or `texts` (a <t>): plain numbers at once, text with references resolved in one parse
        for the part, the rest through _add."""
        later: list[tuple] = []          # (key, kind, s, field, raw, f) whose text holds a reference
        value, text = iter(values).__next__, iter(texts).__next__
        for key, t, s, field, v, fv in plan:
            if field is not _V and field is not _IS:       # a formula: its text as written, its result cut or not
                later.append((key, t, s, field, v, value() if fv == _CUT else fv))
                continue
            if v == _CUT:
                v = value() if field is _V else text()
            if field is _V:
                if t == "n" and len(v) < 16 and v.isdigit() and not (s and s in self._dates()):
                    cells[key] = Cell(int(v), "n")       # the commonest cell: a whole number
                elif t == "s" and v.isdigit():
                    cells[key] = Cell(None, "s")         # a shared string's index (Excel, WPS, LibreOffice)
                    sst_refs.append((key, int(v)))
                elif b"&" in v or b"\r" in v:
                    later.append((key, t, s, _V, v, None))
                else:
                    self._add(cells, sst_refs, key, t, s, v.decode("utf-8"), None, None, None, title)
            elif b"&" in v or b"\r" in v:
                later.append((key, t, s, _IS, v, None))
            elif t == "inlineStr":
                cells[key] = Cell(v.decode("utf-8"), "s")   # openpyxl's own template writes its labels so
            else:
                self._add(cells, sst_refs, key, t, s, None, None, None, [v.decode("utf-8")], title)
        if later:
            self._read_later(later, cells, sst_refs, title)
        if len(cells) > MAX_CELLS_PER_SHEET:
            raise TooLarge(title, len(cells))

    def _read_scanned_safely(self, scanned: tuple, cells: dict, sst_refs: list, title: str) -> bool:
        try:
            self._read_scanned(*scanned[:3], cells, sst_refs, title)
            return True
        except (expat.ExpatError, UnicodeDecodeError):    # not expected of a well-formed part; the walk decides
            return False

    def _read_later(self, later: list[tuple], cells: dict, sst_refs: list, title: str) -> None:
        """Cells whose texts need expat (references, line ends) or that hold a formula, in document order
        (a later cell at the same address wins, as in the walk)."""
        raws = [raw for *_, raw, _ in later] + [fv for *_, fv in later if fv is not None]
        texts = iter(_unescape(raws))
        resolved = [next(texts) for _ in later]
        for (key, t, s, field, _, fv), text in zip(later, resolved):
            cached = next(texts) if fv is not None else None
            if field == "v":
                self._add(cells, sst_refs, key, t, s, text, None, None, None, title)
            elif field == "is":
                if t == "inlineStr":
                    cells[key] = Cell(text, "s")
                else:
                    self._add(cells, sst_refs, key, t, s, None, None, None, [text], title)
            else:                    # "f:" and the formula's t= (shared, array) if it has one
                self._add(cells, sst_refs, key, t, s, cached, text, field[2:] or None, None, title)

    def _add(self, cells: dict, sst_refs: list, key: tuple[int, int], kind: str, s: int, v: str | None,
             f: str | None, fa: str | None, inline: list[str] | None, title: str) -> None:
        """One cell read (by the walk or the scan) into `cells`, its value as openpyxl gives it."""
        if f is None and fa is None and inline is None:
            if not v:
                return
            if kind == "n" and _NUMBER.match(v) and not (s and s in self._dates()):
                # most cells: a plain number, read here as _value/_plain would read it
                cells[key] = Cell(float(v) if ("." in v or "e" in v or "E" in v) else int(v), "n")
                if len(cells) > MAX_CELLS_PER_SHEET:
                    raise TooLarge(title, len(cells))
                return
        cell = self._value({"t": kind, "s": s, "v": v, "f": f, "is": inline, "fa": fa}, key, sst_refs)
        if cell is not None:
            cells[key] = cell
            if len(cells) > MAX_CELLS_PER_SHEET:
                raise TooLarge(title, len(cells))

    def _value(self, c: dict, key, sst_refs) -> Cell | None:
        t, v = c["t"], c["v"] or None
        cached = None
        if c["f"] is not None or c["fa"] is not None:
            cached = None if v is None else self._plain(t, v, c, key, sst_refs, formula=True)
            if c["fa"] == "shared" and not c["f"]:
                return _Shared(cached)       # openpyxl shows the translated formula: only it can say it
            formula = "=" + (c["f"] or "")
            return Cell(_Array(formula) if c["fa"] == "array" else formula, "f", cached)
        if v is None:
            if t == "inlineStr" and c["is"] is not None:
                return Cell("".join(c["is"]), "s")
            return None
        value = self._plain(t, v, c, key, sst_refs, formula=False)
        return Cell(value, {"s": "s", "str": "s", "inlineStr": "s"}.get(t, t))

    def _plain(self, t, v, c, key, sst_refs, formula: bool):
        if t == "n":
            if not _NUMBER.match(v):
                return v                      # not a number as Excel writes one: text for the validator
            if c["s"] and c["s"] in self._dates():
                raise Unsupported("date-formatted number")
            return float(v) if ("." in v or "e" in v or "E" in v) else int(v)
        if t == "s":
            try:
                i = int(v)
            except ValueError:
                raise Unsupported("shared string index")
            sst_refs.append((key, i))
            return None
        if t == "b":
            try:
                return bool(int(v))
            except ValueError:
                raise Unsupported("boolean")
        if t in ("str", "e", "inlineStr"):
            return v
        raise Unsupported(f"cell type {t}")

    def _dates(self) -> frozenset[int]:
        """Style ids whose number format may show a date or time (openpyxl would give a datetime)."""
        if self._date_styles is None:
            if "xl/styles.xml" not in self.zip.NameToInfo:
                self._date_styles = frozenset()
            elif (data := _small_part(self.zip, "xl/styles.xml")) is not None:
                self._date_styles = _date_styles(data)
            else:
                self._date_styles = _date_styles_fed(lambda parser: _feed(self.zip, "xl/styles.xml", parser))
        return self._date_styles

    def _shared_strings(self, wanted: set[int]) -> dict[int, str]:
        """The shared strings at the wanted indices; the table is read only up to the last one wanted."""
        missing = {i for i in wanted if i not in self._strings}
        if not missing:
            return self._strings
        last = max(missing)
        if self._sst_part is None:
            self._sst_part = next((p for p, kind in self._workbook_rels.values()
                                   if kind.endswith("/sharedStrings")), "xl/sharedStrings.xml")
        part = self._sst_part
        if self._sst_inners is None and part in self.zip.NameToInfo:
            self._sst_inners = _sst_items(self.zip, part) or ()   # every sheet asks: the table is split once
        if self._sst_inners and last < len(self._sst_inners):
            got = _sst_resolve(self._sst_inners, sorted(missing))
            if got is not None:
                self._strings.update(got)
                return self._strings
        st = {"i": -1, "keep": False, "in_t": False, "skip": 0, "buf": []}

        def start(tag, attrs):
            t = _local(tag)
            if t == "si":
                st["i"] += 1
                if st["i"] > last:
                    raise _Stop
                st["keep"], st["buf"] = st["i"] in missing, []
            elif st["keep"]:
                if t == "rPh":
                    st["skip"] += 1
                elif t == "t" and not st["skip"]:
                    st["in_t"] = True

        def end(tag):
            t = _local(tag)
            if t == "t":
                st["in_t"] = False
            elif t == "rPh":
                st["skip"] -= 1
            elif t == "si" and st["keep"]:
                self._strings[st["i"]] = "".join(st["buf"]).replace("x005F_", "")
                st["keep"] = False

        def text(data):
            if st["in_t"]:
                st["buf"].append(data)

        if part in self.zip.NameToInfo:
            try:
                self._strings.update(_sst_by_counting(self.zip, part, missing))
            except Unsupported:   # a comment, CDATA or prefixed tag: the exact (slower) expat walk
                _feed(self.zip, part, _parser(start, end, text))
        if any(i not in self._strings for i in missing):
            raise Unsupported("shared string index out of range")   # openpyxl says the file is corrupt
        return self._strings


_SI = re.compile(rb"<si(?:[\s][^>]*)?(?:/>|>(.*?)</si>)", re.S)
_RUNS = re.compile(rb'(?:<r>(?:<rPr>(?:<[A-Za-z]{1,12}(?: [A-Za-z]{1,12}="[^"<>&]*")*/>)*</rPr>)?'
                   rb'<t(?: xml:space="preserve")?>[^<&\r]*</t></r>)+')
_PLAIN_T = re.compile(rb'<t(?: xml:space="preserve")?>([^<&\r]*)</t>')    # a whole string, or one run's text
_CONTROL = bytes(i for i in range(32) if i not in (9, 10, 13))     # not characters of XML 1.0
_SST_WHOLE_MAX = 4 << 20     # a real table is well under this; a larger one is read by counting, up to what is wanted


def _sst_items(z: zipfile.ZipFile, part: str) -> list[bytes] | None:
    """The inner markup of every <si> of a table of ordinary size, split once for all the sheets that ask (Excel,
    WPS and LibreOffice keep every label and text there). None where the split cannot be promised (a comment,
    CDATA, prefix, a table over _SST_WHOLE_MAX): the table is then read by counting, up to what is wanted."""
    if z.getinfo(part).file_size > _SST_WHOLE_MAX:
        return None
    data = z.read(part)
    if b"<!" in data or b":si" in data or _not_xml_chars(data) or _namespaced(data, _root_end(data)):
        return None         # a plain text decoded at once must be one expat accepts
    items = _split_si(data)
    if items is None:
        items = _SI.findall(data)
    return items if len(items) == data.count(b"<si") else None


def _root_end(data: bytes) -> int:
    return data.find(b">", max(0, data.find(b"<sst"))) + 1


def _namespaced(data: bytes, start: int) -> bool:
    """A namespace declared past the table's root element, or a prefixed run or text (<s:t>): the plain parse of
    the split would not take it as a text; the expat walk reads it by its local name, as openpyxl does."""
    return data.find(b"xmlns", start) >= 0 or any(_prefixed(data, n) for n in (b":t", b":r", b":rPh"))


def _split_si(data: bytes) -> list[bytes] | None:
    """Every string written '<si>…</si>' (no attribute, none empty), split at C speed; None otherwise."""
    n = data.count(b"<si")
    if n != data.count(b"<si>") or n != data.count(b"</si>"):
        return None
    out = []
    for chunk in data[data.find(b"<si>"): data.rfind(b"</si>")].split(b"</si>") if n else ():
        chunk = chunk.lstrip(b" \t\r\n")
        if not chunk.startswith(b"<si>"):
            return None
        out.append(chunk[4:])
    return out


def _not_xml_chars(data: bytes) -> bool:
    """A control character or U+FFFE/U+FFFF, which expat refuses (bytes.translate: one pass at C speed)."""
    return len(data.translate(None, _CONTROL)) != len(data) or b"\xef\xbf\xbe" in data or b"\xef\xbf\xbf" in data


def _sst_resolve(inners: list[bytes], wanted: list[int]) -> dict[int, str] | None:
    """The wanted strings: a plain <t> decoded at once, the others (runs, phonetic guides, references) in one
    expat parse with _si_text's rules. None where expat refuses one (the counting read then decides)."""
    out: dict[int, str] = {}
    rich: list[int] = []
    for i in wanted:
        inner = inners[i]
        m = _PLAIN_T.fullmatch(inner) if inner else None
        if not inner:
            out[i] = ""
        elif m and m.group(1).isascii():
            out[i] = m.group(1).decode("ascii").replace("x005F_", "")
        elif m or _RUNS.fullmatch(inner):      # a plain text, or runs of plain texts with their formats
            try:
                text = m.group(1) if m else b"".join(_PLAIN_T.findall(inner))
                out[i] = text.decode("utf-8").replace("x005F_", "")
            except UnicodeDecodeError:
                rich.append(i)
        else:
            rich.append(i)
    if rich:
        try:
            out.update(zip(rich, _si_texts([inners[i] for i in rich]), strict=True))
        except (expat.ExpatError, ValueError):
            return None
    return out


def _si_texts(inners: list[bytes]) -> list[str]:
    """_si_text of many strings in one parse: the <t> pieces of each <si>, without phonetic runs."""
    strings: list[list[str]] = []
    st = {"t": 0, "rph": 0}

    def start(tag, attrs):
        if tag == "si":
            strings.append([])
            st["t"] = st["rph"] = 0
        elif tag == "rPh":
            st["rph"] += 1
        elif tag == "t":
            st["t"] += 1

    def end(tag):
        if tag == "rPh":
            st["rph"] -= 1
        elif tag == "t":
            st["t"] -= 1

    def text(data):
        if st["t"] and not st["rph"] and strings:
            strings[-1].append(data)

    p = expat.ParserCreate()
    p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = start, end, text
    p.Parse(b"<sst>" + b"".join(b"<si>" + inner + b"</si>" for inner in inners) + b"</sst>", True)
    return ["".join(parts).replace("x005F_", "") for parts in strings]
_CHUNK = 1 << 20


def _sst_by_counting(z: zipfile.ZipFile, part: str, wanted: set[int]) -> dict[int, str]:
    """Shared strings at the wanted indices, found by counting '<si' openings at C speed (bytes.count) and
    parsing only the stretches that hold a wanted one: 5 million unused strings cost well under a second.
    Exact for what Excel, WPS and LibreOffice write; a comment, CDATA or prefixed tag raises Unsupported."""
    out: dict[int, str] = {}
    pending = sorted(wanted)
    base, buf, tail = 0, b"", b""
    with z.open(part) as fh:
        while pending:
            chunk = fh.read(_CHUNK)
            seam = tail + chunk         # a token across two chunks is seen whole
            if b"<!" in seam or b":si" in seam or _namespaced(seam, _root_end(seam) if base == 0 and not buf else 0):
                raise Unsupported("shared strings with comments, CDATA, prefixes or namespaces")
            tail = chunk[-8:]
            buf += chunk
            cut = buf.rfind(b"</si>", max(0, len(buf) - len(chunk) - 5)) + 5 if chunk else len(buf)
            if cut < 5:
                if len(buf) > 16 * _CHUNK:
                    raise Unsupported("one shared string over 16 MB")
                continue
            head, buf = buf[:cut], buf[cut:]
            n = head.count(b"<si")     # no other element of a string table starts with 'si'; <sst is '<ss'

            if pending[0] < base + n:
                items = list(_SI.finditer(head))
                if len(items) != n:
                    raise Unsupported("shared string table not counted")
                for k, m in enumerate(items):
                    if base + k in wanted:
                        out[base + k] = _si_text(m.group(1) or b"")
            base += n
            pending = [i for i in pending if i >= base] if pending[0] < base else pending
            if not chunk:
                break
    return out


def _si_text(inner: bytes) -> str:
    """The text of one <si>: its <t> pieces, without phonetic runs (<rPh>), entities resolved."""
    try:
        texts = _si_texts([inner])
    except expat.ExpatError as e:
        raise Unsupported(f"shared string: {e}")
    if len(texts) != 1:
        raise Unsupported("shared string holding another")
    return texts[0]


class _Array:
    """An array formula's text, as openpyxl's ArrayFormula shows it to the reader."""

    def __init__(self, text: str):
        self.text = text


def _may_be_date(code: str) -> bool:
    code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code)
    return bool(re.search(r"[dmyhsDMYHS]", code))


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _normpath(path: str) -> str:
    parts: list[str] = []
    for p in path.split("/"):
        if p == "..":
            if parts:
                parts.pop()
        elif p not in ("", "."):
            parts.append(p)
    return "/".join(parts)
