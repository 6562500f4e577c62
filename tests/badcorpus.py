"""The bad-input corpus: malformed and hostile files, each with the outcome it must get.

Every case builds its input in a folder (large and binary files are generated here rather than kept in
the repository) and names the command, the exit code and what must be said: the message id of a
refusal (exit 2) or the rule ids that must be among the findings (exit 0/1). `tests/test_bad_input.py`
runs them all; `python scripts/bad_input_doc.py` writes the table into docs/bad-input.md.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import openpyxl

from addin.format import layout
from addin.io import template

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_XLSX = ROOT / "examples" / "zhongwei-ports-office-2022.xlsx"
EXAMPLE_JSON = ROOT / "examples" / "zhongwei-ports-office-2022.json"


@dataclass
class Case:
    id: str
    what: str                          # 中文：什么样的输入
    build: Callable[[Path], list[str]]  # makes the input in a folder, returns the command line after `nianbao`
    exit: int
    expect: list[str] = field(default_factory=list)   # message id (exit 2) or rule ids among the findings
    said: str = ""                     # 中文：用户看到的要点


CASES: list[Case] = []


def case(id, what, exit, expect=(), said=""):
    def deco(fn):
        CASES.append(Case(id, what, fn, exit, list(expect), said))
        return fn
    return deco


# --- helpers ------------------------------------------------------------------------------------

def example_copy(d: Path, name: str = "年报.xlsx") -> Path:
    p = d / name
    shutil.copyfile(EXAMPLE_XLSX, p)
    return p


def edited(d: Path, fn, name: str = "年报.xlsx") -> Path:
    p = example_copy(d, name)
    wb = openpyxl.load_workbook(p)
    fn(wb)
    wb.save(p)
    return p


def set_cell(element: str, value):
    def fn(wb):
        sheet, ref = layout.load().sheet_and_ref(element)
        wb[sheet][ref] = value
    return fn


def rezip(src: Path, dst: Path, change: Callable[[str, bytes], bytes | None], extra: dict | None = None) -> Path:
    """Copy a zip member by member; `change` may rewrite (or drop, returning None) a member."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info.filename))
            if data is not None:
                zout.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return dst


def sheet_part(name: str) -> str:
    """The zip member of a sheet of the example (by its title)."""
    wb = openpyxl.load_workbook(EXAMPLE_XLSX)
    return f"xl/worksheets/sheet{wb.sheetnames.index(name) + 1}.xml"


def without_declaration(xml: bytes) -> bytes:
    return xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml


def validate(p: Path) -> list[str]:
    return ["validate", str(p), "--json"]


def example_doc() -> dict:
    return json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))


def fill_json(d: Path, doc, raw: bytes | None = None) -> list[str]:
    p = d / "doc.json"
    p.write_bytes(raw if raw is not None else json.dumps(doc, ensure_ascii=False).encode("utf-8"))
    return ["fill", str(p), "-o", str(d / "out.xlsx")]


# --- not a workbook -----------------------------------------------------------------------------

@case("empty", "空文件（0 字节）", 2, ["input.empty"], "是空的")
def _(d):
    (d / "a.xlsx").write_bytes(b"")
    return validate(d / "a.xlsx")


@case("random-bytes", "随机字节", 2, ["input.not_xlsx"], "不是 .xlsx 工作簿")
def _(d):
    (d / "a.xlsx").write_bytes(random.Random(1).randbytes(4096))
    return validate(d / "a.xlsx")


@case("csv-renamed", "CSV（GBK 编码）改名为 .xlsx", 2, ["input.not_xlsx"], "可能是 CSV、文本")
def _(d):
    (d / "a.xlsx").write_bytes("机关,年度\n某局,2025\n".encode("gbk"))
    return validate(d / "a.xlsx")


@case("text-renamed", "UTF-8 文本改名为 .xlsx", 2, ["input.not_xlsx"], "不是 .xlsx 工作簿")
def _(d):
    (d / "a.xlsx").write_text("一、总体情况\n……", encoding="utf-8")
    return validate(d / "a.xlsx")


@case("docx-renamed", "Word 文档（.docx）改名为 .xlsx", 2, ["input.docx"], "是 Word 文档")
def _(d):
    import docx
    docx.Document().save(d / "a.xlsx")
    return validate(d / "a.xlsx")


@case("xls-renamed", "旧版二进制 .xls", 2, ["input.xls"], "另存为“Excel 工作簿（*.xlsx）”")
def _(d):
    (d / "a.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4088)
    return validate(d / "a.xlsx")


@case("encrypted", "受密码保护（加密）的工作簿", 2, ["input.encrypted"], "取消“用密码进行加密”")
def _(d):
    import msoffcrypto.format.ooxml as ooxml
    out = d / "a.xlsx"
    with EXAMPLE_XLSX.open("rb") as src, out.open("wb") as dst:
        ooxml.OOXMLFile(src).encrypt("123456", dst)
    return validate(out)


@case("ods-renamed", "OpenDocument 表格（.ods）改名为 .xlsx", 2, ["input.ods"], "另存为“Excel 2007-365 (.xlsx)”")
def _(d):
    with zipfile.ZipFile(d / "a.xlsx", "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    return validate(d / "a.xlsx")


@case("truncated-zip", "截断的工作簿（只有前 60%）", 2, ["input.corrupt"], "已损坏")
def _(d):
    data = EXAMPLE_XLSX.read_bytes()
    (d / "a.xlsx").write_bytes(data[: len(data) * 6 // 10])
    return validate(d / "a.xlsx")


def damaged_member(path: Path, part: str, at: int) -> Path:
    """`path` with 64 bytes of one member's deflate stream flipped, `at` bytes into it (negative: from its end)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(part)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    at = at if at >= 0 else info.compress_size + at
    for i in range(start + at, start + at + 64):
        data[i] ^= 0x55
    path.write_bytes(bytes(data))
    return path


@case("deflate-damaged", "一个部件的压缩数据损坏（检查时读到的开头）", 2, ["input.corrupt"], "已损坏")
def _(d):
    return validate(damaged_member(example_copy(d), "xl/styles.xml", 100))


@case("deflate-damaged-late", "正文部件的压缩数据在 4 KB 之后才损坏（读取整张表时才遇到）", 2, ["input.corrupt"],
      "已损坏")
def _(d):
    rng = random.Random(7)

    def fn(wb):                  # text that compresses badly: the sheet's stream runs well past its first 4 KB
        b = layout.load().blocks["overview"]
        for r in range(b.first_row, b.last_row + 1):
            wb[b.sheet].cell(r, b.col).value = "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(60))
    path = edited(d, fn)
    from addin.io import fastxlsx

    book = fastxlsx.Book(path)
    part = book[layout.load().blocks["overview"].sheet].part
    book.close()
    with zipfile.ZipFile(path) as z:
        assert z.getinfo(part).compress_size > 8192
    return validate(damaged_member(path, part, -200))


@case("zip-no-workbook", "普通压缩包改名为 .xlsx", 2, ["input.not_workbook"], "不含 Excel 工作簿的内容")
def _(d):
    with zipfile.ZipFile(d / "a.xlsx", "w") as z:
        z.writestr("readme.txt", "hello")
    return validate(d / "a.xlsx")


@case("zip-parts-missing", "工作簿缺少 workbook 部件", 2, ["input.not_workbook"], "不含 Excel 工作簿的内容")
def _(d):
    rezip(EXAMPLE_XLSX, d / "a.xlsx", lambda n, b: None if n == "xl/workbook.xml" else b)
    return validate(d / "a.xlsx")


@case("sheet-part-missing", "工作簿缺少“表三”的工作表部件", 1, ["F3"], "找不到数据格")
def _(d):
    part = sheet_part("表三")
    rezip(EXAMPLE_XLSX, d / "a.xlsx", lambda n, b: None if n == part else b)
    return validate(d / "a.xlsx")


@case("strict-ooxml", "Strict Open XML 格式", 2, ["input.strict"], "Strict Open XML")
def _(d):
    rezip(EXAMPLE_XLSX, d / "a.xlsx", lambda n, b: b.replace(
        b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        b"http://purl.oclc.org/ooxml/spreadsheetml/main") if n == "xl/workbook.xml" else b)
    return validate(d / "a.xlsx")


@case("billion-laughs", "XML 实体扩展攻击（billion laughs）", 2, ["input.unsafe_xml"], "不安全的 XML")
def _(d):
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
            + b"]>")
    rezip(EXAMPLE_XLSX, d / "a.xlsx", lambda n, b: bomb + without_declaration(b).replace(
        b"</workbook>", b"<x>&lol9;</x></workbook>") if n == "xl/workbook.xml" else b)
    return validate(d / "a.xlsx")


@case("external-entity", "XML 外部实体（读取本机文件）", 2, ["input.unsafe_xml"], "不安全的 XML")
def _(d):
    xxe = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    part = sheet_part("基本信息")
    rezip(EXAMPLE_XLSX, d / "a.xlsx", lambda n, b: xxe + without_declaration(b) if n == part else b)
    return validate(d / "a.xlsx")


@case("late-doctype", "XML 文档类型声明藏在 6 KB 注释之后", 2, ["input.unsafe_xml"], "不安全的 XML")
def _(d):
    late = b'<?xml version="1.0"?><!--' + b"x" * 6000 + b'--><!DOCTYPE x [<!ENTITY a "aaaa">]>'
    rezip(EXAMPLE_XLSX, d / "a.xlsx", lambda n, b: late + without_declaration(b) if n == "xl/workbook.xml" else b)
    return validate(d / "a.xlsx")


@case("zip-bomb-declared", "压缩包声明的解压大小巨大（约 4 GB）", 2, ["input.zip_bomb"], "压缩炸弹")
def _(d):
    p = example_copy(d, "a.xlsx")
    data = bytearray(p.read_bytes())
    cd = data.find(b"PK\x01\x02")                     # first central directory entry
    data[cd + 24: cd + 28] = (0xFFFFFFF0).to_bytes(4, "little")
    p.write_bytes(bytes(data))
    return validate(p)


@case("zip-bomb-real", "真实的压缩炸弹（一个部件解压 120 MB）", 2, ["input.zip_bomb"], "压缩炸弹")
def _(d):
    rezip(EXAMPLE_XLSX, d / "a.xlsx", lambda n, b: b, extra={"xl/media/pad.bin": b" " * (120 * 1024 * 1024)})
    return validate(d / "a.xlsx")


@case("too-many-parts", "压缩包含 2500 个部件", 2, ["input.too_many_parts"], "部件")
def _(d):
    rezip(EXAMPLE_XLSX, d / "a.xlsx", lambda n, b: b, extra={f"xl/x/{i}.xml": b"<a/>" for i in range(2500)})
    return validate(d / "a.xlsx")


@case("too-large", "文件大于 50 MB", 2, ["input.too_large"], "过大")
def _(d):
    p = d / "a.xlsx"
    with p.open("wb") as fh:
        fh.write(b"PK\x03\x04")
        fh.truncate(51 * 1024 * 1024)                 # sparse: cheap to make
    return validate(p)


@case("missing-file", "文件不存在", 2, ["input.missing"], "找不到文件")
def _(d):
    return validate(d / "没有这个文件.xlsx")


@case("directory", "给出的是空文件夹（名字像 .xlsx）", 2, ["input.empty_folder"], "没有找到 .xlsx 工作簿")
def _(d):
    (d / "a.xlsx").mkdir()
    return validate(d / "a.xlsx")


@case("dump-directory", "dump 给出的是文件夹", 2, ["input.not_file"], "不是文件")
def _(d):
    (d / "a.xlsx").mkdir()
    return ["dump", str(d / "a.xlsx")]


@case("chinese-path", "路径含空格和中文", 0, ["N2"], "正常校验")
def _(d):
    folder = d / "年报 材料（2022）"
    folder.mkdir()
    return validate(example_copy(folder, "中卫 口岸办 定稿.xlsx"))


@case("xlsm-macros", "带宏的 .xlsm（含 vbaProject.bin）", 0, ["N2"], "正常校验，宏不会运行")
def _(d):
    def change(n, b):
        if n == "[Content_Types].xml":
            return b.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                             b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
        return b
    rezip(EXAMPLE_XLSX, d / "a.xlsm", change, extra={"xl/vbaProject.bin": random.Random(2).randbytes(2048)})
    return validate(d / "a.xlsm")


# --- structure changed --------------------------------------------------------------------------

@case("sheet-renamed", "工作表“表三”被改名", 0, ["F7"], "按官方标签定位，提示核对")
def _(d):
    return validate(edited(d, lambda wb: setattr(wb["表三"], "title", "Sheet3")))


@case("sheet-deleted", "工作表“表四”被删除", 1, ["F3"], "找不到 15 个数据格")
def _(d):
    return validate(edited(d, lambda wb: wb.remove(wb["表四"])))


@case("chartsheet", "“表三”被换成同名的空图表工作表", 2, ["input.corrupt"], "已损坏")
def _(d):
    def fn(wb):
        i = wb.sheetnames.index("表三")
        wb.remove(wb["表三"])
        wb.create_chartsheet("表三", i)
    return validate(edited(d, fn))


@case("sheets-reordered", "工作表顺序被调整", 0, ["N2"], "不影响")
def _(d):
    return validate(edited(d, lambda wb: wb.move_sheet("表四", offset=-5)))


@case("names-deleted", "定义名称全部被删除", 0, ["F7"], "按官方标签定位")
def _(d):
    def fn(wb):
        for name in list(wb.defined_names):
            del wb.defined_names[name]
    return validate(edited(d, fn))


@case("name-elsewhere", "定义名称指向别处（标签格）", 1, ["B4"], "读到的是文字")
def _(d):
    def fn(wb):
        wb.defined_names[layout.defined_name("t3.R01.C1")].attr_text = "'表三'!$A$7"
    return validate(edited(d, fn))


@case("name-ref-error", "定义名称失效（#REF!）", 0, ["F7"], "按官方标签定位")
def _(d):
    def fn(wb):
        wb.defined_names[layout.defined_name("t3.R01.C1")].attr_text = "#REF!"
    return validate(edited(d, fn))


@case("data-cells-merged", "数据格被合并（D7:E7）", 1, ["F4"], "格为空")
def _(d):
    return validate(edited(d, lambda wb: wb["表三"].merge_cells("D7:E7")))


@case("merges-overlapping", "标注：数据格被重叠合并（D7:E7 与 E7:F7）", 1, ["F4"], "不崩溃，照常标注")
def _(d):
    def fn(wb):
        wb["表三"].merge_cells("D7:E7")
        wb["表三"].merge_cells("E7:F7")
    return ["validate", str(edited(d, fn)), "--annotate", "--json"]


@case("far-away-cell", "没有定义名称，且在 XFD1048576 格写了字（巨大的工作表范围）", 0, ["F7"], "不会卡住")
def _(d):
    def fn(wb):
        for name in list(wb.defined_names):
            del wb.defined_names[name]
        wb["表三"]["XFD1048576"] = "x"
    return validate(edited(d, fn))


@case("header-unmerged", "表头合并被取消", 0, ["N2"], "不影响")
def _(d):
    return validate(edited(d, lambda wb: wb["表三"].unmerge_cells("D4:J4")))


@case("label-altered", "行标签被改动", 1, ["F2"], "官方格式为")
def _(d):
    span = next(s for s in layout.load().spans if s.text == "2.重复申请")
    return validate(edited(d, lambda wb: setattr(wb[span.sheet].cell(span.row1, span.col1), "value", "2.重复的申请")))


@case("label-2019", "行标签用了 2019 年的“规范性文件”", 1, ["F1"], "2019 年试行格式")
def _(d):
    span = next(s for s in layout.load().spans if s.text == "行政规范性文件")
    return validate(edited(d, lambda wb: setattr(wb[span.sheet].cell(span.row1, span.col1), "value", "规范性文件")))


@case("trial-2019", "整本 2019 年试行格式的工作簿", 1, ["F1", "F3"], "2019 年试行格式")
def _(d):
    from .helpers import trial_workbook
    wb, _, _ = trial_workbook()
    wb.save(d / "a.xlsx")
    return validate(d / "a.xlsx")


@case("future-version", "更新版本（2030 版）的模板", 2, ["input.version"], "请升级 nianbao")
def _(d):
    def fn(wb):
        wb.defined_names[layout.VERSION_NAME].attr_text = '"2030"'
    return validate(edited(d, fn))


@case("xlwings-conf-sheet", "含 xlwings.conf 工作表（可改变加载项运行的程序）", 1, ["F6"], "删除该工作表")
def _(d):
    return validate(edited(d, lambda wb: wb.create_sheet("xlwings.conf").append(["INTERPRETER_WIN", r"C:\x.exe"])))


@case("blank-template", "空白模板（什么都没填）", 1, ["F4", "N1", "N3", "N4", "N5", "S2"], "逐项列出")
def _(d):
    template.write(d / "a.xlsx")
    return validate(d / "a.xlsx")


@case("other-xlsx", "其他工作簿（工资表）", 2, ["input.not_template"], "不是年报工作簿")
def _(d):
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "工资"])
    wb.save(d / "a.xlsx")
    return validate(d / "a.xlsx")


# --- bad cell values ----------------------------------------------------------------------------

BAD_VALUES = [
    ("text", "文字 abc", "abc"), ("unit", "带单位“3件”", "3件"), ("fullwidth", "全角数字“１２”", "１２"),
    ("dash", "“—”", "—"), ("slash", "“/”", "/"), ("spaces", "“ 5 ”（带空格的文本）", " 5 "),
    ("bool", "逻辑值 TRUE", True), ("date", "日期", dt.datetime(2025, 1, 1)), ("formula", "公式（无计算结果）", "=1+1"),
    ("ref-error", "错误值 #REF!", "#REF!"), ("div0", "错误值 #DIV/0!", "#DIV/0!"), ("huge", "1e308", 1e308),
    ("negative", "负数 -5", -5), ("decimal", "小数 2.5", 2.5), ("long-text", "32000 字的文字", "字" * 32000),
    ("control-chars", "含制表符和零宽字符", "\t3\u200b"),
]
for _key, _what, _value in BAD_VALUES:
    case(f"cell-{_key}", f"件数格填了{_what}", 1, ["B4"], "在该单元格指出并说明改法")(
        lambda d, v=_value: validate(edited(d, set_cell("t3.R05.C1", v))))


@case("cell-formula-cached", "件数格是公式，带 Excel 计算结果", 0, ["N2"], "使用计算结果，照常核对")
def _(d):
    sheet, ref = layout.load().sheet_and_ref("t3.R05.C1")
    part = sheet_part(sheet)

    def change(n, b):
        if n != part:
            return b
        start = b.index(f'<c r="{ref}"'.encode())
        end = b.index(b"</c>", start) + 4
        return b[:start] + f'<c r="{ref}"><f>0*1</f><v>0</v></c>'.encode() + b[end:]
    rezip(EXAMPLE_XLSX, d / "a.xlsx", change)
    return validate(d / "a.xlsx")


@case("amount-precision", "收费金额超过 4 位小数", 1, ["S1"], "超过 4 位小数")
def _(d):
    return validate(edited(d, set_cell("t2.fees.amount", 1.23456)))


@case("amount-yuan", "收费金额疑似把元填成万元", 0, ["F5"], "请确认单位")
def _(d):
    return validate(edited(d, set_cell("t2.fees.amount", 123456.78)))


@case("narrative-too-long", "总体情况超过容量上限", 1, ["S3"], "文字过长")
def _(d):
    def fn(wb):
        b = layout.load().blocks["overview"]
        for r in range(b.first_row, b.last_row + 1):
            wb[b.sheet].cell(r, b.col).value = "字" * 500
    return validate(edited(d, fn))


# --- JSON documents for fill ----------------------------------------------------------------------

def _json_case(id, what, mutate, code="json.schema", said="不符合格式"):
    def build(d):
        doc = example_doc()
        mutate(doc)
        return fill_json(d, doc)
    CASES.append(Case(id, what, build, 2, [code], said))


_json_case("json-missing-cells", "数据文档缺少 cells", lambda doc: doc.pop("cells"))
_json_case("json-extra-key", "数据文档有格式之外的项目", lambda doc: doc.update(extra=1))
_json_case("json-unknown-cell", "数据文档有不存在的单元格编号", lambda doc: doc["cells"].update({"t3.R99.C1": 0}))
_json_case("json-cell-text", "件数为文字“三件”", lambda doc: doc["cells"].update({"t3.R01.C1": "三件"}))
_json_case("json-negative", "件数为负数", lambda doc: doc["cells"].update({"t4.review.total": -1}))
_json_case("json-decimal", "件数为小数", lambda doc: doc["cells"].update({"t4.review.total": 1.5}))
_json_case("json-amount-precision", "金额 5 位小数", lambda doc: doc["cells"].update({"t2.fees.amount": 0.00001}))
_json_case("json-format-2019", "format 为 2019", lambda doc: doc.update(format="2019"))
_json_case("json-text-too-long", "文字超过上限", lambda doc: doc["texts"].update(problems="字" * 10001))
_json_case("json-year-text", "报告年度为文字", lambda doc: doc["organ"].update(year="二〇二五"))
_json_case("json-year-range", "报告年度为 2019", lambda doc: doc["organ"].update(year=2019))
_json_case("json-enum", "机关层级不在可选范围", lambda doc: doc["organ"].update(level="科级"))
_json_case("json-explanations", "说明多于 200 条", lambda doc: doc.update(
    explanations=[{"rule": "N2", "target": "", "text": "x"}] * 201))
_json_case("json-explanation-shape", "说明缺少字段", lambda doc: doc.update(explanations=[{"rule": "N2"}]))


@case("json-invalid", "不是有效的 JSON", 2, ["json.invalid"], "不是有效的 JSON")
def _(d):
    return fill_json(d, None, b'{"format": "2021",')


@case("json-gbk", "GBK 编码的 JSON", 2, ["json.encoding"], "不是 UTF-8")
def _(d):
    return fill_json(d, None, json.dumps({"机关": "某局"}, ensure_ascii=False).encode("gbk"))


@case("json-array", "顶层是数组", 2, ["json.not_object"], "顶层应为对象")
def _(d):
    return fill_json(d, [1, 2])


@case("json-deep", "嵌套极深的 JSON", 2, ["json.invalid"], "嵌套过深")
def _(d):
    return fill_json(d, None, b"[" * 200000 + b"]" * 200000)


@case("json-too-large", "大于 20 MB 的 JSON", 2, ["json.too_large"], "过大")
def _(d):
    return fill_json(d, None, b'{"x": "' + b"a" * (21 * 1024 * 1024) + b'"}')


# --- outputs ----------------------------------------------------------------------------------------

@case("output-exists", "输出文件已存在", 2, ["output.exists"], "如需覆盖，请加 --force")
def _(d):
    args = fill_json(d, example_doc())
    (d / "out.xlsx").write_bytes(b"old")
    return args


@case("output-locked", "输出文件正被 Excel 打开（有 ~$ 文件）", 2, ["output.locked"], "请先关闭该文件")
def _(d):
    args = fill_json(d, example_doc())
    (d / "out.xlsx").write_bytes(b"old")
    (d / "~$out.xlsx").write_bytes(b"owner")
    return args + ["--force"]


@case("output-no-folder", "输出文件夹不存在", 2, ["output.no_folder"], "输出文件夹不存在")
def _(d):
    return ["fill", str(EXAMPLE_JSON), "-o", str(d / "没有的文件夹" / "out.xlsx")]


@case("dump-exists", "dump 的输出文件已存在", 2, ["output.exists"], "如需覆盖")
def _(d):
    (d / "doc.json").write_text("{}")
    return ["dump", str(example_copy(d)), "-o", str(d / "doc.json")]


@case("template-exists", "template 的输出文件已存在", 2, ["output.exists"], "如需覆盖")
def _(d):
    (d / "t.xlsx").write_bytes(b"old")
    return ["template", "-o", str(d / "t.xlsx")]


def inputs_of(args: list[str]) -> list[Path]:
    """The files a command reads (hashed around the run: they must not change)."""
    return [Path(a) for a in args[1:2] if Path(a).is_file()]


def markdown() -> str:
    """docs/bad-input.md: the corpus as a table."""
    lines = ["# 异常输入：每一种都得到清楚的中文说明", "",
             "由 `python scripts/bad_input_doc.py` 从 `tests/badcorpus.py` 生成；`tests/test_bad_input.py` 逐一运行。"
             "退出码：0 通过，1 有阻止导出的问题，2 文件无法读取或参数有误。", "",
             f"共 {len(CASES)} 种情况。", "",
             "| # | 编号 | 输入 | 命令 | 退出码 | 消息编号 / 规则 | 用户看到的要点 |", "|---|---|---|---|---|---|---|"]
    for i, c in enumerate(CASES, 1):
        lines.append(f"| {i} | `{c.id}` | {c.what} | {_command_of(c)} | {c.exit} | {', '.join(c.expect)} | {c.said} |")
    return "\n".join(lines) + "\n"


def _command_of(c: Case) -> str:
    if c.id.startswith(("json-", "output-")):
        return "fill"
    if c.id.startswith("annotate"):
        return "validate --annotate"
    if c.id.startswith("addin"):
        return "addin install"
    if c.id.startswith("rollup"):
        return "rollup"
    return c.id.split("-")[0] if c.id.startswith(("dump", "template", "export")) else "validate"


# --- export, annotate, addin --------------------------------------------------------------------

@case("export-blocked", "导出：工作簿有错误（勾稽不平）", 1, ["B1"], "列出阻止导出的问题，不写任何文件")
def _(d):
    return ["export", str(edited(d, set_cell("t3.R01.C1", 3))), "--json"]


@case("export-bad-input", "导出：输入是改了扩展名的 CSV", 2, ["input.not_xlsx"], "不是 .xlsx 工作簿")
def _(d):
    (d / "a.xlsx").write_text("机关,年度\n", encoding="utf-8")
    return ["export", str(d / "a.xlsx")]


@case("export-newer-output", "导出：已有比工作簿新的报告", 2, ["output.exists"], "如确要覆盖，请加 --force")
def _(d):
    p = example_copy(d)
    (d / "年报.docx").write_bytes(b"edited by hand")
    os.utime(p, (1, 1))                                # the workbook is older than the report
    return ["export", str(p)]


@case("export-locked-output", "导出：报告正被 Word 打开（有 ~$ 文件）", 2, ["output.locked"], "请先关闭该文件")
def _(d):
    p = example_copy(d)
    (d / "~$年报.docx").write_bytes(b"owner")
    return ["export", str(p), "--force"]


@case("export-bad-format", "导出：--to 给了不支持的格式", 2, ["args.to"], "无效")
def _(d):
    return ["export", str(example_copy(d)), "--to", "pdf"]


@case("export-no-folder", "导出：--out 文件夹不存在", 2, ["output.no_folder"], "输出文件夹不存在")
def _(d):
    return ["export", str(example_copy(d)), "--out", str(d / "没有")]


@case("annotate-exists", "标注副本已存在", 2, ["output.exists"], "如需覆盖")
def _(d):
    p = example_copy(d)
    (d / "年报.校验.xlsx").write_bytes(b"old")
    return ["validate", str(p), "--annotate"]


@case("annotate-bad-input", "标注：输入是空文件", 2, ["input.empty"], "是空的")
def _(d):
    (d / "a.xlsx").write_bytes(b"")
    return ["validate", str(d / "a.xlsx"), "--annotate"]


@case("annotate-hostile-text", "标注：文字以 = + - @ 开头（公式注入）", 1, ["N5"], "写成文本，不会被执行")
def _(d):
    def fn(wb):
        b = layout.load().blocks["other"]
        for i, text in enumerate(["=HYPERLINK(\"http://evil\",\"点我\")", "+cmd|'/c calc'!A0", "-1+1", "@SUM(1)"]):
            wb[b.sheet].cell(b.first_row + i, b.col).value = text
            wb[b.sheet].cell(b.first_row + i, b.col).data_type = "s"
    return ["validate", str(edited(d, fn)), "--annotate", "--json"]


@case("addin-install-linux", "在没有 Excel 的 Linux 上安装加载项", 2, ["addin.no_excel"], "没有 Microsoft Excel")
def _(d):
    return ["addin", "install"]


@case("annotate-merged-cells", "标注：数据格被合并", 1, ["F4"], "标在合并区域的左上格")
def _(d):
    return ["validate", str(edited(d, lambda wb: wb["表三"].merge_cells("D7:E7"))), "--annotate", "--json"]


@case("rollup-nothing", "汇总：没有一个单位可以汇总（都读不了）", 2, ["input.nothing_to_roll_up"], "没有可以汇总的单位")
def _(d):
    (d / "a.xlsx").write_bytes(b"")
    return ["rollup", str(d / "a.xlsx"), "-o", str(d / "汇总.xlsx"), "--organ", "某县人民政府"]


@case("rollup-output-exists", "汇总：输出文件已存在", 2, ["output.exists"], "如需覆盖")
def _(d):
    (d / "汇总.xlsx").write_bytes(b"old")
    return ["rollup", str(example_copy(d)), "-o", str(d / "汇总.xlsx"), "--organ", "某县人民政府"]


@case("annotate-xlsm-named-like-copy", "标注：输入是宏工作簿，名字像标注副本（报表.校验.xlsm）", 0, ["N2"],
      "另存为 报表.校验.校验.xlsx，原文件（含宏）不被改写")
def _(d):
    from .helpers import make_input
    return ["validate", str(make_input(d, "报表.校验.xlsm")), "--annotate", "--json"]


# Cases kept in their own modules by area; importing them registers them in CASES (order: as imported).
from . import badcorpus_batch, badcorpus_read, badcorpus_write  # noqa: E402,F401
