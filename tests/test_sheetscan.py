"""The scan of a worksheet part (addin.io.fastxlsx._scan_sheet, regular expressions at C speed) reads exactly what
the walk (expat handlers, the streaming reader's exact path) reads — cells, their values, types and cached
results, merged ranges, and the errors — or declines and leaves the part to the walk. Checked on worksheets
generated from every shape of cell the writers produce and from shapes they do not (other attributes, rich
text, shared formulas, references, line ends, duplicates, cells outside <sheetData>, comments, prefixes)."""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from addin.io import fastxlsx

from .helpers import EXAMPLE_XLSX

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET = "表三"

TEXTS = st.sampled_from(["", "申请", "a&amp;b", "&#19977;&#12289;", "x&#10;y", "a\r\nb", "  ", "&lt;tag&gt;",
                         "1.5", "12", "&#49;&#50;",
                         "&#1;", "&bogus;", "a]]>b", "&#55296;", "&#x4E09;", "\x01", "\x7f"])   # texts expat refuses, or not
NUMBERS = st.sampled_from(["0", "12", "007", "1.5", "-3", "1e3", "1E-2", "１２", " 5", "", "9" * 20, "1_000"])


# what Excel, WPS, LibreOffice and openpyxl write (the scan's own shapes), and what they do not
WRITTEN = ["empty", "empty2", "number", "inline", "inline-preserve", "formula", "formula-str", "bool", "error",
           "str", "v-empty", "is-empty", "formula-lo", "shared", "shared-master", "array"]
ODD = ["formula-del", "rich", "phonetic", "attr-order", "extra-attr", "no-ref", "t-empty", "spaced", "formula-other", "stray-text"]


@st.composite
def cells(draw, ref: str) -> str:
    shape = draw(st.sampled_from(WRITTEN * 8 + ODD))
    s = draw(st.sampled_from(['', ' s="0"', ' s="3"', ' s="26"']))
    n, text = draw(NUMBERS), draw(TEXTS)
    return {
        "empty": f'<c r="{ref}"{s}/>',
        "empty2": f'<c r="{ref}"{s} t="n"></c>',
        "number": f'<c r="{ref}"{s}><v>{n}</v></c>',
        "inline": f'<c r="{ref}"{s} t="inlineStr"><is><t>{text}</t></is></c>',
        "inline-preserve": f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>',
        "rich": f'<c r="{ref}"{s} t="inlineStr"><is><r><t>{text}</t></r><r><t>b</t></r></is></c>',
        "phonetic": f'<c r="{ref}" t="inlineStr"><is><t>{text}</t><rPh sb="0" eb="1"><t>ルビ</t></rPh></is></c>',
        "formula": f'<c r="{ref}"{s}><f>SUM(A1:A2)</f><v>{n}</v></c>',
        "formula-del": f'<c r="{ref}"{s} t="str"><f>\x7f</f><v>{text}</v></c>',    # the cut's own mark as a formula
        "formula-str": f'<c r="{ref}"{s} t="str"><f>IF(A1,"&#10003;","x")</f><v>{text}</v></c>',
        "shared": f'<c r="{ref}"{s}><f t="shared" si="0"/><v>{n}</v></c>',
        "shared-master": f'<c r="{ref}"{s}><f t="shared" ref="K7:K30" si="0">SUM(A1)</f><v>{n}</v></c>',
        "array": f'<c r="{ref}"{s}><f t="array" ref="{ref}">SUM(A1:A2*B1:B2)</f><v>{n}</v></c>',
        "formula-lo": f'<c r="{ref}"{s} t="str"><f aca="false">IF(A1,&quot;&#10003;&quot;,"x")</f><v>{text}</v></c>',
        "formula-other": f'<c r="{ref}"{s}><f t="dataTable" ref="A1:B2" dt2D="1"/><v>{n}</v></c>',
        "bool": f'<c r="{ref}" t="b"><v>{draw(st.sampled_from(["0", "1", "x"]))}</v></c>',
        "error": f'<c r="{ref}" t="e"><v>#N/A</v></c>',
        "str": f'<c r="{ref}" t="str"><v>{text}</v></c>',
        "attr-order": f'<c t="inlineStr" r="{ref}"><is><t>{text}</t></is></c>',
        "extra-attr": f'<c r="{ref}"{s} cm="1"><v>{n}</v></c>',
        "no-ref": f'<c{s}><v>{n}</v></c>',
        "v-empty": f'<c r="{ref}"{s}><v></v></c>',
        "is-empty": f'<c r="{ref}" t="inlineStr"><is><t></t></is></c>',
        "t-empty": f'<c r="{ref}"{s} t=""><v>{n}</v></c>',
        "spaced": f'<c r="{ref}"{s}>\n  <v>{n}</v>\n</c>',
        "stray-text": f'<c r="{ref}"{s}><v>{n}</v></c><x><t>{text}</t></x>',    # a text in no cell: only expat reads it
    }[shape]


@st.composite
def worksheets(draw) -> str:
    refs = draw(st.lists(st.sampled_from(["A1", "B1", "C2", "D7", "K30", "AA3"]), min_size=0, max_size=8,
                         unique=draw(st.booleans())))
    rows: dict[str, list[str]] = {}
    for ref in refs:                    # a repeated address stays repeated: which cell wins is part of the test
        rows.setdefault(ref.lstrip("ABCDEFGHIJK"), []).append(draw(cells(ref)))
    data = "".join(f'<row r="{r}" spans="1:11">' + "".join(cs) + "</row>" for r, cs in sorted(rows.items()))
    merges = draw(st.sampled_from(["", '<mergeCells count="1"><mergeCell ref="A1:B2"/></mergeCells>',
                                   '<mergeCells count="2"><mergeCell ref="A1:B2"/><mergeCell ref="$C$3:D4"/>'
                                   "</mergeCells>", '<mergeCells><mergeCell ref="A1"/></mergeCells>']))
    before = draw(st.sampled_from([""] * 6 + ["<extLst/>", '<sheetPr><c r="Z9"><v>5</v></c></sheetPr>',
                                              "<!-- x -->", "<?pi <t>?></t>?>"]))
    after = draw(st.sampled_from([""] * 3 + ["<extLst><ext/></extLst>", '<dataValidations count="0"/>',
                                             '<c r="Z9"><v>5</v></c>']))
    decl = draw(st.sampled_from(["", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n']))
    body = f"<sheetData>{data}</sheetData>" if data or draw(st.booleans()) else "<sheetData/>"
    return f'{decl}<worksheet xmlns="{MAIN}">{before}{body}{merges}{after}</worksheet>'


def shown(cell) -> str:
    """A cell's value as the reader sees it: a shared formula's text is openpyxl's to give, an array formula's
    text is its .text."""
    if isinstance(cell, fastxlsx._Shared):
        return "shared formula"
    value = cell.value
    return f"array {value.text!r}" if isinstance(value, fastxlsx._Array) else repr(value)


def outcome(path: Path, scan: bool, monkeypatch):
    if not scan:
        monkeypatch.setattr(fastxlsx, "_scan_sheet", lambda data: None)
    book = fastxlsx.Book(path)
    try:
        cells = book[SHEET]._cells
        merged = [(r.min_row, r.min_col, r.max_row, r.max_col) for r in book[SHEET]._merged]
        return sorted((k, shown(c), c.data_type, repr(c.cached)) for k, c in cells.items()), merged
    except Exception as e:  # noqa: BLE001 — the error itself is what both paths must agree on
        return type(e).__name__
    finally:
        book.close()
        monkeypatch.undo()


def with_sheet(xml: bytes, target: Path) -> Path:
    """The bundled example with 表三's part replaced by `xml`."""
    book = fastxlsx.Book(EXAMPLE_XLSX)
    part = book[SHEET].part
    book.close()
    with zipfile.ZipFile(EXAMPLE_XLSX) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info, xml if info.filename == part else src.read(info.filename))
    return target


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(xml=worksheets())
def test_scan_reads_what_the_walk_reads(xml, tmp_path, monkeypatch):
    path = with_sheet(xml.encode("utf-8"), tmp_path / "w.xlsx")
    assert outcome(path, True, monkeypatch) == outcome(path, False, monkeypatch)


def test_the_scan_reads_the_example_itself():
    """The writers' own shapes are what the scan is for: every sheet of the example is scanned, not walked."""
    with zipfile.ZipFile(EXAMPLE_XLSX) as z:
        book = fastxlsx.Book(EXAMPLE_XLSX, z)
        for ws in book.worksheets:
            assert fastxlsx._scan_sheet(z.read(ws.part)) is not None, ws.title


@pytest.mark.parametrize("xml", [
    '<worksheet xmlns="%s"><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>' % MAIN,   # unclosed
    '<worksheet xmlns="%s"><sheetData><row r="1"><c r="A1"><v>&bogus;</v></c></row></sheetData></worksheet>' % MAIN,
    '<worksheet xmlns="%s"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>\x01</t></is></c></row>'
    "</sheetData></worksheet>" % MAIN,                                                      # a control character
    '<worksheet xmlns="%s"><sheetData><row r="1" x=><c r="A1"><v>1</v></c></row></sheetData></worksheet>' % MAIN,
])
def test_a_damaged_part_is_left_to_the_walk(xml, tmp_path, monkeypatch):
    """Damage in the structure is seen by the scan's guards; a reference to nothing (or to no character) among
    the texts only when expat resolves them: either way the walk reads the part, and meets the damage."""
    path = with_sheet(xml.encode("utf-8"), tmp_path / "d.xlsx")
    walked, feed = [], fastxlsx._feed_sheet
    monkeypatch.setattr(fastxlsx, "_feed_sheet", lambda z, part, *rest: (walked.append(part), feed(z, part, *rest)))
    assert outcome(path, True, monkeypatch) == outcome(path, False, monkeypatch)
    assert walked


def test_a_copy_of_the_example_reads_the_same_through_the_scan_and_the_walk(tmp_path, monkeypatch):
    path = tmp_path / "e.xlsx"
    shutil.copyfile(EXAMPLE_XLSX, path)
    for title in ("表二", "表三", "表四", "基本信息", "总体情况", "说明"):
        global SHEET
        SHEET = title
        try:
            assert outcome(path, True, monkeypatch) == outcome(path, False, monkeypatch)
        finally:
            SHEET = "表三"


def test_date_styles_are_those_of_each_workbook_styles_part(tmp_path):
    """The style ids that may show a date are kept per styles part (units of one template share it byte for
    byte): a workbook whose styles differ gets its own answer, read from the bytes or streamed alike."""
    import datetime as dt

    import openpyxl

    dated = tmp_path / "dated.xlsx"
    wb = openpyxl.load_workbook(EXAMPLE_XLSX)
    wb["表三"]["D7"] = dt.datetime(2025, 1, 2)
    wb.save(dated)
    answers = []
    for path in (EXAMPLE_XLSX, dated, EXAMPLE_XLSX):
        book = fastxlsx.Book(path)
        try:
            streamed = fastxlsx._date_styles_fed(lambda parser: fastxlsx._feed(book.zip, "xl/styles.xml", parser))
            assert book._dates() == streamed
            answers.append(book._dates())
        finally:
            book.close()
    assert answers[0] == answers[2] and answers[1] - answers[0], answers


# --- the shared-string table, split once per workbook ---------------------------------------------------------

INNERS = st.sampled_from([b"", b"<t>plain</t>", '<t xml:space="preserve"> 中文 </t>'.encode(), b"<t>a&amp;b</t>",
                          b"<t>x_x005F_y</t>", b"<t>line\r\nend</t>", b'<r><rPr><b val="true"/></rPr><t>ri</t></r>'
                          b"<r><t>ch</t></r>", '<t>漢字</t><rPh sb="0" eb="1"><t>かんじ</t></rPh>'.encode(),
                          b"<t>&#19977;</t>", b"<t/>",
                          '<r><rPr><b val="true"/><sz val="14"/><rFont val="宋体"/></rPr><t xml:space="preserve">年度'
                          '</t></r><r><t>2021</t></r>'.encode(), b"<r><t>a&amp;b</t></r>", b"<r><t/></r>",
                          b'<r><rPr><t/></rPr><t>x</t></r>'])


@settings(max_examples=200, deadline=None)
@given(inners=st.lists(INNERS, min_size=1, max_size=12), data=st.data())
def test_shared_strings_resolved_at_once_equal_si_text(inners, data):
    wanted = sorted(data.draw(st.sets(st.integers(0, len(inners) - 1), min_size=1)))
    assert fastxlsx._sst_resolve(inners, wanted) == {i: fastxlsx._si_text(inners[i]) for i in wanted}


def test_a_table_with_a_character_expat_refuses_is_not_split(tmp_path):
    """A control character in a plain string: the split declines, and the counting read refuses the file as it
    always has (openpyxl then says what is wrong), instead of reading the character as text."""
    import io

    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as z:
        z.writestr("s.xml", '<sst xmlns="%s"><si><t>ok</t></si><si><t>bad\x01</t></si></sst>' % MAIN)
    assert fastxlsx._sst_items(zipfile.ZipFile(raw), "s.xml") is None
    with zipfile.ZipFile(raw, "w") as z:
        z.writestr("s.xml", '<sst xmlns="%s"><si><t>ok</t></si><si><t>fine</t></si></sst>' % MAIN)
    assert fastxlsx._sst_items(zipfile.ZipFile(raw), "s.xml") == [b"<t>ok</t>", b"<t>fine</t>"]


@settings(max_examples=100, deadline=None)
@given(inners=st.lists(INNERS, max_size=8), gap=st.sampled_from([b"", b"\n", b" "]))
def test_the_table_split_at_c_speed_equals_the_pattern(inners, gap):
    data = ('<sst xmlns="%s">' % MAIN).encode() + gap.join(b"<si>" + i + b"</si>" for i in inners) + b"</sst>"
    assert fastxlsx._split_si(data) == fastxlsx._SI.findall(data)


# --- what a batch keeps from unit to unit ------------------------------------------------------------------------

def test_a_unit_with_other_names_gets_its_own_places(tmp_path):
    """The places of the template's names are kept by the bytes of <definedNames>: a unit whose names differ (here
    nb_organ_name moved to B4) is read by its own names, as the reference reader reads it — before and after."""
    from addin.io import reader

    moved = tmp_path / "moved.xlsx"
    with zipfile.ZipFile(EXAMPLE_XLSX) as src, zipfile.ZipFile(moved, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/workbook.xml":
                old = "<definedName name=\"nb_organ_name\">'基本信息'!$B$3</definedName>".encode()
                assert old in data
                data = data.replace(old, old.replace(b"$B$3", b"$B$4"))
            out.writestr(info, data)
    for path in (EXAMPLE_XLSX, moved, EXAMPLE_XLSX, moved):
        fast, ref = reader.read(path), reader.read(path, fast=False)
        assert (fast.document, fast.addresses) == (ref.document, ref.addresses)
    assert reader.read(moved).addresses["organ.name"] == "基本信息!B4"
    assert reader.read(EXAMPLE_XLSX).addresses["organ.name"] == "基本信息!B3"


@pytest.mark.parametrize("edit", [
    lambda wb: wb.replace(b"<definedNames>", b'<definedName name="nb_stray">x!$A$1</definedName><definedNames>'),
    lambda wb: wb.replace(b"</definedNames>", b'<sheet name="x" sheetId="99" r:id="rId1" '
                          b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/>'
                          b"</definedNames>"),
])
def test_names_are_kept_only_where_nothing_else_stands_beside_them(edit):
    with zipfile.ZipFile(EXAMPLE_XLSX) as z:
        data = z.read("xl/workbook.xml")
    assert fastxlsx._names_section(data) is not None
    assert fastxlsx._names_section(edit(data)) is None


@settings(max_examples=300, deadline=None)
@given(body=st.lists(st.sampled_from([b"<", b">", b":", b"/", b"c", b"o", b" ", b"t", b"xmlns", b"!", b"?", b'"',
                                      b"10", b"<v>", b"</c>"]), max_size=20).map(b"".join))
def test_prefixes_found_from_the_colons_are_those_the_pattern_finds(body):
    """_foreign, which looks only at the colons, says what a pattern over every byte says."""
    import re

    assert fastxlsx._foreign(body) == bool(re.search(rb"<[^\s>/!?]*:|xmlns", body))


# The scan's guards are decided once per shape (the part with its <v> and <t> texts cut): units of one template
# differ in their texts only, and one unit's texts must never stand for another's.
def _with_texts(first: str, second: str) -> bytes:
    return (f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>{first}</t></is></c>'
            f'<c r="B1"><v>{second}</v></c><c r="C1" t="str"><f>A1</f><v>{first}</v></c></row></sheetData>'
            '</worksheet>').encode("utf-8")


def test_one_shape_with_other_texts_reads_as_the_walk_each_time(tmp_path, monkeypatch):
    variants = [("&#19977;", "12"), ("&#1;", "12"), ("a b", "&bogus;"), ("x > y &amp; z", "1.5"), ("&#19977;", "12")]
    shapes = {fastxlsx._cut_texts(_with_texts(*v))[0] for v in variants}
    assert len(shapes) == 1             # one shape: the guards of the first stand for the others
    results = []
    for i, v in enumerate(variants):
        path = with_sheet(_with_texts(*v), tmp_path / f"{i}.xlsx")
        results.append(outcome(path, True, monkeypatch))
        assert results[-1] == outcome(path, False, monkeypatch), v
    assert results[0] == results[-1] != results[1]      # the bad reference refused, the good text read again


ASCII = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=127), max_size=12)


@settings(max_examples=400, deadline=None)
@given(first=ASCII, second=ASCII)
def test_a_shape_is_well_formed_exactly_when_its_part_is(first, second):
    """Without references the cut cannot change the verdict; with them, the texts' own resolution decides
    (a part well-formed is a shape well-formed)."""
    part = _with_texts(first, second)
    shape = fastxlsx._cut_texts(part)[0]
    if "&" in first + second:
        assert not fastxlsx._well_formed(part) or fastxlsx._well_formed(shape)
    else:
        assert fastxlsx._well_formed(part) == fastxlsx._well_formed(shape)


def test_a_text_in_no_cell_keeps_the_shape_from_being_trusted():
    stray = _with_texts("a", "1").replace(b"</row>", b"<x><t>&#1;</t></x></row>")
    assert fastxlsx._scan_sheet(stray) is None
    assert fastxlsx._scan_sheet(_with_texts("a", "1")) is not None


def test_what_a_batch_keeps_is_bounded_by_its_bytes():
    kept = fastxlsx._Kept(800)
    for i in range(30):
        kept.put(b"%03d" % i * 20, i)           # 60 bytes each
    assert kept.used <= 800 and len(kept) <= 13 and kept[b"029" * 20] == 29
    kept.put(b"x" * 101, "too large to keep")
    assert b"x" * 101 not in kept


def test_an_instruction_that_the_cut_would_end_elsewhere_is_left_to_the_walk(tmp_path, monkeypatch):
    # '<?pi <t>?></t>?>': the instruction ends at the first '?>', and '</t>' closes nothing; cut, it would end later
    xml = _with_texts("a", "1").replace(b"<sheetData>", b"<?pi <t>?></t>?><sheetData>")
    assert fastxlsx._well_formed(fastxlsx._cut_texts(xml)[0]) and not fastxlsx._well_formed(xml)
    assert fastxlsx._scan_sheet(xml) is None
    path = with_sheet(xml, tmp_path / "pi.xlsx")
    assert outcome(path, True, monkeypatch) == outcome(path, False, monkeypatch)


def test_a_formula_written_as_the_cut_mark_takes_no_text_of_another_cell(tmp_path, monkeypatch):
    xml = (f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="str"><f>\x7f</f><v>x</v></c>'
           '<c r="B1" t="inlineStr"><is><t>\x7f</t></is></c><c r="C1"><v>7</v></c></row></sheetData></worksheet>')
    path = with_sheet(xml.encode("utf-8"), tmp_path / "del.xlsx")
    read = outcome(path, True, monkeypatch)
    assert read == outcome(path, False, monkeypatch)
    assert read[0] == [((1, 1), repr("=\x7f"), "f", "'x'"), ((1, 2), repr("\x7f"), "s", "None"), ((1, 3), "7", "n", "None")]


def _edited(target: Path, part: str, edit) -> Path:
    with zipfile.ZipFile(EXAMPLE_XLSX) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            out.writestr(info, edit(data) if info.filename == part else data)
    return target


def test_workbook_and_relationships_read_as_before_are_kept_only_for_the_same_bytes(tmp_path):
    """workbook.xml and its relationships are kept by their bytes across a batch: a unit whose sheet is renamed,
    or whose two sheets' parts are swapped, is read by its own — before and after the example."""
    renamed = _edited(tmp_path / "renamed.xlsx", "xl/workbook.xml",
                      lambda d: d.replace('name="说明"'.encode(), 'name="说明2"'.encode()))
    with zipfile.ZipFile(EXAMPLE_XLSX) as z:
        book = fastxlsx.Book(EXAMPLE_XLSX, z)
        parts = {ws.title: ws.part.rsplit("/", 1)[1] for ws in book.worksheets}
    a, b = parts["表二"].encode(), parts["表三"].encode()
    swapped = _edited(tmp_path / "swapped.xlsx", "xl/_rels/workbook.xml.rels",
                      lambda d: d.replace(a, b"@").replace(b, a).replace(b"@", b))

    def read(path):
        book = fastxlsx.Book(path)
        try:
            return book.sheetnames, book["表二"].cell(1, 1).value, book["表三"].cell(1, 1).value
        finally:
            book.close()

    example = read(EXAMPLE_XLSX)
    for _ in range(2):
        assert "说明2" in read(renamed)[0] and "说明" not in read(renamed)[0]
        assert read(swapped)[1:] == example[:0:-1]          # 表二 reads 表三's part and the other way round
        assert read(EXAMPLE_XLSX) == example


def test_units_saved_with_the_cursor_elsewhere_share_a_shape():
    a = _with_texts("a", "1").replace(b"<sheetData>", b'<sheetViews><sheetView workbookViewId="0"><selection '
                                      b'activeCell="D7" sqref="D7 E9:F10"/></sheetView></sheetViews><sheetData>')
    b = a.replace(b'activeCell="D7" sqref="D7 E9:F10"', b'activeCell="$A$1" sqref="A1"')
    assert fastxlsx._cut_texts(a)[0] == fastxlsx._cut_texts(b)[0]
    inside = a.replace(b'<t>a</t>', b'<t>x activeCell="D7" y</t>')      # not before <sheetData>: a text, kept
    assert b'activeCell="D7" y' in fastxlsx._cut_texts(inside.replace(b"<t>x", "<t>中".encode()))[0]


VIEWS = st.lists(st.sampled_from([b" activeCell=", b" sqref=", b'"', b"D7", b" ", b":", b"$", b"<", b"/>", b">",
                                  b"a", b"=", b"&", b"'", b"selection", b"<selection"]), max_size=10)


@settings(max_examples=400, deadline=None)
@given(view=VIEWS)
@example(view=[b" activeCell=", b'"', b"<", b'"'])                       # '<' in a value: malformed, cut or not
@example(view=[b" activeCell=", b'"', b"D7", b'"', b" sqref=", b'"', b"D7", b'" a="', b'"'])
@example(view=[b" activeCell=", b'"', b"D7", b'" ', b'"', b'"'])
def test_a_shape_without_the_cursor_is_well_formed_exactly_when_its_part_is(view):
    part = _with_texts("a", "1").replace(b"<sheetData>", b"<sheetViews><sheetView><selection" + b"".join(view)
                                         + b"/></sheetView></sheetViews><sheetData>")
    assert fastxlsx._well_formed(part) == fastxlsx._well_formed(fastxlsx._cut_texts(part)[0])
