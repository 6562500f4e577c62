"""Hang guard for the hostile worst cases of scripts/bench_hostile.py: each is validated in a fresh process
with a generous limit. A hang fails; no timing is asserted (time and memory are in the benchmark)."""
from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from .helpers import ROOT

_spec = importlib.util.spec_from_file_location("bench_hostile", ROOT / "scripts" / "bench_hostile.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

# the cases that hung or blew up before (the 10-million-cell and 5-million-string files take long to build:
# they are measured by the benchmark only)
CHEAP = [bench.labels_cubic, bench.digits_narrative, bench.names_to_last_row, bench.nested_extlst]


@pytest.mark.parametrize("build", CHEAP, ids=[b.__name__ for b in CHEAP])
def test_hostile_workbook_is_read_without_hanging(build, tmp_path):
    path = build(tmp_path)
    out = subprocess.run([sys.executable, "-m", "addin", "validate", str(path), "--json"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode in (0, 1, 2), out.stderr[-2000:]
    assert "Traceback" not in out.stderr
    if out.returncode == 2:
        assert "已拒绝读取" in out.stderr     # a clear refusal, naming the file


def test_readme_states_the_read_limits_in_force():
    from addin.io import fastxlsx, reader
    from addin.review import marks

    readme = (ROOT / "README.md").read_text(encoding="utf-8").replace("\n", "")
    for phrase in (f"有内容的单元格不超过 {fastxlsx.MAX_CELLS_PER_SHEET} 个", f"文字块不超过 {reader.MAX_TEXT_ROWS} 行",
                   f"最多读{marks.RESULT_ROWS_MAX} 行、{marks.MAX_MARKED_CELLS} 个标记格", "scripts/bench_hostile.py"):
        assert phrase in readme, phrase
