"""An independent check of the committed document schema against the format data (issue 14).

The golden-file test only says report-document.schema.json is what docschema.build() writes today; this
reads schema/format-2021.json raw (no addin.format code) and checks that every cell id of the format is in
the schema with its value type and bounds, every organ field and text likewise — and nothing else.
"""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

from .helpers import ROOT

FORMAT = json.loads((ROOT / "schema" / "format-2021.json").read_text(encoding="utf-8"))
SCHEMA = json.loads((ROOT / "schema" / "report-document.schema.json").read_text(encoding="utf-8"))
PROPS = SCHEMA["properties"]


def _format_cells() -> dict[str, str]:
    """cell id → value kind, straight from the tables' rows × columns."""
    out = {}
    for t in FORMAT["tables"]:
        for r in t["rows"]:
            for c in t["columns"]:
                cid = t["cell_id"].format(row=r["id"], col=c["id"])
                assert cid not in out, f"cell id {cid} twice in the format"
                out[cid] = t["value"]
    return out


CELLS = _format_cells()


def _resolve(node: dict) -> dict:
    ref = node.get("$ref")
    if not ref:
        return node
    assert ref.startswith("#/$defs/")
    return SCHEMA["$defs"][ref.split("/")[-1]]


def test_the_cells_are_exactly_the_formats():
    cells = PROPS["cells"]
    assert set(cells["properties"]) == set(CELLS)
    assert set(cells["required"]) == set(CELLS) and cells["additionalProperties"] is False
    assert len(CELLS) == 200


@pytest.mark.parametrize("cid", sorted(CELLS))
def test_each_cell_has_its_value_type_and_bounds(cid):
    spec = FORMAT["values"][CELLS[cid]]
    s = _resolve(PROPS["cells"]["properties"][cid])
    assert s["type"] == [spec["type"], "null"]
    assert s["minimum"] == spec["minimum"] and s["maximum"] == spec["maximum"]
    if spec["type"] == "number" and spec["decimals"]:
        assert Decimal(str(s["multipleOf"])) == Decimal(1).scaleb(-spec["decimals"])
    else:
        assert "multipleOf" not in s


def test_the_organ_fields_are_exactly_the_formats():
    organ = PROPS["organ"]
    fields = {f["id"]: f for f in FORMAT["organ_fields"]}
    assert set(organ["properties"]) == set(fields) and organ["additionalProperties"] is False
    assert set(organ["required"]) == set(fields)          # every key present; blank optional ones are null
    for fid, f in fields.items():
        s = organ["properties"][fid]
        types = s["type"] if isinstance(s["type"], list) else [s["type"]]
        assert types[0] == f["type"] and (("null" in types) != bool(f["required"])), fid
        for raw, key in (("minimum", "minimum"), ("maximum", "maximum"), ("pattern", "pattern"),
                         ("max_length", "maxLength")):
            assert s.get(key) == f.get(raw), (fid, key)
        if "enum" in f:
            assert [v for v in s["enum"] if v is not None] == f["enum"] and ((None in s["enum"]) != f["required"])
        else:
            assert "enum" not in s


def test_the_texts_are_exactly_the_formats():
    texts = PROPS["texts"]
    raw = {t["id"]: t for t in FORMAT["texts"]}
    assert set(texts["properties"]) == set(raw) == set(texts["required"]) and texts["additionalProperties"] is False
    for tid, t in raw.items():
        assert texts["properties"][tid]["type"] == "string" and texts["properties"][tid]["maxLength"] == t["max_length"]


def test_nothing_else_at_the_top():
    assert set(PROPS) == set(SCHEMA["required"]) == {"format", "organ", "cells", "texts", "explanations"}
    assert PROPS["format"] == {"const": FORMAT["version"]} and SCHEMA["additionalProperties"] is False
    assert set(SCHEMA["$defs"]) == set(FORMAT["values"])
