"""Generated statistical sentences: from the cells by id, zero-safe, grammatical, and never in drift with the
tables (the narrative rules read them back without a finding)."""
from __future__ import annotations

import copy
import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from addin.checks import validator
from addin.format import fmt
from addin.report import sentences

from .helpers import EXAMPLE_JSON, balanced_doc

F = fmt.load()
EXAMPLE = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))


def test_all_zero_report_says_it_in_words():
    s = sentences.leads(EXAMPLE)
    assert s["s3"] == ["本年度未收到政府信息公开申请，无上年结转的申请。"]
    assert s["s4"] == ["本年度未发生政府信息公开行政复议、行政诉讼案件。"]
    assert s["s2"] == ["本年度未制发、废止规章，无现行有效的规章；未制发、废止行政规范性文件，无现行有效的行政规范性文件。",
                       "本年度未作出行政许可、行政处罚、行政强制决定；未收取行政事业性收费。"]
    for text in sum(s.values(), []):
        assert not re.search(r"(?<![\d.])0件|0%|占0", text), text


def test_balanced_report_sentences():
    s = sentences.leads(balanced_doc(copy.deepcopy(EXAMPLE)))
    assert s["s3"] == ["本年度新收政府信息公开申请13件（其中自然人申请10件、法人或其他组织申请3件），上年结转2件；"
                       "办结13件，其中予以公开8件（占61.5%）、部分公开2件（占15.4%）、无法提供1件（占7.7%）、"
                       "不予处理1件（占7.7%）、其他处理1件（占7.7%）；结转下年度继续办理2件。"]
    assert s["s4"] == ["本年度发生政府信息公开行政复议3件（结果维持1件、结果纠正1件、尚未审结1件）；行政诉讼2件，"
                       "其中未经复议直接起诉1件（结果维持1件），复议后起诉1件（其他结果1件）。"]
    assert s["s2"] == ["本年度未制发、废止规章，无现行有效的规章；制发行政规范性文件3件，未废止，现行有效12件。",
                       "本年度未作出行政许可、行政处罚、行政强制决定；收取行政事业性收费1.2345万元。"]


def test_quantities_are_data_and_name_existing_cells():
    q = sentences.quantities()
    assert q["refused"]["cells"] == [f"t3.R{i:02d}.CT" for i in range(5, 13)]
    assert q["suit"]["cells"] == ["t4.suit_direct.total", "t4.suit_after.total"]
    for item in q.values():
        assert item["cells"] and all(c in F.cells for c in item["cells"]), item


def test_an_invalid_cell_gives_no_sentence_rather_than_a_wrong_one():
    d = copy.deepcopy(EXAMPLE)
    d["cells"]["t3.R03.CT"] = "三件"
    assert sentences.section3(d) == []




@st.composite
def balanced_tables(draw):
    """Random documents whose 表三/表四 balance (B1–B6 hold), for the sentence ⇄ check round trip."""
    d = copy.deepcopy(EXAMPLE)
    t3 = F.table("t3")
    for col in [c for c in t3.columns if c.id != "CT"]:
        leaves = {r.id: draw(st.integers(0, 30)) for r in t3.rows if r.id not in ("R01", "R02", "R24", "R25")}
        total = sum(leaves.values())
        nxt = draw(st.integers(0, 10))
        carried = draw(st.integers(0, total + nxt))
        vals = {**leaves, "R24": total, "R25": nxt, "R02": carried, "R01": total + nxt - carried}
        for rid, v in vals.items():
            d["cells"][f"t3.{rid}.{col.id}"] = v
    for r in t3.rows:
        d["cells"][f"t3.{r.id}.CT"] = sum(d["cells"][f"t3.{r.id}.{c}"] for c in ("C1", "C2", "C3", "C4", "C5", "C6"))
    for g in ("review", "suit_direct", "suit_after"):
        parts = [draw(st.integers(0, 5)) for _ in range(4)]
        for k, v in zip(("upheld", "corrected", "other", "pending"), parts):
            d["cells"][f"t4.{g}.{k}"] = v
        d["cells"][f"t4.{g}.total"] = sum(parts)
    for k in ("issued", "repealed", "in_force"):
        d["cells"][f"t2.normative.{k}"] = draw(st.integers(0, 50))
    return d


@settings(max_examples=150, deadline=None)
@given(doc=balanced_tables())
def test_generated_sentences_never_drift_from_the_tables(doc):
    """The sentences, written into the narrative, pass every narrative-vs-table rule (T*), and are zero-safe."""
    text = "\n".join(sum(sentences.leads(doc).values(), []))
    assert not re.search(r"(?<![\d.])0件|占0\.0%", text), text
    d = copy.deepcopy(doc)
    d["texts"]["overview"], d["texts"]["other"] = text, "本年度未收取信息处理费。"
    assert [f.message for f in validator.validate(d) if f.rule.startswith("T") and f.blocking] == []


# --- section 二 over every combination of zero and non-zero quantities ----------------------------------

T2_CELLS = [F.table(t).cell_id_of(r, c) for t in ("t2_1", "t2_5", "t2_6") for r in F.table(t).rows
            for c in F.table(t).columns]
FEE = F.table("t2_8").cell_id_of(F.table("t2_8").rows[0], F.table("t2_8").columns[0])


@st.composite
def section2_quantities(draw):
    d = copy.deepcopy(EXAMPLE)
    for c in T2_CELLS:
        d["cells"][c] = draw(st.sampled_from([0, 0, 1, 7, 123]))
    d["cells"][FEE] = draw(st.sampled_from([0, 0.0, 1.2345, 3, 0.5]))
    return d


@settings(max_examples=300, deadline=None)
@given(doc=section2_quantities())
def test_section2_reads_as_written_by_hand_for_every_zero_pattern(doc):
    documents, decisions = sentences.section2(doc)
    for text in (documents, decisions):
        assert text.startswith("本年度") and text.endswith("。") and text.count("本年") == 1, text
        assert not re.search(r"[，；、]{2}|[，；、]。|(?<![\d.])0件|0万元", text), text
        assert not re.search(r"无[^，；。]*、[^，；。]*的", text), f"stilted “无…、…的”: {text}"
    t21 = F.table("t2_1")
    for clause, row in zip(documents.removeprefix("本年度").rstrip("。").split("；"), t21.rows):
        assert clause.count(row.label) == 1 or clause.endswith(f"无现行有效的{row.label}"), clause
        for col in t21.columns:
            v = doc["cells"][t21.cell_id_of(row, col)]
            verb = sentences._short(col.label)
            said = re.search(rf"{verb}(?:{row.label})?(\d+)件", clause)
            if v:
                assert said and int(said.group(1)) == v, (clause, verb, v)
            else:
                assert not said and re.search(rf"[未无][^，]*{verb}", clause), (clause, verb)
    for tid in ("t2_5", "t2_6"):
        t = F.table(tid)
        for row in t.rows:
            v = doc["cells"][t.cell_id_of(row, t.columns[0])]
            assert (f"{row.label}决定{v}件" in decisions) if v else re.search(rf"未作出[^；]*{row.label}", decisions)
    fee = doc["cells"][FEE]
    assert (f"收取行政事业性收费{sentences.num(fee)}万元" in decisions) if fee else decisions.endswith("未收取行政事业性收费。")
