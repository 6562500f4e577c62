"""dump ∘ fill is the identity on report documents (property test over generated documents)."""
from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from addin.format import docschema, fmt
from addin.io import reader, template

F = fmt.load()
CHARS = st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn"), blacklist_characters="\r")
LINE = st.text(CHARS, max_size=60)


def stripped(s: st.SearchStrategy) -> st.SearchStrategy:
    return s.map(str.strip).filter(bool)


@st.composite
def texts(draw, max_lines: int):
    lines = draw(st.lists(LINE, max_size=max_lines))
    while lines and not lines[-1].strip():      # normal form: no trailing blank lines (a workbook can't hold them)
        lines.pop()
    return "\n".join(lines)


def organ_value(f: fmt.OrganField):
    if f.type == "integer":
        return st.integers(f.spec["minimum"], f.spec["maximum"])
    if "enum" in f.spec:
        return st.sampled_from(f.spec["enum"])
    if "pattern" in f.spec:
        value = st.text(string.digits, min_size=6, max_size=6)
    else:
        value = stripped(st.text(CHARS, min_size=1, max_size=40))
    return value if f.required else st.none() | value


def cell_value(c: fmt.Cell):
    if c.value == "amount":
        return st.none() | st.decimals(0, 99999, places=4).map(float)
    return st.none() | st.integers(0, F.values["count"]["maximum"])


@st.composite
def documents(draw):
    return {
        "format": F.version,
        "organ": {f.id: draw(organ_value(f)) for f in F.organ_fields},
        "cells": {cid: draw(cell_value(c)) for cid, c in F.cells.items()},
        "texts": {t.id: draw(texts(t.rows + 3)) for t in F.texts},   # +3: more lines than rows overflow
        "explanations": draw(st.lists(st.fixed_dictionaries({
            "rule": st.sampled_from([r.id for r in F.rules]),
            "target": st.text(string.ascii_letters + "表三!0123456789.", max_size=20).map(str.strip),
            "text": stripped(st.text(CHARS, min_size=1, max_size=80)),
        }), max_size=5)),
    }


@pytest.mark.slow   # > 5 s
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(doc=documents())
def test_dump_of_fill_is_identity(tmp_path_factory, doc):
    assert list(docschema.validator().iter_errors(doc)) == []     # the generator makes valid documents
    path = tmp_path_factory.mktemp("rt") / "doc.xlsx"
    template.write(path, doc=doc)
    assert reader.read(path).document == doc


def test_formula_like_text_stays_text(tmp_path, example_doc):
    example_doc["texts"]["other"] = "=HYPERLINK(\"http://x\")\n+1\n@SUM(A1)\n信息处理费"
    example_doc["organ"]["name"] = "=1+1"
    path = tmp_path / "x.xlsx"
    template.write(path, doc=example_doc)
    assert reader.read(path).document == example_doc
