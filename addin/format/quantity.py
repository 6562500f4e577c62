"""The table quantities of FORMAT.md §7 (schema/format-*.json "quantities"): what narratives and generated
sentences speak of, each the sum of its cells. The sentences, the narrative-vs-table rules and the roll-up's
source list all read them here."""
from __future__ import annotations

from functools import lru_cache

from addin.format import fmt as fmtmod


@lru_cache(maxsize=None)
def quantities() -> dict[str, dict]:
    """id → {label, cells (expanded)} from schema/format-*.json."""
    f = fmtmod.load()
    out = {}
    for q in f.raw["quantities"]["items"]:
        cells = [c for p in q["cells"] for c in fmtmod.expand_ids(p)]
        out[q["id"]] = {"id": q["id"], "label": q["label"], "cells": cells}
    return out


def value(doc: dict, qid: str):
    """The quantity's value: the sum of its cells (blanks count 0); None if a cell is not a number."""
    total, cells = 0, doc.get("cells") or {}
    for c in quantities()[qid]["cells"]:
        v = cells.get(c)
        if v is None:
            continue
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            return None
        total += v
    return total


def label(qid: str) -> str:
    return quantities()[qid]["label"]


def uses(name: str):
    """The ids (a table, or a list of quantities or column groups) a part of the program speaks of: "uses"."""
    v = fmtmod.load().raw["uses"][name]
    return tuple(v) if isinstance(v, list) else v
