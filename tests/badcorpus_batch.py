"""Bad-input corpus cases (see tests/badcorpus.py for the Case shape): batch side."""
from __future__ import annotations

import os
from pathlib import Path

from .badcorpus import case, edited, example_copy  # noqa: F401


def _units(d: Path, n: int = 2) -> Path:
    folder = d / "各单位"
    folder.mkdir()
    for i in range(1, n + 1):
        example_copy(folder, f"u{i}.xlsx")
    return folder


@case("batch-fifo-only", "批量：文件夹里只有一个名为 .xlsx 的命名管道（FIFO）", 2, ["input.empty_folder"], "命名管道")
def _(d):
    folder = d / "各单位"
    folder.mkdir()
    os.mkfifo(folder / "a.xlsx")           # opening it would wait for a writer for ever
    return ["validate", str(folder), "--json"]


@case("batch-dangling-link", "批量：文件夹里只有指向不存在文件的 .xlsx 符号链接", 2, ["input.empty_folder"], "失效的符号链接")
def _(d):
    folder = d / "各单位"
    folder.mkdir()
    (folder / "a.xlsx").symlink_to(d / "已删除.xlsx")
    return ["validate", str(folder), "--json"]


@case("batch-jobs-negative", "批量：--jobs -1", 2, ["args.jobs"], "不是有效的进程数")
def _(d):
    return ["validate", str(_units(d)), "--jobs", "-1"]


@case("batch-jobs-zero", "批量：--jobs 0", 2, ["args.jobs"], "不是有效的进程数")
def _(d):
    return ["validate", str(_units(d)), "--jobs", "0"]


@case("batch-summary-readonly", "批量：--summary-csv 指向只读文件夹（/proc）", 2, ["output.readonly"], "尚未开始校验")
def _(d):
    return ["validate", str(_units(d)), "--summary-csv", "/proc/self/汇总.csv"]


@case("batch-summary-xlsx-readonly", "批量：--summary 汇总工作簿指向只读文件夹", 2, ["output.readonly"], "尚未开始校验")
def _(d):
    return ["validate", str(_units(d)), "--summary", "/proc/self/校验汇总.xlsx"]


@case("batch-summary-not-xlsx", "批量：--summary 的文件名不是 .xlsx", 2, ["output.suffix"], "应以 .xlsx 结尾")
def _(d):
    return ["validate", str(_units(d)), "--summary", str(d / "汇总.csv")]


@case("batch-summary-beside-csv-exists", "批量：CSV 旁边已有“校验汇总.xlsx”，未加 --force", 2, ["output.exists"], "已存在")
def _(d):
    (d / "校验汇总.xlsx").write_bytes(b"an earlier summary")
    return ["validate", str(_units(d)), "--summary-csv", str(d / "汇总.csv")]


@case("batch-only-own-summary", "批量：文件夹里只有本工具以前写的校验汇总工作簿（已改名）", 2, ["input.empty_folder"],
      "本工具生成的校验汇总工作簿")
def _(d):
    return ["validate", str(_only_our_summary(d, "给领导看的.xlsx"))]


@case("rollup-only-own-summary", "汇总：文件夹里只有本工具以前写的校验汇总工作簿", 2, ["input.empty_folder"],
      "本工具生成的校验汇总工作簿")
def _(d):
    return ["rollup", str(_only_our_summary(d, "校验汇总.xlsx")), "-o", str(d / "汇总.xlsx"), "--organ", "某县人民政府"]


def _only_our_summary(d, name: str):
    """A folder holding nothing but a 校验汇总 workbook an earlier batch wrote (under `name`)."""
    from addin.review import batch, summary_xlsx

    units = _units(d, 1)
    folder = d / "只有汇总"
    folder.mkdir()
    summary_xlsx.write([batch.check(units / "u1.xlsx")], folder / name)
    return folder
