"""Which files in a folder are units: for the batch, the roll-up and --prior alike."""
from __future__ import annotations

import copy
import shutil

from addin.cli import main
from addin.io import template
from addin.review import batch

from .helpers import EXAMPLE_XLSX, balanced_doc


def unit(folder, name: str, doc: dict, organ: str, year: int | None = None, **cells):
    d = copy.deepcopy(doc)
    d["organ"]["name"] = organ
    if year is not None:
        d["organ"]["year"] = year
    for cid, v in cells.items():
        d["cells"][cid.replace("_", ".")] = v
    template.write(folder / name, doc=d)
    return folder / name


def test_upper_case_suffixes_are_units(tmp_path, capsys):
    """`A B.XLSX`, `UPPER.XLSX`, `mixed.Xlsx` are workbooks like `a.xlsx` (they were left out without a word)."""
    names = ["A B.XLSX", "UPPER.XLSX", "mixed.Xlsx", "c.xlsm", "old.XLS"]
    for n in names:
        shutil.copyfile(EXAMPLE_XLSX, tmp_path / n)
    (tmp_path / "old.XLS").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    (tmp_path / "notes.TXT").write_text("not a workbook", encoding="utf-8")
    assert sorted(p.name for p in batch.collect([tmp_path])) == sorted(names)
    assert main(["validate", str(tmp_path)]) == 2               # old.XLS: a row that says re-save as .xlsx
    out = capsys.readouterr().out
    assert "批量校验：5 个工作簿" in out and "UPPER.XLSX" in out and "mixed.Xlsx" in out


def test_upper_case_suffixes_in_prior_folder_and_roll_up(tmp_path, example_doc, capsys):
    last, this = tmp_path / "上年", tmp_path / "本年"
    last.mkdir()
    this.mkdir()
    doc = balanced_doc(example_doc)
    unit(last, "甲.XLSX", doc, "甲镇人民政府", 2021)
    assert batch.prior_index(last) == {("甲镇人民政府", 2021): str(last / "甲.XLSX")}
    unit(this, "甲.XLSX", doc, "甲镇人民政府", 2022)
    unit(this, "乙.Xlsx", doc, "乙镇人民政府", 2022)
    assert main(["rollup", str(this), "-o", str(tmp_path / "汇总.xlsx"), "--organ", "某县人民政府"]) == 0
    assert "已汇总 2 个单位" in capsys.readouterr().out


def test_our_summary_workbook_is_skipped_not_a_unit(tmp_path, example_doc, capsys):
    """`validate . --summary-csv 汇总.csv` inside the unit folder writes 校验汇总.xlsx there; the next run and the
    roll-up skip it (by its sheets, so also when renamed), saying why, instead of a 无法读取 row with exit 2."""
    doc = balanced_doc(example_doc)
    unit(tmp_path, "unit01.xlsx", doc, "甲镇人民政府")
    unit(tmp_path, "unit02.xlsx", doc, "乙镇人民政府")
    assert main(["validate", str(tmp_path), "--summary-csv", str(tmp_path / "汇总.csv")]) == 0
    (tmp_path / "校验汇总.xlsx").rename(tmp_path / "给领导看的.xlsx")
    capsys.readouterr()
    assert main(["validate", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "批量校验：2 个工作簿" in out and "本工具生成的校验汇总工作簿" in out and "给领导看的.xlsx" in out
    assert main(["rollup", str(tmp_path), "-o", str(tmp_path.parent / "汇总.xlsx"), "--organ", "某县人民政府"]) == 0
    out = capsys.readouterr().out
    assert "已汇总 2 个单位" in out and "未计入：" not in out and "跳过" in out and "给领导看的.xlsx" in out
