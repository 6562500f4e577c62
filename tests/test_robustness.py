"""No command ever raises, no output is ever torn: fuzzing over workbooks and documents, and a kill test."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from addin.cli import main
from addin.format import fmt, layout
from addin.io import reader

from .helpers import EXAMPLE_JSON, EXAMPLE_XLSX, ROOT

F = fmt.load()
ELEMENTS = [e for e in F.elements() if e != "explanations"]
CELL_VALUES = st.one_of(
    st.none(), st.integers(-10**6, 10**12), st.floats(allow_nan=False, allow_infinity=False),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40), st.booleans(),
    st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(2100, 1, 1)),
    st.sampled_from(["=1+1", "=SUM(A1:A3)", "#REF!", "#DIV/0!", "—", "/", "3件", "１２", " 5 ", "=HYPERLINK(\"x\")"]),
)
SHEET_EDITS = st.sampled_from(["none", "delete", "rename", "move", "drop-names", "add-sheet", "drop-one-name",
                               "unmerge", "merge-data"])


def _edit_sheets(wb, edit: str, rnd: random.Random) -> None:
    name = rnd.choice(wb.sheetnames)
    if edit == "delete" and len(wb.sheetnames) > 1:
        wb.remove(wb[name])
    elif edit == "rename":
        wb[name].title = f"S{rnd.randint(0, 99)}"
    elif edit == "move":
        wb.move_sheet(name, offset=-rnd.randint(0, 5))
    elif edit == "drop-names":
        for n in list(wb.defined_names):
            del wb.defined_names[n]
    elif edit == "drop-one-name" and wb.defined_names:
        del wb.defined_names[rnd.choice(list(wb.defined_names))]
    elif edit == "add-sheet":
        wb.create_sheet(rnd.choice(["xlwings.conf", "表三 (2)", "Sheet"]))
    elif edit == "unmerge" and wb[name].merged_cells.ranges:
        wb[name].unmerge_cells(str(next(iter(wb[name].merged_cells.ranges))))
    elif edit == "merge-data":
        sheet, ref = layout.load().sheet_and_ref(rnd.choice(list(F.cells)))
        if sheet in wb.sheetnames:
            c = wb[sheet][ref]
            wb[sheet].merge_cells(start_row=c.row, start_column=c.column, end_row=c.row, end_column=c.column + 1)


@pytest.mark.slow   # > 5 s
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.tuples(st.sampled_from(ELEMENTS), CELL_VALUES), max_size=12),
       edits=st.lists(SHEET_EDITS, max_size=3), seed=st.integers(0, 10**6))
def test_fuzz_workbooks_never_crash_any_command(tmp_path_factory, values, edits, seed):
    d = tmp_path_factory.mktemp("fuzz")
    path = d / "年报.xlsx"
    wb = openpyxl.load_workbook(EXAMPLE_XLSX)
    lay = layout.load()
    for element, value in values:
        sheet, ref = lay.sheet_and_ref(element)
        ws = wb[sheet]
        cell = ws[ref.split(":")[0]]
        try:
            cell.value = value
        except Exception:  # openpyxl itself refuses some values (illegal characters): not our input then
            continue
    rnd = random.Random(seed)
    for e in edits:
        _edit_sheets(wb, e, rnd)
    wb.save(path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    for args in (["validate", str(path), "--json"], ["dump", str(path)],
                 ["validate", str(path), "--annotate", "--force"],
                 ["export", str(path), "--draft", "--force", "--out", str(d)]):
        assert main(args) in (0, 1, 2), args          # EXIT_INTERNAL (3) would mean an unhandled exception
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(patch=st.dictionaries(st.sampled_from(["format", "organ", "cells", "texts", "explanations", "x"]), JSON_VALUES,
                             max_size=3),
       cell_patch=st.dictionaries(st.sampled_from(list(F.cells)[:40] + ["t9.X"]), JSON_VALUES, max_size=4))
def test_fuzz_documents_never_crash_fill(tmp_path_factory, patch, cell_patch):
    d = tmp_path_factory.mktemp("fuzzjson")
    doc = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    doc.update(patch)
    if isinstance(doc.get("cells"), dict):
        doc["cells"].update(cell_patch)
    src = d / "doc.json"
    src.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    code = main(["fill", str(src), "-o", str(d / "out.xlsx")])
    assert code in (0, 2)
    if code == 0:                                        # what fill accepts, dump gives back
        assert reader.read(d / "out.xlsx").document == doc


def kill_until_caught_writing(cmd: list[str], folder: Path, prepare, check, attempts: int = 80) -> int:
    """SIGKILL `cmd` at moments spread over the end of its run, until kills have landed while it was writing.

    A kill landed mid-write when it left one of our temp files behind (atomic_path's `.~name.*.tmp`); after
    every kill `check()` must find each output old or complete. Returns how many kills caught it writing."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    prepare()
    t = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, capture_output=True)
    full = time.perf_counter() - t
    rnd = random.Random(7)
    caught = 0
    for _ in range(attempts):
        prepare()
        p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rnd.uniform(0.6, 1.05) * full)
        p.send_signal(signal.SIGKILL)
        p.wait()
        check()
        leftovers = list(folder.glob(".~*.tmp"))
        if leftovers:
            caught += 1
            for f in leftovers:
                f.unlink()
        if caught >= 3:
            break
    return caught


@pytest.mark.slow   # > 5 s
def test_killed_in_the_middle_of_writing_leaves_old_file_or_new_never_torn(tmp_path):
    """SIGKILL during `fill --force` over an existing output: the old file or the complete new one."""
    out = tmp_path / "out.xlsx"
    old = b"OLD CONTENT"
    expected = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))

    def check():
        if out.read_bytes() != old:
            assert zipfile.is_zipfile(out), "a torn file was left behind"
            assert reader.read(out).document == expected
        assert {p.name for p in tmp_path.iterdir() if not p.name.endswith(".tmp")} == {"out.xlsx"}

    cmd = [sys.executable, "-m", "addin", "fill", str(EXAMPLE_JSON), "-o", str(out), "--force"]
    assert kill_until_caught_writing(cmd, tmp_path, lambda: out.write_bytes(old), check) >= 1


@pytest.fixture
def readonly_folder(tmp_path):
    """A folder nobody can write into: chmod for a normal user; a read-only tmpfs mount for root."""
    folder = tmp_path / "只读文件夹"
    folder.mkdir()
    if os.geteuid() != 0:
        os.chmod(folder, 0o555)
        yield folder
        os.chmod(folder, 0o755)
        return
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a read-only folder here: {mounted.stderr.decode()[:200]}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_readonly_output_folder_is_a_clear_message(readonly_folder, capsys):
    target = readonly_folder / "out.xlsx"
    assert main(["fill", str(EXAMPLE_JSON), "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert str(readonly_folder) in err and "只读" in err and "Traceback" not in err
    assert list(readonly_folder.iterdir()) == []


@pytest.mark.slow   # > 5 s
def test_export_killed_midway_leaves_each_report_old_or_complete(tmp_path, example_doc):
    """SIGKILL during a large `export --force`: every report is the old file or a complete new one."""
    import docx

    from addin.io import template

    example_doc["texts"]["overview"] = "\n".join(["加强政务公开工作，提升政府信息公开质量和服务水平。" * 4] * 60)
    wb = tmp_path / "年报.xlsx"
    template.write(wb, doc=example_doc)
    outputs = {k: tmp_path / f"年报.{k}" for k in ("docx", "html", "md")}
    cmd = [sys.executable, "-m", "addin", "export", str(wb), "--force"]
    subprocess.run(cmd, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True)
    reference = {k: p.read_bytes() for k, p in outputs.items()}
    paragraphs = len(docx.Document(outputs["docx"]).paragraphs)

    def prepare():
        for p in outputs.values():
            p.write_bytes(b"OLD")

    def check():
        for kind, p in outputs.items():
            data = p.read_bytes()
            if data == b"OLD":
                continue
            if kind == "docx":
                assert len(docx.Document(p).paragraphs) == paragraphs, "torn .docx"
            else:
                assert data == reference[kind], f"torn .{kind}"

    assert kill_until_caught_writing(cmd, tmp_path, prepare, check) >= 1
