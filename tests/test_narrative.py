"""Narrative-vs-table rules T1–T8: each quantity of FORMAT.md §7, both readings of 收到N件, numerals,
published reports that match, and narratives that drift."""
from __future__ import annotations

import copy
import json

import pytest

from addin.checks import narrative, validator
from addin.format import fmt

from .helpers import EXAMPLE_JSON, balanced_doc, shared_dir

F = fmt.load()


@pytest.fixture
def doc() -> dict:
    """Balanced tables: 新收 13 (自然人 10, 法人 3), 上年结转 2, 办结 13 (公开 8, 部分 2, 无法提供 1, 不予处理 1,
    其他处理 1), 结转 2; 复议 3, 诉讼 2 (直诉 1, 复议后 1); 行政规范性文件 制发 3, 现行有效 12."""
    d = balanced_doc(json.loads(EXAMPLE_JSON.read_text(encoding="utf-8")))
    for k in ("overview", "other"):
        d["texts"][k] = "本年度未收取信息处理费。" if k == "other" else "概述。"
    return d


def t_findings(d: dict, text: str, where: str = "overview"):
    d = copy.deepcopy(d)
    d["texts"][where] = text
    return [f for f in validator.validate(d) if f.rule.startswith("T")]


def rules(found) -> list[str]:
    return [f.rule for f in found]


# --- each quantity: a sentence that matches, and the same sentence drifted by one -------------------

CASES = [
    ("本年共收到政府信息公开申请{n}件。", 13, "T1"),
    ("全年受理政府信息公开申请{n}件。", 13, "T1"),
    ("本年新收政府信息公开申请{n}件。", 13, "T1"),
    ("共办结申请{n}件。", 13, "T3"),
    ("全部申请均已按时答复，答复申请{n}件。", 13, "T3"),
    ("办结申请13件（含上年结转{n}件）。", 2, "T3"),
    ("收到申请13件，结转下年度继续办理{n}件。", 2, "T3"),
    ("其中予以公开{n}件。", 8, "T4"),
    ("其中部分公开{n}件。", 2, "T4"),
    ("予以公开及部分公开{n}件。", 10, "T4"),
    ("不予公开{n}件。", 0, "T4"),
    ("因本机关不掌握等原因无法提供{n}件。", 1, "T4"),
    ("属信访、重复申请等不予处理{n}件。", 1, "T4"),
    ("其他处理{n}件。", 1, "T4"),
    ("其中自然人申请{n}件。", 10, "T5"),
    ("法人或其他组织申请{n}件。", 3, "T5"),
    ("发生政府信息公开行政复议{n}件。", 3, "T6"),
    ("被提起行政诉讼{n}件。", 2, "T6"),
    ("未经复议直接起诉{n}件。", 1, "T6"),
    ("复议后起诉{n}件。", 1, "T6"),
    ("本年度制发行政规范性文件{n}件。", 3, "T7"),
    ("废止行政规范性文件{n}件。", 0, "T7"),
    ("现行有效行政规范性文件{n}件。", 12, "T7"),
    ("因申请人逾期未缴纳信息处理费不再处理{n}件。", 0, "T8"),
]


@pytest.mark.parametrize("template,n,rule", CASES)
def test_each_quantity_matches_and_drifts(doc, template, n, rule):
    assert t_findings(doc, template.format(n=n)) == []
    drift = t_findings(doc, template.format(n=n + 1))
    assert rules(drift) == [rule], [f.message for f in drift]
    assert f"{n + 1}件" in drift[0].message and "说明" in drift[0].message
    assert drift[0].severity == "需说明" and drift[0].blocking


def test_every_narrative_table_rule_is_covered_by_a_fixture():
    covered = {r for _, _, r in CASES} | {"T2"}
    assert covered == {r.id for r in F.rules if r.kind == "narrative-table"}


# --- 收到N件: both readings -----------------------------------------------------------------------

def test_received_read_as_new_plus_carried_matches_with_a_note(doc):
    found = t_findings(doc, "全年共收到政府信息公开申请15件，均已按时答复。")
    assert rules(found) == ["T2"] and found[0].severity == "提示" and not found[0].blocking
    assert "本年新收加上年结转" in found[0].message and "13+2=15" in found[0].message


def test_received_matching_neither_reading_says_so(doc):
    found = t_findings(doc, "全年共收到政府信息公开申请14件。")
    assert rules(found) == ["T1"]
    m = found[0].message
    assert "本年新收政府信息公开申请 13 件" in m and "本年新收加上年结转 15 件" in m and "两种读法都不相符" in m
    assert "表三!J7" in m and found[0].values["readings"] == {"new": 13, "received": 15}


# --- numerals and separators ---------------------------------------------------------------------

@pytest.mark.parametrize("written", ["十三", "一十三", "13", "１３", "0,013"])
def test_chinese_numerals_full_width_digits_and_separators(doc, written):
    assert t_findings(doc, f"本年收到政府信息公开申请{written}件。") == []


def test_thousands_separator_and_chinese_numerals_parse():
    assert narrative.parse_number("1,295") == 1295
    assert narrative.cn_to_int("一百零五") == 105 and narrative.cn_to_int("两千三百") == 2300
    assert narrative.cn_to_int("十二") == 12 and narrative.cn_to_int("三万零一") == 30001


def test_large_counts_with_separators_drift(doc):
    d = copy.deepcopy(doc)
    found = t_findings(d, "本年收到政府信息公开申请1,300件。")
    assert rules(found) == ["T1"] and found[0].values["written"] == 1300


# --- zero claims and context ---------------------------------------------------------------------

def test_zero_claims_contradicting_the_tables(doc):
    found = t_findings(doc, "本年度未收到政府信息公开申请，未发生因信息公开引起的行政复议申请、行政诉讼等情况。")
    assert rules(found) == ["T1", "T6", "T6"]
    assert any("行政复议 3 件" in f.message for f in found) and any("行政诉讼 2 件" in f.message for f in found)


def test_all_completed_while_one_carried_over_drifts(doc):
    """ERRORS.md: a narrative that says all applications were completed while one was carried over."""
    found = t_findings(doc, "收到的政府信息公开申请已全部办结。")
    assert rules(found) == ["T3"] and "结转下年度继续办理 2 件" in found[0].message


def test_no_correction_is_not_a_zero_claim(doc):
    assert t_findings(doc, "全年未发生因依申请公开被行政复议纠错或行政诉讼败诉情形。") == []


def test_counts_of_other_things_are_not_read(doc):
    text = ("收到群众来信5件。公开发布信息10条，全年行政发文42个。主动公开市政府规章22件、行政规范性文件34件。"
            "答复人大代表建议7件。")
    assert t_findings(doc, text) == []


def test_percentages_are_shares_of_the_results_total(doc):
    assert t_findings(doc, "予以公开8件（61.5%），部分公开2件（15.4%）。") == []
    found = t_findings(doc, "予以公开8件（60%）。")
    assert rules(found) == ["T4"] and "应为 61.5%" in found[0].message, [f.message for f in found]


@pytest.mark.parametrize("written,ok", [("62", True), ("61", False), ("63", False), ("61.5", True), ("61.6", False),
                                        ("61.4", False), ("61.7", False), ("61.54", True), ("61.55", False),
                                        ("61.53", False), ("61.5%）、（62", True)])
def test_percent_tolerance_follows_the_decimals_as_written(doc, written, ok):
    """8 of 13 = 61.538…%: "62%" (whole), "61.5%" and "61.54%" are all correct roundings; the allowance is half a
    unit of the last decimal written, counted on the text (issue 14: "62" was read as 62.0, one decimal)."""
    found = t_findings(doc, f"予以公开8件（{written}%）。")
    assert (found == []) == ok, [f.message for f in found]
    if not ok:
        assert found[0].values["written_percent"] == float(written) and f"{written}%" in found[0].message


def test_written_decimals_counts_the_text():
    assert [narrative.written_decimals(w) for w in ("62", "62.0", "61.54", None)] == [0, 1, 2, 0]


def test_an_explanation_lets_a_drift_pass(doc):
    d = copy.deepcopy(doc)
    d["texts"]["overview"] = "全年共收到政府信息公开申请14件。"
    d["explanations"].append({"rule": "T1", "target": "text.overview", "text": "含一件电话申请，未计入表三。"})
    found = [f for f in validator.validate(d) if f.rule == "T1"]
    assert found and found[0].explanation and not found[0].blocking


def test_the_example_narrative_matches_its_zero_tables():
    d = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    assert [f.rule for f in validator.validate(d) if f.rule.startswith("T")] == []


# --- published reports (shared/samples/published): real narratives against their real tables ------

KEYS = ["new", "carry", "open", "partial"] + [f"d{i}" for i in range(1, 9)] + [f"u{i}" for i in range(1, 4)] + \
       [f"n{i}" for i in range(1, 6)] + [f"o{i}" for i in range(1, 4)] + ["total", "next"]


def published(name: str) -> dict:
    path = shared_dir() / "samples" / "published" / "tables.json"
    if not path.exists():
        pytest.skip("shared/samples not available")
    t = json.loads(path.read_text(encoding="utf-8"))[name]
    d = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    t3, t4 = F.table("t3"), F.table("t4")
    for key, row in zip(KEYS, t3.rows):
        for v, c in zip(t["t3"][key], t3.columns):
            d["cells"][t3.cell_id_of(row, c)] = v
    for v, c in zip(t["t4"], t4.columns):
        d["cells"][t4.cell_id_of(t4.rows[0], c)] = v
    d["texts"]["other"] = "本年度未收取信息处理费。"
    return d


SHANGHAI = ("市政府共受理政府信息公开申请 1295 件，办结 1191 件（含上年结转 189 件），均在法定期限内答复。其中，予以公开及部"
            "分公开 208 件（17.46%），不予公开 20 件（1.68%），因本机关不掌握等原因无法提供 564 件（47.36%），属信访、"
            "重复申请等不予处理 80 件（6.72%），其他处理 319 件（26.78%，含申请人主动撤回 157 件）。全年未发生因依申请公开"
            "被行政复议纠错或行政诉讼败诉情形。")
PINGTAN_2025 = "2025年，全区共收到政府信息公开申请154件，共办结148件，结转至2026年6件。"


def test_published_shanghai_2025_narrative_matches_its_tables():
    d = published("shanghai-gov-office-2025.txt")
    d["texts"]["overview"] = SHANGHAI
    assert [f.message for f in validator.validate(d) if f.rule.startswith("T")] == []


def test_published_pingtan_2025_narrative_matches_and_a_drifted_copy_does_not():
    d = published("pingtan-zone-2025.txt")
    d["texts"]["overview"] = PINGTAN_2025
    assert [f.message for f in validator.validate(d) if f.rule.startswith("T")] == []
    d["texts"]["overview"] = PINGTAN_2025.replace("结转至2026年6件", "结转至2026年5件")
    assert [f.rule for f in validator.validate(d) if f.rule.startswith("T")] == ["T3"]


def test_a_narrative_finding_names_the_cell_of_its_paragraph(example_doc):
    """One paragraph a row: the message points at the row, blank rows included (not a paragraph count)."""
    from addin.checks import validator

    example_doc["texts"]["other"] = "第一段。\n\n本年度共收到政府信息公开申请5件。\n本年度未收取信息处理费。"
    out = [f for f in validator.validate(example_doc) if f.rule == "T1"]
    assert out and out[0].message.startswith("其他事项!A8 ")      # block starts at A6: third row


# --- the lexicon (schema/lexicon-2021.json): every word with a passing and a failing fixture sentence -------

LEX = narrative.lexicon()
TEMPLATES = {      # how organs write a count with a word of each rule (the word stands where {w} is)
    "T1": "本年度{w}政府信息公开申请{n}件。",
    "T4": "其中{w}{n}件。",
    "T5": "{w}提出申请{n}件。",
    "T6": "本年度{w}{n}件。",
    "T7": "本年度{w}行政规范性文件{n}件。",
    "T8": "因申请人{w}不再处理{n}件。",
}
T3_TEMPLATES = {"handled": "{w}政府信息公开申请{n}件。", "carried_in": "{w}政府信息公开申请{n}件。",
                "carried_out": "政府信息公开申请{w}{n}件。"}
WORDS = [(rid, ph["readings"][0], w) for rid, phs in LEX["quantities"].items() for ph in phs for w in ph["words"]]


@pytest.mark.parametrize("rid,reading,word", WORDS, ids=[f"{r}-{w}" for r, _, w in WORDS])
def test_every_quantity_word_binds_its_count(doc, rid, reading, word):
    template = T3_TEMPLATES[reading] if rid == "T3" else TEMPLATES[rid]
    from addin.report import sentences
    n = sentences.value(doc, reading)
    assert t_findings(doc, template.format(w=word, n=n)) == []
    drift = t_findings(doc, template.format(w=word, n=n + 1))
    assert rules(drift) == [rid], [f.message for f in drift]
    assert drift[0].values["keyword"] == word and drift[0].values["written"] == n + 1


ZERO = [(rid, claim["quantity"], w) for rid, claims in LEX["zero"].items() for claim in claims
        for w in claim.get("words", [])]
ZERO_SENTENCES = {"T1": "本年度{w}政府信息公开申请。", "T6": "本年度{w}因政府信息公开引起的{then}案件。",
                  "T8": "本年度{w}。"}


@pytest.mark.parametrize("rid,quantity,word", ZERO, ids=[f"{r}-{q}-{w}" for r, q, w in ZERO])
def test_every_zero_claim_word(doc, rid, quantity, word):
    from addin.report import sentences
    then = {"review": "行政复议", "suit": "行政诉讼"}.get(quantity, "")
    text = ZERO_SENTENCES[rid].format(w=word, then=then)
    cells = sentences.quantities()[quantity]["cells"]
    zero, one = copy.deepcopy(doc), copy.deepcopy(doc)
    for c in cells:
        zero["cells"][c] = 0
        one["cells"][c] = 0
    one["cells"][cells[-1]] = 1
    assert [f for f in t_findings(zero, text) if f.values.get("quantity") == quantity] == []
    found = [f for f in t_findings(one, text) if f.values.get("quantity") == quantity]
    assert rules(found) == [rid] and found[0].values["claim"].startswith(word[:2]), [f.message for f in found]


ALL_FINISHED = ["收到的政府信息公开申请均已办结。", "政府信息公开申请已全部按时办结。", "所有申请均已在法定期限内办理完毕。",
                "上述申请全部处理完毕。", "受理的申请均已办理完成。", "全年依申请公开办结率达100%。",
                "本年度政府信息公开申请无结转。", "本年度申请没有跨年度办理的情况。", "收到的申请都已答复完毕。"]


@pytest.mark.parametrize("text", ALL_FINISHED)
def test_all_finished_claims_against_a_carry_over(doc, text):
    """doc carries 2 applications into next year: every form of "all finished" asks (需说明); with 0 it passes."""
    found = t_findings(doc, text)
    assert rules(found) == ["T3"] and "结转下年度继续办理 2 件" in found[0].message and found[0].severity == "需说明"
    clean = copy.deepcopy(doc)
    from addin.report import sentences
    for c in sentences.quantities()["carried_out"]["cells"]:
        clean["cells"][c] = 0
    assert [f for f in t_findings(clean, text) if f.values.get("quantity") == "carried_out"] == []


@pytest.mark.parametrize("text", ["除2件结转下一年度继续办理外，其余申请均已办结。", "上年结转的申请均已办结。",
                                  "全年办理12345热线工单47件，已全部办结。", "收到的申请均在法定期限内答复。"])
def test_not_all_finished_claims(doc, text):
    assert [f for f in t_findings(doc, text) if f.values.get("quantity") == "carried_out"] == []


# --- binding: an outcome word before 答复; a word whose clause has no count carries to the next clause --------

def test_outcome_before_reply_is_that_outcome(doc):
    ok = "予以公开答复8件，部分公开答复2件，不予公开答复0件。"
    assert t_findings(doc, ok) == []
    found = t_findings(doc, ok.replace("部分公开答复2件", "部分公开答复3件"))
    assert rules(found) == ["T4"] and found[0].values["keyword"] == "部分公开"


def test_reply_alone_is_the_handled_total(doc):
    assert t_findings(doc, "全年答复政府信息公开申请13件。") == []
    assert rules(t_findings(doc, "全年答复政府信息公开申请12件。")) == ["T3"]


def test_a_word_without_a_count_carries_to_the_next_clause(doc):
    assert t_findings(doc, "本年度收到政府信息公开申请，共计13件。") == []
    found = t_findings(doc, "本年度收到政府信息公开申请，共计14件。")
    assert rules(found) == ["T1"] and found[0].values["keyword"] == "收到"


def test_a_count_binds_within_its_own_clause_first(doc):
    """'上年结转2件' in its own clause is 上年结转 even though 收到 opened the sentence."""
    assert t_findings(doc, "收到政府信息公开申请13件，上年结转2件。") == []
    assert rules(t_findings(doc, "收到政府信息公开申请13件，上年结转3件。")) == ["T3"]


def test_clause_breaks_and_sentence_ends_are_the_lexicon_s():
    assert set(LEX["sentence_ends"]) <= set(narrative._SENTENCE.pattern)
    assert narrative._clause_start("收到申请，共计13件", 8, 0) == 5


# --- N5: the fee statement in every form; 错误 only when nothing about a fee is written ----------------

def n5(doc, other: str, overview: str = "概述。"):
    d = copy.deepcopy(doc)
    d["texts"]["other"], d["texts"]["overview"] = other, overview
    return [f for f in validator.validate(d) if f.rule == "N5"]


FEE_FORMS = ([f"本年度未收取{w}。" for w in LEX["fee"]["words"]] + [f"本年度{w}。" for w in LEX["fee"]["no_charge_of_any_kind"]]
             + ["依申请公开工作不收取费用。", "本年度收取信息处理费0元。", "本机关没有发生收费情况。"])


@pytest.mark.parametrize("text", FEE_FORMS)
def test_every_form_of_the_fee_statement_passes(doc, text):
    assert n5(doc, text) == []


def test_no_fee_statement_at_all_blocks(doc):
    found = n5(doc, "本年度无其他需要报告的事项。经费保障到位。")
    assert [f.severity for f in found] == ["错误"] and "信息处理费" in found[0].message


def test_a_near_fee_sentence_asks_and_quotes_it(doc):
    found = n5(doc, "依申请公开的费用情况见附件。")
    assert [f.severity for f in found] == ["需说明"]
    assert "费用情况见附件" in found[0].message and "其他事项!A6" in found[0].message


def test_a_fee_statement_in_another_section_asks(doc):
    found = n5(doc, "无。", overview="本年度未收取信息处理费。")
    assert [f.severity for f in found] == ["需说明"] and "总体情况!A19" in found[0].message


# --- N6–N8: the outline (headings of the six sections, foreign outlines, 五's two parts) ------------------

def outline(doc, rule: str, **texts):
    d = copy.deepcopy(doc)
    d["texts"].update(texts)
    return [f for f in validator.validate(d) if f.rule == rule]


def test_N6_the_format_heading_in_its_own_section_passes(doc):
    assert outline(doc, "N6", problems="五、存在的主要问题及改进情况\n人员不足。", overview="一、总体情况\n概述。") == []


@pytest.mark.parametrize("line", ["五、存在的主要问题及整改措施", "五、存在问题及改进措施", "五、存在的主要问题和改进情况"])
def test_N6_a_variant_heading_is_named(doc, line):
    found = outline(doc, "N6", problems=f"{line}\n人员不足。")
    assert len(found) == 1 and found[0].severity == "需说明"
    assert f"标题写作“{line}”" in found[0].message and "五、存在的主要问题及改进情况" in found[0].message
    assert found[0].message.startswith("问题与改进!A6 ")


def test_N6_another_section_s_heading_inside_a_text(doc):
    found = outline(doc, "N6", overview="概述。\n二、主动公开政府信息情况\n主动公开信息300条。")
    assert len(found) == 1 and "第二部分的标题" in found[0].message and "总体情况!A20" in found[0].message
    late = outline(doc, "N6", other="本年度未收取信息处理费。\n五、存在的主要问题及改进情况")
    assert len(late) == 1 and "次序也与格式不同" in late[0].message


def test_N7_a_foreign_outline_inside_the_overview(doc):
    text = "一、主要做法\n建立制度。\n二、工作成效\n公开信息300条。\n三、下一步打算\n继续努力。"
    found = outline(doc, "N7", overview=text)
    assert len(found) == 1 and "“一、”“二、”“三、”" in found[0].message and "第3行“二、工作成效”" in found[0].message
    assert outline(doc, "N7", overview=text.replace("一、", "（一）").replace("二、", "（二）").replace("三、", "（三）")) == []


def test_N7_the_section_s_own_heading_is_not_a_foreign_outline(doc):
    assert outline(doc, "N7", overview="一、总体情况\n概述。") == []


def test_N8_the_parts_of_five_in_their_own_texts(doc):
    ok = dict(problems="（一）存在的主要问题\n人员不足。", improvements="（二）改进情况\n加强培训。")
    assert outline(doc, "N8", **ok) == []
    found = outline(doc, "N8", problems="（一）存在的主要问题\n人员不足。\n（二）整改措施\n加强培训。",
                    improvements="加强培训。")
    assert len(found) == 1 and "“（二）整改措施”" in found[0].message and "它属于“改进情况”" in found[0].message
    back = outline(doc, "N8", problems="人员不足。", improvements="（一）存在的主要问题\n人员不足。")
    assert len(back) == 1 and "它属于“存在的主要问题”" in back[0].message


def test_N8_a_heading_about_improving_last_year_s_problems_is_an_improvement(doc):
    assert outline(doc, "N8", improvements="（一）2024 年工作中存在问题的改进情况\n已整改。") == []


@pytest.mark.parametrize("unit", LEX["count_units"])
def test_every_count_unit(doc, unit):
    assert t_findings(doc, f"本年度收到政府信息公开申请13{unit}。") == []
    assert rules(t_findings(doc, f"本年度收到政府信息公开申请14{unit}。")) == ["T1"]


@pytest.mark.parametrize("word", LEX["not_quantity_words"])
def test_words_that_hold_a_quantity_word_but_name_something_else(doc, word):
    assert t_findings(doc, f"政府信息公开申请{word}14件。") == []
    assert rules(t_findings(doc, "政府信息公开申请答复14件。")) == ["T3"]      # the bare word binds


@pytest.mark.parametrize("word", LEX["not_this_count"].split("|"))
def test_words_that_make_the_number_something_else(doc, word):
    assert t_findings(doc, f"本年度行政复议{word}4件。") == []
    assert rules(t_findings(doc, "本年度行政复议4件。")) == ["T6"]


@pytest.mark.parametrize("verb", LEX["outcome_verbs"])
def test_every_outcome_verb_after_an_outcome_word_is_that_outcome(doc, verb):
    assert t_findings(doc, f"部分公开{verb}2件。") == []
    found = t_findings(doc, f"部分公开{verb}3件。")
    assert rules(found) == ["T4"] and found[0].values["keyword"] == "部分公开"


@pytest.mark.parametrize("connector", [c for c in LEX["carry_connector"].split("(")[1].split(")")[0].split("|")])
def test_every_clause_connector_carries_the_word_before(doc, connector):
    assert t_findings(doc, f"本年度收到政府信息公开申请，{connector}13件。") == []
    assert rules(t_findings(doc, f"本年度收到政府信息公开申请，{connector}14件。")) == ["T1"]
    assert t_findings(doc, "本年度收到政府信息公开申请，涉及征地的14件。") == []     # not a connector


PART_WORDS = [(part, w) for part, rx in LEX["structure"]["parts"].items() for w in rx.split("|")]


@pytest.mark.parametrize("part,word", PART_WORDS, ids=[w for _, w in PART_WORDS])
def test_every_part_word_of_five(doc, part, word):
    title = word.replace("?", "")
    other = "improvements" if part == "problems" else "problems"
    assert outline(doc, "N8", **{part: f"（一）{title}\n内容。"}) == []
    found = outline(doc, "N8", **{other: f"（一）{title}\n内容。"})
    assert len(found) == 1 and found[0].values["belongs"] == part


@pytest.mark.parametrize("word", LEX["fee"]["statement"].split("|"))
def test_every_fee_statement_word(doc, word):
    assert n5(doc, f"本年度处理费{word}。") == []
    assert [f.severity for f in n5(doc, "本年度处理费情况见附表。")] == ["需说明"]


@pytest.mark.parametrize("word", ["确保", "力争", "争取", "做到"])
def test_an_intention_is_not_an_all_finished_claim(doc, word):
    assert [f for f in t_findings(doc, f"下一步将{word}依申请公开全部按时办结。")
            if f.values.get("quantity") == "carried_out"] == []
    assert rules(t_findings(doc, "依申请公开全部按时办结。")) == ["T3"]


# --- found by QA: counts about another year, carried into this one, fee applications ---------------------

def test_T3_carried_into_this_year_is_last_year_s_carry_over(doc):
    """“结转至本年度的N件” is 二、上年结转 (2 here), not 四、结转下年度: it matches, and a wrong N drifts from it."""
    year = doc["organ"]["year"]
    assert rules(t_findings(doc, f"{year - 1}年结转至本年度的2件申请已办结。")) == []
    found = t_findings(doc, f"{year - 1}年结转至本年度的3件申请已办结。")
    assert rules(found) == ["T3"] and "上年结转" in found[0].message
    assert rules(t_findings(doc, "上年结转到今年的2件申请均已办结。")) == []      # not a claim that all are done


def test_T1_a_count_about_another_year_is_not_this_table_s(doc):
    """“2024年度共收到申请10件” in the 2025 report is last year's figure; the report year's own is checked."""
    year = doc["organ"]["year"]
    assert rules(t_findings(doc, f"{year - 1}年度共收到申请10件。", "other")) == []
    assert rules(t_findings(doc, f"{year}年度共收到申请10件。", "other")) == ["T1"]
    assert rules(t_findings(doc, "本年度共收到申请10件。", "other")) == ["T1"]


def test_T1_no_fee_applications_is_not_no_applications(doc):
    assert rules(t_findings(doc, "本年度未收到依申请公开信息处理费相关申请。", "other")) == []
    assert rules(t_findings(doc, "本年度未收到政府信息公开申请。", "other")) == ["T1"]


@pytest.mark.parametrize("rule, target", [
    ("T1", "总体情况!A20"), ("T1", "总体情况！Ａ20"), ("T1", "总体情况!$A$20"), ("Ｔ１", "总体情况!A20"),
    ("t1", "A20"), ("T1", "表三!J7"),
])
def test_an_explanation_may_name_the_row_the_finding_shows(doc, rule, target):
    """The finding prints the row of its paragraph ('总体情况!A20'), not the block its addresses hold: that
    address, typed with full-width letters or '$', and a full-width rule id, explain it (QA: false F8)."""
    d = copy.deepcopy(doc)
    d["texts"]["overview"] = "第一段。\n全年共收到政府信息公开申请14件。"
    d["explanations"] = []
    found = [f for f in validator.validate(d) if f.rule == "T1"]
    assert found and "总体情况!A20" in found[0].message and found[0].addresses[0] == "总体情况!A19:A78"
    d["explanations"].append({"rule": rule, "target": target, "text": "含一件电话申请，未计入表三。"})
    out = validator.validate(d)
    assert [f.explanation for f in out if f.rule == "T1"] == ["含一件电话申请，未计入表三。"]
    assert not [f for f in out if f.rule == "F8"]


def test_an_explanation_naming_another_row_does_not_explain(doc):
    d = copy.deepcopy(doc)
    d["texts"]["overview"] = "第一段。\n全年共收到政府信息公开申请14件。"
    d["explanations"] = []
    d["explanations"].append({"rule": "T1", "target": "总体情况!A25", "text": "理由"})
    out = validator.validate(d)
    assert [f.explanation for f in out if f.rule == "T1"] == [None] and [f.rule for f in out if f.rule == "F8"]


# --- N9: the report year in the words -----------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "现发布《某局{y}年政府信息公开工作年度报告》，本报告统计期限自{y}年1月1日起至{y}年12月31日止。",
    "本报告所列数据统计期限自{y}年1月1日至12月31日。",
    "本机关{p}年度报告发布后，按要求整改。",                 # last year's report named as such: not a stale year
    "按时在1月31日前发布了{p}年政府信息公开工作年度报告。",   # publishing last year's report: a usual item (QA)
    "针对{p}年政府信息公开工作年度报告中指出的问题，逐项整改。",
    "规划期为{p}年1月1日至{n}年12月31日。",                  # a period of several years is no statistics period
])
def test_N9_the_report_year_written_right_passes(doc, text):
    year = doc["organ"]["year"]
    d = copy.deepcopy(doc)
    d["texts"]["preamble"] = text.format(y=year, p=year - 1, n=year + 1)
    assert [f for f in validator.validate(d) if f.rule == "N9"] == []


@pytest.mark.parametrize("text, where", [
    ("现发布《某局{p}年政府信息公开工作年度报告》。", "preamble"),
    ("本报告中所列数据的统计期限自{p}年1月1日起至{p}年12月31日止。", "preamble"),
    ("统计期限为{p}.1.1至{p}.12.31。", "overview"),
    ("现向社会公布{p}年度政府信息公开年度报告。", "preamble"),
])
def test_N9_last_year_s_year_left_in_the_words_asks(doc, text, where):
    year = doc["organ"]["year"]
    d = copy.deepcopy(doc)
    d["texts"][where] = text.format(y=year, p=year - 1)
    found = [f for f in validator.validate(d) if f.rule == "N9"]
    assert len(found) == 1 and found[0].severity == "需说明" and found[0].values["found"] == year - 1
    assert f"报告年度为 {year} 年" in found[0].message
