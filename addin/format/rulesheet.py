"""The rule list shown to staff (the 规则说明 sheet): one row per rule, derived from schema/rules-*.json.

After the EBA validation-rule tables: id, the rule in words, severity, the expression, every cell it touches
(as Excel addresses, compressed into ranges) and the basis in the notice or template.
"""
from __future__ import annotations

import re

from addin.format import fmt as fmtmod
from addin.format import layout as laymod

# Column headers of the 规则说明 sheet, keyed by the row dict's keys (order = sheet order).
COLUMNS = {
    "id": "规则编号",
    "title": "规则",
    "severity": "级别",
    "expression": "表达式",
    "cells": "涉及单元格",
    "explain": "说明",
    "source": "依据",
}

# "（JSON Schema：type integer, minimum 0）" after an expression: how the rule is implemented, not what staff check.
_NOTE_FOR_DEVELOPERS = re.compile(r"（JSON Schema[^）]*）")

# How a for_each variable of a balance rule is named in words.
_VAR_WORDS = {"C": "列", "R": "行", "G": "组"}


def rows() -> list[dict]:
    f = fmtmod.load()
    lay = laymod.load()
    return [
        {
            "id": r.id,
            "title": r.title,
            "severity": r.severity,
            "expression": expression(r, f),
            "cells": element_rectangles(lay, rule_elements(r, f)),
            "explain": r.explain,
            "source": r.source,
        }
        for r in f.rules
    ]


def expression(rule: fmtmod.Rule, f: fmtmod.Format | None = None) -> str:
    """'一+二 = 三（七）总计+四（逐列：自然人…其他，共 6 列）' for balance rules, else the rule's expression."""
    f = f or fmtmod.load()
    spec = rule.spec
    if rule.kind != "balance":
        return _NOTE_FOR_DEVELOPERS.sub("", spec.get("expression", ""))
    text = f"{spec['lhs']['label']} = {spec['rhs']['label']}"
    parts = []
    for var, values in spec.get("for_each", {}).items():
        words = [f.substitute_label(spec["table"], var, v) for v in values]
        unit = _VAR_WORDS.get(var, "项")
        if len(words) == 1:
            parts.append(f"{words[0]}{unit}")
        elif len(words) <= 3:
            parts.append(f"逐{unit}：" + "、".join(words))
        else:
            parts.append(f"逐{unit}：{words[0]}…{words[-1]}，共 {len(words)} {unit}")
    return text + ("（" + "；".join(parts) + "）" if parts else "")


def rule_elements(rule: fmtmod.Rule, f: fmtmod.Format | None = None) -> list[str]:
    """Every element id the rule touches, in a stable order without repeats."""
    f = f or fmtmod.load()
    spec = rule.spec
    out: list[str] = []
    if rule.kind == "balance":
        for b in fmtmod.bindings_of(spec):
            for side in ("lhs", "rhs"):
                for p in spec[side]["cells"]:
                    out.extend(fmtmod.expand_ids(p, b))
    else:
        for p in spec.get("cells", []):
            out.extend(f.match(p))
    return list(dict.fromkeys(out))


def _boxes(lay: laymod.Layout, element: str) -> tuple[str, int, int, int, int]:
    if element in lay.pos:
        sheet, r, c = lay.pos[element]
        return sheet, r, c, r, c
    if element.startswith("text."):
        b = lay.blocks[element[5:]]
        return b.sheet, b.first_row, b.col, b.last_row, b.col
    if element == "explanations":
        r1, r2 = lay.explain_rows
        return laymod.EXPLAIN_SHEET, r1, 1, r2, len(laymod.EXPLAIN_COLUMNS)
    raise KeyError(element)


def element_rectangles(lay: laymod.Layout, elements: list[str]) -> str:
    """'表三!D7:I8, D30:I31' — the cells of the elements as few rectangles, sheet by sheet."""
    cells: dict[str, set[tuple[int, int]]] = {}
    for e in elements:
        sheet, r1, c1, r2, c2 = _boxes(lay, e)
        cells.setdefault(sheet, set()).update((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1))
    return "; ".join(f"{sheet}!" + ", ".join(laymod.rectangles(todo)) for sheet, todo in cells.items())



def markdown() -> str:
    """docs/rules.md: the same rows as the 规则说明 sheet, for readers of the repository."""
    f = fmtmod.load()
    lines = [f"# 校验规则（{f.name}，{f.notice}）", "",
             "由 `python -m addin.format.rulesheet` 从 `schema/rules-2021.json` 生成（与模板的“规则说明”表相同）。"
             "级别：" + "；".join(f"**{k}**：{v}" for k, v in f.severities.items()) + "。", "",
             *([f"**文字规则的级别**：{f.text_policy}", ""] if f.text_policy else []),
             "| " + " | ".join(COLUMNS.values()) + " |", "|" + "---|" * len(COLUMNS)]
    for row in rows():
        cells = [str(row[k]).replace("|", "\\|").replace("\n", " ") for k in COLUMNS]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # python -m addin.format.rulesheet → docs/rules.md
    from pathlib import Path

    (Path(__file__).resolve().parents[2] / "docs" / "rules.md").write_text(markdown(), encoding="utf-8")
