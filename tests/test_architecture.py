"""The import directions of docs/architecture.md, checked by parsing every import in addin/.

Data flows one way — workbook → report document → findings → marks / printed report — and so do imports:
a folder may import only the folders below it in the flow (and itself). The front ends (cli, xl) and the
pipeline sit on top.
"""
from __future__ import annotations

import ast
from pathlib import Path

from .helpers import ROOT

PACKAGE = ROOT / "addin"
BASE = {"addin", "addin.errors", "addin.messages", "addin.text"}   # import nothing of the layers
# layer → the layers it may import (besides itself and BASE)
ALLOWED = {
    "format": set(),
    "io": {"format", "checks.findings"},               # the reader reports unreadable cells as findings
    "checks": {"format"},
    "pipeline": {"format", "io", "checks"},
    "report": {"format", "io", "checks", "pipeline"},  # export runs the pipeline, then writes
    "review": {"format", "io", "checks", "report", "pipeline"},
    "excel": {"format", "io"},
    "audit": {"format", "io", "checks", "pipeline", "review"},   # a published report → document → findings, shown
    "front": {"format", "io", "checks", "report", "review", "excel", "audit", "pipeline"},
}
EXCEL_KNOWERS = {"addin.xl", "addin.review.backends.xlwings_marks", "addin.excel.xlambuild"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> str | None:
    """'addin.io.reader' → 'io'; the base modules → None; the front ends → 'front'."""
    if module in BASE:
        return None
    rest = module.split(".")[1:]
    if rest[0] in ("cli", "xl", "__main__"):
        return "front"
    if rest[:2] == ["checks", "findings"]:
        return "checks.findings"
    return rest[0]


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every addin import, at any depth (the CLI imports lazily inside functions)."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for a in node.names:     # `from addin import pipeline` imports the module addin.pipeline
                sub = f"{node.module}.{a.name}"
                is_module = any((PACKAGE.parent / sub.replace(".", "/")).with_suffix(s).exists() for s in (".py", ""))
                out.append((node.lineno, sub if is_module else node.module))
    return out


def may_import(importer: str, imported: str) -> bool:
    own, other = layer(importer), layer(imported)
    if other is None:
        return True
    if own is None:
        return False                                    # the base modules import no layer
    own_folder, other_folder = (x.split(".")[0] for x in (own, other))
    return own_folder == other_folder or other_folder in ALLOWED[own_folder] or other in ALLOWED[own_folder]


def violations() -> list[str]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        me = module_name(path)
        for line, target in imports(path):
            if target.startswith("addin") and not may_import(me, target):
                out.append(f"{path.relative_to(ROOT)}:{line} {me} → {target}")
            if target.split(".")[0] == "xlwings" and me not in EXCEL_KNOWERS:
                out.append(f"{path.relative_to(ROOT)}:{line} {me} imports xlwings (only xl.py and its backend know Excel)")
    return out


def test_imports_follow_the_flow():
    assert violations() == []


def test_the_checker_sees_imports_against_the_flow():
    assert not may_import("addin.io.reader", "addin.review.marks")        # the dependency issue 9 removed
    assert not may_import("addin.format.layout", "addin.io.template")
    assert not may_import("addin.checks.prior", "addin.io.reader")
    assert not may_import("addin.text", "addin.format.fmt")
    assert not may_import("addin.pipeline", "addin.review.batch")
    assert may_import("addin.io.reader", "addin.checks.findings") and may_import("addin.cli", "addin.review.batch")
    assert (1, "addin.pipeline") in [(1, m) for _, m in imports(PACKAGE / "cli.py")]


def test_every_folder_is_known_and_documented():
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders == set(ALLOWED) - {"pipeline", "front"}
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for name in folders | {"pipeline.py", "cli.py", "xl.py", "errors.py", "messages.py", "text.py"}:
        assert name in doc, name
