"""Bad-input corpus cases (see tests/badcorpus.py for the Case shape): batch side."""
from __future__ import annotations

from .badcorpus import case, edited, example_copy  # noqa: F401
