"""An HTML view of a published report as read: each line of the source, each finding highlighted where it
points (the line of its cell or heading; a narrative finding at the sentence it quotes)."""
from __future__ import annotations

import html

from addin.checks.findings import ERROR, EXPLAIN

GENERATOR = '<meta name="generator" content="nianbao audit">'   # a folder audit skips the views it made
_COLOR = {ERROR: "#f8d0d0", EXPLAIN: "#fbe9b7"}


def render(a, findings) -> str:
    at: dict[int, list] = {}
    loose = []
    index = {ln.where: i for i, ln in enumerate(a.lines)}
    for x in findings:
        i = _line_of(a, x, index)
        (at.setdefault(i, []) if i is not None else loose).append(x)
    rows = []
    for i, ln in enumerate(a.lines):
        items = at.get(i, [])
        color = _COLOR.get(min((x.severity for x in items), key=lambda s: (s != ERROR, s != EXPLAIN)), "#e6f0ff") \
            if items else ""
        text = html.escape(ln.text)
        style = f' style="background:{color}"' if color else ""
        rows.append(f'<div class="ln" id="L{i}"{style}><span class="w" style="color:#888">{html.escape(ln.where)}｜</span>{text}</div>')
        rows.extend(_box(x) for x in items)
    head = "".join(_box(x) for x in loose)
    organ = a.document["organ"]
    title = html.escape(f"{organ.get('name') or ''} {organ.get('year') or ''} 年度报告 审读结果")
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">{GENERATOR}<title>{title}</title><style>'
            "body{font-family:'Noto Sans CJK SC',sans-serif;max-width:60em;margin:2em auto;line-height:1.6}"
            ".ln{white-space:pre-wrap;word-break:break-all;padding:1px 4px}.w{color:#888;font-size:80%;margin-right:1em}"
            ".f{margin:2px 0 6px 2em;padding:4px 8px;border-left:4px solid #c00;background:#fff7f7;font-size:90%}"
            ".f.需说明{border-color:#d90;background:#fffbe8}.f.提示{border-color:#36c;background:#f3f7ff}"
            f"</style></head><body><h1>{title}</h1><p>文件：{html.escape(str(a.path))}</p>{head}{''.join(rows)}"
            "</body></html>\n")


_BOX = {ERROR: "#fde2e2", EXPLAIN: "#fff3cd"}


def _box(x) -> str:
    # inline colours as well as the class: LibreOffice and mail clients drop <style> rules
    return f'<div class="f {html.escape(x.severity)}" style="background:{_BOX.get(x.severity, "#e8f0fe")}">' \
           f'<b>[{html.escape(x.severity)}] {html.escape(x.rule)}</b> {html.escape(x.message)}</div>'


def _line_of(a, x, index: dict) -> int | None:
    """The source line a finding points at: its address, its cells' provenance, else the sentence it quotes."""
    import re

    quote = (x.values or {}).get("quote") or ""
    for where in list(x.addresses) + [a.where.get(c, "") for c in x.cells]:
        m = re.match(r"^(第\d+行起的表格\d+第\d+行|表格\d+第\d+行|第\d+页第\d+行|正文第\d+段|第\d+段|第\d+行)", where or "")
        if m and m.group(1) in index:
            return index[m.group(1)]
    probe = quote.strip("…")[:20]
    for i, ln in enumerate(a.lines):
        if probe and probe in ln.text:
            return i
    return None
