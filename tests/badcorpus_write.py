"""Bad-input corpus cases (see tests/badcorpus.py for the Case shape): write side."""
from __future__ import annotations

import json
import os

from .badcorpus import EXAMPLE_JSON, case, edited, example_copy, fill_json, set_cell  # noqa: F401

LONG_STEM = "年" * 81 + "xx"          # 245 bytes: the file fits, '<stem>.校验.xlsx' (257 bytes) cannot


def _doc() -> dict:
    return json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))


def _with_text(value: str) -> dict:
    doc = _doc()
    doc["texts"][next(iter(doc["texts"]))] = value
    return doc


# --- text no cell can hold ----------------------------------------------------------------------

@case("template-organ-control-char", "模板：--organ 含控制字符 U+0001", 2, ["args.control_char"], "换行或控制字符")
def _(d):
    return ["template", "-o", str(d / "模板.xlsx"), "--organ", "a\x01"]


@case("rollup-organ-bell", "汇总：--organ 含响铃字符 U+0007", 2, ["args.control_char"], "换行或控制字符")
def _(d):
    return ["rollup", str(example_copy(d)), "-o", str(d / "汇总.xlsx"), "--organ", "\x07"]


@case("rollup-level-newline", "汇总：--level 含换行", 2, ["args.control_char"], "只写一行文字")
def _(d):
    return ["rollup", str(example_copy(d)), "-o", str(d / "汇总.xlsx"), "--organ", "某县人民政府", "--level", "县级\n1) x"]


@case("fill-control-char", "数据文档的文字含控制字符 U+0001", 2, ["json.control_char"], "U+0001")
def _(d):
    return fill_json(d, _with_text("总体情况\x01"))


@case("fill-lone-surrogate", "数据文档的文字含不成对的代理字符 U+D800", 2, ["json.control_char"], "U+D800")
def _(d):
    return fill_json(d, None, json.dumps(_with_text("总体情况\ud800")).encode("ascii"))


@case("fill-control-char-in-key", "数据文档的键名含 ESC", 2, ["json.control_char"], "U+001B")
def _(d):
    doc = _doc()
    doc["organ"]["\x1b[31m"] = "x"
    return fill_json(d, doc)


@case("fill-huge-integer", "数据文档含 5000 位的整数", 2, ["json.number_too_long"], "位数过多")
def _(d):
    raw = json.dumps(_doc(), ensure_ascii=False).replace('"format"', '"big": ' + "9" * 5000 + ', "format"', 1)
    return fill_json(d, None, raw.encode("utf-8"))


@case("fill-fifo", "数据文档是命名管道（FIFO）", 2, ["input.not_file"], "不是普通文件")
def _(d):
    os.mkfifo(d / "doc.json")
    return ["fill", str(d / "doc.json"), "-o", str(d / "out.xlsx")]


@case("fill-dev-zero", "数据文档是 /dev/zero（无尽的输入）", 2, ["input.not_file"], "不是普通文件")
def _(d):
    return ["fill", "/dev/zero", "-o", str(d / "out.xlsx")]


@case("export-organ-over-255", "机关名称 240 字（Word 文档属性上限 255 字符）：征求意见稿照常导出", 0, ["S2"],
      "报告照常写出；名称过长由校验指出")
def _(d):
    p = edited(d, set_cell("organ.name", "某" * 240))
    return ["export", str(p), "--draft", "--json"]


@case("annotate-prior-name-esc", "标注：上年工作簿的文件名含 ESC（写入校验结果表的消息引用它）", 1, ["X5"],
      "消息中的控制字符显示为 \\x1b")
def _(d):
    prior = edited(d, set_cell("organ.year", 2021), name="上年\x1b[31m.xlsx")
    return ["validate", str(example_copy(d)), "--prior", str(prior), "--annotate", "--json"]


# --- where outputs go ---------------------------------------------------------------------------

@case("annotate-name-too-long", "标注：工作簿文件名 245 字节，标注副本名超过 255 字节", 2, ["output.name_too_long"],
      "输出文件名过长")
def _(d):
    return ["validate", str(example_copy(d, LONG_STEM + ".xlsx")), "--annotate", "--json"]


@case("export-name-too-long", "导出：工作簿文件名 245 字节，征求意见稿文件名超过 255 字节", 2, ["output.name_too_long"],
      "输出文件名过长")
def _(d):
    return ["export", str(example_copy(d, LONG_STEM + ".xlsx")), "--draft"]


@case("template-output-is-folder", "模板：-o 给的是文件夹（如 -o .）", 2, ["output.is_dir"], "是一个文件夹")
def _(d):
    return ["template", "-o", str(d)]


@case("export-folder-named-like-output", "导出：工作簿旁有名为 a.docx 的文件夹", 2, ["output.is_dir"], "是一个文件夹")
def _(d):
    (d / "a.docx").mkdir()
    return ["export", str(example_copy(d, "a.xlsx")), "--force"]


@case("export-out-is-file", "导出：--out 指向一个文件", 2, ["output.folder_is_file"], "是一个文件，不是文件夹")
def _(d):
    (d / "输出").write_text("x")
    return ["export", str(example_copy(d)), "--out", str(d / "输出")]


@case("fill-output-fifo-force", "生成：-o 指向命名管道，且加 --force", 2, ["output.not_regular"], "不是普通文件")
def _(d):
    os.mkfifo(d / "out.xlsx")
    return ["fill", str(EXAMPLE_JSON), "-o", str(d / "out.xlsx"), "--force"]


@case("dump-output-fifo-force", "导出数据文档：-o 指向命名管道，且加 --force", 2, ["output.not_regular"], "只写普通文件")
def _(d):
    os.mkfifo(d / "doc.json")
    return ["dump", str(example_copy(d)), "-o", str(d / "doc.json"), "--force"]


# --- arguments ----------------------------------------------------------------------------------

@case("rollup-jobs-zero", "汇总：--jobs 0", 2, ["args.jobs"], "不是有效的进程数")
def _(d):
    return ["rollup", str(example_copy(d)), "-o", str(d / "汇总.xlsx"), "--organ", "某县人民政府", "--jobs", "0"]
