"""Findings → the terminal (Chinese, grouped by sheet) or JSON for machines."""
from __future__ import annotations

import json

from addin.checks.findings import EXPLAIN, SEVERITIES, Finding, summary, to_do, verdict
from addin.format import layout

__all__ = ["verdict", "text_report", "json_report", "export_report"]


def _position(x: Finding):
    """Severity first, then where on the sheet (row, column of the first address), as staff read a sheet."""
    order = (SEVERITIES.index(x.severity) if x.severity in SEVERITIES else 9,)
    ref = x.addresses[0].split("!")[-1].split(":")[0] if x.addresses else ""
    try:
        return order + layout.row_col(ref) + (x.rule,)
    except ValueError:        # a sheet name alone, or no address: after the located ones
        return order + (10**7, 0, x.rule)


def text_report(path, doc: dict, findings: list[Finding], located_by: str = "names") -> str:
    organ = doc.get("organ") or {}
    lines = [f"文件：{path}",
             f"机关：{organ.get('name') or '（未填写）'}　年度：{organ.get('year') or '（未填写）'}"]
    if located_by == "labels":
        lines.append("（未找到标准模板的定义名称，已按官方标签定位各数据格）")
    groups: dict[str, list[Finding]] = {}
    for x in findings:
        groups.setdefault(x.sheet or "工作簿", []).append(x)
    order = layout.sheet_order()
    for sheet, items in sorted(groups.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)):
        lines.append(f"── {sheet} ──")
        for x in sorted(items, key=_position):
            tag = x.severity
            if x.severity == EXPLAIN:
                tag += "·已说明" if x.explanation else "·未说明"
            lines.append(f"  [{tag}] {x.rule} {x.message}")
            if x.explanation:
                lines.append(f"      说明：{x.explanation}")
    if not findings:
        lines.append("没有发现问题。")
    lines.append("结果：" + verdict(summary(findings)))
    return "\n".join(lines)


def json_report(path, doc: dict, findings: list[Finding], located_by: str = "names") -> str:
    organ = doc.get("organ") or {}
    return json.dumps({
        "file": str(path),
        "organ": organ.get("name"),
        "year": organ.get("year"),
        "located_by": located_by,
        "summary": summary(findings),
        "findings": [x.to_dict() for x in findings],
    }, ensure_ascii=False, indent=1)


def export_report(result, shown_path) -> tuple[int, str]:
    """`nianbao export` (and the add-in's export button): exit code and what staff read — the findings,
    then what was written or why nothing was. `result` is a report.export.Result."""
    if result.blocked:
        blocking = [x for x in result.findings if x.blocking]
        steps = to_do(summary(result.findings)).replace("请", "请先", 1).replace("错误", "上列错误", 1)
        return 1, (text_report(shown_path, result.document, blocking, result.located_by) + "\n"
                   f"未导出报告：{steps}；如只需征求意见稿，可加 --draft。")
    return 0, text_report(shown_path, result.document, result.findings, result.located_by) + "\n" + text_summary(result)


def text_summary(result) -> str:
    lines = []
    if result.draft:
        lines.append("征求意见稿：每页页眉和文件名都标有“征求意见稿”。")
    lines.append("已导出报告：")
    for w in result.written:
        lines.append(f"  {w.path}（{_size(w.bytes)}）")
    if result.updated:
        lines.append("替换了本工具此前导出、未经改动的同名文件：" + "、".join(str(p) for p in result.updated))
    if result.replaced:
        lines.append("以下文件已存在并被替换，原文件已另存（如曾手工修改，请从中取回）：")
        for old, kept in result.replaced.items():
            lines.append(f"  {old} → 原文件另存为 {kept}")
    return "\n".join(lines)


def _size(n: int) -> str:
    return f"{n / 1024:.1f} KB" if n >= 1024 else f"{n} 字节"
