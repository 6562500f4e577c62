"""The five ribbon buttons of the 年报 add-in: the Python functions its VBA macros call via RunPython.

Each is a few lines over the shared, tested code (live reader → validator → mark plan). Never a
traceback: every error ends in a Chinese message box (xlwings `alert`), and the process exits normally so
xlwings shows no error popup of its own.

Security: staff open workbooks others sent them. The add-in's VBA takes its settings only from itself
and the user's own configuration and puts no workbook folder on sys.path (addin/excel/xlam/xlwings.bas);
`harden_sys_path` is the second line of defence here: '' (the current folder) and the active workbook's
folder and `<workbook>.zip` are removed from sys.path before anything else is imported.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

TITLE = "年报"


def harden_sys_path(book_fullname: str | None = None) -> None:
    bad = {"", "."}
    if book_fullname and ("/" in book_fullname or "\\" in book_fullname):
        p = Path(book_fullname)
        bad |= {os.path.normcase(os.path.abspath(x)) for x in (p.parent, p.with_suffix(".zip"))}
    sys.path[:] = [x for x in sys.path
                   if x not in bad and os.path.normcase(os.path.abspath(x)) not in bad]


HEX_NAME_PREFIX = "nbhex-"     # addin.excel.xlambuild.HEX_NAME_VBA writes it; a test checks they agree


def decode_caller_name(argv: list[str] | None = None) -> None:
    """The add-in's VBA passes the workbook name as `--wb=nbhex-<hex of UTF-16>` so that no shell ever sees
    the name itself (a Mac file name `$(…).xlsx` would run as a command); put the real name back for
    xlwings' Book.caller, which reads --wb= from sys.argv."""
    argv = sys.argv if argv is None else argv
    for i, arg in enumerate(argv):
        if arg.startswith("--wb=" + HEX_NAME_PREFIX):
            digits = arg[len("--wb=" + HEX_NAME_PREFIX):]
            argv[i] = "--wb=" + bytes.fromhex(digits).decode("utf-16-be", "surrogatepass")


def validate(book=None):
    _main(_validate, book)


def clear(book=None):
    _main(_clear, book)


def export(book=None):
    _main(_export, book)


def new_template(book=None):
    _main(_new_template, book)


def rules(book=None):
    _main(_rules, book)


def _main(action, book=None):
    harden_sys_path()
    if book is None:
        import xlwings as xw

        decode_caller_name()
        book = xw.Book.caller()
    harden_sys_path(book.fullname)
    from addin.errors import UserError

    try:
        action(book)
    except UserError as e:
        _alert(book, e.message, "critical")
    except Exception as e:  # never a traceback popup for staff
        _alert(book, f"内部错误（{type(e).__name__}）：{e}\n这是本工具的缺陷，不是您的操作问题。请在命令行运行 "
                     f"nianbao validate --debug 文件.xlsx，把输出发给维护人员。工作簿没有被修改。", "critical")


def _alert(book, text: str, mode: str = "info") -> None:
    book.app.alert(text, title=TITLE, mode=mode)


def _validate(book):
    from addin import pipeline
    from addin.checks.findings import summary
    from addin.io import live
    from addin.review import marks, printer
    from addin.review.backends.xlwings_marks import XlwingsBackend

    backend = XlwingsBackend(book)
    checked = pipeline.check_read(live.read(backend, book.fullname))
    marks.mark(backend, checked.findings)
    _alert(book, printer.verdict(summary(checked.findings)) + f"\n详见“{marks.RESULTS_SHEET}”表。")


def _clear(book):
    from addin.review import marks
    from addin.review.backends.xlwings_marks import XlwingsBackend

    backend = XlwingsBackend(book)
    had = marks.RESULTS_SHEET in backend.sheet_names()
    n = marks.clear(backend)
    _alert(book, f"已清除 {n} 个单元格的校验标记，并删除“{marks.RESULTS_SHEET}”表。" if had
           else f"没有校验标记可清除（本工作簿没有“{marks.RESULTS_SHEET}”表）。")


def saved_path(book) -> Path | None:
    """The workbook's file, or None for a new book never saved (its fullname has no folder)."""
    name = book.fullname
    return Path(name) if ("/" in name or "\\" in name) else None


def _export(book):
    path = saved_path(book)
    if path is None:
        _alert(book, "这是尚未保存的新工作簿。请先保存（文件 → 另存为“Excel 工作簿（*.xlsx）”），再点“导出报告”。")
        return
    answer = book.app.alert("导出报告使用保存在磁盘上的工作簿。现在保存工作簿并导出吗？", title=TITLE,
                            buttons="yes_no", mode="info")
    if answer != "yes":
        return
    book.save()
    code, text = run_export(path)
    _alert(book, text, "info" if code == 0 else "critical")


def run_export(path: Path) -> tuple[int, str]:
    """Export as `nianbao export FILE` does (the export gate included); its exit code and what it says."""
    from addin.errors import UserError
    from addin.report import export
    from addin.review import printer

    try:
        code, text = printer.export_report(export.export(path), path)
    except UserError as e:
        code, text = e.exit_code, e.message
    text = text.strip()
    if len(text) > 1500:
        text = text[:1500] + "……"
    return code, text


def new_template_path(folder: Path) -> Path:
    from addin.io import template

    name = Path(template.default_file_name())
    target, n = folder / name, 2
    while target.exists():
        target, n = folder / f"{name.stem}（{n}）{name.suffix}", n + 1
    return target


def _new_template(book):
    from addin.io import template

    docs = Path.home() / "Documents"
    target = new_template_path(docs if docs.is_dir() else Path.home())
    template.write(target)
    book.app.books.open(str(target))


def _rules(book):
    from addin.format.layout import RULES_SHEET

    if RULES_SHEET in [s.name for s in book.sheets]:
        book.sheets[RULES_SHEET].activate()
    else:
        _alert(book, f"本工作簿没有“{RULES_SHEET}”表（不是年报标准模板）。请点“新建模板”，在新模板中查看规则说明。")
