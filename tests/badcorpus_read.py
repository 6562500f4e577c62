"""Bad-input corpus cases (see tests/badcorpus.py for the Case shape): read side."""
from __future__ import annotations

from openpyxl.workbook.defined_name import DefinedName  # noqa: E402

from addin.format import layout  # noqa: E402

from .badcorpus import case, edited, example_copy, rezip, sheet_part, validate  # noqa: F401  # noqa: E402


def _hidden_copy_of_t3(wb):
    """A veryHidden copy of 表三 named '表三 ' with every nb_t3_* name pointed at it, the copy emptied."""
    copy = wb.copy_worksheet(wb["表三"])
    copy.title = "表三 "
    copy.sheet_state = "veryHidden"
    for (r, c), cell in list(copy._cells.items()):
        if isinstance(cell.value, (int, float)):
            cell.value = 0
    for name in list(wb.defined_names):
        if name.startswith("nb_t3_"):
            ref = wb.defined_names[name].attr_text.split("!")[1]
            wb.defined_names[name] = DefinedName(name, attr_text=f"'表三 '!{ref}")


@case("t3-hidden-copy", "深度隐藏的“表三 ”副本，nb_t3_* 定义名称指向它", 1, ["F9", "F10"],
      "数据格的定义名称指向工作表“表三 ”（深度隐藏")
def _(d):
    return validate(edited(d, _hidden_copy_of_t3))


@case("hidden-sheet", "工作簿含一个隐藏工作表（不被引用）", 0, ["F10"], "填报人和审核人看不到它")
def _(d):
    def fn(wb):
        wb.create_sheet("草稿").sheet_state = "hidden"
    return validate(edited(d, fn))


@case("lookalike-sheet", "另有名为“表 三”（多一个空格）的工作表", 1, ["F9"], "仅差空格、全半角或大小写")
def _(d):
    return validate(edited(d, lambda wb: wb.create_sheet("表 三")))


def _name_to(ref_of):
    def fn(wb):
        for name in list(wb.defined_names):
            el = layout.element_of_name(name)
            if el and el.startswith("text."):
                wb.defined_names[name] = DefinedName(name, attr_text=ref_of(wb.defined_names[name].attr_text))
                return
    return fn


@case("name-whole-rows", "定义名称指向整行（'总体情况'!$19:$19）", 0, [], "按模板位置读取")
def _(d):
    return validate(edited(d, _name_to(lambda t: t.split("!")[0] + "!$19:$19")))


@case("name-to-last-row", "文字块的定义名称延伸到第 1048576 行（盖住了后面的标题和文字）", 1, ["N6"],
      "只读实际存在的单元格；读到的别部分标题由 N6 指出")
def _(d):
    return validate(edited(d, _name_to(lambda t: t.split(":")[0] + ":$A$1048576")))


@case("number-not-ascii", "数字格写成 <v>１２</v>（全角数字，Excel 视为损坏）", 1, ["B4"], "不当作数字")
def _(d):
    src = example_copy(d, "src.xlsx")
    part = sheet_part("表三")

    def change(name, data):
        if name != part:
            return data
        import re
        return re.sub(rb'(<c r="D7"[^>]*>)<v>[^<]*</v>', "\\1<v>１２</v>".encode(), data, count=1)
    out = rezip(src, d / "年报.xlsx", change)
    src.unlink()
    return validate(out)


def with_big_hidden_sheet(d, rows: int, per_row: int = 100, name: str = "年报.xlsx"):
    """The example plus a veryHidden sheet “数据” of rows × per_row numbers (scripts/bench_hostile.py builds
    the same with 10 million cells)."""
    row = "".join(f'<c r="{layout.column_letter(c)}{{r}}"><v>1</v></c>' for c in range(1, per_row + 1))
    body = "".join(f'<row r="{r}">' + row.replace("{r}", str(r)) + "</row>" for r in range(1, rows + 1))
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             f'spreadsheetml/2006/main"><sheetData>{body}</sheetData></worksheet>').encode()
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

    def change(part, data):
        if part == "xl/workbook.xml":
            return data.replace(b"</sheets>", f'<sheet xmlns:r="{rel}" name="数据" sheetId="99" state="veryHidden" '
                                f'r:id="rId99"/></sheets>'.encode(), 1)
        if part == "xl/_rels/workbook.xml.rels":
            return data.replace(b"</Relationships>", f'<Relationship Id="rId99" Type="{rel}/worksheet" '
                                f'Target="worksheets/big.xml"/></Relationships>'.encode())
        if part == "[Content_Types].xml":
            return data.replace(b"</Types>", f'<Override PartName="/xl/worksheets/big.xml" ContentType="{ctype}"/>'
                                f'</Types>'.encode())
        return data
    src = example_copy(d, "src.xlsx")
    out = rezip(src, d / name, change, {"xl/worksheets/big.xml": sheet})
    src.unlink()
    return out


@case("annotate-huge-hidden-sheet", "标注：深度隐藏工作表“数据”含 12 万个有内容的单元格（格式不读它，也要计数）", 2,
      ["input.too_many_cells"], "工作表“数据”含超过 100000 个有内容的单元格")
def _(d):
    return ["validate", str(with_big_hidden_sheet(d, 1200)), "--annotate", "--json"]


def _write_at(*cells):
    def fn(wb):
        for sheet, ref, text in cells:
            wb[sheet][ref] = text
    return fn


@case("text-outside-blocks", "取消保护后，段落写在总体情况 A79（填写区下方）、B22、问题与改进 A36（两部分之间）", 1,
      ["F11"], "不在填写区内，不会进入导出的报告")
def _(d):
    return validate(edited(d, _write_at(("总体情况", "A79", "写在填写区下方的段落。"), ("总体情况", "B22", "补充。"),
                                        ("问题与改进", "A36", "两部分之间的段落。"))))


@case("explanation-outside-rows", "“说明”表第 204 行和 D 列写了说明（填写区 A3:C202 以外）", 1, ["F11"],
      "不在“说明”表的填写区内，不会被读取")
def _(d):
    return validate(edited(d, _write_at(("说明", "A204", "N2"), ("说明", "D3", "旁注"))))


@case("text-sheet-deleted", "“其他事项”工作表被删除", 1, ["F3"], "工作簿中没有“其他事项”工作表")
def _(d):
    return validate(edited(d, lambda wb: wb.remove(wb["其他事项"])))
