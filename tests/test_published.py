"""The rules on the figures of real published reports (../shared/samples/published/tables.json, read by a person).

Their known findings (INDEX.md): the arithmetic of 三 and 四 holds in all four; 平潭 2024 has 复议后起诉 19 beside
行政复议 7 — possible, worth a 提示 (P2).
"""
from __future__ import annotations

import json
import os

import pytest

from addin.checks import validator
from addin.format import fmt

from .helpers import shared_dir

F = fmt.load()
T3_KEYS = (["new", "carry", "open", "partial"] + [f"d{i}" for i in range(1, 9)] + [f"u{i}" for i in range(1, 4)]
           + [f"n{i}" for i in range(1, 6)] + [f"o{i}" for i in range(1, 4)] + ["total", "next"])


def published() -> dict:
    path = shared_dir() / "samples" / "published" / "tables.json"
    if not path.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{path} not found: CI runs with ../shared beside the clone")
        pytest.skip(f"{path} not found")
    return {k: v for k, v in json.loads(path.read_text(encoding="utf-8")).items() if not k.startswith("_")}


def document(tables: dict, example_doc: dict) -> dict:
    doc = example_doc
    t3, t4 = F.table("t3"), F.table("t4")
    assert len(T3_KEYS) == len(t3.rows)
    for key, row in zip(T3_KEYS, t3.rows):
        for value, col in zip(tables["t3"][key], t3.columns):
            doc["cells"][t3.cell_id_of(row, col)] = value
    for value, col in zip(tables["t4"], t4.columns):
        doc["cells"][t4.cell_id_of(t4.rows[0], col)] = value
    doc["texts"]["overview"] = "（本测试只核对表格）"      # the example's narrative would not match these figures
    return doc


@pytest.mark.parametrize("report", ["pingtan-zone-2024.txt", "pingtan-zone-2025.txt", "shuyang-fagaiju-2023.txt",
                                    "shanghai-gov-office-2025.txt"])
def test_published_tables_pass_the_arithmetic(report, example_doc):
    out = validator.validate(document(published()[report], example_doc))
    arithmetic = [f.message for f in out if f.rule in ("B1", "B2", "B3", "B4", "B5", "B6", "F4")]
    assert arithmetic == [], arithmetic
    p2 = [f for f in out if f.rule == "P2"]
    assert bool(p2) == (report == "pingtan-zone-2024.txt")
    if p2:
        assert "19 件" in p2[0].message and "7 件" in p2[0].message and p2[0].severity == "提示"


def test_a_misread_figure_is_caught(example_doc):
    tables = published()["pingtan-zone-2025.txt"]
    tables["t3"]["open"][0] += 1                   # one application read into 予以公开 twice
    rules = {f.rule for f in validator.validate(document(tables, example_doc))}
    assert {"B2", "B3"} <= rules
