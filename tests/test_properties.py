"""Property tests over report documents."""
from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from addin.checks import validator
from addin.format import fmt

from .helpers import EXAMPLE_JSON, balanced_doc

BASE = balanced_doc(json.loads(EXAMPLE_JSON.read_text(encoding="utf-8")))
T34 = [c for c in fmt.load().cells if c.startswith(("t3.", "t4."))]


@pytest.mark.slow   # > 5 s
@settings(max_examples=300, deadline=None)
@given(cell=st.sampled_from(T34), delta=st.sampled_from([-1, 1]))
def test_any_count_cell_off_by_one_gives_an_error_naming_it(cell, delta):
    doc = copy.deepcopy(BASE)
    doc["cells"][cell] += delta
    errors = [f for f in validator.validate(doc) if f.severity == "错误"]
    assert any(cell in f.cells for f in errors), (cell, delta, [f.message for f in errors])
