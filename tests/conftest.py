"""Shared fixtures; plain helpers are in tests/helpers.py."""
from __future__ import annotations

import copy
import json

import pytest

from .helpers import EXAMPLE_JSON


@pytest.fixture
def example_doc() -> dict:
    """The seed report (中卫市口岸和投资促进办公室 2022) as a report document; validates clean."""
    return copy.deepcopy(json.loads(EXAMPLE_JSON.read_text(encoding="utf-8")))
