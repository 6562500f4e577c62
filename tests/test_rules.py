"""One test per rule of schema/rules-2021.json that the validator checks on the document.

Each test has a passing fixture (the bundled example, or it made balanced) and a failing one. The
reader's rules (F1, F2, F3, F6, F7) are tested on real workbooks in test_reader.py.
"""
from __future__ import annotations

import copy

import pytest

from addin.checks import validator
from addin.checks.findings import summary
from addin.format import fmt

from .helpers import balanced_doc


def findings(doc, rule=None):
    out = validator.validate(doc)
    return [f for f in out if rule is None or f.rule == rule]


@pytest.fixture
def doc(example_doc):
    return balanced_doc(example_doc)


def test_example_passes_every_rule(example_doc):
    out = validator.validate(example_doc)
    assert [f.rule for f in out] == ["N2"]           # 1239 字, explained in 说明
    assert out[0].explanation and summary(out)["passed"]


def test_balanced_fixture_passes_every_rule(doc):
    assert [f.rule for f in findings(doc) if f.rule != "N2"] == []


def test_B1_column_balance_names_both_sides_and_cells(doc):
    doc["cells"]["t3.R01.C1"] = 11                  # one more new application, nothing else changed
    out = findings(doc, "B1")
    assert len(out) == 1
    msg = out[0].message
    assert "表三 自然人 列：一+二 = 11+2 = 13，三（七）总计+四 = 10+2 = 12，相差 1" in msg
    assert "表三!D7, D8, D30, D31" in msg
    assert out[0].cells == ["t3.R01.C1", "t3.R02.C1", "t3.R24.C1", "t3.R25.C1"]
    assert out[0].values["difference"] == 1 and out[0].severity == "错误"


def test_B1_every_applicant_column(doc):
    for col in ("C2", "C3", "C4", "C5", "C6"):
        d = copy.deepcopy(doc)
        d["cells"][f"t3.R25.{col}"] = 1
        got = findings(d, "B1")
        assert [f.cells[0] for f in got] == [f"t3.R01.{col}"]


def test_B5_total_column_balance(doc):
    doc["cells"]["t3.R25.CT"] = 3
    out = findings(doc, "B5")
    assert len(out) == 1 and "表三 总计 列" in out[0].message and "相差 -1" in out[0].message
    doc["cells"]["t3.R25.CT"] = 2
    assert findings(doc, "B5") == []


def test_B2_row_total(doc):
    doc["cells"]["t3.R03.CT"] = 9
    out = findings(doc, "B2")
    assert len(out) == 1
    assert "（一）予以公开 行：总计 = 9" in out[0].message and "7+1+0+0+0+0 = 8" in out[0].message
    assert out[0].cells[0] == "t3.R03.CT"


def test_B3_results_total_is_sum_of_22_rows(doc):
    doc["cells"]["t3.R10.C1"] = 1                   # 6.属于四类过程性信息, without touching the total
    out = [f for f in findings(doc, "B3") if f.values["binding"] == {"C": "C1"}]
    assert len(out) == 1 and "（七）总计 = 10，（一）至（六）各项之和 = 11，相差 -1" in out[0].message
    assert len(out[0].cells) == 1 + 21


@pytest.mark.parametrize("value, words", [
    ("3件", "请只填数字 3"), ("５", "请只填数字 5"), (" 5 ", "请只填数字 5"), ("—", "没有的请填 0"),
    ("/", "没有的请填 0"), (-1, "负数"), (2.5, "小数"), (True, "逻辑值"), ("=SUM(D9:D29)", "公式"),
    ("#REF!", "错误值 #REF!"), (10**12, "超出合理范围"), ("abc", "应填件数数字"), ("2", "单元格格式改为“常规”"),
])
def test_B4_counts_are_whole_numbers(doc, value, words):
    doc["cells"]["t3.R05.C2"] = value
    out = findings(doc, "B4")
    assert len(out) == 1 and out[0].cells == ["t3.R05.C2"]
    assert out[0].message.startswith("表三!E11 表三 （三）不予公开 1.属于国家秘密 商业企业：")
    assert words in out[0].message
    # the invalid cell is left out of the arithmetic: no B1/B2/B3 noise about it
    assert not [f for f in findings(doc) if f.rule in ("B1", "B2", "B3") and "t3.R05.C2" in f.cells]


def test_B4_also_guards_sections_2_and_4(doc):
    doc["cells"]["t2.rules.issued"] = -3
    doc["cells"]["t4.review.total"] = "3件"
    assert {f.cells[0] for f in findings(doc, "B4")} == {"t2.rules.issued", "t4.review.total"}


def test_B6_litigation_groups(doc):
    assert findings(doc, "B6") == []
    doc["cells"]["t4.suit_after.total"] = 0         # the real defect: 总计 0 beside non-zero parts
    out = findings(doc, "B6")
    assert len(out) == 1
    assert "表四 行政诉讼·复议后起诉：总计 = 0，结果维持+结果纠正+其他结果+尚未审结 = 0+0+1+0 = 1" in out[0].message


def test_S0_document_structure():
    out = validator.validate({"format": "2021"})
    assert out and {f.rule for f in out} == {"S0"}
    assert "缺少" in out[0].message


def test_S1_amount_at_most_four_decimals(doc):
    assert findings(doc, "S1") == []                # 1.2345 万元 is exact to the 元
    doc["cells"]["t2.fees.amount"] = 1.23456
    out = findings(doc, "S1")
    assert len(out) == 1 and "超过 4 位小数" in out[0].message and out[0].addresses == ["表二!B20"]


def test_S2_organ_fields(doc):
    assert findings(doc, "S2") == []
    doc["organ"].update(name=None, year=2019, postcode="75500", level="县")
    out = {f.cells[0]: f.message for f in findings(doc, "S2")}
    assert set(out) == {"organ.name", "organ.year", "organ.postcode", "organ.level"}
    assert "未填写" in out["organ.name"] and "2021" in out["organ.year"] and "下拉列表" in out["organ.level"]


def test_S3_text_length(doc):
    doc["texts"]["problems"] = "问" * (fmt.load().text("problems").max_length + 1)
    out = findings(doc, "S3")
    assert len(out) == 1 and "文字过长" in out[0].message


def test_F4_blank_cells_reported_per_row_not_as_zero(doc):
    assert findings(doc, "F4") == []
    doc["cells"]["t3.R01.C3"] = None
    doc["cells"]["t3.R01.C4"] = None
    out = findings(doc, "F4")
    assert len(out) == 1 and out[0].cells == ["t3.R01.C3", "t3.R01.C4"] and "2 格为空" in out[0].message
    assert findings(doc, "B1") == []                # blank counts as 0 in the sums, reported once as blank


def test_F5_fee_amount_unit(doc):
    assert findings(doc, "F5") == []
    doc["cells"]["t2.fees.amount"] = 123456.78     # 元 typed as 万元
    out = findings(doc, "F5")
    assert len(out) == 1 and out[0].severity == "提示" and "万元" in out[0].message


def test_N1_overview_required(doc):
    assert findings(doc, "N1") == []
    doc["texts"]["overview"] = "  \n "
    assert len(findings(doc, "N1")) == 1


def test_N2_overview_length_needs_explanation(doc):
    doc["texts"]["overview"] = "字" * 1000
    assert findings(doc, "N2") == []
    doc["texts"]["overview"] = "字" * 1001
    doc["explanations"] = []
    out = findings(doc, "N2")
    assert len(out) == 1 and out[0].severity == "需说明" and out[0].blocking and "1001 字" in out[0].message
    doc["explanations"] = [{"rule": "N2", "target": "总体情况!A19:A78", "text": "理由"}]
    out = findings(doc, "N2")
    assert out[0].explanation == "理由" and not out[0].blocking


@pytest.mark.parametrize("rule, target", [
    ("N2", "text.overview"), ("n2", "总体情况!A19:A78"), ("N2", "总体情况!A19"), ("N2", "A19:A78"),
    ("N2", "总体情况"), ("N2", "总体情况!A19:A78; 表三!J7, J8"), ("N2", ""),
])
def test_explanations_match_however_staff_write_the_object(doc, rule, target):
    doc["texts"]["overview"] = "字" * 1001
    doc["explanations"] = [{"rule": rule, "target": target, "text": "理由"}]
    out = findings(doc)
    assert [f.explanation for f in out if f.rule == "N2"] == ["理由"] and not [f for f in out if f.rule == "F8"]


def test_F8_explanation_that_matches_nothing(doc):
    doc["explanations"] = [{"rule": "N9", "target": "text.overview", "text": "理由"},
                           {"rule": "B1", "target": "表三!D7", "text": "错误不能说明"},
                           {"rule": "N2", "target": "text.problems", "text": "对象写错了"}]
    out = findings(doc, "F8")
    assert len(out) == 3 and all(f.severity == "提示" and f.addresses == ["说明!A3:C202"] for f in out)
    assert "规则“N9”" in out[0].message or "规则“N9”" in " ".join(f.message for f in out)
    doc["explanations"] = [{"rule": "N2", "target": "", "text": "  "}]
    assert "说明为空" in findings(doc, "F8")[0].message


def test_N3_problems_required(doc):
    assert findings(doc, "N3") == []
    doc["texts"]["problems"] = ""
    assert len(findings(doc, "N3")) == 1 and findings(doc, "N4") == []


def test_N4_improvements_required(doc):
    assert findings(doc, "N4") == []
    doc["texts"]["improvements"] = ""
    assert len(findings(doc, "N4")) == 1 and findings(doc, "N3") == []


def test_N5_fee_statement_required_even_without_fees(doc):
    assert findings(doc, "N5") == []
    doc["texts"]["other"] = "本年度无其他需要报告的事项。"
    out = findings(doc, "N5")
    assert len(out) == 1 and "未收取的也要写明" in out[0].message


def test_N5_fee_statement_when_R22_positive(doc):
    doc["texts"]["other"] = "无。"
    doc["cells"]["t3.R22.C1"] = 1
    out = findings(doc, "N5")
    assert len(out) == 1 and "共 1 件" in out[0].message and "t3.R22.C1" in out[0].cells


def test_P1_share_of_other_handling(doc):
    assert findings(doc, "P1") == []
    c = doc["cells"]
    c["t3.R23.C1"], c["t3.R23.CT"], c["t3.R03.C1"], c["t3.R03.CT"] = 5, 5, 3, 4   # 5 of 13 = 38%
    out = findings(doc, "P1")
    assert len(out) == 1 and out[0].severity == "提示" and "38.5%" in out[0].message


def test_P2_suits_after_review_exceed_reviews(doc):
    assert findings(doc, "P2") == []
    c = doc["cells"]
    c["t4.suit_after.other"], c["t4.suit_after.total"] = 5, 5
    out = findings(doc, "P2")
    assert len(out) == 1 and "复议后起诉·总计 5 件" in out[0].message and "行政复议·总计 3 件" in out[0].message


def test_every_rule_kind_has_its_check():
    """Dispatch is by kind: every kind has one check (engine or prior), or is the schema's, the reader's or F8's."""
    from addin.checks import prior

    elsewhere = {"schema", "format", "explanation"}
    kinds = {r.kind for r in fmt.load().rules}
    assert kinds <= set(validator.CHECKS) | set(prior.CHECKS) | elsewhere, kinds
    assert not set(validator.CHECKS) & set(prior.CHECKS)
    assert {r.id for r in fmt.load().rules if r.kind == "format"} == {"F1", "F2", "F3", "F6", "F7", "F9", "F10", "F11"}
    assert [r.id for r in fmt.load().rules if r.kind == "explanation"] == ["F8"]
