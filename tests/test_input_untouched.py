"""The input is never written: every command, every suffix a workbook can carry (issue: `报表.校验.xlsm
--annotate` once overwrote its input, dropping the VBA project).

Each input is hashed before and after; outputs land beside it under names that are not the input's.
"""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from addin.cli import main
from addin.review.backends import openpyxl_marks

from .helpers import EXAMPLE_JSON, make_input

NAMES = ["报表.xlsx", "报表.XLSX", "报表.xlsm", "报表.校验.xlsm", "报表.校验.XLSX", "报表.校验.xlsx", "报表.xltx"]


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


COMMANDS = {
    "validate": lambda p, d: ["validate", str(p)],
    "validate-json": lambda p, d: ["validate", str(p), "--json"],
    "annotate": lambda p, d: ["validate", str(p), "--annotate"],
    "annotate-force": lambda p, d: ["validate", str(p), "--annotate", "--force"],
    "prior": lambda p, d: ["validate", str(p), "--prior", str(p)],
    "batch-annotate": lambda p, d: ["validate", str(d), "--annotate", "--force"],
    "export": lambda p, d: ["export", str(p), "--force", "--out", str(d / "out")],
    "dump": lambda p, d: ["dump", str(p), "-o", str(d / "out" / "doc.json")],
    "rollup": lambda p, d: ["rollup", str(p), "-o", str(d / "out" / "汇总.xlsx"), "--organ", "某县人民政府"],
}


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_no_command_writes_its_input(tmp_path, name, command, capsys):
    d = tmp_path / "in"
    d.mkdir()
    (tmp_path / "in" / "out").mkdir()
    p = make_input(d, name)
    before = sha(p)
    code = main(COMMANDS[command](p, d))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert code in (0, 1, 2), (code, err)
    assert sha(p) == before, f"{command} changed its input {name}"


def test_fill_never_writes_its_json_input(tmp_path):
    src = tmp_path / "doc.json"
    shutil.copyfile(EXAMPLE_JSON, src)
    before = sha(src)
    assert main(["fill", str(src), "-o", str(tmp_path / "doc.json"), "--force"]) == 2
    assert sha(src) == before


@pytest.mark.parametrize("name", ["报表.校验.xlsm", "报表.校验.XLSX", "报表.校验.xlsx"])
def test_a_file_named_like_an_annotated_copy_is_an_input(tmp_path, name):
    """Only a plain .xlsx package named *.校验.xlsx holding our 校验结果 sheet is updated in place."""
    p = make_input(tmp_path, name)
    assert not openpyxl_marks.is_annotated_copy(p)
    assert openpyxl_marks.annotated_path(p) != p


def test_our_annotated_copy_is_updated_in_place(tmp_path):
    src = make_input(tmp_path, "报表.xlsx")
    assert main(["validate", str(src), "--annotate"]) in (0, 1)
    ours = tmp_path / "报表.校验.xlsx"
    assert openpyxl_marks.is_annotated_copy(ours)
    assert openpyxl_marks.annotated_path(ours) == ours
    # the same bytes renamed to .xlsm are an input again
    renamed = tmp_path / "x.校验.xlsm"
    shutil.copyfile(ours, renamed)
    assert not openpyxl_marks.is_annotated_copy(renamed)
