"""Checks against last year's report (rules of kind "prior" in schema/rules-*.json).

Both sides are report documents; the validator passes last year's document and its own locator (for the
addresses in messages). Cells that are blank or invalid on either side are left out: they are reported by
the ordinary rules.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from addin.checks.findings import Finding
from addin.format import fmt as fmtmod
from addin.format import layout
from addin.messages import refuse

Locate = Callable[[str], str]


class Prior:
    """Last year's report as the checks need it: its document and where its cells are."""

    def __init__(self, doc: dict, locate: Locate, source: str = "上年工作簿"):
        self.doc, self.locate, self.source = doc, locate, source

    def number(self, cid: str):
        v = self.doc.get("cells", {}).get(cid)
        return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def check_year(doc: dict, prior: Prior) -> None:
    """Comparing with a report that is not last year's would only make noise: refuse it clearly."""
    year, prior_year = doc["organ"].get("year"), prior.doc.get("organ", {}).get("year")
    if isinstance(year, int) and prior_year != year - 1:
        raise refuse("input.prior_year", source=prior.source, prior_year=prior_year or "（未填年度）", year=year,
                     wanted=year - 1)


def _number(doc: dict, cid: str):
    v = doc["cells"].get(cid)
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def check_carry_over(f: fmtmod.Format, rule: fmtmod.Rule, doc: dict, locate: Locate, prior: Prior) -> list[Finding]:
    """X1: 本年“上年结转” = 上年“结转下年度继续办理”, column by column."""
    out = []
    for b in fmtmod.bindings_of(rule.spec):
        this_cell = fmtmod.expand_ids(rule.spec["this"], b)[0]
        prior_cell = fmtmod.expand_ids(rule.spec["prior"], b)[0]
        now, before = _number(doc, this_cell), prior.number(prior_cell)
        if now is None or before is None or now == before:
            continue
        cell = f.cells[this_cell]
        msg = rule.message(sheet=cell.table.sheet, column=cell.column.label, this_label=cell.row.label, this=now,
                           this_cell=locate(this_cell), source=prior.source, prior_label=f.cells[prior_cell].row.label,
                           prior=before, prior_cell=prior.locate(prior_cell), difference=now - before)
        out.append(Finding(rule.id, rule.severity, msg, cells=[this_cell],
                           values={"this": now, "prior": before, "difference": now - before, "binding": b},
                           target=f"{rule.id}:{b['C']}"))
    return out


def check_in_force(f: fmtmod.Format, rule: fmtmod.Rule, doc: dict, locate: Locate, prior: Prior) -> list[Finding]:
    """X4: 现行有效(Y) = 现行有效(Y−1) + 本年制发 − 本年废止 (a soft rule: expiry breaks it)."""
    out = []
    for b in fmtmod.bindings_of(rule.spec):
        this, before_cell, plus, minus = (fmtmod.expand_ids(rule.spec[k], b)[0] for k in ("this", "prior", "plus", "minus"))
        now, added, removed, before = _number(doc, this), _number(doc, plus), _number(doc, minus), prior.number(before_cell)
        if None in (now, added, removed, before):
            continue
        expected = before + added - removed
        if now == expected:
            continue
        cell = f.cells[this]
        msg = rule.message(sheet=cell.table.sheet, title=cell.table.title, row=cell.row.label,
                           in_force_label=cell.column.label, now=now, this_cell=locate(this), before=before,
                           issued_label=f.cells[plus].column.label, added=added,
                           repealed_label=f.cells[minus].column.label, removed=removed, expected=expected,
                           difference=now - expected)
        out.append(Finding(rule.id, rule.severity, msg, cells=[this, plus, minus],
                           values={"reported": now, "expected": expected}, target=f"{rule.id}:{b['R']}"))
    return out


def _plain(text: str) -> str:
    return re.sub(r"[\s\W_]+", "", text or "")


def similarity(a: str, b: str) -> float:
    """Share of matching characters, ignoring whitespace and punctuation (difflib ratio)."""
    a, b = _plain(a), _plain(b)
    if not a or not b:
        return 0.0
    from difflib import SequenceMatcher  # only with last year's report: not on every validate's start

    m = SequenceMatcher(None, a, b, autojunk=False)
    if m.real_quick_ratio() == 0 or len(a) * len(b) <= _EXACT_WORK:
        return m.ratio()
    # difflib is quadratic (two 8,000-character texts: seconds); longer texts are compared by their shared
    # two-character pieces (Dice coefficient, linear), which agrees with the ratio on copied paragraphs
    return _bigram_dice(a, b)


_EXACT_WORK = 2500 * 2500     # two section-five texts of ≤ 2,500 characters each: difflib, < 1 s worst case


def _bigram_dice(a: str, b: str) -> float:
    from collections import Counter

    ca, cb = Counter(zip(a, a[1:])), Counter(zip(b, b[1:]))
    total = sum(ca.values()) + sum(cb.values())
    return 2 * sum((ca & cb).values()) / total if total else float(a == b)


def check_same_as_last_year(f: fmtmod.Format, rule: fmtmod.Rule, doc: dict, locate: Locate,
                            prior: Prior) -> list[Finding]:
    """X5: 五、存在的主要问题及改进情况 must not repeat last year's (年年雷同)."""
    out = []
    p = rule.params
    for element in rule.spec["cells"]:
        key = element.split(".", 1)[1]
        now, before = doc["texts"].get(key) or "", (prior.doc.get("texts") or {}).get(key) or ""
        if len(_plain(now)) < p["min_chars"]:
            continue
        s = similarity(now, before)
        if s < p["max_similarity"]:
            continue
        t = f.text(key)
        msg = rule.message(address=locate(element), heading=f.section(t.section)["heading"], label=t.label,
                           source=prior.source, similarity=f"{s:.0%}", prior_address=prior.locate(element))
        out.append(Finding(rule.id, rule.severity, msg, cells=[element], values={"similarity": round(s, 3)},
                           target=element))
    return out


def check_same_organ(f: fmtmod.Format, rule: fmtmod.Rule, doc: dict, locate: Locate, prior: Prior) -> list[Finding]:
    """X6: the prior workbook should be the same organ's."""
    now, before = doc["organ"].get("name") or "", (prior.doc.get("organ") or {}).get("name") or ""
    if _plain(now) == _plain(before):
        return []
    msg = rule.message(address=locate("organ.name"), this=now, source=prior.source, prior=before)
    return [Finding(rule.id, rule.severity, msg, cells=["organ.name"], values={"this": now, "prior": before})]


CHECKS = {"prior-carry-over": check_carry_over, "prior-in-force": check_in_force,
          "prior-same-text": check_same_as_last_year, "prior-same-organ": check_same_organ}   # by rule kind


def findings(doc: dict, locate: Locate, prior: Prior) -> list[Finding]:
    f = fmtmod.load()
    out = []
    for rule in f.rules:
        if rule.kind in CHECKS and rule.active:
            out.extend(CHECKS[rule.kind](f, rule, doc, locate or layout.load().address, prior))
    return out


def key(doc: dict) -> tuple[str, object]:
    """How a unit is matched with last year's workbook in a folder: its organ name and year."""
    return _plain((doc.get("organ") or {}).get("name") or ""), (doc.get("organ") or {}).get("year")
