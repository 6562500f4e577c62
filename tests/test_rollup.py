"""Roll-up (汇总): the units' tables summed cell by cell into one workbook that is validated like any other."""
from __future__ import annotations

import copy

import openpyxl
import pytest

from addin.checks import validator
from addin.cli import main
from addin.format import fmt
from addin.io import reader, template
from addin.review import rollup

from .helpers import balanced_doc

F = fmt.load()


@pytest.fixture
def units(tmp_path, example_doc):
    """Two balanced units of 2022, one with a value that cannot be summed, one of another year, one repeated."""
    d = tmp_path / "乡镇"
    d.mkdir()
    a = balanced_doc(copy.deepcopy(example_doc))
    a["organ"]["name"] = "甲镇人民政府"
    b = balanced_doc(copy.deepcopy(example_doc))
    b["organ"]["name"] = "乙镇人民政府"
    b["cells"]["t3.R01.C1"], b["cells"]["t3.R03.C1"] = 20, 17                  # still balanced: 20+2 = 17+2+1+2
    b["cells"]["t3.R01.CT"], b["cells"]["t3.R03.CT"] = 23, 18
    b["cells"]["t3.R24.C1"], b["cells"]["t3.R24.CT"] = 20, 23
    b["cells"]["t2.fees.amount"] = 0.0001
    bad = copy.deepcopy(a)
    bad["organ"]["name"] = "丙镇人民政府"
    other_year = copy.deepcopy(a)
    other_year["organ"].update(name="丁镇人民政府", year=2021)
    for name, doc in (("甲.xlsx", a), ("乙.xlsx", b), ("丙.xlsx", bad), ("丁.xlsx", other_year), ("甲-重复.xlsx", a)):
        template.write(d / name, doc=doc)
    wb = openpyxl.load_workbook(d / "丙.xlsx")
    wb["表三"]["E11"] = "3件"
    wb.save(d / "丙.xlsx")
    return d, a, b


def test_rollup_sums_every_cell_and_lists_what_was_left_out(units, tmp_path, capsys):
    d, a, b = units
    out = tmp_path / "汇总.xlsx"
    assert main(["rollup", str(d), "-o", str(out), "--organ", "某县人民政府", "--level", "县级"]) == 1
    text = capsys.readouterr().out
    assert "已汇总 2 个单位" in text
    assert "丙.xlsx：有 1 个数据格的值无法相加" in text and "丁.xlsx：报告年度为 2021，不是 2022" in text
    assert ("甲-重复.xlsx：与" in text or "甲.xlsx：与" in text) and text.count("是同一机关") == 1
    doc = reader.read(out).document
    for cid, cell in F.cells.items():
        expected = (a["cells"][cid] or 0) + (b["cells"][cid] or 0)
        assert doc["cells"][cid] == pytest.approx(expected), cid
    assert doc["cells"]["t2.fees.amount"] == 1.2346                          # decimal sum, no float drift
    assert doc["organ"]["name"] == "某县人民政府" and doc["organ"]["kind"] == rollup.report_kind() and doc["organ"]["year"] == 2022
    findings = validator.validate(doc)
    assert not [f for f in findings if f.rule.startswith("B")]             # sums of balanced units balance
    assert {"N1", "N3", "N4", "N5"} <= {f.rule for f in findings}          # the narrative is the office's to write


def test_sources_sheet_lists_units_as_text(units, tmp_path, capsys):
    d, a, b = units
    out = tmp_path / "汇总.xlsx"
    main(["rollup", str(d / "甲.xlsx"), str(d / "乙.xlsx"), "-o", str(out), "--organ", "=某县"])
    capsys.readouterr()
    ws = openpyxl.load_workbook(out)[rollup.SOURCES_SHEET]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:5] == ("序号", "单位", "年度", "文件", "是否计入")
    assert [r[1] for r in rows[1:]] == ["甲镇人民政府", "乙镇人民政府"] and rows[2][6] == 23
    assert rows[1][5] == "通过"                    # each unit's own validation is there to see
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_nothing_to_roll_up_and_output_exists(units, tmp_path, capsys):
    d, _, _ = units
    assert main(["rollup", str(d / "丙.xlsx"), "-o", str(tmp_path / "x.xlsx"), "--organ", "某县"]) == 2
    assert "没有可以汇总的单位" in capsys.readouterr().err
    (tmp_path / "y.xlsx").write_bytes(b"old")
    assert main(["rollup", str(d), "-o", str(tmp_path / "y.xlsx"), "--organ", "某县"]) == 2
    assert (tmp_path / "y.xlsx").read_bytes() == b"old"


def test_units_of_different_years_need_year(units, tmp_path, capsys):
    d, _, _ = units
    assert main(["rollup", str(d / "甲.xlsx"), str(d / "丁.xlsx"), "-o", str(tmp_path / "z.xlsx"), "--organ", "某县"]) == 2
    assert "请用 --year 指定" in capsys.readouterr().err
    assert main(["rollup", str(d / "甲.xlsx"), str(d / "丁.xlsx"), "-o", str(tmp_path / "z.xlsx"), "--organ", "某县",
                 "--year", "2021"]) == 1


def test_rollup_takes_its_rules_and_report_kind_from_the_format_data(monkeypatch, units):
    """No format fact in rollup.py: the rules that leave a unit out and the report kind come from schema/."""
    flagged = {r.id for r in F.rules if r.spec.get("rollup") == "unsummable"}
    assert flagged and rollup.unsummable_rules() == flagged
    kinds = next(o for o in F.organ_fields if o.id == "kind").spec["enum"]
    assert rollup.report_kind() == F.raw["uses"]["rollup_kind"] in kinds
    d, _, _ = units
    assert rollup.read_unit(d / "丙.xlsx").left_out                 # 表三 E11 "3件": a flagged rule fires

    for rid in flagged:                                             # unflag them: the same unit is summable
        monkeypatch.delitem(F.rule(rid).spec, "rollup")
    assert rollup.unsummable_rules() == frozenset()
    assert rollup.read_unit(d / "丙.xlsx").left_out is None

    other = next(k for k in kinds if k != rollup.report_kind())     # another enum value in the data is used
    monkeypatch.setitem(F.raw["uses"], "rollup_kind", other)
    assert rollup.build_document([], "某县", 2022, None)["organ"]["kind"] == other
    monkeypatch.setitem(F.raw["uses"], "rollup_kind", "不是报告类型")
    with pytest.raises(ValueError, match="rollup_kind"):
        rollup.report_kind()


def test_a_unit_that_breaks_the_reader_is_left_out_not_the_roll_up(units, tmp_path, capsys, monkeypatch):
    """Whatever the cause, a unit that cannot be read is a left-out row (one unit once made rollup exit 3)."""
    from addin import pipeline

    d, _, _ = units
    real = pipeline.check

    def breaks_on_yi(path, prior=None):
        if path.name == "乙.xlsx":
            raise RuntimeError("reader bug")
        return real(path, prior)

    monkeypatch.setattr(pipeline, "check", breaks_on_yi)
    out = tmp_path / "汇总.xlsx"
    assert main(["rollup", str(d), "-o", str(out), "--organ", "某县人民政府", "--jobs", "1"]) == 1
    text = capsys.readouterr().out
    assert "已汇总 1 个单位" in text and "乙.xlsx：内部错误（RuntimeError）：reader bug" in text and out.is_file()
