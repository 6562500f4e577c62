"""Which files in a folder are units: for the batch, the roll-up and --prior alike."""
from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

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
    (tmp_path / "~$unit01.xlsx").write_bytes(b"lock")
    assert main(["validate", str(tmp_path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert len(report["files"]) == 2 and sorted(Path(x["file"]).name for x in report["skipped"]) == \
        ["~$unit01.xlsx", "给领导看的.xlsx"] and all(x["why"] for x in report["skipped"])
    assert main(["rollup", str(tmp_path), "-o", str(tmp_path.parent / "汇总.xlsx"), "--organ", "某县人民政府"]) == 0
    out = capsys.readouterr().out
    assert "已汇总 2 个单位" in out and "未计入：" not in out and "跳过" in out and "给领导看的.xlsx" in out


def roll_up(args: list, capsys) -> tuple[int, str]:
    code = main(["rollup", *map(str, args)])
    return code, capsys.readouterr().out


def test_an_earlier_roll_up_among_units_is_left_out_and_a_folder_of_roll_ups_is_summed(tmp_path, example_doc, capsys):
    """Decision: a roll-up output (its 汇总来源 sheet, or 报告类型 = the roll-up kind) found beside units already
    holds their figures, so it is not a unit: left out, with a note naming it and why (it used to be summed with
    them: counted twice). A folder that holds ONLY roll-ups (a city summing its counties' roll-ups): those are
    the units, summed as usual."""
    from addin.io import reader

    doc = balanced_doc(example_doc)
    towns = tmp_path / "乡镇"
    towns.mkdir()
    unit(towns, "甲.xlsx", doc, "甲镇人民政府")
    unit(towns, "乙.xlsx", doc, "乙镇人民政府")
    county = tmp_path / "县汇总"
    county.mkdir()
    assert roll_up([towns, "-o", county / "某县汇总.xlsx", "--organ", "某县人民政府"], capsys)[0] == 0
    shutil.copyfile(county / "某县汇总.xlsx", towns / "某县汇总.xlsx")           # dropped among its units
    code, out = roll_up([towns, "-o", tmp_path / "again.xlsx", "--organ", "某市人民政府"], capsys)
    assert code == 0 and "已汇总 2 个单位" in out      # left out as meant: no unit is missing (QA: it exited 1)
    assert "未计入：" in out and "某县汇总.xlsx：是汇总工作簿（有“汇总来源”表" in out and "重复计算" in out
    assert reader.read(tmp_path / "again.xlsx").document["cells"]["t3.R01.CT"] == 2 * doc["cells"]["t3.R01.CT"]

    code, out = roll_up([county / "某县汇总.xlsx", tmp_path / "again.xlsx", "-o", tmp_path / "市.xlsx",
                         "--organ", "某省"], capsys)
    assert "已汇总 2 个单位" in out and "未计入" not in out                       # only roll-ups: they are the units
    assert reader.read(tmp_path / "市.xlsx").document["cells"]["t3.R01.CT"] == 4 * doc["cells"]["t3.R01.CT"]


def test_of_one_organ_twice_the_file_not_named_a_copy_is_kept(tmp_path, example_doc, capsys):
    """`unit11 - 副本.xlsx` sorts before `unit11.xlsx`; the original is counted and the copy named as left out.
    Neither named a copy: the newer file is counted. Each time the note says which was kept and why."""
    import os

    doc = balanced_doc(example_doc)
    units, out_xlsx = tmp_path / "units", tmp_path / "汇总.xlsx"
    units.mkdir()
    unit(units, "unit11.xlsx", doc, "甲镇人民政府")
    unit(units, "unit11 - 副本.xlsx", doc, "甲镇人民政府", **{"t2_normative_issued": 99})
    unit(units, "b-old.xlsx", doc, "乙镇人民政府")
    unit(units, "a-new.xlsx", doc, "乙镇人民政府", **{"t2_normative_issued": 5})
    os.utime(units / "b-old.xlsx", (1_600_000_000, 1_600_000_000))
    code, out = roll_up([units, "-o", out_xlsx, "--organ", "某县"], capsys)
    assert code == 1 and "已汇总 2 个单位" in out
    assert "unit11 - 副本.xlsx：与 unit11.xlsx 是同一机关（甲镇人民政府），只计入了 unit11.xlsx（其他文件名像副本）" in out
    assert "b-old.xlsx：与 a-new.xlsx 是同一机关（乙镇人民政府），只计入了 a-new.xlsx（修改时间最新）" in out
    from addin.io import reader

    assert reader.read(out_xlsx).document["cells"]["t2.normative.issued"] == 3 + 5


def test_roll_up_names_units_with_blanks_or_their_own_errors(tmp_path, example_doc, capsys):
    """A blank cell is added as 0, and said so; a unit's own imbalance, which the roll-up inherits, is named next
    to the roll-up's findings (unit, rule, cells)."""
    import openpyxl

    from addin.format import layout

    doc = balanced_doc(example_doc)
    units, out_xlsx = tmp_path / "units", tmp_path / "汇总.xlsx"
    units.mkdir()
    unit(units, "unit01.xlsx", doc, "甲镇人民政府", **{"t3_R25_C1": None})
    unit(units, "unit02.xlsx", doc, "乙镇人民政府", **{"t3_R01_CT": doc["cells"]["t3.R01.CT"] + 1})
    unit(units, "unit03.xlsx", doc, "丙镇人民政府")
    blank = layout.load().address("t3.R25.C1")
    code, out = roll_up([units, "-o", out_xlsx, "--organ", "某县"], capsys)
    assert code == 0 and "已汇总 3 个单位" in out
    tail = out.split("计入汇总、但自身未通过校验或有空白格的单位")[1]
    assert "unit01.xlsx（甲镇人民政府）：未通过" in tail and f"1 格空白，已按 0 相加（{blank}）" in tail
    assert "unit02.xlsx（乙镇人民政府）：未通过" in tail and "B2" in tail and "unit03" not in tail
    ws = openpyxl.load_workbook(out_xlsx)["汇总来源"]
    assert "1 格空白，已按 0 相加" in ws.cell(2, 6).value and ws.cell(4, 6).value == "通过"


def test_two_years_of_one_organ_are_not_duplicates_and_a_tie_names_both_years():
    """Duplicates are one organ AND one year; a 3–3 split of years names both instead of a “majority”."""
    def row(file, organ, year):
        return {"file": file, "organ": organ, "year": year}

    rows = [row(f"u{i:02d}-{y}.xlsx", f"单位{i}", y) for i in (1, 2, 7) for y in (2024, 2025)]
    notes = batch._notes(rows)
    assert not [n for n in notes if "同一机关" in n]
    assert notes == ["注意：这些单位属于不同年度（2024 年度 3 个、2025 年度 3 个），没有哪一年占多数；汇总时请用 --year 指定年度。"]
    notes = batch._notes([row("u07-2025 - 副本.xlsx", "单位7", 2025)] + rows)
    assert notes[0] == ("注意：同一机关“单位7”有 2 份工作簿（u07-2025 - 副本.xlsx、u07-2025.xlsx），都是 2025 年度，"
                        "汇总时只能计入一份（将计入 u07-2025.xlsx：其他文件名像副本）。")
    assert notes[1] == "注意：多数单位为 2025 年度，以下不同：u01-2024.xlsx（2024）、u02-2024.xlsx（2024）、u07-2024.xlsx（2024）。"


def test_prior_folder_prefers_the_original_to_its_copy(tmp_path, example_doc):
    """Last year's folder holds `甲.xlsx` and `甲副本.xlsx` (sorted after it, so it used to win): the original counts."""
    doc = balanced_doc(example_doc)
    unit(tmp_path, "甲.xlsx", doc, "甲镇人民政府", 2021)
    unit(tmp_path, "甲副本.xlsx", doc, "甲镇人民政府", 2021)
    unit(tmp_path, "乙.xlsx", doc, "乙镇人民政府", 2021)
    assert batch.prior_index(tmp_path, jobs=1) == {("甲镇人民政府", 2021): str(tmp_path / "甲.xlsx"),
                                                   ("乙镇人民政府", 2021): str(tmp_path / "乙.xlsx")}


def test_the_annotated_copy_of_an_upper_case_workbook_is_no_unit(tmp_path, capsys):
    """QA: `validate B.XLSX --annotate` writes B.校验.xlsx; the next folder run took the copy for a unit (it looked
    for B.xlsx beside it) and the roll-up left the original out as its duplicate."""
    shutil.copyfile(EXAMPLE_XLSX, tmp_path / "B.XLSX")
    assert main(["validate", str(tmp_path / "B.XLSX"), "--annotate"]) == 0
    assert (tmp_path / "B.校验.xlsx").exists()
    capsys.readouterr()
    assert batch.collect([tmp_path]) == [tmp_path / "B.XLSX"]
    assert batch.skip_reason(tmp_path / "B.校验.xlsx").startswith("标注副本")
