"""Tests that kill narrative.py's mutants (issue 14): the percentage allowance, invalid cells, numerals
above 十, gap and nearness limits. (The whole-percent allowance bug is the wording developer's fix.)"""
from __future__ import annotations

import copy
import json

import pytest

from addin.checks import narrative, validator

from .helpers import EXAMPLE_JSON, balanced_doc


@pytest.fixture
def doc() -> dict:
    d = balanced_doc(json.loads(EXAMPLE_JSON.read_text(encoding="utf-8")))
    d["texts"]["overview"], d["texts"]["other"] = "概述。", "本年度未收取信息处理费。"
    return d


def t_findings(d: dict, text: str):
    d = copy.deepcopy(d)
    d["texts"]["overview"] = text
    return [x for x in validator.validate(d) if x.rule.startswith("T")]


# 予以公开 8 of 13 results: 61.538… %

@pytest.mark.parametrize("pct", ["61.5", "61.54", "61.538"])
def test_a_percentage_rounded_right_passes(doc, pct):
    assert t_findings(doc, f"予以公开8件（{pct}%）。") == []


@pytest.mark.parametrize("pct", ["61.6", "61.4", "61.56", "61.52"])
def test_a_percentage_off_by_more_than_half_its_last_digit_drifts(doc, pct):
    """61.6 is 0.062 away: inside a doubled allowance (0.1), outside the right one (0.05)."""
    found = t_findings(doc, f"予以公开8件（{pct}%）。")
    assert [x.rule for x in found] == ["T4"] and found[0].values["written_percent"] == float(pct)
    assert found[0].values["percent"] == pytest.approx(61.5385) and "61.5" in found[0].message


def test_a_percentage_with_zero_results_is_not_judged(doc):
    for k in list(doc["cells"]):
        if k.startswith("t3."):
            doc["cells"][k] = 0
    assert [x for x in t_findings(doc, "予以公开0件（50%）。") if "%" in x.target] == []


@pytest.mark.parametrize("bad", ["七", True, "8件", -8, 7.5])
def test_the_narrative_is_not_compared_with_an_invalid_cell(doc, bad):
    assert [x.rule for x in t_findings(doc, "其中予以公开9件。")] == ["T4"]   # the table says 8 (表三!J9)
    doc["cells"]["t3.R03.CT"] = bad                 # 予以公开 总计 is not a number: reported by B4 alone
    assert t_findings(doc, "其中予以公开9件。") == []
    assert t_findings(doc, "本年度未收到政府信息公开申请。") != []   # other quantities still checked


def test_a_zero_claim_against_an_invalid_cell_is_not_judged(doc):
    for c in ("t3.R01.C1", "t3.R01.CT"):
        doc["cells"][c] = "十"
    assert [x for x in t_findings(doc, "本年度未收到政府信息公开申请。") if x.rule == "T1"] == []


@pytest.mark.parametrize("written, n", [("十", 10), ("十一", 11), ("十九", 19), ("二十", 20), ("二十三", 23),
                                        ("九十九", 99), ("一百", 100), ("一百一十", 110), ("三百零五", 305),
                                        ("一千零一", 1001), ("两万", 20000), ("一万二千", 12000), ("一〇五", 105),
                                        ("零", 0), ("百", 100)])
def test_chinese_numerals_above_ten(written, n):
    assert narrative.cn_to_int(written) == n


def test_not_a_numeral():
    assert narrative.cn_to_int("") is None and narrative.cn_to_int("十个") is None
    assert narrative.parse_number("１,２００") == 1200 and narrative.parse_number("12") == 12


@pytest.mark.parametrize("written", ["十三", "一十三"])
def test_numerals_above_ten_in_a_sentence(doc, written):
    assert t_findings(doc, f"本年收到政府信息公开申请{written}件。") == []
    found = t_findings(doc, f"本年收到政府信息公开申请{written.replace('三', '四')}件。")
    assert [x.rule for x in found] == ["T1"] and found[0].values["written"] == 14


def test_a_count_far_from_its_word_is_not_read(doc):
    p = next(r for r in validator.fmtmod.load().rules if r.id == "T1").params
    filler = "，" + "的" * p["gap"]
    assert t_findings(doc, f"本年收到政府信息公开申请{filler}99件。") == []
    assert [x.rule for x in t_findings(doc, "本年收到政府信息公开申请99件。")] == ["T1"]


def test_the_paragraph_of_a_finding_is_its_row(doc):
    found = t_findings(doc, "第一段。\n第二段。\n本年收到政府信息公开申请14件。")
    assert found[0].values["paragraph"] == 3
    assert found[0].message.startswith("总体情况!A21 一、总体情况")     # the text block starts at A19


def test_the_gap_between_word_and_count_is_inclusive(doc):
    gap = next(r for r in validator.fmtmod.load().rules if r.id == "T1").params["gap"]
    at = t_findings(doc, "申请：收到" + "的" * gap + "14件。")
    assert [x.rule for x in at] == ["T1"] and at[0].values["written"] == 14
    assert t_findings(doc, "申请：收到" + "的" * (gap + 1) + "14件。") == []


def test_a_finding_quotes_its_sentence_cut_at_60_characters(doc):
    found = t_findings(doc, "本年收到政府信息公开申请14件。")
    assert "“本年收到政府信息公开申请14件”" in found[0].message
    assert narrative._excerpt("字" * 60 + "。") == "字" * 60 and narrative._excerpt("字" * 61) == "字" * 60 + "…"
