"""Tests that kill the validator's mutants (issue 14): the export gate, explanations only for 需说明,
invalid cells left out of the sums, and the exact boundaries of F5, P1 and N2."""
from __future__ import annotations

import pytest

from addin.checks import validator
from addin.checks.findings import Finding, summary
from addin.format import fmt

from .helpers import balanced_doc

F = fmt.load()


@pytest.fixture
def doc(example_doc):
    return balanced_doc(example_doc)


def of(doc, rule):
    return [x for x in validator.validate(doc) if x.rule == rule]


# --- the gate: a 需说明 without explanation blocks on its own ------------------------------------------

def test_an_unexplained_explain_finding_alone_blocks(doc):
    doc["texts"]["overview"] = "字" * 1001
    doc["explanations"] = []
    out = validator.validate(doc)
    assert [x.severity for x in out] == ["需说明"]          # no 错误 anywhere
    assert out[0].blocking and summary(out)["blocking"] == 1 and not summary(out)["passed"]
    doc["explanations"] = [{"rule": "N2", "target": "text.overview", "text": "内容较多，确需详述。"}]
    out = validator.validate(doc)
    assert not out[0].blocking and summary(out)["passed"] and summary(out)["explained"] == 1


def test_an_info_finding_never_blocks():
    assert not Finding("F5", "提示", "m").blocking and Finding("B1", "错误", "m", explanation="x").blocking


# --- an explanation counts only for 需说明 ---------------------------------------------------------

def test_an_explanation_of_an_error_does_not_count_and_gives_F8(doc):
    doc["cells"]["t3.R01.C1"] = 11                          # B1 at 表三!D7
    doc["explanations"] = [{"rule": "B1", "target": "表三!D7", "text": "错误不能说明"}]
    out = validator.validate(doc)
    b1 = [x for x in out if x.rule == "B1"]
    assert b1 and all(x.explanation is None and x.blocking for x in b1)
    f8 = [x for x in out if x.rule == "F8"]
    assert len(f8) == 1 and f8[0].values == {"rule": "B1", "target": "表三!D7"}


def test_an_explanation_of_an_info_finding_does_not_count_and_gives_F8(doc):
    doc["cells"]["t2.fees.amount"] = 123456.78              # F5 (提示)
    doc["explanations"] = [{"rule": "F5", "target": "t2.fees.amount", "text": "确为十余万元"}]
    out = validator.validate(doc)
    f5 = [x for x in out if x.rule == "F5"]
    assert len(f5) == 1 and f5[0].explanation is None
    assert [x.values["rule"] for x in out if x.rule == "F8"] == ["F5"]


def test_an_explanation_with_blank_text_does_not_count(doc):
    doc["texts"]["overview"] = "字" * 1001
    doc["explanations"] = [{"rule": "N2", "target": "text.overview", "text": "   "}]
    out = validator.validate(doc)
    assert [x.explanation for x in out if x.rule == "N2"] == [None]
    assert [x.rule for x in out if x.rule == "F8"] == ["F8"]


def test_an_explanation_for_another_object_does_not_count(doc):
    doc["texts"]["overview"] = "字" * 1001
    doc["explanations"] = [{"rule": "N2", "target": "text.problems", "text": "理由"}]
    out = validator.validate(doc)
    assert [x.explanation for x in out if x.rule == "N2"] == [None]


# --- invalid cells are left out of the arithmetic, never summed as 0 ------------------------------

@pytest.mark.parametrize("bad", [-1, "七件", 2.5, True])
def test_invalid_cells_are_not_summed_in_balance_rules(doc, bad):
    doc["cells"]["t3.R01.C1"] = bad                         # the fixture's value is 10: as 0 it would break B1
    out = validator.validate(doc)
    assert [x.rule for x in out if x.rule in ("B1", "B2", "B3", "B5")] == []
    assert [x.cells for x in out if x.rule == "B4"] == [["t3.R01.C1"]]


def test_an_invalid_cell_is_left_out_of_P2(doc):
    doc["cells"]["t4.suit_after.total"] = -5
    out = validator.validate(doc)
    assert not [x for x in out if x.rule == "P2"] and [x for x in out if x.rule == "B4"]


def test_an_invalid_total_is_left_out_of_P1(doc):
    c = doc["cells"]
    c["t3.R23.C1"], c["t3.R23.CT"] = 5, 5
    c["t3.R24.CT"] = "十三"
    assert of(doc, "P1") == []


# --- boundaries ------------------------------------------------------------------------------------

def test_F5_flags_exactly_its_limit_and_not_just_below(doc):
    limit = F.rule("F5").params["max_plausible"]
    doc["cells"]["t2.fees.amount"] = limit
    assert len(of(doc, "F5")) == 1 and of(doc, "F5")[0].values["value"] == limit
    doc["cells"]["t2.fees.amount"] = limit - 0.0001
    assert of(doc, "F5") == []


def _other_share(doc, other: int, total: int):
    """Set 表三 column 自然人 so that （六）其他处理 is `other` of a `total` that still balances."""
    c = doc["cells"]
    for r in ("R03", "R04", "R13", "R17", "R23"):
        c[f"t3.{r}.C1"] = 0
    c["t3.R23.C1"], c["t3.R03.C1"] = other, total - other
    c["t3.R24.C1"], c["t3.R01.C1"], c["t3.R02.C1"], c["t3.R25.C1"] = total, total, 0, 0
    for r in ("R01", "R02", "R03", "R04", "R13", "R17", "R23", "R24", "R25"):
        c[f"t3.{r}.CT"] = sum(c[f"t3.{r}.C{k}"] for k in range(1, 7))
    return of(doc, "P1")


def test_P1_at_exactly_its_share_passes_and_above_it_fails(doc):
    p = F.rule("P1").params
    assert p["max_share"] == 0.3 and p["min_total"] == 10
    # column 法人 (C2) holds 3 applications, none of them 其他处理: the totals are C1's + 3
    assert _other_share(doc, 3, 7) == []                     # 3 of 10 = 30 % exactly: not flagged
    out = _other_share(doc, 4, 7)                            # 4 of 10 = 40 %
    assert len(out) == 1 and out[0].values == {"other": 4, "total": 10} and "40.0%" in out[0].message


def test_P1_needs_at_least_its_minimum_total(doc):
    assert _other_share(doc, 6, 6) == []                     # 6 of 9: two thirds, but fewer than 10 in all
    assert len(_other_share(doc, 6, 7)) == 1                 # 6 of 10


def test_N2_counts_no_whitespace_and_flags_one_over(doc):
    limit = F.rule("N2").params["max_chars"]
    doc["texts"]["overview"] = "字" * limit + " \n\t　" * 40   # full-width space is whitespace too
    assert of(doc, "N2") == []
    assert validator.char_count("a b\n，c") == 4
    every = "".join(map(chr, range(0x110000)))
    assert validator.char_count(every) == sum(1 for ch in every if not ch.isspace())   # what 字数 means, every char
    doc["texts"]["overview"] = "字" * (limit + 1)
    out = of(doc, "N2")
    assert len(out) == 1 and out[0].values == {"chars": limit + 1, "limit": limit}


def test_P2_equal_counts_pass_and_one_more_fails(doc):
    c = doc["cells"]
    c["t4.suit_after.other"], c["t4.suit_after.total"] = 3, 4        # 复议后起诉 4 > 行政复议 3
    assert len(of(doc, "P2")) == 1
    c["t4.suit_after.other"], c["t4.suit_after.total"] = 2, 3        # 3 = 3
    assert of(doc, "P2") == []


def test_an_explanation_that_is_not_a_row_is_S3_not_S0(doc):
    doc["explanations"] = ["理由"]
    out = validator.validate(doc)
    assert [x.rule for x in out if x.rule.startswith("S")] == ["S3"]


def test_P1_names_the_group_of_its_rows(doc):
    out = _other_share(doc, 4, 7)
    assert out[0].message.startswith("（六）其他处理共 4 件") and "请核实各申请是否确应归入其他处理" in out[0].message
