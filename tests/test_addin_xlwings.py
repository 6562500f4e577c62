"""The buttons' Python side (addin/xl.py, the xlwings backend) against an in-memory stand-in of xlwings.

The stand-in keeps its cells in an openpyxl workbook and behaves like Excel where it matters (a string
starting with '=' becomes a formula, a leading apostrophe marks text). Every method and property it offers
is checked to exist with the same signature on the installed xlwings classes, so a renamed or changed
xlwings API fails here, not in front of staff.
"""
from __future__ import annotations

import inspect
import shutil
from pathlib import Path

import openpyxl
import pytest
import xlwings
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from addin import xl
from addin.checks import validator
from addin.format import layout, printarea
from addin.io import live, reader
from addin.review import marks
from addin.review.backends import openpyxl_marks
from addin.review.backends.xlwings_marks import XlwingsBackend

from .helpers import EXAMPLE_XLSX, findings_of, make_bad, rgb


class FakeNote:
    def __init__(self, cell, sheet=None):
        self._cell, self._sheet = cell, sheet

    @property
    def location(self):
        return FakeRange(self._sheet, self._cell.row, self._cell.column)

    @property
    def text(self):
        return self._cell.comment.text

    @text.setter
    def text(self, value):
        self._cell.comment = Comment(value, "x")

    def delete(self):
        self._cell.comment = None


class FakeFont:
    def __init__(self, rng):
        self._rng = rng

    @property
    def bold(self):
        return None

    @bold.setter
    def bold(self, value):
        self._rng._log("bold", value)

    @property
    def size(self):
        return None

    @size.setter
    def size(self, value):
        self._rng._log("size", value)


class FakeRange:
    def __init__(self, sheet, r1, c1, r2=None, c2=None, ndim=None):
        self._sheet, self._r1, self._c1 = sheet, r1, c1
        self._r2, self._c2 = r2 or r1, c2 or c1
        self._ndim = ndim

    def _log(self, what, value):
        self._sheet._book._log.append((what, self._sheet.name, self._r1, self._c1, value))

    def _ws(self):
        return self._sheet._ws

    def options(self, convert=None, **options):
        return FakeRange(self._sheet, self._r1, self._c1, self._r2, self._c2, options.get("ndim"))

    @property
    def value(self):
        rows = [[self._ws().cell(r, c).value for c in range(self._c1, self._c2 + 1)]
                for r in range(self._r1, self._r2 + 1)]
        if self._ndim == 2:
            return rows
        return rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else rows

    @value.setter
    def value(self, data):
        rows = data if isinstance(data, list) and data and isinstance(data[0], list) else [[data]]
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                cell = self._ws().cell(self._r1 + i, self._c1 + j)
                if isinstance(v, str) and v.startswith("'"):
                    cell.value = v[1:]
                    cell.data_type = "s"
                else:
                    cell.value = v               # like Excel: '=…' becomes a formula
                    if isinstance(v, str) and v.startswith(("+", "-", "@")) and len(v) > 1:
                        cell.value = "=" + v.lstrip("+@")   # Excel would parse these as formulas too

    @property
    def formula(self):
        return self._ws().cell(self._r1, self._c1).value

    @formula.setter
    def formula(self, value):
        self._ws().cell(self._r1, self._c1).value = value

    @property
    def color(self):
        return rgb(self._ws().cell(self._r1, self._c1))

    @color.setter
    def color(self, color_or_rgb):
        for r in range(self._r1, self._r2 + 1):
            for c in range(self._c1, self._c2 + 1):
                v = color_or_rgb
                self._ws().cell(r, c).fill = (PatternFill(fill_type="solid", start_color=v[1:], end_color=v[1:])
                                              if v else PatternFill())

    @property
    def note(self):
        cell = self._ws().cell(self._r1, self._c1)
        return FakeNote(cell) if cell.comment is not None else None

    def add_note(self, text):
        assert self.note is None and text
        cell = self._ws().cell(self._r1, self._c1)
        cell.comment = Comment(text, "x")
        return FakeNote(cell)

    @property
    def last_cell(self):
        return FakeRange(self._sheet, self._r2, self._c2)

    @property
    def row(self):
        return self._r1

    @property
    def column(self):
        return self._c1

    @property
    def column_width(self):
        return None

    @column_width.setter
    def column_width(self, value):
        self._log("column_width", value)

    @property
    def row_height(self):
        return self._ws().row_dimensions[self._r1].height or 15.0     # Excel gives every row's height

    @row_height.setter
    def row_height(self, value):
        self._log("row_height", value)

    @property
    def wrap_text(self):
        return None

    @wrap_text.setter
    def wrap_text(self, value):
        self._log("wrap_text", value)

    @property
    def font(self):
        return FakeFont(self)

    @property
    def rows(self):
        return FakeRangeRows(self)


class FakeRangeRows:
    def __init__(self, rng):
        self._rng = rng

    def autofit(self):
        """Like Excel: each row as tall as its wrapped text in column A (our estimate stands in for Excel's)."""
        rng, ws = self._rng, self._rng._ws()
        rng._log("autofit", None)
        width = ws.column_dimensions["A"].width or 8.43
        for r in range(rng._r1, rng._r2 + 1):
            text = ws.cell(r, 1).value
            ws.row_dimensions[r].height = printarea.text_height(text, width) if text else None


class FakePageSetup:
    def __init__(self, sheet):
        self._sheet = sheet

    @property
    def print_area(self):
        return self._sheet._ws.print_area

    @print_area.setter
    def print_area(self, value):
        self._sheet._ws.print_area = value.split(",") if value else None


class FakeSheet:
    def __init__(self, book, ws):
        self._book, self._ws = book, ws

    @property
    def name(self):
        return self._ws.title

    def range(self, cell1, cell2=None):
        self._book.calls += 1            # every Range object is a round trip to Excel
        r2, c2 = cell2 if cell2 else (None, None)
        return FakeRange(self, cell1[0], cell1[1], r2, c2)

    @property
    def notes(self):
        return FakeNotes(self)

    @property
    def page_setup(self):
        return FakePageSetup(self)

    @property
    def used_range(self):
        return FakeRange(self, 1, 1, self._ws.max_row, self._ws.max_column)

    def delete(self):
        self._book._wb.remove(self._ws)

    def activate(self):
        self._book._active = self.name


class FakeNotes:
    def __init__(self, sheet):
        self._sheet = sheet

    def __iter__(self):
        cells = [c for row in self._sheet._ws.iter_rows() for c in row if c.comment is not None]
        self._sheet._book.calls += 1 + len(cells)    # the list, then each note
        return iter([FakeNote(c, self._sheet) for c in cells])


class FakeSheets:
    def __init__(self, book):
        self._book = book

    def __getitem__(self, key):
        wb = self._book._wb
        ws = wb.worksheets[key] if isinstance(key, int) else wb[key]
        return FakeSheet(self._book, ws)

    def __iter__(self):
        return iter([FakeSheet(self._book, ws) for ws in self._book._wb.worksheets])

    def __len__(self):
        return len(self._book._wb.worksheets)

    def add(self, name=None, before=None, after=None):
        index = self._book._wb.worksheets.index(before._ws) if before is not None else None
        return FakeSheet(self._book, self._book._wb.create_sheet(name, index))


class FakeName:
    def __init__(self, name, refers_to):
        self._name, self._refers_to = name, refers_to

    @property
    def name(self):
        return self._name

    @property
    def refers_to(self):
        return self._refers_to


class FakeBooks:
    def __init__(self, app):
        self._app = app

    def open(self, fullname=None):
        self._app.opened.append(fullname)


class FakeApp:
    def __init__(self, answer="yes"):
        self.alerts: list[tuple] = []
        self.opened: list[str] = []
        self.answer = answer

    def alert(self, prompt, title=None, buttons="ok", mode=None, callback=None):
        self.alerts.append((prompt, title, buttons, mode))
        return self.answer if buttons != "ok" else "ok"

    @property
    def books(self):
        return FakeBooks(self)


class FakeBook:
    def __init__(self, wb, fullname, app=None):
        self._wb, self._fullname, self._app = wb, fullname, app or FakeApp()
        self._log: list = []
        self.calls = 0
        self._active = None
        self.saved_to: list = []

    @property
    def sheets(self):
        return FakeSheets(self)

    @property
    def names(self):
        return [FakeName(n, "=" + dn.attr_text) for n, dn in self._wb.defined_names.items()]

    @property
    def fullname(self):
        return self._fullname

    @property
    def app(self):
        return self._app

    def save(self, path=None, password=None):
        self.saved_to.append(path)


REAL = {FakeBook: xlwings.Book, FakeSheet: xlwings.Sheet, FakeRange: xlwings.Range, FakeNote: xlwings.main.Note,
        FakeApp: xlwings.App, FakeSheets: xlwings.main.Sheets, FakeName: xlwings.main.Name,
        FakeBooks: xlwings.main.Books, FakeFont: xlwings.main.Font, FakeNotes: xlwings.main.Notes,
        FakeRangeRows: xlwings.main.RangeRows, FakePageSetup: xlwings.main.PageSetup}


@pytest.mark.parametrize("fake", list(REAL), ids=lambda c: c.__name__)
def test_stand_in_has_the_real_xlwings_names_and_signatures(fake):
    real = REAL[fake]
    for name, attr in vars(fake).items():
        if name.startswith("_") and name not in ("__getitem__", "__iter__", "__len__"):
            continue
        assert hasattr(real, name), f"xlwings.{real.__name__} has no {name}"
        real_attr = inspect.getattr_static(real, name)
        if isinstance(attr, property):
            assert isinstance(real_attr, property), f"{real.__name__}.{name} is not a property"
            if attr.fset is not None:
                assert real_attr.fset is not None, f"{real.__name__}.{name} cannot be set"
            continue
        fake_params = list(inspect.signature(attr).parameters.values())
        real_params = list(inspect.signature(real_attr).parameters.values())
        names = [p.name for p in fake_params]
        assert names == [p.name for p in real_params][: len(names)], f"{real.__name__}.{name}{inspect.signature(real_attr)}"
        for p in real_params[len(names):]:
            assert p.default is not inspect.Parameter.empty or p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL), \
                f"{real.__name__}.{name} needs {p.name}"
    assert isinstance(inspect.getattr_static(xlwings.Book, "caller"), classmethod)


def _book(path: Path, app=None) -> FakeBook:
    return FakeBook(openpyxl.load_workbook(path), str(path), app)


def test_live_book_reads_to_the_same_document_as_the_file(tmp_path):
    src = make_bad(tmp_path)
    from_file = reader.read(src)
    from_book = live.read(XlwingsBackend(_book(src)), src)
    assert from_book.document == from_file.document
    a = validator.validate(from_file.document, from_file.locate, extra=from_file.findings)
    b = validator.validate(from_book.document, from_book.locate, extra=from_book.findings)
    assert [x.to_dict() for x in a] == [x.to_dict() for x in b]


def _marks_of(wb):
    out = {}
    for ws in wb.worksheets:
        if ws.title == marks.RESULTS_SHEET:
            continue
        for row in ws.iter_rows():
            for c in row:
                out[(ws.title, c.coordinate)] = (rgb(c), None if c.comment is None else c.comment.text)
    return out


def test_validate_button_gives_the_same_marks_as_annotate(tmp_path):
    src = make_bad(tmp_path)
    book = _book(src)
    xl.validate(book)
    prompt, title, buttons, mode = book.app.alerts[-1]
    assert title == "年报" and "错误" in prompt and marks.RESULTS_SHEET in prompt and mode == "info"
    annotated = openpyxl.load_workbook(openpyxl_marks.annotate_file(src, findings_of(src)))
    assert _marks_of(book._wb) == _marks_of(annotated)
    live_rows = [[c.value for c in r] for r in book._wb[marks.RESULTS_SHEET].iter_rows(max_col=len(marks.COLUMNS))]
    file_rows = [[c.value for c in r] for r in annotated[marks.RESULTS_SHEET].iter_rows(max_col=len(marks.COLUMNS))]
    link = marks.COL["单元格"] - 1
    for a, b in zip(live_rows, file_rows):
        if isinstance(a[link], str) and a[link].startswith("=HYPERLINK("):
            assert f'"{b[link]}")' in a[link]          # same text; Excel's HYPERLINK instead of a stored link
            a[link] = b[link]
    assert live_rows == file_rows
    assert book._wb.sheetnames[0] == marks.RESULTS_SHEET and book._active == marks.RESULTS_SHEET


def test_links_in_excel_point_at_the_cells(tmp_path):
    src = make_bad(tmp_path)
    book = _book(src)
    xl.validate(book)
    ws = book._wb[marks.RESULTS_SHEET]
    formulas = [ws.cell(r, marks.COL["单元格"]).value for r in range(marks.FIRST_ROW, ws.max_row + 1)]
    assert '=HYPERLINK("#\'表三\'!D7","表三!D7, D8, D30, D31")' in formulas


def test_clear_button_restores_fills_and_removes_notes(tmp_path):
    src = make_bad(tmp_path)
    book = _book(src)
    xl.validate(book)
    xl.clear(book)
    original = openpyxl.load_workbook(src)
    assert book._wb.sheetnames == original.sheetnames
    assert _marks_of(book._wb) == _marks_of(original)
    assert "已清除" in book.app.alerts[-1][0]
    xl.clear(book)
    assert "没有校验标记" in book.app.alerts[-1][0]


def test_explanation_typed_in_excel_is_moved_to_the_explain_sheet(tmp_path):
    src = make_bad(tmp_path, keep_explanations=False)
    book = _book(src)
    xl.validate(book)
    ws = book._wb[marks.RESULTS_SHEET]
    r = next(r for r in range(marks.FIRST_ROW, ws.max_row + 1) if ws.cell(r, 1).value == "需说明")
    rule, target = ws.cell(r, marks.COL["规则"]).value, ws.cell(r, marks.COL["对象"]).value
    FakeSheet(book, ws).range((r, marks.COL[marks.EXPLAIN_HEADER])).value = "'=按原文发布"   # typed as text
    xl.validate(book)
    assert "已说明 1 项" in book.app.alerts[-1][0]
    r1, _ = layout.load().explain_rows
    ex = book._wb[layout.EXPLAIN_SHEET]
    assert (ex.cell(r1, 1).value, ex.cell(r1, 2).value, ex.cell(r1, 3).value) == (rule, target, "=按原文发布")
    assert ex.cell(r1, 3).data_type == "s"             # written with Excel's text marker, not as a formula


def test_text_starting_like_a_formula_reaches_excel_as_text(tmp_path):
    src = make_bad(tmp_path)
    book = _book(src)
    backend = XlwingsBackend(book)
    for i, bad in enumerate(["=1+1", "+1", "-1", "@A1", "ok"], start=1):
        backend.set_text(layout.EXPLAIN_SHEET, 10 + i, 3, bad)
        cell = book._wb[layout.EXPLAIN_SHEET].cell(10 + i, 3)
        assert cell.value == bad and cell.data_type == "s"


def test_errors_end_in_a_chinese_message_box_never_a_traceback(tmp_path):
    class Broken(FakeBook):
        @property
        def sheets(self):
            raise RuntimeError("COM went away")

    book = Broken(openpyxl.Workbook(), str(tmp_path / "x.xlsx"))
    xl.validate(book)                                   # no exception escapes
    prompt, title, _, mode = book.app.alerts[-1]
    assert prompt.startswith("内部错误") and mode == "critical" and "Traceback" not in prompt

    from addin.errors import UserError

    def refuse(b):
        raise UserError("请先关闭文件。")

    book2 = _book(make_bad(tmp_path))
    xl._main(refuse, book2)
    assert book2.app.alerts[-1][0] == "请先关闭文件。" and book2.app.alerts[-1][3] == "critical"


def test_export_asks_an_unsaved_book_to_be_saved_first(tmp_path, monkeypatch):
    book = FakeBook(openpyxl.Workbook(), "工作簿1")
    xl.export(book)
    assert "尚未保存" in book.app.alerts[-1][0] and not book.saved_to
    calls = []
    monkeypatch.setattr(xl, "run_export", lambda path: calls.append(path) or (0, "已导出报告。"))
    src = make_bad(tmp_path)
    no = _book(src, FakeApp(answer="no"))
    xl.export(no)
    assert no.app.alerts[-1][2] == "yes_no" and not no.saved_to and not calls
    yes = _book(src)
    xl.export(yes)
    assert yes.saved_to == [None] and calls == [src] and yes.app.alerts[-1][0] == "已导出报告。"


def test_export_runs_the_export_function(tmp_path):
    src = make_bad(tmp_path)
    code, text = xl.run_export(src)
    assert code == 1 and "未导出报告" in text and not list(tmp_path.glob("*.docx"))
    good = tmp_path / "good.xlsx"
    shutil.copyfile(EXAMPLE_XLSX, good)
    code, text = xl.run_export(good)
    assert code == 0 and "已导出报告" in text and (tmp_path / "good.docx").is_file()
    code, text = xl.run_export(good)                    # our untouched outputs: exported again, and said
    assert code == 0 and "替换了本工具此前导出" in text
    (tmp_path / "good.html").write_text("在网页编辑器里改过", encoding="utf-8")   # newer than the workbook, edited
    before = (tmp_path / "good.html").read_bytes()
    code, text = xl.run_export(good)
    assert code == 2 and "--force" in text and (tmp_path / "good.html").read_bytes() == before


def test_rules_and_new_template(tmp_path, monkeypatch):
    src = make_bad(tmp_path)
    book = _book(src)
    xl.rules(book)
    assert book._active == layout.RULES_SHEET
    bare = FakeBook(openpyxl.Workbook(), str(tmp_path / "other.xlsx"))
    xl.rules(bare)
    assert "新建模板" in bare.app.alerts[-1][0]
    monkeypatch.setattr(Path, "home", lambda: tmp_path)
    (tmp_path / "Documents").mkdir()
    xl.new_template(book)
    xl.new_template(book)
    assert [Path(p).name for p in book.app.opened] == ["年报模板-2021版.xlsx", "年报模板-2021版（2）.xlsx"]
    assert all(Path(p).is_file() for p in book.app.opened)


def test_clear_button_makes_one_call_per_rectangle_not_per_address(tmp_path):
    """A hand-made 校验结果 listing 10,000 addresses (a 100 × 100 block of 表三): 清除标记 restores every cell's
    template fill in one call per rectangle of equal fill, finds notes from the sheet's note list, removes
    only ours and leaves the staff's own note."""
    src = make_bad(tmp_path)
    book = _book(src)
    xl.validate(book)
    ws = book._wb[marks.RESULTS_SHEET]
    col = marks.COL["标记格"]
    for r in range(100):
        ws.cell(marks.FIRST_ROW + r, col).value = " ".join(f"表三!{layout.ref(r + 1, c + 1)}" for c in range(100))
    t3 = book._wb["表三"]
    t3.cell(2, 2).comment = Comment(marks.NOTE_TAG + "\n旧标记", "x")
    t3.cell(3, 3).comment = Comment("工作人员自己的批注", "x")
    for r in range(1, 101):
        for c in range(1, 101):
            t3.cell(r, c).fill = PatternFill(fill_type="solid", start_color="FF0000", end_color="FF0000")
    assert len(marks.marked_cells(XlwingsBackend(book))) == 10000
    fills = {(r, c): marks.restore_fill("表三", r, c) for r in range(1, 101) for c in range(1, 101)}
    rects = sum(len(layout.cover({k for k, v in fills.items() if v == rgb})) for rgb in set(fills.values()))
    book.calls = 0
    xl.clear(book)
    notes = 3      # the staff's note, our note, and the one more removed call
    assert rects < 1000 and book.calls <= rects + notes + 20, (book.calls, rects)
    assert {(r, c): rgb(t3.cell(r, c)) for r in range(1, 101) for c in range(1, 101)} == \
        {k: v and v.upper() for k, v in fills.items()}
    assert t3.cell(2, 2).comment is None and t3.cell(3, 3).comment.text == "工作人员自己的批注"
    assert "10000" in book.app.alerts[-1][0]


def test_fill_rectangles_cover_exactly_the_cells():
    cells = {(1, 1), (1, 2), (2, 1), (2, 2), (5, 3), (7, 1), (7, 2)}
    rects = layout.cover(cells)
    covered = [(r, c) for r1, c1, r2, c2 in rects for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]
    assert sorted(covered) == sorted(cells) and len(rects) == 3


def test_validate_button_resets_the_print_areas_as_annotate_does(tmp_path):
    """A paragraph typed in Excel below 总体情况's print area: after 校验 the sheet prints it, the same print
    areas as `validate --annotate` gives the file, and the typed row is fitted by Excel (autofit)."""
    src = tmp_path / "年报.xlsx"
    shutil.copy(EXAMPLE_XLSX, src)
    wb = openpyxl.load_workbook(src)
    old_end = int(wb["总体情况"].print_area.split("$")[-1])
    wb["总体情况"].cell(old_end + 1, 1).value = "补充一段。" * 40
    wb.save(src)
    book = _book(src)
    xl.validate(book)
    annotated = openpyxl.load_workbook(openpyxl_marks.annotate_file(src, findings_of(src)))
    for sheet in printarea.writing_sheets():
        assert book._wb[sheet].print_area == annotated[sheet].print_area, sheet
    assert book._wb["总体情况"].print_area.endswith(f"${old_end + 1 + printarea.BLANK_AFTER}")
    assert ("autofit", "总体情况", old_end + 1, 1, None) in book._log
