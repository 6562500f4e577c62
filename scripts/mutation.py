"""Mutation testing of the rule and safety modules (issue 14). Not a CI gate: slow, run by hand.

Why our own runner: mutmut 3 and cosmic-ray are not installed here and both want their own
run of the whole suite (mutmut copies the tree into mutants/ and needs a stats run of every test);
with 2 shared cores we need "one change, only the tests that cover that module, a timeout".

One meaningful change at a time (a comparison flipped or moved across its boundary, + <-> -,
and <-> or, an integer constant off by one, a `not` dropped, a comprehension filter dropped,
a guard `if ...: continue/return/raise` dropped, a function returning early) is applied to a copy
of the module inside a scratch copy of the repository; only that module's tests run (MODULES
below), with a per-mutant timeout. A mutant is killed when those tests fail (or hang).

    nice -n 10 .venv/bin/python scripts/mutation.py --max-per-module 20 --seed 14 --section after

prints the score and the survivors and rewrites that section of docs/mutation.md.
"""
from __future__ import annotations

import argparse
import ast
import copy
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "mutation.md"

# module -> the tests that cover it (kept small: each mutant runs them all); tests/test_mutants_<name>.py
# is added when it exists.
MODULES: dict[str, list[str]] = {
    "addin/checks/validator.py": ["tests/test_rules.py"],
    "addin/checks/narrative.py": ["tests/test_narrative.py", "tests/test_sentences.py"],
    "addin/checks/prior.py": ["tests/test_prior.py"],
    "addin/io/reader.py": ["tests/test_reader.py"],
    "addin/io/container.py": ["tests/test_bad_input.py"],
    "addin/io/atomic.py": ["tests/test_export_cli.py"],
    "addin/review/marks.py": ["tests/test_marks.py"],
    "addin/report/export.py": ["tests/test_export_cli.py"],
}

# Mutants that cannot change behaviour, with why: (module, function, description, text of its line) -> reason.
EQUIVALENT: dict[tuple[str, str, str, str], str] = {
    ("addin/checks/validator.py", "check_fee_statement", "0 -> 1 (col 75)", "if r22 else 0"):
        "the `else 0` branch runs only for a rule without table cells; N5 always names 表三 R22",
    ("addin/checks/prior.py", "check_same_as_last_year", "1 -> 2 (col 33)", 'element.split(".", 1)[1]'):
        "maxsplit 1 -> 2 on 'text.problems': text element ids have exactly one dot",
    ("addin/io/container.py", "_check_sizes", "1 -> 2 (col 81)", "max(i.compress_size, 1)"):
        "max(compress_size, 1|2) only differs for an entry compressed to 0 or 1 byte, which cannot be > 1 MB "
        "uncompressed at a ratio <= 200",
    ("addin/io/container.py", "_prolog_declares_dtd", "< -> <=", "if j < 0:"):
        "find() starts at i + len(start) >= 2, so it never returns 0",
    ("addin/io/atomic.py", "_umask", "18 -> 19 (col 20)", "os.umask(0o022)"):
        "os.umask(x) returns the previous mask, which is restored at once; the value set is never used",
    ("addin/review/marks.py", "_cells_of", "or -> and", "return (sheet or address), []"):
        "its only caller ignores the sheet when the cell list is empty, and it is empty on this line",
    ("addin/review/marks.py", "apply", "1 -> 2 (col 111)", "r.cells or r.link[1]"):
        "the fallback is never read: a row has a link only when it has addresses, and then `cells` is not empty",
}


@dataclass
class Mutant:
    module: str
    function: str
    line: int
    description: str
    source_line: str


_CMP_SWAP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
             ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is}
_BIN_SWAP = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult}
_BOOL_SWAP = {ast.And: ast.Or, ast.Or: ast.And}
_OPS = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=", ast.In: "in",
        ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not", ast.Add: "+", ast.Sub: "-", ast.Mult: "*",
        ast.Div: "/", ast.And: "and", ast.Or: "or"}


def _sites(tree: ast.Module) -> list[tuple[int, str, str]]:
    """Every (node index in ast.walk order, kind, description) that can be mutated."""
    out = []
    for i, node in enumerate(ast.walk(tree)):
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _CMP_SWAP:
            a, b = type(node.ops[0]), _CMP_SWAP[type(node.ops[0])]
            out.append((i, "cmp", f"{_OPS[a]} -> {_OPS[b]}"))
        elif isinstance(node, ast.BinOp) and type(node.op) in _BIN_SWAP and not _is_string_format(node):
            out.append((i, "bin", f"{_OPS[type(node.op)]} -> {_OPS[_BIN_SWAP[type(node.op)]]}"))
        elif isinstance(node, ast.BoolOp):
            out.append((i, "bool", f"{_OPS[type(node.op)]} -> {_OPS[_BOOL_SWAP[type(node.op)]]}"))
        elif isinstance(node, ast.Constant) and type(node.value) is int:
            out.append((i, "const", f"{node.value} -> {node.value + 1} (col {node.col_offset})"))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            out.append((i, "not", "drop `not`"))
        elif isinstance(node, ast.comprehension) and node.ifs:
            out.append((i, "filter", "drop comprehension filter"))
        elif isinstance(node, ast.If) and not node.orelse and len(node.body) == 1 and isinstance(
                node.body[0], (ast.Continue, ast.Return, ast.Raise)):
            out.append((i, "guard", f"drop guard `if ...: {type(node.body[0]).__name__.lower()}`"))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _returns_value(node):
            out.append((i, "early", "return None at the start"))
    return out


def _is_string_format(node: ast.BinOp) -> bool:
    return any(isinstance(x, ast.Constant) and isinstance(x.value, str) for x in (node.left, node.right))


def _returns_value(fn: ast.FunctionDef) -> bool:
    return any(isinstance(n, ast.Return) and n.value is not None for n in ast.walk(fn))


def _apply(tree: ast.Module, index: int, kind: str) -> ast.Module:
    tree = copy.deepcopy(tree)
    nodes = list(ast.walk(tree))
    node = nodes[index]
    if kind == "cmp":
        node.ops = [_CMP_SWAP[type(node.ops[0])]()]
    elif kind == "bin":
        node.op = _BIN_SWAP[type(node.op)]()
    elif kind == "bool":
        node.op = _BOOL_SWAP[type(node.op)]()
    elif kind == "const":
        node.value = node.value + 1
    elif kind == "filter":
        node.ifs = []
    else:
        parent = next(p for p in nodes for f, v in ast.iter_fields(p)
                      if (v is node or (isinstance(v, list) and any(x is node for x in v))))
        if kind == "not":
            _replace(parent, node, node.operand)
        elif kind == "guard":
            _replace(parent, node, ast.Pass())
        elif kind == "early":
            first = 1 if ast.get_docstring(node) else 0
            node.body.insert(first, ast.Return(value=None))
    return ast.fix_missing_locations(tree)


def _replace(parent: ast.AST, old: ast.AST, new: ast.AST) -> None:
    for f, v in ast.iter_fields(parent):
        if v is old:
            setattr(parent, f, new)
        elif isinstance(v, list):
            for k, x in enumerate(v):
                if x is old:
                    v[k] = new


def enumerate_mutants(module: str) -> list[tuple[Mutant, int, str]]:
    text = (ROOT / module).read_text(encoding="utf-8")
    lines = text.splitlines()
    tree = ast.parse(text)
    nodes = list(ast.walk(tree))
    owner = {}
    for fn in nodes:  # innermost function wins: walk order visits outer functions first
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for n in ast.walk(fn):
                owner[id(n)] = fn.name
    out = []
    for index, kind, desc in _sites(tree):
        node = nodes[index]
        line = getattr(node, "lineno", None) or getattr(node.target, "lineno", 0)
        fn = owner.get(id(node), "<module>")
        if fn == "<module>" and kind == "const":
            continue  # module-level constants are data (limits, tables), mutated via their users
        out.append((Mutant(module, fn, line, desc, lines[line - 1].strip() if line else ""), index, kind))
    return out


def _scratch_copy() -> Path:
    dest = Path(tempfile.mkdtemp(prefix="nianbao-mutation-"))
    skip = shutil.ignore_patterns("__pycache__", ".venv", ".git", "*.pyc", ".pytest_cache")
    for entry in ROOT.iterdir():   # the whole checkout (tests read README.md, docs/, examples/ …)
        if entry.name in (".git", ".venv", "__pycache__", ".pytest_cache"):
            continue
        if entry.is_dir():
            shutil.copytree(entry, dest / entry.name, ignore=skip)
        else:
            shutil.copy(entry, dest / entry.name)
    return dest


def _env(scratch: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(scratch), PYTHONDONTWRITEBYTECODE="1",
               NIANBAO_SHARED=os.environ.get("NIANBAO_SHARED", str(ROOT.parent / "shared")))
    return env


def _tests_for(module: str) -> list[str]:
    own = f"tests/test_mutants_{Path(module).stem}.py"
    return MODULES[module] + ([own] if (ROOT / own).exists() else [])


def _run_tests(scratch: Path, tests: list[str], timeout: float) -> str:
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-o", "addopts=", *tests]
    try:
        r = subprocess.run(cmd, cwd=scratch, env=_env(scratch), capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout"
    return "survived" if r.returncode == 0 else ("killed" if r.returncode == 1 else f"error{r.returncode}")


def _check_scratch_imports(scratch: Path) -> None:
    r = subprocess.run([sys.executable, "-c", "import addin; print(addin.__file__)"], cwd=scratch,
                       env=_env(scratch), capture_output=True, text=True)
    if not r.stdout.strip().startswith(str(scratch)):
        sys.exit(f"the scratch copy imports addin from {r.stdout.strip()!r}, not from {scratch}")


def run(args) -> list[tuple[Mutant, str]]:
    scratch = _scratch_copy()
    results = []
    try:
        _check_scratch_imports(scratch)
        for module in args.modules or MODULES:
            tests = _tests_for(module)
            original = (ROOT / module).read_text(encoding="utf-8")
            tree = ast.parse(original)
            target = scratch / module
            # baseline: the unparsed, unmutated module must pass its tests (else every mutant "dies")
            target.write_text(ast.unparse(tree), encoding="utf-8")
            t0 = time.monotonic()
            base = _run_tests(scratch, tests, timeout=1800)
            took = time.monotonic() - t0
            if base != "survived":
                print(f"{module}: its tests fail without any mutation ({base}); skipped", flush=True)
                target.write_text(original, encoding="utf-8")
                continue
            mutants = enumerate_mutants(module)
            if args.max_per_module and len(mutants) > args.max_per_module:
                mutants = sorted(random.Random(f"{args.seed}:{module}").sample(mutants, args.max_per_module),
                                 key=lambda m: m[0].line)
            print(f"{module}: {len(mutants)} mutants, tests {' '.join(tests)} ({took:.0f}s each)", flush=True)
            for m, index, kind in mutants:
                target.write_text(ast.unparse(_apply(tree, index, kind)), encoding="utf-8")
                outcome = _run_tests(scratch, tests, timeout=max(60.0, 5 * took))
                results.append((m, outcome))
                mark = {"survived": "SURVIVED"}.get(outcome, outcome)
                print(f"  {mark:9} {Path(m.module).name}:{m.line} {m.function}: {m.description}   | "
                      f"{m.source_line[:90]}", flush=True)
            target.write_text(original, encoding="utf-8")
            if args.section:   # a long run that is cut short still leaves what it measured
                write_section(args.section, summary(results, args) + "\n(partial: the run was still going)\n")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return results


def _equivalent(m: Mutant) -> str | None:
    return next((why for (mod, fn, desc, text), why in EQUIVALENT.items()
                 if (mod, fn, desc) == (m.module, m.function, m.description) and text in m.source_line), None)


def summary(results: list[tuple[Mutant, str]], args) -> str:
    rows = ["| module | mutants | killed | equivalent | survived | score |", "| --- | --- | --- | --- | --- | --- |"]
    tk = tn = 0
    for module in dict.fromkeys(m.module for m, _ in results):
        mine = [(m, o) for m, o in results if m.module == module]
        eq = sum(1 for m, o in mine if o == "survived" and _equivalent(m))
        killed = sum(1 for _, o in mine if o != "survived")
        n = len(mine) - eq
        tk, tn = tk + killed, tn + n
        rows.append(f"| {module} | {len(mine)} | {killed} | {eq} | {n - killed} | "
                    f"{100 * killed / n if n else 100:.0f} % |")
    score = 100 * tk / tn if tn else 100.0
    rows.append(f"| **all** | {len(results)} | {tk} | {len(results) - tn} | {tn - tk} | **{score:.1f} %** |")
    lines = [f"Run {time.strftime('%Y-%m-%d %H:%M')}: `scripts/mutation.py --max-per-module "
             f"{args.max_per_module} --seed {args.seed}` — mutation score {score:.1f} % "
             f"({tk} of {tn} non-equivalent mutants killed).", "", *rows, "", "Survivors:", ""]
    survivors = [(m, o) for m, o in results if o == "survived"]
    for m, _ in survivors:
        why = _equivalent(m)
        tag = f" — equivalent: {why}" if why else ""
        lines.append(f"- `{m.module}:{m.line}` {m.function}: {m.description} — `{m.source_line[:100]}`{tag}")
    if not survivors:
        lines.append("- none")
    return "\n".join(lines) + "\n"


def write_section(name: str, body: str) -> None:
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Mutation testing\n"
    head = f"## {name}\n"
    block = head + "\n" + body + "\n"
    pattern = re.compile(rf"^## {re.escape(name)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + block
    DOC.write_text(text, encoding="utf-8")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--max-per-module", type=int, default=20, help="sample this many mutants per module (0: all)")
    p.add_argument("--seed", default="14")
    p.add_argument("--module", dest="modules", action="append", choices=list(MODULES))
    p.add_argument("--list", action="store_true", help="only list the mutants")
    p.add_argument("--section", help="rewrite this section of docs/mutation.md with the result")
    args = p.parse_args(argv)
    if args.list:
        for module in args.modules or MODULES:
            for m, _, _ in enumerate_mutants(module):
                print(f"{m.module}:{m.line} {m.function}: {m.description} | {m.source_line[:90]}")
        return 0
    results = run(args)
    text = summary(results, args)
    print("\n" + text)
    if args.section:
        write_section(args.section, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
