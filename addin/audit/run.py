"""`nianbao audit`: published reports → findings (terminal, JSON, HTML view), a folder summary, a workbook."""
from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

from addin.audit import sources
from addin.checks.findings import summary
from addin.errors import UserError


def collect(paths: list[str]) -> list[Path]:
    out = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(x for x in p.rglob("*") if x.is_file() and x.suffix.lower() in sources.SUFFIXES))
        else:
            out.append(p)
    if not out:
        raise UserError(f"在 {'、'.join(paths)} 中没有找到可审读的文件（.html/.htm/.pdf/.docx/.txt/.md）。",
                        code="audit.nothing")
    return out


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

    paths = collect(args.file)
    for out in (args.summary, args.html, args.to_workbook):
        if out:
            check_writable(Path(out), False)          # refuse before the work, never overwrite
    if len(paths) > 1 and (args.html or args.to_workbook):
        raise UserError("--html 与 --to-workbook 只能用于一个文件。", code="args.audit_single")
    last_year = prior_of(args.prior)
    rows, reports, worst = [], [], 0
    for n, path in enumerate(paths, 1):
        if len(paths) > 1:
            print(f"[{n}/{len(paths)}] {path.name}", file=sys.stderr)
        try:
            a, findings = audit_one(path, last_year)
        except UserError as e:
            if len(paths) == 1:
                raise
            rows.append({"file": str(path), "error": e.message})
            worst = max(worst, 2)
            continue
        s = summary(findings)
        worst = max(worst, 0 if s["passed"] else 1)
        rows.append({"file": str(path), "organ": a.document["organ"].get("name"), "year": a.document["organ"].get("year"),
                     "unread": len(a.unread), **{k: v for k, v in s["counts"].items()}, "passed": s["passed"]})
        reports.append(json_report(a, findings) if args.json else text_report(a, findings))
        if args.html:
            from addin.audit import view

            with atomic_path(Path(args.html)) as tmp:
                tmp.write_text(view.render(a, findings), encoding="utf-8")
            print(f"已写入审读视图：{args.html}", file=sys.stderr if args.json else sys.stdout)
        if args.to_workbook:
            from addin.io import template

            template.write(Path(args.to_workbook), doc=a.document)
            print(f"已生成工作簿：{args.to_workbook}（按原文读出的数据；未能读出的格留空）",
                  file=sys.stderr if args.json else sys.stdout)
    if args.json:
        print(json.dumps({"reports": reports, "summary": rows, "exit": worst}, ensure_ascii=False, indent=1))
    else:
        print("\n\n".join(reports))
        if len(paths) > 1:
            print("\n" + summary_table(rows))
    if args.summary:
        with atomic_path(Path(args.summary)) as tmp:
            tmp.write_text(summary_csv(rows), encoding="utf-8-sig")
        print(f"已写入汇总表：{args.summary}", file=sys.stderr if args.json else sys.stdout)
    return worst


HEAD = ["文件", "机关", "年度", "未能读出", "错误", "需说明", "提示", "结论"]


def _cells(r: dict) -> list:
    if "error" in r:
        return [Path(r["file"]).name, "", "", "", "", "", "", "无法读取：" + r["error"]]
    return [Path(r["file"]).name, r["organ"] or "", r["year"] or "", r["unread"], r["错误"], r["需说明"], r["提示"],
            "通过" if r["passed"] else "未通过"]


def summary_table(rows: list[dict]) -> str:
    return "\n".join(["　".join(HEAD)] + ["　".join(map(str, _cells(r))) for r in rows])


def summary_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(HEAD)
    w.writerows(_cells(r) for r in rows)
    return buf.getvalue()
