"""Statistical sentences generated from the tables, for the lead of sections 二, 三 and 四.

Every figure comes from a table cell by id — through the quantities of schema/format-*.json
("quantities": FORMAT.md §7) or the table structure itself — so narrative and tables cannot drift.
Zero-safe and grammatical: a zero is said in words ("未收到…"), never as "0件，占0%"; list items that are 0
are left out; percentages are shares of the results total (三（七）总计) with one decimal.
"""
from __future__ import annotations

import re

from addin.format import fmt as fmtmod
from addin.format.quantity import label, quantities, uses, value
from addin.text import number, strip_ordinal


def _applicant(qid: str) -> str:
    """自然人 / 法人或其他组织: the applicant column (or its group) the quantity's cells stand under."""
    cells = [fmtmod.load().cells[c] for c in quantities()[qid]["cells"]]
    paths = [c.column.path for c in cells]
    return paths[0][-1] if len(paths) == 1 else paths[0][-2]


num = number   # how the sentences print a figure (the same as the tables)


def share(part, whole) -> str:
    """'（占60.0%）' of the results total; empty when the total is 0."""
    return f"（占{part / whole * 100:.1f}%）" if whole else ""


def _join(items: list[str]) -> str:
    return "、".join(items)


def _short(label_text: str) -> str:
    """'（三）不予公开' → '不予公开'; '本年制发件数' → '制发'; '现行有效件数' → '现行有效'."""
    s = strip_ordinal(label_text)
    s = re.sub(r"^本年", "", s)
    return re.sub(r"(件数|数量)$", "", s)


# --- 二、主动公开政府信息情况 ---------------------------------------------------------------------
# Every sentence opens with "本年度" (never "本年"), once; each clause has its verb: 制发/废止 for the acts
# of the year (the columns labelled 本年…), "现行有效" for the stock, 作出 for decisions, 收取 for fees.

def _document_clause(row: str, acts: list[tuple[str, object]], stock: tuple[str, object]) -> str:
    """The row named once, in the first clause: '制发规章2件、废止1件，现行有效10件',
    '废止规章1件，未制发，现行有效10件', '未制发、废止规章，无现行有效的规章'."""
    done = [f"{verb}{num(n)}件" for verb, n in acts if n]
    not_done = [verb for verb, n in acts if not n]
    if done:
        first_verb = next(verb for verb, n in acts if n)
        parts = [_join([first_verb + row + done[0][len(first_verb):], *done[1:]])]
        if not_done:
            parts.append(f"未{_join(not_done)}")
    else:
        parts = [f"未{_join(not_done)}{row}"]
    word, n = stock
    parts.append(f"{word}{num(n)}件" if n else f"无{word}的{row}")
    return "，".join(parts)


def section2(doc: dict) -> list[str]:
    f = fmtmod.load()
    cells = doc.get("cells") or {}
    clauses = []
    t21 = f.table(uses("s2_activity"))
    for row in t21.rows:
        vals = {c.id: cells.get(t21.cell_id_of(row, c)) for c in t21.columns}
        if any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in vals.values()):
            return []
        acts = [(_short(c.label), vals[c.id]) for c in t21.columns if c.label.startswith("本年")]
        stock = next((_short(c.label), vals[c.id]) for c in t21.columns if not c.label.startswith("本年"))
        clauses.append(_document_clause(row.label, acts, stock))
    decided, none = [], []
    for tid in uses("s2_decisions"):
        t = f.table(tid)
        for row in t.rows:
            v = cells.get(t.cell_id_of(row, t.columns[0]))
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                return []
            (decided.append(f"{row.label}决定{num(v)}件") if v else none.append(row.label))
    decisions = []
    if decided:
        decisions.append("作出" + _join(decided))
    if none:
        decisions.append(f"未作出{_join(none)}决定")
    t8 = f.table(uses("s2_fee"))
    fee = cells.get(t8.cell_id_of(t8.rows[0], t8.columns[0]))
    fee_label = t8.rows[0].label
    if isinstance(fee, (int, float)) and not isinstance(fee, bool):
        decisions.append(f"收取{fee_label}{num(fee)}{t8.unit}" if fee else f"未收取{fee_label}")
    return ["本年度" + "；".join(clauses) + "。", "本年度" + "；".join(decisions) + "。"]


# --- 三、收到和处理政府信息公开申请情况 -----------------------------------------------------------

def section3(doc: dict) -> list[str]:
    counts, applicants, results = uses("s3_counts"), uses("s3_applicants"), uses("s3_results")
    q = {k: value(doc, k) for k in (*counts, *applicants, *results)}
    if any(v is None for v in q.values()):
        return []
    new, carried, handled, out_ = (q[k] for k in counts)
    natural, legal = applicants
    if not new and not carried and not handled and not out_:
        return ["本年度未收到政府信息公开申请，无上年结转的申请。"]
    first = f"本年度新收政府信息公开申请{new}件" if new else "本年度未收到新的政府信息公开申请"
    if new and (q[natural] or q[legal]):
        who = [f"{w}申请{v}件" for w, v in ((_applicant(natural), q[natural]), (_applicant(legal), q[legal])) if v]
        first += f"（其中{_join(who)}）"
    first += f"，上年结转{carried}件" if carried else "，无上年结转的申请"
    if handled:
        results = [f"{label(k)}{q[k]}件{share(q[k], handled)}" for k in results if q[k]]
        second = f"办结{handled}件，其中" + _join(results)
    else:
        second = "未办结申请"
    third = f"结转下年度继续办理{out_}件" if out_ else "无结转下年度继续办理的申请"
    return [f"{first}；{second}；{third}。"]


# --- 四、政府信息公开行政复议、行政诉讼情况 -------------------------------------------------------

def _group_breakdown(doc: dict, group: str) -> tuple[int | None, list[str]]:
    """Total and the non-zero result words ('结果维持1件') of one 表四 group, labels from the table."""
    f = fmtmod.load()
    t = f.table(uses("s4_cases"))
    cols = [c for c in t.columns if c.id.startswith(group + ".")]
    cells = doc.get("cells") or {}
    vals = {c.id.split(".")[1]: cells.get(t.cell_id_of(t.rows[0], c)) for c in cols}
    if any(not isinstance(v, (int, float)) for v in vals.values()):
        return None, []
    words = [f"{c.label}{vals[c.id.split('.')[1]]}件" for c in cols
             if not c.id.endswith(".total") and vals[c.id.split(".")[1]]]
    return vals["total"], words


def section4(doc: dict) -> list[str]:
    review_group, direct_group, after_group = uses("s4_groups")
    review, rw = _group_breakdown(doc, review_group)
    direct, dw = _group_breakdown(doc, direct_group)
    after, aw = _group_breakdown(doc, after_group)
    if None in (review, direct, after):
        return []
    suit = direct + after
    if not review and not suit:
        return ["本年度未发生政府信息公开行政复议、行政诉讼案件。"]
    parts = []
    if review:
        parts.append(f"发生政府信息公开行政复议{review}件（{_join(rw)}）" if rw else f"发生政府信息公开行政复议{review}件")
    else:
        parts.append("未发生政府信息公开行政复议")
    if suit:
        groups = []
        for name, n, words in ((label(direct_group), direct, dw), (label(after_group), after, aw)):
            if n:
                groups.append(f"{name}{n}件" + (f"（{_join(words)}）" if words else ""))
        parts.append(f"行政诉讼{suit}件，其中{'，'.join(groups)}")
    else:
        parts.append("未发生政府信息公开行政诉讼")
    return ["本年度" + "；".join(parts) + "。"]


def leads(doc: dict) -> dict[str, list[str]]:
    """Section id → generated lead sentences."""
    return {"s2": section2(doc), "s3": section3(doc), "s4": section4(doc)}
