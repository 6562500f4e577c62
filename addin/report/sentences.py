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

def section2(doc: dict) -> list[str]:
    f = fmtmod.load()
    cells = doc.get("cells") or {}
    parts = []
    t21 = f.table(uses("s2_activity"))
    for row in t21.rows:
        vals = {c.id: cells.get(t21.cell_id_of(row, c)) for c in t21.columns}
        if any(not isinstance(v, (int, float)) for v in vals.values()):
            return []
        said = [f"{_short(c.label)}{num(vals[c.id])}件" for c in t21.columns if vals[c.id]]
        if said:
            parts.append(f"{row.label}{_join(said)}")
        else:
            parts.append(f"无{_join(_short(c.label) for c in t21.columns)}的{row.label}")
    decided, none = [], []
    for tid in uses("s2_decisions"):
        t = f.table(tid)
        for row in t.rows:
            v = cells.get(t.cell_id_of(row, t.columns[0]))
            if not isinstance(v, (int, float)):
                return []
            (decided.append(f"{row.label}{num(v)}件") if v else none.append(row.label))
    out = ["本年" + "；".join(parts) + "。"]
    s = ""
    if decided:
        s = f"作出{_join(decided)}处理决定"
    if none:
        s += ("，" if s else "") + f"无{_join(none)}处理决定"
    t8 = f.table(uses("s2_fee"))
    fee = cells.get(t8.cell_id_of(t8.rows[0], t8.columns[0]))
    if isinstance(fee, (int, float)):
        fee_label = t8.rows[0].label
        s += "；" + (f"{fee_label}{num(fee)}{t8.unit}" if fee else f"无{fee_label}")
    out.append(f"本年度{s}。")
    return out


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
    first = f"本年新收政府信息公开申请{new}件" if new else "本年度未收到新的政府信息公开申请"
    if new and (q[natural] or q[legal]):
        who = [f"{w}申请{v}件" for w, v in ((_applicant(natural), q[natural]), (_applicant(legal), q[legal])) if v]
        first += f"（其中{_join(who)}）"
    first += f"，上年结转{carried}件" if carried else "，无上年结转申请"
    second = ""
    if handled:
        results = [f"{label(k)}{q[k]}件{share(q[k], handled)}" for k in results if q[k]]
        second = f"本年度办结{handled}件，其中" + _join(results)
    else:
        second = "本年度未办结申请"
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
