"""`nianbao audit`: published reports → findings (terminal, JSON, HTML view), a folder summary, a workbook."""
from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

from addin.audit import sources
from addin.checks.findings import ERROR, EXPLAIN, INFO, summary
from addin.errors import UserError
from addin.messages import refuse


def collect(paths: list[str], skipped: list[tuple[Path, str]] | None = None, own: tuple = ()) -> list[Path]:
    """Files as given; folders searched recursively for the kinds we read, leaving out (into `skipped`, with the
    reason) lock and temp files, non-files, this command's own outputs and review views made by an earlier run."""
    skipped = [] if skipped is None else skipped
    mine = {Path(o).resolve() for o in own if o}
    out = []
    for p in map(Path, paths):
        if p.is_dir():
            for x in sorted(x for x in p.rglob("*") if x.suffix.lower() in sources.SUFFIXES):
                why = skip_reason(x, mine)
                if why:
                    skipped.append((x, why))
                else:
                    out.append(x)
        else:
            out.append(p)
    if not out:
        raise refuse("audit.nothing", paths="、".join(paths))
    return out


def skip_reason(f: Path, mine: set[Path]) -> str | None:
    """Why a file found in a folder is not audited (None: it is)."""
    from addin.audit import view
    from addin.review import batch

    why = batch.skip_reason(f)               # lock files, temp files, FIFOs, folders named like a file
    if why:
        return why
    if f.resolve() in mine:
        return "本次命令要写入的文件"
    if f.suffix.lower() in (".html", ".htm"):
        try:
            with open(f, "rb") as fh:
                if view.GENERATOR.encode() in fh.read(1024):
                    return "本工具生成的审读视图（--html）"
        except OSError:
            return None                          # reported in its row when it is read
    return None


def skipped_text(skipped: list[tuple[Path, str]]) -> str:
    from addin.review import batch

    groups: dict[str, list[str]] = {}
    for f, why in skipped:
        groups.setdefault(why, []).append(f.name)
    return f"{len(skipped)} 个文件：" + "；".join(f"{len(n)} 个{why}：{batch.names(n)}" for why, n in groups.items())


def prior_of(where: str | None):
    """Last year's report: a workbook, or a published report read the same way."""
    if not where:
        return None
    from addin import pipeline
    from addin.checks import prior

    if Path(where).suffix.lower() in (".xlsx", ".xlsm"):
        return pipeline.read_prior(where)
    from addin.audit import document

    a = document.read(where)
    return prior.Prior(a.document, a.locate, source=f"上年报告 {Path(where).name}")


def audit_one(path: Path, last_year=None):
    from addin.audit import document

    a = document.read(path)
    return a, document.validate(a, prior=last_year)


def text_report(a, findings) -> str:
    from addin.review import printer

    organ = a.document["organ"]
    lines = [f"文件：{a.path}（{ {'html': '网页', 'pdf': 'PDF', 'docx': 'Word', 'text': '文本'}[a.kind] }）",
             f"机关：{organ.get('name') or '（未读出）'}　年度：{organ.get('year') or '（未读出）'}",
             f"读出 {sum(v is not None for v in a.document['cells'].values())} 格，未能读出 {len(a.unread)} 格。"]
    for x in findings:
        lines.append(f"  [{x.severity}] {x.rule} {x.message}")
        quote = (x.values or {}).get("quote")
        if quote and quote not in x.message:
            lines.append(f"      原文：{quote[:120]}")
    lines.append("结果：" + printer.verdict(summary(findings)).split(" —— ")[0])
    return "\n".join(lines)


def json_report(a, findings) -> dict:
    return {"file": str(a.path), "kind": a.kind, "organ": a.document["organ"].get("name"),
            "year": a.document["organ"].get("year"), "document": a.document, "provenance": a.where,
            "unread": a.unread, "summary": summary(findings), "findings": [x.to_dict() for x in findings]}


def cmd(args) -> int:
    from addin.io.atomic import atomic_path, check_writable
    from addin.review import batch, progress

    say = sys.stderr if args.json else sys.stdout
    skipped: list[tuple[Path, str]] = []
    paths = collect(args.file, skipped, own=(args.summary, args.html, args.to_workbook))
    if skipped:
        print(f"（跳过 {skipped_text(skipped)}）", file=sys.stderr)
    for out in (args.html, args.to_workbook):
        if out:
            check_writable(Path(out), False)          # refuse before the work, never overwrite
    if args.summary:
        batch.check_outputs([Path(args.summary)])     # also: the folder takes a new file
    if len(paths) > 1 and (args.html or args.to_workbook):
        raise refuse("args.audit_single")
    last_year = prior_of(args.prior)
    rows, reports = [], []
    try:
        with progress.Progress(len(paths), "审读", enabled=False if args.json or len(paths) == 1 else None) as bar:
            for path in paths:
                rows.append(audit_row(path, last_year, reports, args, single=len(paths) == 1))
                bar.advance()
    except KeyboardInterrupt:
        return interrupted(args, rows, reports, len(paths))
    worst = max(r["exit"] for r in rows)
    if args.json:
        print(json.dumps({"reports": reports, "summary": [brief(r) for r in rows], "exit": worst},
                         ensure_ascii=False, indent=1))
    else:
        print("\n\n".join(reports))
        if len(paths) > 1:
            print("\n" + summary_table(rows))
    if args.summary:
        target = Path(args.summary)
        if target.suffix.lower() == ".xlsx":
            from addin.review import summary_xlsx

            summary_xlsx.write(rows, target, force=True)     # checked before the work
        else:
            with atomic_path(target) as tmp:
                tmp.write_text(summary_csv(rows), encoding="utf-8-sig", newline="")
        print(f"已写入汇总表：{args.summary}", file=say)
    return worst


def audit_row(path: Path, last_year, reports: list, args, single: bool) -> dict:
    """One file audited: its row in the batch shape (addin/review/batch.py) that the summary workbook takes; its
    report appended to `reports`; the single-file outputs written."""
    row = {"file": str(path), "organ": None, "year": None, "exit": 2, "error": None, "findings": [], "unread": None}
    try:
        a, findings = audit_one(path, last_year)
    except UserError as e:
        if single:
            raise
        row["error"] = {"code": e.code, "message": e.message}
        return row
    s = summary(findings)
    row.update(organ=a.document["organ"].get("name"), year=a.document["organ"].get("year"), unread=len(a.unread),
               summary=s, findings=[row_finding(x) for x in findings], exit=0 if s["passed"] else 1)
    reports.append(json_report(a, findings) if args.json else text_report(a, findings))
    write_single(a, findings, args)
    return row


def row_finding(x) -> dict:
    """A finding for the summary: two cells read from one place in the text name that place once."""
    d = x.to_dict()
    d["addresses"] = list(dict.fromkeys(d["addresses"]))
    return d


def write_single(a, findings, args) -> None:
    from addin.io.atomic import atomic_path

    say = sys.stderr if args.json else sys.stdout
    if args.html:
        from addin.audit import view

        with atomic_path(Path(args.html)) as tmp:
            tmp.write_text(view.render(a, findings), encoding="utf-8")
        print(f"已写入审读视图：{args.html}", file=say)
    if args.to_workbook:
        from addin.io import template

        template.write(Path(args.to_workbook), doc=a.document)
        print(f"已生成工作簿：{args.to_workbook}（按原文读出的数据；未能读出的格留空）", file=say)


def interrupted(args, rows: list[dict], reports: list, total: int) -> int:
    """Ctrl-C: the files finished so far are shown (no summary file: it would look complete), then exit 130."""
    if args.json and rows:
        print(json.dumps({"reports": reports, "summary": [brief(r) for r in rows], "exit": 130,
                          "interrupted": {"done": len(rows), "total": total}}, ensure_ascii=False, indent=1))
    elif rows:
        print("\n\n".join(reports) + ("\n\n" + summary_table(rows) if total > 1 else ""))
    print(f"已中断：{total} 个文件中已审读 {len(rows)} 个（结果见上），其余 {total - len(rows)} 个未审读；"
          f"未写入汇总表。输入文件均未修改。", file=sys.stderr)
    return 130


def brief(r: dict) -> dict:
    """A row as `--json` has always shown it under "summary"."""
    if r["error"]:
        return {"file": r["file"], "error": r["error"]["message"]}
    return {"file": r["file"], "organ": r["organ"], "year": r["year"], "unread": r["unread"],
            **r["summary"]["counts"], "passed": r["summary"]["passed"]}


HEAD = ["文件", "机关", "年度", "未能读出", "错误", "需说明", "提示", "结论"]
NOT_REPORT = "audit.not_report"


def _cells(r: dict) -> list:
    if r["error"]:
        what = "不是年度报告" if r["error"]["code"] == NOT_REPORT else "无法读取"
        return [Path(r["file"]).name, "", "", "", "", "", "", f"{what}：" + r["error"]["message"]]
    c = r["summary"]["counts"]
    return [Path(r["file"]).name, r["organ"] or "", r["year"] or "", r["unread"], c[ERROR], c[EXPLAIN], c[INFO],
            "通过" if r["summary"]["passed"] else "未通过"]


def summary_table(rows: list[dict]) -> str:
    return "\n".join(["　".join(HEAD)] + ["　".join(map(str, _cells(r))) for r in rows])


def summary_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(HEAD)
    w.writerows(_cells(r) for r in rows)
    return buf.getvalue()
