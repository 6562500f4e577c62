"""The message catalogue (addin/messages.py): every entry is used, every use names an entry."""
from __future__ import annotations

import ast

import pytest

from addin import messages
from addin.errors import UserError

from .helpers import ROOT


def _calls(name: str) -> list[tuple[str, object]]:
    """(file:line, first argument) of every call to `name` in the package."""
    out = []
    for path in (ROOT / "addin").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == name and node.args:
                arg = node.args[0]
                out.append((f"{path.relative_to(ROOT)}:{node.lineno}", arg.value if isinstance(arg, ast.Constant) else None))
    return out


def _constants() -> set[str]:
    found = set()
    for path in (ROOT / "addin").rglob("*.py"):
        if path.name != "messages.py":
            found |= {n.value for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                      if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    return found


def test_every_refusal_and_problem_named_is_in_the_catalogue():
    for name, table in (("refuse", messages.REFUSALS), ("problem", messages.PROBLEMS)):
        calls = _calls(name)
        assert calls, name
        assert [w for w, key in calls if key is not None and key not in table] == []


def test_every_catalogue_entry_is_used():
    used = _constants()
    assert [k for k in (*messages.REFUSALS, *messages.PROBLEMS) if k not in used] == []


def test_a_refusal_carries_its_message_id_and_fields():
    e = messages.refuse("json.invalid:depth", path="x.json")
    assert isinstance(e, UserError) and e.code == "json.invalid" and e.exit_code == 2 and "x.json" in e.message
    with pytest.raises(KeyError):
        messages.refuse("json.invalid:syntax", path="x.json")      # a missing field is a bug, not a blank
