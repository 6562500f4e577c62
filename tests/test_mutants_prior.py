"""Tests that kill the prior-year rules' mutants (issue 14): X4 subtracts 废止, X5 on 改进情况 and its
thresholds, X6 ignores spaces and punctuation, X1 per column, the year check."""
from __future__ import annotations

import copy

import pytest

from addin.checks import prior, validator
from addin.errors import UserError
from addin.format import fmt, layout

from .helpers import balanced_doc

F = fmt.load()


@pytest.fixture
def pair(example_doc):
    this = balanced_doc(example_doc)
    last = copy.deepcopy(this)
    last["organ"]["year"] = 2021
    for col in ("C1", "C2", "C3", "C4", "C5", "C6", "CT"):
        last["cells"][f"t3.R25.{col}"] = this["cells"][f"t3.R02.{col}"]
    last["texts"]["problems"] = "去年的问题是政务新媒体更新不及时，部分栏目长期未维护。"
    last["texts"]["improvements"] = "去年计划建立栏目巡查制度，每月通报一次。"
    return this, last


def run(this, last, rule=None):
    out = validator.validate(this, prior=prior.Prior(last, layout.load().address))
    return [x for x in out if (rule is None and x.rule.startswith("X")) or x.rule == rule]


def test_X4_subtracts_the_repealed(pair):
    this, last = pair
    c = this["cells"]
    c["t2.normative.issued"], c["t2.normative.repealed"], c["t2.normative.in_force"] = 3, 2, 12
    last["cells"]["t2.normative.in_force"] = 11                       # 11 + 3 − 2 = 12
    assert run(this, last, "X4") == []
    last["cells"]["t2.normative.in_force"] = 7                        # 7 + 3 − 2 = 8, not 12
    out = run(this, last, "X4")
    assert len(out) == 1 and out[0].values == {"reported": 12, "expected": 8} and "相差 4" in out[0].message
    assert out[0].cells == ["t2.normative.in_force", "t2.normative.issued", "t2.normative.repealed"]


def test_X4_skips_a_row_with_an_invalid_side(pair):
    this, last = pair
    last["cells"]["t2.normative.in_force"] = "十一"
    assert run(this, last, "X4") == []


def test_X1_each_column_and_an_invalid_prior_cell_skipped(pair):
    this, last = pair
    last["cells"]["t3.R25.C2"] = 1                                     # this year's 上年结转 法人 is 0
    out = run(this, last, "X1")
    assert [x.cells for x in out] == [["t3.R02.C2"]] and out[0].values["difference"] == -1
    last["cells"]["t3.R25.C2"] = "一"
    assert run(this, last, "X1") == []


def test_X5_on_improvements(pair):
    this, last = pair
    last["texts"]["improvements"] = this["texts"]["improvements"]
    out = run(this, last, "X5")
    assert [x.cells for x in out] == [["text.improvements"]] and out[0].severity == "需说明"
    assert out[0].values["similarity"] == 1.0 and "100%" in out[0].message


def test_X5_thresholds(pair):
    this, last = pair
    p = F.rule("X5").params
    short = "问" * (p["min_chars"] - 1)                               # too short to judge
    this["texts"]["improvements"] = last["texts"]["improvements"] = short
    assert run(this, last, "X5") == []
    this["texts"]["improvements"] = last["texts"]["improvements"] = short + "题"   # exactly min_chars
    assert [x.cells for x in run(this, last, "X5")] == [["text.improvements"]]
    # 16 of 20 characters the same: ratio exactly 0.8 (max_similarity) is flagged
    a, b = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉", "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳一二三四"
    assert prior.similarity(a, b) == pytest.approx(p["max_similarity"])
    this["texts"]["improvements"], last["texts"]["improvements"] = a, b
    assert len(run(this, last, "X5")) == 1
    last["texts"]["improvements"] = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰一二三四五"    # 15 of 20: 0.75
    assert run(this, last, "X5") == []


def test_similarity_ignores_whitespace_and_punctuation_and_empty_is_zero():
    assert prior.similarity("信息 公开，及时。", "信息公开及时") == 1.0
    assert prior.similarity("", "信息公开") == 0.0 and prior.similarity("信息公开", "  。") == 0.0


@pytest.mark.parametrize("name", ["中卫市口岸和投资促进办公室 ", "中卫市 口岸和投资促进办公室", "（中卫市口岸和投资促进办公室）",
                                  "中卫市口岸和投资促进办公室。"])
def test_X6_ignores_spaces_and_punctuation(pair, name):
    this, last = pair
    last["organ"]["name"] = name
    assert run(this, last, "X6") == []


def test_X6_flags_another_organ(pair):
    this, last = pair
    last["organ"]["name"] = "中卫市口岸办公室"
    out = run(this, last, "X6")
    assert len(out) == 1 and out[0].values == {"this": this["organ"]["name"], "prior": "中卫市口岸办公室"}


def test_year_check_accepts_last_year_only(pair):
    this, last = pair
    prior.check_year(this, prior.Prior(last, layout.load().address))      # 2021 for 2022: fine
    for y in (2022, 2020, None):
        last["organ"]["year"] = y
        with pytest.raises(UserError) as e:
            prior.check_year(this, prior.Prior(last, layout.load().address))
        assert e.value.code == "input.prior_year" and "2021 年度的报告" in e.value.message


def test_prior_key_matches_by_plain_name_and_year(pair):
    this, _ = pair
    assert prior.key(this) == ("中卫市口岸和投资促进办公室", 2022)
    assert prior.key({"organ": {"name": " 中卫市 口岸和投资促进办公室。", "year": 2022}}) == prior.key(this)
    assert prior.key({}) == ("", None)


def test_prior_number_ignores_text_and_booleans():
    p = prior.Prior({"cells": {"a": 3, "b": "3", "c": True, "d": 2.5}}, str)
    assert [p.number(k) for k in "abcde"] == [3, None, None, 2.5, None]
