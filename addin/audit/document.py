"""A published report → the report document a workbook gives, with provenance and what could not be read.

Then the same validator as `nianbao validate` (called as cli.py does), plus the audit's own findings:
what was unread, cut by the sums, guessed, and every tolerance in headings and labels."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from addin.audit import sections as secmod
from addin.audit import sources, tables
from addin.audit.sources import Line
from addin.audit.text import squeeze
from addin.checks.findings import EXPLAIN, INFO, Finding
from addin.format import fmt as fmtmod
from addin.io import document as docmod
from addin.messages import refuse

# The audit's own findings (not format facts: they say how the published text was read).
RULES = {
    "A1": (EXPLAIN, "未能读出的数据"),
    "A2": (INFO, "连写数字按勾稽关系拆分"),
    "A3": (EXPLAIN, "连写数字无法唯一拆分，按常理推定"),
    "A4": (EXPLAIN, "章节标题与官方格式不一致"),
    "A5": (INFO, "标签写法差异（全半角、空格、编号）"),
    "A6": (INFO, "标签残缺（多为提取所致）"),
    "A7": (EXPLAIN, "按行序对应，但标签不符"),
    "A8": (INFO, "存在的主要问题与改进情况的划分"),
}
_NAME = r"[\u4e00-\u9fff（）()·]"
_TITLE = [re.compile(r"(?P<name>[\u4e00-\u9fff（）()·]{2,40}?)\s*(?P<year>20\d\d)\s*年\s*度?\s*(?:政府)?信息公开(?:工作)?\s*年度?\s*报告"),
          re.compile(r"(?P<year>20\d\d)\s*年\s*度?\s*(?P<name>[\u4e00-\u9fff（）()·]{2,40}?)\s*政府信息公开(?:工作)?\s*年度?\s*报告")]


@dataclass
class Audit:
    path: Path
    kind: str
    document: dict
    lines: list[Line]
    where: dict = field(default_factory=dict)
    quote: dict = field(default_factory=dict)
    unread: dict = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    located_by: str = "published"                    # cells found in a published text, not in a workbook

    def locate(self, element: str) -> str:
        return self.where.get(element) or "原文"


def read(path: str | Path) -> Audit:
    f = fmtmod.load()
    src = sources.load(path)
    whole = tables.Region(src.lines)
    found = secmod.find(whole.stream, f)
    if not found.headings:
        raise refuse("audit.not_report", path=src.path)
    spans = _spans(whole, found, f)
    a = Audit(src.path, src.kind, docmod.empty(), src.lines)
    _organ(whole, spans, a)
    t = tables.Tables()
    for sid, reader in (("s2", tables.read_t2), ("s3", tables.read_t3), ("s4", tables.read_t4)):
        reader(_region(whole, spans.get(sid)), f, t)
    for cid in f.cells:
        a.document["cells"][cid] = t.values.get(cid)
    a.where.update(t.where)
    a.quote.update(t.quote)
    a.unread.update(t.unread)
    _texts(whole, spans, found, f, a)
    a.findings = _section_findings(found, whole, f) + _table_findings(t, f, a) + _trial_rows(whole, f)
    return a


def _trial_rows(whole: tables.Region, f: fmtmod.Format) -> list[Finding]:
    """Rows of the superseded 2019 trial format (本年新制作数量, 第二十条第（九）项 …): rule F1."""
    out = []
    rule = f.rule("F1")
    for marker in f.trial_2019["markers"]:
        m = tables._label_rx(marker).search(whole.stream)
        if m:
            where = whole.where(m.start())
            out.append(_finding("F1", rule.message("published", address=where, text=marker), where=where,
                                quote=whole.raw[m.start(): m.end() + 20].split("\n")[0], text=marker))
    return out


# --- structure -------------------------------------------------------------------------------------------

def _spans(whole: tables.Region, found: secmod.Sections, f: fmtmod.Format) -> dict:
    """Section id → (start, end) offsets of its body in the stream."""
    heads = dict(found.headings)
    if "s5" not in heads and "s4" in heads:
        end = heads["s6"].start if "s6" in heads else len(whole.stream)
        s5 = secmod.find_s5(whole.stream, heads["s4"].end, end)
        if s5 is not None:
            heads["s5"] = secmod.Heading("s5", s5, s5, "", "")
            found.notes.append(("s5_by_subhead", {"start": s5}))
    order = sorted(heads.values(), key=lambda h: h.start)
    spans = {}
    for h, nxt in zip(order, order[1:] + [None]):
        spans[h.section] = (h.end, nxt.start if nxt else len(whole.stream))
    spans["_first"] = order[0].start if order else len(whole.stream)
    return spans


def _region(whole: tables.Region, span) -> tables.Region:
    if not span:
        return tables.Region([])
    start, end = span
    lines = []
    for ln, s in zip(whole.lines, whole.starts):
        e = s + len(ln.text)
        if e < start or s >= end:
            continue
        if s >= start and e <= end:
            lines.append(ln)
        else:
            a, b = max(start, s) - s, min(end, e) - s
            piece = whole.stream[s + a: s + b]
            if piece.strip():
                lines.append(Line(piece, ln.where, None, offset=ln.offset + a))
    return tables.Region(lines)


def _section_text(whole: tables.Region, span) -> str:
    if not span:
        return ""
    lines = [x.strip() for x in whole.raw[span[0]:span[1]].split("\n") if x.strip()]
    return "\n".join(unwrap(lines))


_END = "。；;！!？?：:…”」）)"


def unwrap(lines: list[str]) -> list[str]:
    """Paragraphs from lines a PDF or a text capture wrapped at the page width: a line as long as the longest
    ones that does not end a sentence continues on the next line."""
    widths = [_display(x) for x in lines]
    width = max(widths, default=0)
    near = [w >= width * 0.9 for w in widths]
    if width < 40 or sum(near) < 3:
        return lines                   # no common wrap width: lines are paragraphs already
    out: list[str] = []
    glue = False
    for x, full in zip(lines, near):
        if glue and out:
            out[-1] += x
        else:
            out.append(x)
        glue = full and x[-1] not in _END
    return out


def _display(text: str) -> int:
    """Width in half-width units (a Chinese character is two)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _organ(whole: tables.Region, spans: dict, a: Audit) -> None:
    head = whole.stream[: spans.get("_first", 2000)][:3000]
    # a title may wrap over two lines; a draft marker line (征求意见稿) is not part of it
    flat = "".join(x for x in head.split("\n") if squeeze(x).strip("*") != "征求意见稿")
    for rx in _TITLE:
        m = rx.search(flat)
        if m:
            name = re.sub(r"^(?:标题|名称|题目)", "", m.group("name")).strip()
            a.document["organ"]["name"] = name or None
            a.document["organ"]["year"] = int(m.group("year"))
            a.where["organ.name"] = a.where["organ.year"] = whole.where(head.find(m.group("year")))
            return


def _texts(whole: tables.Region, spans: dict, found: secmod.Sections, f: fmtmod.Format, a: Audit) -> None:
    texts = a.document["texts"]
    texts["overview"] = _section_text(whole, spans.get("s1"))
    texts["other"] = _section_text(whole, spans.get("s6"))
    s5 = _section_text(whole, spans.get("s5"))
    problems, improvements, how = secmod.split_s5(s5)
    texts["problems"], texts["improvements"] = _drop_subhead(problems), _drop_subhead(improvements)
    if s5 and how != "subheads":
        found.notes.append(("s5_split", {"how": how}))
    texts["preamble"] = _preamble(whole, spans)
    for tid, sid in (("overview", "s1"), ("problems", "s5"), ("improvements", "s5"), ("other", "s6")):
        if spans.get(sid):
            a.where[f"text.{tid}"] = whole.where(spans[sid][0]) + "起"
    a.where["text.preamble"] = "标题后"


def _is_title(text: str) -> bool:
    """'某机关2024年度政府信息公开工作年度报告' (either order of organ and year), the whole line."""
    return len(text) < 80 and any(rx.fullmatch(text.strip()) for rx in _TITLE)


def _page_metadata(line: str) -> bool:
    """Lines a capture adds around the body: notes in English, "发布时间: …", "==== 正文 ====", a draft mark."""
    return bool(re.match(r"^[=\-—*#]{3,}", line) or sum(c.isascii() and c.isalpha() for c in line) >= len(line) / 2
                or re.match(r"^[\u4e00-\u9fff]{2,6}\s*[:：]", line)
                or squeeze(line).strip("*") in ("征求意见稿", "正文"))


def _drop_subhead(text: str) -> str:
    """A sub-head on a line of its own (（一）存在的主要问题) names the part; it is not part of the text."""
    first, _, rest = text.partition("\n")
    if rest and len(first) < 30 and not re.search(r"[。；;，,]", first):
        return rest.strip()
    return text


def _preamble(whole: tables.Region, spans: dict) -> str:
    """Between the title and 一、: the body's opening paragraph (capture notes and page metadata left out)."""
    head = whole.raw[: spans.get("_first", 0)]
    lines = [x.strip() for x in head.split("\n") if x.strip()]
    lines = [x for x in lines if not _page_metadata(x)]
    title = next((i for i, x in enumerate(lines) if _is_title(x) or (i and _is_title(lines[i - 1] + x))), -1)
    return "\n".join(unwrap(lines[title + 1:]))


# --- findings --------------------------------------------------------------------------------------------

def _finding(rule: str, message: str, cells=(), where: str = "", quote: str = "", **values) -> Finding:
    sev = RULES[rule][0] if rule in RULES else fmtmod.load().rule(rule).severity
    v = dict(values)
    if quote:
        v["quote"] = quote
    return Finding(rule, sev, message, cells=list(cells), addresses=[where] if where else [], values=v,
                   target=f"{rule}:{where}:{cells[0] if cells else ''}")


def _section_findings(found: secmod.Sections, whole: tables.Region, f: fmtmod.Format) -> list[Finding]:
    out = []
    for kind, d in found.notes:
        where = whole.where(d["start"]) if "start" in d else ""
        if kind == "heading":
            out.append(_finding("A4", f"{where} 章节标题为“{d['found']}”，官方格式为“{d['official']}”。",
                                where=where, quote=d["found"], found=d["found"], official=d["official"]))
        elif kind == "number":
            out.append(_finding("A4", f"{where} 章节标题“{d['found']}”的序号与官方格式“{d['official']}”不符"
                                      f"（章节顺序或编号有误）。", where=where, quote=d["found"], official=d["official"]))
        elif kind == "missing":
            out.append(_finding("A4", f"没有找到章节标题“{d['official']}”（可能是标题缺失，也可能是提取时丢失）。"
                                      f"请对照原文核对。", official=d["official"]))
        elif kind == "s5_by_subhead":
            out.append(_finding("A4", f"{where} 起按小标题视为“五、存在的主要问题及改进情况”（未找到该标题）。", where=where))
        elif kind == "s5_split":
            how = {"sentence": "按“下一步”“整改措施”等说法所在的句子", "none": "没有找到改进部分，全部"}[d["how"]]
            out.append(_finding("A8", f"第五部分没有“存在的主要问题”“改进情况”小标题，{how}划分为存在的问题与改进情况。"
                                      f"请核对。"))
    return out


def _table_findings(t: tables.Tables, f: fmtmod.Format, a: Audit) -> list[Finding]:
    out = []
    styles = [d for k, d in t.notes if k == "style"]
    if styles:
        d = styles[0]
        out.append(_finding("A5", f"{d['where']} 等 {len(styles)} 处行标签与官方格式只在全半角、空格或编号写法上不同，"
                                  f"如“{d['found']}”（官方：“{d['official']}”），已按官方标签读取。",
                            where=d["where"], quote=d["found"], count=len(styles)))
    frags = [d for k, d in t.notes if k == "fragment"]
    if frags:
        d = frags[0]
        out.append(_finding("A6", f"{d['where']} 等 {len(frags)} 处行标签残缺，如“{d['found']}”（官方：“{d['official']}”），"
                                  f"按行序归入该行。多为提取时断行所致，请对照原文。", where=d["where"], quote=d["found"]))
    old = fmtmod.load().trial_2019
    for kind, d in t.notes:
        if kind == "label":
            rule = "F1" if squeeze(d["found"]) in old["replaced_labels"] or squeeze(d["found"]) in old["markers"] else "F2"
            r = f.rule(rule)
            msg = (r.message("published_replaced", address=d["where"], text=d["found"], official=d["official"]) if rule == "F1"
                   else r.message("published", address=d["where"], found=d["found"], official=d["official"]))
            out.append(_finding(rule, msg, where=d["where"], quote=d["found"], found=d["found"], official=d["official"]))
        elif kind == "order":
            out.append(_finding("A7", f"{d['where']} 按行序归为“{d['official']}”，但原文标签为“{d['found']}”。请核对。",
                                where=d["where"], quote=d["found"]))
        elif kind == "balance":
            how = {"cut": "数字连在一起，只有一种拆法能使本行（表四为各组）总计相符",
                   "balance": f"数字连在一起，有 {d.get('count')} 种拆法使本行总计相符，按表三各列勾稽关系选定",
                   "restored": "少一个数字，按本行总计补出（各种补法结果相同）"}[kind]
            out.append(_finding("A2", f"{d['where']} {d['row']}：原文“{d['quote']}”，{how}：{d['values']}。",
                                where=d["where"], quote=d["quote"], read=d["values"]))
        elif kind == "guess":
            out.append(_finding("A3", f"{d['where']} {d['row']}：原文“{d['quote']}”数字连在一起，没有总计可以确定拆法"
                                      f"（共 {d['count']} 种可能），按现行有效件数最大、位数相近推定为 {d['values']}。请对照原件核对。",
                                where=d["where"], quote=d["quote"], read=d["values"]))
    out.extend(_cut_findings(t))
    by_table: dict[str, list[str]] = {}
    for cid in t.unread:
        by_table.setdefault(f.cells[cid].table.sheet, []).append(cid)
    for sheet, cids in by_table.items():
        names = "、".join(f.cells[c].label() for c in cids[:4]) + ("等" if len(cids) > 4 else "")
        why = t.unread[cids[0]]
        out.append(_finding("A1", f"{sheet}：{len(cids)} 格未能从原文读出（{why}），未按 0 计，相关勾稽关系未核对：{names}。"
                                  f"请对照原件核对。", cells=cids, where=t.where.get(cids[0], ""), count=len(cids)))
    return out


def _cut_findings(t: tables.Tables) -> list[Finding]:
    """Rows cut or restored by their own total: one finding per kind and table, quoting the first row."""
    groups: dict[tuple[str, str], list[dict]] = {}
    for kind, d in t.notes:
        if kind in ("cut", "restored"):
            groups.setdefault((kind, "表四" if d["row"] == "表四" else "表三"), []).append(d)
    out = []
    for (kind, sheet), items in groups.items():
        d = items[0]
        how = ("数字连在一起，只有一种拆法能使本行（表四为各组）总计相符" if kind == "cut"
               else "少一个数字，按本行总计补出（各种补法结果相同）")
        more = f"（共 {len(items)} 行，如{d['row']}）" if len(items) > 1 else ("" if d["row"] == sheet else d["row"])
        out.append(_finding("A2", f"{d['where']} {sheet}{more}：原文“{d['quote']}”，{how}：{d['values']}。",
                            where=d["where"], quote=d["quote"], read=d["values"], rows=len(items)))
    return out


def validate(a: Audit, prior=None) -> list[Finding]:
    """The same pipeline as `nianbao validate`; checks that touch an unread cell are left to A1."""
    from addin import pipeline

    found = pipeline.check_read(a, prior).findings
    unread = set(a.unread)
    out = []
    for x in found:
        if x.rule[0] in "BF" and x.rule not in ("F1", "F2") and unread & set(x.cells):
            continue                  # said once by A1: the cell was not read, so the check could not be made
        if x.rule == "S2" and not set(x.cells) & {"organ.name", "organ.year"}:
            continue                  # a published report has no 机关层级/报告类型 fields: not the report's fault
        if x.rule == "S1" and "小数" in x.message:
            x.severity = INFO         # 4 decimals is the workbook cell's format; a published figure may have more
        if not (x.values or {}).get("quote") and x.cells and a.quote.get(x.cells[0]):
            x.values = {**(x.values or {}), "quote": a.quote[x.cells[0]]}     # the row as published
        out.append(x)
    return out
