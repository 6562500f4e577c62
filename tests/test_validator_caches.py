"""What makes validate cheap per workbook (issue #11) must not change what it finds: the structural schema pass
compiled once, texts made half-width once, and the caches keyed on text never carrying one unit into another."""
from __future__ import annotations

import copy
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from addin.checks import narrative, validator
from addin.format import docschema

from .helpers import EXAMPLE_JSON, balanced_doc

# --- the structural pass, compiled once a schema --------------------------------------------------------

_ROOT = {
    "$defs": {"count": {"type": ["integer", "null"], "minimum": 0, "maximum": 10},
              "tree": {"type": "object", "properties": {"kids": {"type": "array", "items": {"$ref": "#/$defs/tree"}}},
                       "additionalProperties": False}},
    "type": "object",
    "required": ["n"],
    "additionalProperties": False,
    "properties": {"n": {"$ref": "#/$defs/count"}, "tree": {"$ref": "#/$defs/tree"},
                   "odd": {"not": {"type": "string"}}, "kind": {"enum": ["a", None]}, "one": {"const": 1}},
}


@pytest.mark.parametrize("doc, ok", [
    ({"n": 3}, True), ({"n": None}, True), ({"n": 3.0}, True),          # 3.0 is an integer to JSON Schema
    ({"n": 3.5}, False), ({"n": True}, False), ({"n": 11}, False), ({"n": -1}, False), ({"n": "3"}, False),
    ({}, False), ({"n": 1, "x": 1}, False),
    ({"n": 1, "kind": None}, True), ({"n": 1, "kind": "b"}, False),
    ({"n": 1, "one": 1}, True), ({"n": 1, "one": True}, False),          # True is not the number 1
    ({"n": 1, "tree": {"kids": [{"kids": []}, {"kids": [{}]}]}}, True),  # a $ref that recurses
    ({"n": 1, "tree": {"kids": [{"kids": [{"leaf": 1}]}]}}, False),
])
def test_structural_pass_answers_as_jsonschema(doc, ok):
    from jsonschema import Draft202012Validator
    assert docschema._ok(doc, _ROOT, _ROOT) is ok
    assert ok == Draft202012Validator(_ROOT).is_valid(doc)


def test_a_keyword_it_does_not_know_leaves_the_decision_to_jsonschema():
    assert docschema._ok({"n": 1}, _ROOT, _ROOT)                 # "not" is never reached
    with pytest.raises(docschema._Unsure):
        docschema._ok({"n": 1, "odd": 5}, _ROOT, _ROOT)
    assert docschema._ok({"n": "x", "odd": 5}, _ROOT, _ROOT) is False   # fails before reaching it, as before


def test_the_compiled_pass_follows_a_new_schema(example_doc):
    """Compiled per schema: checking another schema in between does not leave its checks on the document's."""
    assert docschema.conforms(example_doc)
    docschema._ok({"n": 1}, _ROOT, _ROOT)
    example_doc["cells"]["t3.R01.C1"] = -1
    assert not docschema.conforms(example_doc)


# --- caches keyed on text: no unit's findings in another's --------------------------------------------------

def _unit(doc: dict, overview: str, other: str, t3_new: int) -> dict:
    d = balanced_doc(copy.deepcopy(doc))
    d["texts"]["overview"], d["texts"]["other"] = overview, other
    d["cells"]["t3.R01.C1"] = t3_new
    return d


def _found(doc: dict) -> list[dict]:
    return [x.to_dict() for x in validator.validate(copy.deepcopy(doc))]


def test_a_then_b_then_a_finds_the_same(example_doc):
    a = _unit(example_doc, "本年度共收到政府信息公开申请１２件。\n本报告为2021年度政府信息公开工作年度报告。",
              "本年度未收取信息处理费。", 12)
    b = _unit(example_doc, "本年度共收到政府信息公开申请12件。", "无。", 7)
    first_a, first_b = _found(a), _found(b)
    assert _found(a) == first_a and _found(b) == first_b
    assert first_a != first_b
    rules_a, rules_b = {x["rule"] for x in first_a}, {x["rule"] for x in first_b}
    assert "N9" in rules_a and "N9" not in rules_b          # a's 2021 report name is a's alone
    assert "N5" in rules_b and "N5" not in rules_a          # b says nothing about the fee


def test_full_width_digits_are_read_in_every_rule_that_reads_text(example_doc):
    """One half-width copy serves the counts (T*), the report year (N9) and the fee statement (N5)."""
    doc = _unit(example_doc, "本报告为２０２１年度政府信息公开工作年度报告。本年度共收到政府信息公开申请１２件。",
                "收费０元。", 12)
    found = validator.validate(doc)
    assert any(x.rule == "N9" and x.values["found"] == 2021 for x in found)
    assert not any(x.rule == "N5" for x in found)
    assert narrative._half_width("１２\n３")[1] == ("12", "3")


@pytest.mark.parametrize("pattern, free", [("(?:a|b)[^c]{0,3}(?P<y>d)", True), ("(?=a)b", False),
                                           ("(?<!a)b", False), ("(?i)a", False), (r"\ba", False), ("a$", False)])
def test_which_patterns_may_be_tried_on_the_whole_text_first(pattern, free):
    assert narrative._context_free(pattern) is free


# --- the zero claims' shortcuts agree with reading sentence by sentence ------------------------------------

_PIECES = ["未发生", "未收到", "均已", "办结", "结转", "没有", "申请", "。", "；", "！", "\n", "，", "１２", "件", "a", " "]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_sentences_found_by_position_are_the_sentences_holding_a_word(text):
    _, sentences, starts = narrative._text_sentences(text)
    for words in (("未发生", "未收到"), ("办结",), ("a", "未")):
        by_sentence = tuple(i for i, (_, sent) in enumerate(sentences) if any(w in sent for w in words))
        assert narrative._holding(words, text) == by_sentence
    assert [s for _, s in sentences] == [s for para in narrative._half_width(text)[1] for s in narrative._sentences(para)]
    whole = narrative._text_sentences(text)[0]
    assert all(whole[at:at + len(s)] == s for at, (_, s) in zip(starts, sentences))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_a_whole_text_screen_never_skips_a_sentence_that_matches(text):
    whole, sentences, _ = narrative._text_sentences(text)
    for rule_claims in narrative.lexicon()["zero"].values():
        for claim in (c for c in rule_claims if "patterns" in c):
            rx = re.compile("|".join(claim["patterns"]))
            if any(rx.search(sent) for _, sent in sentences):
                assert narrative._may_hold(tuple(claim["patterns"]))(whole)


def test_a_pattern_with_a_look_around_is_never_screened():
    assert narrative._may_hold(("(?<!其余)均已办结",))("")
    assert not narrative._may_hold(("均已办结", "无结转"))("其余办结")


def test_a_finding_s_binding_is_its_own(example_doc):
    """The balance rules' sides are expanded once a process; what a finding holds is a copy, so a caller that
    changes it changes nothing for the next document."""
    doc = balanced_doc(example_doc)
    doc["cells"]["t3.R01.C1"] += 1
    first = [x for x in validator.validate(copy.deepcopy(doc)) if x.values.get("binding")]
    assert first
    for x in first:
        x.values["binding"].clear()
    again = [x for x in validator.validate(copy.deepcopy(doc)) if x.values.get("binding")]
    assert [x.to_dict() for x in again] and all(x.values["binding"] for x in again)


_FEE_PIECES = ["未收取", "信息处理费", "费用", "收费", "0元", "免费提供", "未产生任何费用", "本年", "。", "；", "\n", "，", "a"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_FEE_PIECES), max_size=30).map("".join))
def test_fee_statements_are_the_sentences_the_lexicon_reads_one_by_one(text):
    fee = narrative.lexicon()["fee"]
    name, said = narrative._keyword_rx(fee["words"]), re.compile(fee["statement"])
    whole = narrative._keyword_rx(fee["no_charge_of_any_kind"])
    one_by_one = [(pi, sent.strip()) for pi, para in enumerate(narrative._half_width(text)[1], 1)
                  for sent in narrative._sentences(para)
                  if whole.search(sent) or (name.search(sent) and said.search(sent))]
    assert narrative.fee_statements(text) == one_by_one


# --- counts found from their units agree with the pattern run over every character ---------------------------

_COUNT_PIECES = list("0123456789０５,  \n\u3000零〇一二两三十百千万件起宗份次占（(%％.。；") + ["٣", "收到申请", "办理", "12,345", "1,23"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_COUNT_PIECES), max_size=30).map("".join), st.integers(0, 40))
def test_counts_found_from_their_units_are_the_pattern_s_matches(sent, pos):
    pos = min(pos, len(sent))
    found = [(m.span(), m.groupdict()) for m in narrative._counts(sent, narrative._unit_starts(sent), pos)]
    assert found == [(m.span(), m.groupdict()) for m in narrative._number_rx().finditer(sent, pos)]


@pytest.mark.parametrize("run", [63, 64, 65, 200, 32760])
@pytest.mark.parametrize("lead", ["", "申请", "1 2 ", "十"])
def test_counts_after_long_runs_of_number_characters_are_the_pattern_s_matches(run, lead):
    """Runs longer than the first window the run's start is looked for in (the hostile 32,760 digits)."""
    sent = f"收到{lead}{'9' * run}件，又{' ' * run}3件"
    found = [m.span() for m in narrative._counts(sent, narrative._unit_starts(sent), 1)]
    assert found == [m.span() for m in narrative._number_rx().finditer(sent, 1)] != []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_COUNT_PIECES + _PIECES), max_size=40).map("".join))
def test_units_by_sentence_are_the_units_of_each_sentence(text):
    sentences = narrative._text_sentences(text)[1]
    by_sentence = {i: [at for at in range(len(s)) if any(s.startswith(u, at) for u in narrative.lexicon()["count_units"])]
                   for i, (_, s) in enumerate(sentences)}
    assert narrative._units_by_sentence(text) == {i: u for i, u in by_sentence.items() if u}


# --- the words a pattern needs: a text holding none of them has no match -------------------------------------

_ATOMS = st.sampled_from(["a", "b", "ab", "办结", "均", "[ab]", "[^a]", ".", r"\d", "", "^", "$", r"\b"])


def _pattern_of(children):
    return st.one_of(
        st.lists(children, min_size=1, max_size=3).map("".join),
        st.lists(children, min_size=2, max_size=3).map(lambda xs: "(?:" + "|".join(xs) + ")"),
        st.lists(children, min_size=2, max_size=3).map(lambda xs: "|".join(xs)),
        st.tuples(children, st.sampled_from(["?", "*", "+", "{0,2}", "{1,2}", "+?", "{2}"]))
          .map(lambda t: f"(?:{t[0]}){t[1]}"),
        st.tuples(st.sampled_from(["(?=", "(?!", "(?<!", "(?P<g>"]), children).map(lambda t: t[0] + t[1] + ")"))


@settings(max_examples=400, deadline=None)
@given(st.recursive(_ATOMS, _pattern_of, max_leaves=8),
       st.lists(st.sampled_from(["a", "b", "办", "结", "均", "1", " ", "\n"]), max_size=12).map("".join))
def test_a_text_without_the_words_a_pattern_needs_has_no_match(pattern, text):
    try:
        rx = re.compile(pattern)
    except re.error:
        return
    needs = narrative._needs(pattern)
    if needs is not None and not any(w in text for w in needs):
        assert rx.search(text) is None


@pytest.mark.parametrize("pattern, needs", [
    ("(全部|均)[^，]{0,3}(办结|办理完毕)", ("办结", "办理完毕")),       # words of two characters or more win
    ("(?:现|特)发布|本报告为", ("现发布", "特发布", "本报告为")),
    ("a(?:b)?c", ("a",)), ("(?i)ab", None), ("a|b?", None), ("[ab]+", ("a", "b")), ("[^ab]+", None),
    ("(?:办结|办结率)", ("办结",)),                                   # a word holding another adds nothing
])
def test_the_words_a_pattern_needs(pattern, needs):
    assert narrative._needs(pattern) == needs


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PIECES + ["全部", "办理完毕", "顺延", "跨年", "办结率100%", "其余"]), max_size=40)
       .map("".join))
def test_zero_claims_read_every_sentence_that_matches(text):
    """The sentences a claim's pattern is tried on (those holding a word it needs) hold every match."""
    _, sentences, _ = narrative._text_sentences(text)
    for rule_claims in narrative.lexicon()["zero"].values():
        for claim in (c for c in rule_claims if "patterns" in c):
            joined = "|".join(claim["patterns"])
            matching = {i for i, (_, sent) in enumerate(sentences) if re.search(joined, sent)}
            assert matching <= set(narrative._sentences_holding(narrative._needs(joined), text))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["年度报告", "年度", "报告", "统计", "a", "\n", "。"]), max_size=30).map("".join))
def test_paragraphs_holding_a_word_are_found_by_position(text):
    paragraphs = tuple(text.splitlines())
    for words in (("年度报告",), ("统计", "a"), ("告\n",)):
        one_by_one = {i for i, p in enumerate(paragraphs, 1) if any(w in p for w in words)}
        found = narrative._paragraphs_holding(words, paragraphs)
        assert one_by_one <= found and (one_by_one == found or any("\n" in w for w in words))


# --- the structural pass remembers a scalar node's answer per value: the same answer as jsonschema, every time ----

_CELL_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-3, 10**7), st.sampled_from([0.0, -0.0, 2.0, 2.5, 1e9]),
                         st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(["3", "", "—"]))


@settings(max_examples=150, deadline=None)
@given(st.lists(_CELL_VALUES, min_size=1, max_size=6))
def test_remembered_answers_are_jsonschema_s(values):
    doc = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    cells = sorted(doc["cells"])
    for i, v in enumerate(values):
        one = copy.deepcopy(doc)
        one["cells"][cells[(i * 37) % len(cells)]] = v
        expected = docschema.validator().is_valid(one)     # jsonschema, with the format's decimal multipleOf
        assert docschema.conforms(one) is expected
        assert docschema.conforms(one) is expected         # asked again: the remembered answer
        assert (docschema.problems(one) == []) is expected


_N9_PATTERNS = [re.compile(p) for r in narrative.fmtmod.load().rules if r.id == "N9" for p in r.params["patterns"]]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["本报告为", "特此发布", "2021年度", "2022年", "政府信息公开", "工作年度报告", "统计",
                                 "时限为", "2021年1月1日至12月31日", "２０２１", "x2021", "，", "。", "\n", "\r\n"]),
                max_size=30).map("".join))
def test_the_first_stale_year_is_the_one_read_paragraph_by_paragraph(text):
    patterns = _N9_PATTERNS + [re.compile(r"\D(?P<year>\d{4})\D")]        # one that needs no word: read everywhere
    for some in (patterns[:-1], patterns, patterns[-1:]):
        for year in (2021, 2022):
            naive = next(((pi, m) for pi, para in enumerate(narrative._half_width(text)[1], 1) for rx in some
                          for m in rx.finditer(para) if narrative._stale(m, year)), None)
            fast = narrative._first_stale(text, some, year)
            assert (fast and (fast[0], fast[1].re, fast[1].span())) == (naive and (naive[0], naive[1].re, naive[1].span()))


# --- sentences found from where their ends stand are the pattern's, paragraph by paragraph -------------------

@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["收到申请", "a", " ", "。", "；", ";", "！", "？", "!", "?", "。。", "\n", "\r\n", "\u2028",
                                 "\n\n", "，", "１２件"]), max_size=40).map("".join))
def test_sentences_from_their_ends_are_the_pattern_s(text):
    whole, sentences, starts = narrative._text_sentences(text)
    paragraphs = narrative._half_width(text)[1]
    expected, at = [], 0
    for pi, para in enumerate(paragraphs, 1):
        expected += [((pi, m.group(0)), at + m.start()) for m in narrative._SENTENCE.finditer(para)]
        at += len(para) + 1
    assert whole == "\n".join(paragraphs)
    assert list(zip(sentences, starts)) == expected


def test_the_sentence_ends_are_the_pattern_s_and_the_lexicon_s():
    assert narrative._SENTENCE.pattern == "[^" + narrative._SENTENCE_ENDS + "\\n]+[" + narrative._SENTENCE_ENDS + "]?"
    assert set(narrative._SENTENCE_ENDS) == set(narrative.lexicon()["sentence_ends"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["信息处理费", "处理费", "费用", "收费", "。", "\n", "a", "未收到过", "未收到"]), max_size=30)
       .map("".join))
def test_looking_for_the_shortest_words_finds_the_sentences_holding_any(text):
    sentences = narrative._text_sentences(text)[1]
    for words in (("信息处理费", "处理费", "收费"), ("未收到过", "未收到", "费用"), ("处理费", "处理费")):
        expected = tuple(i for i, (_, sent) in enumerate(sentences) if any(w in sent for w in words))
        assert narrative._sentences_holding(words, text) == expected
