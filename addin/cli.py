"""The `nianbao` command. Imports are lazy: each subcommand loads only what it uses."""
from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from addin import __version__
from addin.errors import UserError
from addin.format.fmt import FORMAT_VERSION
from addin.messages import refuse

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog, indent_increment=2, max_help_position=24, width=None):
        # argparse makes a formatter for every argument added and asks the terminal each time: ask it once
        super().__init__(prog, indent_increment, max_help_position, _help_width() if width is None else width)

    def add_usage(self, usage, actions, groups, prefix=None):
        # argparse passes prefix="" when it builds a subcommand's prog: keep that one as it is
        return super().add_usage(usage, actions, groups, prefix="用法：" if prefix is None else prefix)


@lru_cache(maxsize=None)
def _help_width() -> int:
    import shutil

    return shutil.get_terminal_size().columns - 2     # what HelpFormatter computes itself when given no width


class _Parser(argparse.ArgumentParser):
    """Our wording; a subcommand's arguments (`define`) are added only when that subcommand is parsed or its
    usage shown, so `nianbao validate` does not build the other seven."""

    def __init__(self, *a, define: Callable[[_Parser], None] | None = None, **kw):
        kw.setdefault("formatter_class", _Formatter)
        kw.setdefault("add_help", False)
        super().__init__(*a, **kw)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self._define = define
        if define is None:
            self._add_help()

    def _add_help(self):
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def _defined(self) -> None:
        if self._define is not None:
            define, self._define = self._define, None
            self._add_help()
            define(self)

    def parse_known_args(self, args=None, namespace=None):
        self._defined()
        return super().parse_known_args(args, namespace)

    def format_usage(self):
        self._defined()
        return super().format_usage()

    def format_help(self):
        self._defined()
        return super().format_help()

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(EXIT_INPUT, f"参数错误：{_translate(message)}\n请运行 {self.prog} --help 查看用法。\n")


def _translate(message: str) -> str:
    for en, zh in (("the following arguments are required", "缺少必需的参数"),
                   ("unrecognized arguments", "无法识别的参数"),
                   ("invalid choice", "无效的选择"),
                   ("expected one argument", "需要一个值"),
                   ("invalid int value", "不是整数")):
        message = message.replace(en, zh)
    return message


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="nianbao", description=(
        "政府信息公开工作年度报告（国办公开办函〔2021〕30号格式）：标准模板、校验与报告生成。\n"
        "退出码：0 通过；1 有阻止导出的问题；2 文件无法读取或参数有误。"))
    p.add_argument("--version", action="version", version=f"nianbao {__version__}（格式 {FORMAT_VERSION}）", help="显示版本号")
    p.add_argument("--debug", action="store_true", help="出现内部错误时显示详细的调用栈（供开发者排查）")
    sub = p.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)

    sub.add_parser("validate", define=_validate_args, help="校验填好的年报工作簿（一个文件，或整个文件夹）",
                   description="校验年报工作簿：数据类型、勾稽关系、格式与文字要求。\n"
                               "给出文件夹或多个文件时批量校验，先列汇总表，再列各单位阻止导出的问题；"
                               "退出码取最差的一个（0 全部通过，1 有未通过的，2 有无法读取的）。")
    sub.add_parser("dump", define=_dump_args, help="把工作簿读成 JSON 数据文档",
                   description="把年报工作簿读成 JSON 数据文档（不做校验）。")
    sub.add_parser("fill", define=_fill_args, help="用 JSON 数据文档生成填好的工作簿",
                   description="用 JSON 数据文档生成填好的标准模板工作簿。")
    sub.add_parser("template", define=_template_args, help="生成空白标准模板", description="由 schema/ 生成年报标准模板工作簿。")
    sub.add_parser("export", define=_export_args, help="导出年度报告（Word、HTML、Markdown）",
                   description="校验通过后，把年度报告（Word 按 GB/T 9704 公文格式、HTML、Markdown）写在工作簿旁边。\n"
                               "有错误或未说明的需说明项目时不导出（退出码 1），除非加 --draft。")
    sub.add_parser("rollup", define=_rollup_args, help="汇总各单位工作簿为一本（县、市、省级汇总）",
                   description="把各单位工作簿的表二、表三、表四逐格相加，生成一本标准工作簿（文字部分由汇总单位填写），"
                               "并立即校验。退出码：0 全部单位计入；1 有单位未计入（列出原因）；2 无法汇总。")
    sub.add_parser("addin", define=_addin_args, help="安装或移除 Excel 加载项（年报选项卡）",
                   description="把“年报”Excel 加载项安装到 Excel 启动文件夹（XLSTART），并写入当前 Python 环境。")
    sub.add_parser("audit", define=_audit_args, help="审读已发布的年度报告（网页、PDF、Word、文本）",
                   description="把已发布的年度报告读成数据文档，用同样的规则校验；问题注明原文位置并引用原文。\n"
                               "支持 .html/.htm（UTF-8 或 GBK）、文字版 .pdf、.docx、.txt/.md。给出文件夹时逐个审读（终端上显示进度）"
                               "并列汇总表；按 Ctrl-C 中断时列出已审读的结果，不写汇总表。")
    return p


def _validate_args(v: _Parser) -> None:
    v.add_argument("file", metavar="文件.xlsx", nargs="+", help="填好的年报工作簿，或含工作簿的文件夹（可给多个）")
    v.add_argument("--json", action="store_true", help="以 JSON 输出校验结果与汇总")
    v.add_argument("--annotate", action="store_true",
                   help="另存一份标注副本“<文件名>.校验.xlsx”：问题格标色、加批注，并附“校验结果”表（不修改原文件）")
    v.add_argument("--force", action="store_true", help="与 --annotate 同用：覆盖已存在的标注副本")
    v.add_argument("--prior", metavar="上年.xlsx", help="上年的年报工作簿（批量校验时为上年各单位工作簿所在的文件夹，"
                                                      "按机关名称对应）：核对上年结转、现行有效件数、问题与改进是否雷同")
    v.add_argument("--summary-csv", metavar="汇总.csv", help="批量校验时另存汇总表（CSV，Excel 可直接打开）；"
                                                         "同一文件夹中另存“校验汇总.xlsx”（可用 --summary 改名）")
    v.add_argument("--summary", metavar="校验汇总.xlsx", help="批量校验时另存汇总工作簿：各单位一行、全部问题一表，可筛选，"
                                                          "文件名可点击打开")
    v.add_argument("--jobs", type=int, metavar="N", help="批量校验时同时使用的进程数（默认且最多：CPU 核数）")
    v.set_defaults(run=cmd_validate)


def _dump_args(d: _Parser) -> None:
    d.add_argument("file", metavar="文件.xlsx")
    d.add_argument("-o", "--output", metavar="文档.json", help="写入文件（默认输出到屏幕）")
    d.add_argument("--force", action="store_true", help="覆盖已存在的输出文件")
    d.set_defaults(run=cmd_dump)


def _fill_args(fl: _Parser) -> None:
    fl.add_argument("doc", metavar="文档.json")
    fl.add_argument("-o", "--output", metavar="文件.xlsx", required=True)
    fl.add_argument("--force", action="store_true", help="覆盖已存在的输出文件")
    fl.set_defaults(run=cmd_fill)


def _template_args(t: _Parser) -> None:
    t.add_argument("-o", "--output", metavar="文件.xlsx", help="输出文件（默认：年报模板-2021版.xlsx）")
    t.add_argument("--organ", metavar="名称", help="预填机关名称")
    t.add_argument("--year", type=int, metavar="年度", help="预填报告年度，如 2025")
    t.add_argument("--force", action="store_true", help="覆盖已存在的输出文件")
    t.set_defaults(run=cmd_template)


def _export_args(e: _Parser) -> None:
    e.add_argument("file", metavar="文件.xlsx", help="填好的年报工作簿")
    e.add_argument("--to", metavar="docx,html,md", help="导出的格式，逗号分隔（默认三种都导出）")
    e.add_argument("--out", metavar="文件夹", help="输出文件夹（默认：工作簿所在文件夹）")
    e.add_argument("--force", action="store_true", help="覆盖比工作簿新的已有输出文件")
    e.add_argument("--draft", action="store_true", help="征求意见稿：即使未通过校验也导出，每页页眉和文件名标“征求意见稿”")
    e.add_argument("--no-generated-sentences", action="store_true", help="不在二、三、四部分开头生成统计语句")
    e.add_argument("--json", action="store_true", help="以 JSON 输出写入的文件、大小和校验结果")
    e.set_defaults(run=cmd_export)


def _rollup_args(ru: _Parser) -> None:
    ru.add_argument("paths", metavar="文件夹或文件", nargs="+", help="各单位的年报工作簿，或它们所在的文件夹")
    ru.add_argument("-o", "--output", metavar="汇总.xlsx", required=True, help="汇总工作簿")
    ru.add_argument("--organ", metavar="名称", required=True, help="汇总报告的机关名称，如“某县人民政府”")
    ru.add_argument("--year", type=int, metavar="年度", help="汇总年度（默认：各单位共同的年度）")
    ru.add_argument("--level", metavar="层级", help="机关层级，如 县级")
    ru.add_argument("--jobs", type=int, metavar="N", help="同时使用的进程数（默认：CPU 核数；上限为核数的 4 倍，至多 61）")
    ru.add_argument("--force", action="store_true", help="覆盖已存在的汇总工作簿")
    ru.set_defaults(run=cmd_rollup)


def _addin_args(a: _Parser) -> None:
    a.add_argument("action", choices=["install", "remove"], metavar="install|remove", help="install 安装；remove 移除")
    a.add_argument("--dry-run", action="store_true", help="只显示将要做的操作，不做任何修改")
    a.set_defaults(run=cmd_addin)


def _audit_args(au: _Parser) -> None:
    au.add_argument("file", metavar="文件或文件夹", nargs="+", help="已发布的年度报告，或它们所在的文件夹")
    au.add_argument("--json", action="store_true", help="以 JSON 输出数据文档、来源位置、未能读出的格和问题")
    au.add_argument("--to-workbook", metavar="文件.xlsx", help="把读出的数据写成标准模板工作簿（不覆盖已有文件）")
    au.add_argument("--prior", metavar="上年报告", help="上年的报告（已发布的报告或工作簿），做跨年核对")
    au.add_argument("--summary", metavar="汇总.xlsx|汇总.csv",
                    help="审读多个文件时另存汇总表：.xlsx 为工作簿（各文件一行，另列全部问题），其他为 CSV")
    au.add_argument("--html", metavar="视图.html", help="另存审读视图：原文逐行显示，问题标在所在位置")
    au.set_defaults(run=cmd_audit)


def cmd_audit(args) -> int:
    from addin.audit import run

    return run.cmd(args)


def max_jobs() -> int:
    from addin.review import pool

    return pool.cores()


def check_jobs(args) -> None:
    """--jobs is a positive number of processes; more than the cores only forks processes that wait (`--jobs
    100` forked 101): said, and run with the cap."""
    jobs = getattr(args, "jobs", None)
    if jobs is None:
        return
    from addin.review import pool

    pool.jobs_for(jobs, 1)        # refuses 0 and negative numbers
    if jobs > max_jobs():
        print(f"（--jobs {jobs} 超过本机处理器核数，按 {max_jobs()} 个进程运行）", file=sys.stderr)
        args.jobs = max_jobs()


def check_single_line(args, *options: str) -> None:
    """Names given on the command line end up in cells and report titles: one line, no control characters."""
    from addin.io.document import illegal_chars

    for opt in options:
        value = getattr(args, opt, None)
        bad = illegal_chars(value, single_line=True) if isinstance(value, str) else []
        if bad:
            raise refuse("args.control_char", option=opt, chars=", ".join(bad))


def cmd_validate(args) -> int:
    check_jobs(args)
    if len(args.file) > 1 or Path(args.file[0]).is_dir() or args.summary_csv or args.summary:
        return cmd_validate_batch(args)
    from addin import pipeline
    from addin.review import printer

    path = args.file[0]
    prior = (lambda doc: _prior_file(args.prior, doc)) if args.prior else None
    checked = pipeline.check(path, prior=prior)
    show = printer.json_report if args.json else printer.text_report
    print(show(path, checked.document, checked.findings, checked.located_by))
    if getattr(args, "annotate", False):
        from addin.review.backends.openpyxl_marks import annotate_file

        out = annotate_file(Path(path), checked.findings, force=args.force)
        print(f"已写入标注副本：{out}（原文件未修改）", file=sys.stderr if args.json else sys.stdout)
    return EXIT_OK if checked.passed else EXIT_FINDINGS


def _prior_file(where: str, doc: dict) -> Path:
    """--prior names last year's workbook, or a folder holding it (found by organ and year)."""
    if not Path(where).is_dir():
        return Path(where)
    from addin.checks import prior
    from addin.review import batch

    name, year = prior.key(doc)
    found = batch.prior_index(where).get((name, year - 1 if isinstance(year, int) else None))
    if not found:
        raise refuse("input.prior_missing", folder=where, organ=doc["organ"].get("name"),
                     year=year - 1 if isinstance(year, int) else "")
    return Path(found)


SUMMARY_XLSX = "校验汇总.xlsx"


def cmd_validate_batch(args) -> int:
    from addin.review import batch, pool

    check_jobs(args)
    say = sys.stderr if args.json else sys.stdout
    skipped: list[Path] = []
    paths = batch.collect(args.file, skipped)
    if skipped:
        print(f"（跳过 {batch.skipped_text(skipped)}）", file=say)
    csv_out = Path(args.summary_csv) if args.summary_csv else None
    xlsx_out = Path(args.summary) if args.summary else (csv_out.with_name(SUMMARY_XLSX) if csv_out else None)
    if xlsx_out:
        from addin.io.atomic import check_suffix

        check_suffix(xlsx_out, ".xlsx")
    batch.check_outputs([p for p in (csv_out, xlsx_out) if p], args.force)     # refuse before the work, not after
    try:
        priors = batch.prior_index(args.prior, jobs=args.jobs, quiet=args.json) if args.prior else None
    except pool.Interrupted as stop:
        stop.done = []            # last year's workbooks were being read: no unit checked yet
        return _interrupted_batch(args, stop, len(paths))
    try:
        rows = batch.run(paths, jobs=args.jobs, annotate=args.annotate, force=args.force, priors=priors,
                         quiet=args.json)
    except pool.Interrupted as stop:
        return _interrupted_batch(args, stop, len(paths))
    aside = {Path(r["file"]): r["skipped"] for r in rows if r.get("skipped")}
    rows = [r for r in rows if not r.get("skipped")]
    if said := batch.set_aside(aside, len(rows), skipped, args.file):
        print(said, file=say)
    rows = batch.ordered(rows)
    if args.json:
        left = [{"file": str(f), "why": aside.get(f) or batch.skip_reason(f)} for f in skipped]
        print(json.dumps({"files": rows, "skipped": left, "exit": batch.exit_code(rows)}, ensure_ascii=False, indent=1))
    else:
        print(batch.text_report(rows))
    if csv_out:
        print(f"已写入汇总表：{batch.write_csv(rows, csv_out, force=True)}", file=say)
    if xlsx_out:
        from addin.review import summary_xlsx

        print(f"已写入汇总工作簿：{summary_xlsx.write(rows, xlsx_out, force=True)}", file=say)
    return batch.exit_code(rows)


def _interrupted_batch(args, stop, total: int) -> int:
    """Ctrl-C: the units finished so far are shown (no summary file: it would look complete), then exit 130."""
    from addin.review import batch

    rows = batch.ordered(stop.done)
    if rows:
        if args.json:
            print(json.dumps({"files": rows, "exit": 130, "interrupted": {"done": len(rows), "total": total}},
                             ensure_ascii=False, indent=1))
        else:
            print(batch.text_report(rows))
    print(f"已中断：{total} 个工作簿中已校验 {len(rows)} 个（结果见上），其余 {total - len(rows)} 个未校验；"
          f"未写入汇总文件。输入文件均未修改。", file=sys.stderr)
    return 130


def cmd_rollup(args) -> int:
    from addin import pipeline
    from addin.review import batch, pool, printer, rollup

    check_jobs(args)
    check_single_line(args, "organ", "level")
    out = Path(args.output)
    skipped: list[Path] = []
    paths = batch.collect(args.paths, skipped)
    if skipped:
        print(f"（跳过 {batch.skipped_text(skipped)}）")
    try:
        doc, included, left_out = rollup.write(paths, out, args.organ, args.year, args.level,
                                               force=args.force, jobs=args.jobs, skipped=skipped, where=args.paths)
    except pool.Interrupted as stop:
        print(f"已中断：{stop.total} 个单位中已读取 {len(stop.done)} 个；未写入汇总工作簿 {out}。输入文件均未修改。",
              file=sys.stderr)
        return 130
    print(f"已汇总 {len(included)} 个单位到 {out}（“{rollup.SOURCES_SHEET}”表列出计入的单位）。")
    for u in left_out:
        print(f"  未计入：{u.file}：{u.left_out}")
    checked = pipeline.check(out)
    print("汇总工作簿的校验结果（文字部分请汇总单位填写）：")
    print(printer.text_report(out, checked.document, checked.findings))
    for line in rollup.unclean_lines(included):
        print(line)
    # an earlier roll-up left out is as meant (its units are counted); a unit left out is not
    return EXIT_FINDINGS if [u for u in left_out if not u.rollup] else EXIT_OK


def cmd_addin(args) -> int:
    from addin.excel import install

    print(install.run(args.action, dry_run=args.dry_run))
    return EXIT_OK


def cmd_dump(args) -> int:
    from addin.io import document, reader

    text = document.dumps(reader.read(Path(args.file)).document)
    if not args.output:
        sys.stdout.write(text)
        return EXIT_OK
    from addin.io.atomic import atomic_path, check_writable

    out = Path(args.output)
    check_writable(out, args.force)
    with atomic_path(out) as tmp:
        tmp.write_text(text, encoding="utf-8")
    print(f"已写入数据文档：{out}")
    return EXIT_OK


def cmd_fill(args) -> int:
    from addin.checks import validator
    from addin.io import document, template

    doc = document.load_json(Path(args.doc))
    bad = validator.schema_problems(doc)
    if bad:
        raise refuse("json.schema", path=args.doc, problems="\n".join(f"  - {m}" for m in bad))
    template.write(Path(args.output), doc=doc, force=args.force)
    print(f"已生成工作簿：{args.output}")
    return EXIT_OK


def cmd_export(args) -> int:
    from addin.report import export
    from addin.review import printer

    result = export.export(args.file, export.parse_kinds(args.to), args.out, force=args.force, draft=args.draft,
                           generated_sentences=not args.no_generated_sentences)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
        return EXIT_FINDINGS if result.blocked else EXIT_OK
    code, text = printer.export_report(result, args.file)
    print(text)
    return code


def cmd_template(args) -> int:
    from addin.io import template

    if args.year is not None:
        from addin.format import fmt

        spec = next(x.spec for x in fmt.load().organ_fields if x.id == "year")
        if not spec["minimum"] <= args.year <= spec["maximum"]:
            raise refuse("args.year:range", year=args.year, minimum=spec["minimum"], maximum=spec["maximum"])
    check_single_line(args, "organ")
    out = Path(args.output or template.default_file_name())
    template.write(out, organ=args.organ, year=args.year, force=args.force)
    print(f"已生成标准模板：{out}")
    return EXIT_OK


# A command keeps what it builds until it ends (the format, the layout, a workbook's cells and findings): at the
# collector's default threshold (700 new objects) a cold `nianbao validate` scans them some 25 times for nothing,
# ≈5 ms. Cycles are still collected, only after this many new objects.
GC_THRESHOLD = 50_000


def main(argv: list[str] | None = None) -> int:
    threshold = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD, *threshold[1:])
    try:
        return _main(argv)
    finally:
        gc.set_threshold(*threshold)      # as the caller had it (tests call main in-process)


def _main(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return EXIT_INPUT
    try:
        code = args.run(args)
        sys.stdout.flush()       # a closed pipe shows here, inside the handlers below, not at interpreter exit
        return code
    except UserError as e:
        print(e.message, file=sys.stderr)
        if getattr(args, "json", False):
            print(json.dumps({"error": {"code": e.code, "message": e.message}}, ensure_ascii=False))
        return e.exit_code
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `nianbao validate … | head`: the reader of our output left; nothing is wrong
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as e:
        if args.debug:
            raise
        print(f"内部错误（{type(e).__name__}）：{e}\n这是本工具的缺陷，不是您的操作问题。请加 --debug 重新运行，"
              f"把输出发给维护人员。输入文件没有被修改。", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
