"""The message catalogue (addin/messages.py): every entry is used, every use names an entry."""
from __future__ import annotations

import ast
import string

import pytest

from addin import messages
from addin.errors import UserError

from .helpers import ROOT


def _calls(name: str) -> list[tuple[str, object]]:
    """(file:line, first argument) of every call to `name` in the package."""
    out = []
    for path in (ROOT / "addin").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == name:
                arg = node.args[0] if node.args else None
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


def _literal_refusals(source: str) -> list[int]:
    """Lines where a UserError is built with words of its own: a string literal anywhere in its message (an
    f-string, a concatenation) or a module-level string constant passed by name."""
    tree = ast.parse(source)
    constants = {t.id for n in tree.body if isinstance(n, ast.Assign)
                 for t in n.targets if isinstance(t, ast.Name)
                 and any(isinstance(c, ast.Constant) and isinstance(c.value, str) for c in ast.walk(n.value))}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "UserError":
            message = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "message"), None)
            if message is not None and any(isinstance(n, ast.Constant) and isinstance(n.value, str)
                                           or isinstance(n, ast.Name) and n.id in constants
                                           for n in ast.walk(message)):
                out.append(node.lineno)
    return out


def test_the_detector_finds_words_outside_the_catalogue():
    assert _literal_refusals('raise UserError(f"找不到 {p}", code="input.missing")') == [1]
    assert _literal_refusals('raise errors.UserError(message="a" + x, code="c")') == [1]
    assert _literal_refusals('NO = ("无法" "安装")\nraise UserError(NO, code="addin.no_excel")') == [2]
    assert _literal_refusals('raise refuse("input.missing", path=p)\nraise UserError(e.message, code=e.code)') == []


def test_no_refusal_words_outside_the_catalogue():
    """Every refusal's wording is in messages.py: no UserError built with a literal message anywhere else."""
    found = []
    for path in (ROOT / "addin").rglob("*.py"):
        if path.name not in ("messages.py", "errors.py"):
            found += [f"{path.relative_to(ROOT)}:{n}" for n in _literal_refusals(path.read_text(encoding="utf-8"))]
    assert found == []


def test_every_refusal_is_built_by_refuse():
    """Stricter: not even a wrapper (container.py had `_fail(code, message)`) builds a UserError of its own."""
    assert [w for w, _ in _calls("UserError") if not w.startswith(("addin/messages.py", "addin/errors.py"))] == []


def test_every_template_names_its_fields_plainly():
    """A stray brace in a wording would break `refuse` only when that refusal happens: parse them all now."""
    for key, template in messages.REFUSALS.items():
        fields = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
        assert all(f.isidentifier() for f in fields), key


def test_a_refusal_carries_its_message_id_and_fields():
    e = messages.refuse("json.invalid:depth", path="x.json")
    assert isinstance(e, UserError) and e.code == "json.invalid" and e.exit_code == 2 and "x.json" in e.message
    with pytest.raises(KeyError):
        messages.refuse("json.invalid:syntax", path="x.json")      # a missing field is a bug, not a blank
