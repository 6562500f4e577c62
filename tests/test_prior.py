"""Checks against last year's report (rules X1, X4, X5, X6): one passing and one failing fixture each."""
from __future__ import annotations

import copy
import json
import shutil

import pytest

from addin.checks import prior, validator
from addin.cli import main
from addin.errors import UserError
from addin.format import layout
from addin.io import template

from .helpers import EXAMPLE_XLSX, balanced_doc


@pytest.fixture
def pair(example_doc):
    """This year (the balanced example, 2022) and a consistent last year (2021)."""
    this = balanced_doc(example_doc)
    last = copy.deepcopy(this)
    last["organ"]["year"] = 2021
    c = last["cells"]
    for col in ("C1", "C2", "C3", "C4", "C5", "C6", "CT"):      # last year's 结转下年度 = this year's 上年结转
        c[f"t3.R25.{col}"] = this["cells"][f"t3.R02.{col}"]
    c["t2.normative.in_force"] = this["cells"]["t2.normative.in_force"] - this["cells"]["t2.normative.issued"]
    last["texts"]["problems"] = "去年的问题是政务新媒体更新不及时，部分栏目长期未维护。"
    last["texts"]["improvements"] = "去年计划建立栏目巡查制度，每月通报一次。"
    return this, last


def run(this, last, rule):
    p = prior.Prior(last, layout.load().address)
    return [f for f in validator.validate(this, prior=p) if f.rule == rule]


def test_consistent_years_pass_every_prior_rule(pair):
    this, last = pair
    out = validator.validate(this, prior=prior.Prior(last, layout.load().address))
    assert [f.rule for f in out if f.rule.startswith("X")] == []


def test_X1_carry_over_must_equal_last_years_next_year(pair):
    this, last = pair
    last["cells"]["t3.R25.C1"] += 1
    out = run(this, last, "X1")
    assert len(out) == 1 and out[0].severity == "需说明" and out[0].cells == ["t3.R02.C1"]
    assert "自然人 列" in out[0].message and "相差 -1" in out[0].message and "表三!D31" in out[0].message


def test_X4_in_force_follows_from_last_year(pair):
    this, last = pair
    last["cells"]["t2.normative.in_force"] += 2
    out = run(this, last, "X4")
    assert len(out) == 1 and out[0].severity == "提示" and "相差 -2" in out[0].message


def test_X5_problems_and_improvements_not_the_same_as_last_year(pair):
    this, last = pair
    last["texts"]["problems"] = this["texts"]["problems"].replace("进一步", "再进一步")   # lightly edited copy
    out = run(this, last, "X5")
    assert [f.cells for f in out] == [["text.problems"]] and "相似度" in out[0].message
    assert prior.similarity("信息公开不够及时。", "信息公开，不够及时") == 1.0


def test_X6_same_organ(pair):
    this, last = pair
    last["organ"]["name"] = "某县发展和改革局"
    out = run(this, last, "X6")
    assert len(out) == 1 and "某县发展和改革局" in out[0].message and out[0].severity == "提示"


def test_prior_of_the_wrong_year_is_refused(pair):
    this, last = pair
    last["organ"]["year"] = 2020
    with pytest.raises(UserError) as e:
        prior.check_year(this, prior.Prior(last, layout.load().address))
    assert e.value.code == "input.prior_year" and "2021 年度" in e.value.message


def test_cli_prior_file(tmp_path, pair, capsys):
    this, last = pair
    template.write(tmp_path / "2022.xlsx", doc=this)
    last["cells"]["t3.R25.CT"] += 1
    template.write(tmp_path / "2021.xlsx", doc=last)
    assert main(["validate", str(tmp_path / "2022.xlsx"), "--prior", str(tmp_path / "2021.xlsx"), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [f["rule"] for f in report["findings"] if f["rule"].startswith("X")] == ["X1"]
    assert main(["validate", str(tmp_path / "2022.xlsx"), "--prior", str(tmp_path / "2022.xlsx")]) == 2
    assert "跨年核对需要 2021 年度" in capsys.readouterr().err


@pytest.mark.slow   # > 5 s
def test_batch_matches_units_with_last_years_by_organ(tmp_path, pair, capsys):
    this, last = pair
    (tmp_path / "2022").mkdir()
    (tmp_path / "2021").mkdir()
    template.write(tmp_path / "2022" / "口岸办.xlsx", doc=this)
    last["cells"]["t3.R25.C2"] += 1
    template.write(tmp_path / "2021" / "口岸办-上年.xlsx", doc=last)
    shutil.copyfile(EXAMPLE_XLSX, tmp_path / "2022" / "同一机关另一份.xlsx")    # same organ and year: same prior
    other = copy.deepcopy(this)
    other["organ"]["name"] = "另一个局"
    template.write(tmp_path / "2022" / "另一个局.xlsx", doc=other)
    assert main(["validate", str(tmp_path / "2022"), "--prior", str(tmp_path / "2021"), "--json"]) == 1
    rows = {r["file"].rsplit("/", 1)[-1]: r for r in json.loads(capsys.readouterr().out)["files"]}
    assert rows["口岸办.xlsx"]["prior"].endswith("口岸办-上年.xlsx")
    assert [f["rule"] for f in rows["口岸办.xlsx"]["findings"] if f["rule"] == "X1"] == ["X1"]
    assert rows["同一机关另一份.xlsx"]["prior"] == rows["口岸办.xlsx"]["prior"]
    assert rows["另一个局.xlsx"]["prior"] is None
    main(["validate", str(tmp_path / "2022"), "--prior", str(tmp_path / "2021")])
    assert "跨年核对：2 个单位找到上年工作簿，1 个没有找到（按机关名称和年度对应）：另一个局.xlsx" in capsys.readouterr().out


def test_prior_folder_for_one_workbook(tmp_path, pair, capsys):
    this, last = pair
    (tmp_path / "2021").mkdir()
    template.write(tmp_path / "2022.xlsx", doc=this)
    last["cells"]["t3.R25.C1"] += 1
    template.write(tmp_path / "2021" / "上年.xlsx", doc=last)
    assert main(["validate", str(tmp_path / "2022.xlsx"), "--prior", str(tmp_path / "2021"), "--json"]) == 1
    assert "X1" in {f["rule"] for f in json.loads(capsys.readouterr().out)["findings"]}
    (tmp_path / "空").mkdir()
    shutil.copyfile(tmp_path / "2022.xlsx", tmp_path / "空" / "本年.xlsx")
    assert main(["validate", str(tmp_path / "2022.xlsx"), "--prior", str(tmp_path / "空")]) == 2
    assert "没有找到" in capsys.readouterr().err


def _long_text(seed: int, n: int = 8000) -> str:
    import random
    words = ["政务公开", "栏目维护", "依申请公开", "答复质量", "培训不足", "平台建设", "制度落实", "信息更新", "督促检查"]
    rnd = random.Random(seed)
    return "，".join(rnd.choice(words) for _ in range(n // 5)) + "。"


def test_X5_on_long_texts_flags_a_copy_and_passes_a_rewrite(pair):
    this, last = pair
    this["texts"]["problems"] = _long_text(1)
    last["texts"]["problems"] = _long_text(1).replace("培训不足", "培训不够", 3)       # copied with a few edits
    assert [f.cells for f in run(this, last, "X5")] == [["text.problems"]]
    last["texts"]["problems"] = "本年度问题：" + "".join(reversed(_long_text(2)))      # different text
    assert run(this, last, "X5") == []


def test_X5_similarity_of_long_repetitive_texts_is_linear_work():
    # difflib took ~7 s here (quadratic); the bigram measure answers at once and still sees near-copies
    a, b = "问题改进" * 2000, "改进问题" * 2000
    assert prior.similarity(a, b) > 0.9
    assert prior.similarity(a, "信息公开" * 2000) < 0.1
