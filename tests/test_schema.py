"""schema/: the format as data is well-formed, complete and the single source of the document schema."""
from __future__ import annotations

import json

from jsonschema import Draft202012Validator

from addin.format import docschema, fmt, layout


def test_document_schema_is_valid_draft_2020_12():
    schema = docschema.load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_committed_document_schema_matches_the_format():
    committed = (fmt.schema_dir() / docschema.SCHEMA_FILE).read_text(encoding="utf-8")
    assert committed == docschema.dumps(docschema.build()), "run: python -m addin.format.docschema"


def test_every_cell_of_sections_2_3_4_has_an_id():
    f = fmt.load()
    assert len([c for c in f.cells if c.startswith("t2.")]) == 3 * 2 + 1 + 2 + 1
    assert len([c for c in f.cells if c.startswith("t3.")]) == 25 * 7
    assert len([c for c in f.cells if c.startswith("t4.")]) == 15
    assert {"t3.R01.C1", "t4.review.total", "t2.fees.amount"} <= set(f.cells)


def test_six_official_headings_in_order():
    f = fmt.load()
    assert [s["heading"][:2] for s in f.sections] == ["一、", "二、", "三、", "四、", "五、", "六、"]
    assert f.section("s6")["template_note"] == "（文字描述，收取信息处理费情况在此处报告。）"


def test_rules_are_complete_rows():
    f = fmt.load()
    ids = [r.id for r in f.rules]
    assert len(ids) == len(set(ids))
    assert {"B1", "B2", "B3", "B4", "B5", "B6"} <= set(ids)
    for r in f.rules:
        assert r.severity in f.severities, r.id
        assert r.title and r.explain and r.source, r.id
        assert r.spec.get("expression") or r.kind == "balance", r.id
        cells = r.spec.get("cells", [])
        for pattern in cells:
            assert f.match(pattern), (r.id, pattern)


def test_balance_rules_touch_existing_cells_only():
    f = fmt.load()
    for r in f.rules:
        if r.kind != "balance":
            continue
        for b in fmt.bindings_of(r.spec):
            for side in ("lhs", "rhs"):
                for p in r.spec[side]["cells"]:
                    for e in fmt.expand_ids(p, b):
                        assert e in f.cells, (r.id, e)


def test_defined_names_are_valid_excel_names_and_invertible():
    import re
    for e in fmt.load().elements():
        name = layout.defined_name(e)
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", name) and len(name) <= 255
        assert layout.element_of_name(name) == e


def test_example_document_is_valid():
    from .helpers import EXAMPLE_JSON
    doc = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    assert list(docschema.validator().iter_errors(doc)) == []


def test_amount_multiple_of_is_exact_in_decimal():
    cls = type(docschema.validator())
    amount = cls({"$defs": docschema.load_schema()["$defs"], "$ref": "#/$defs/amount"})
    assert amount.is_valid(1.2345) and amount.is_valid(0.0001) and amount.is_valid(12) and amount.is_valid(None)
    assert not amount.is_valid(1.23456) and not amount.is_valid(-0.5) and not amount.is_valid("1.2")


def test_every_rule_has_chinese_message_templates():
    import string

    for r in fmt.load().rules:
        messages = r.spec.get("messages")
        assert isinstance(messages, dict) and messages, r.id
        for variant, text in messages.items():
            fields = [name for _, name, _, _ in string.Formatter().parse(text) if name]
            assert not text.isascii(), (r.id, variant)               # written for staff, in Chinese
            assert all(name.isidentifier() for name in fields), (r.id, variant, fields)


def test_docs_rules_md_is_current():
    from addin.format import rulesheet

    from .helpers import ROOT

    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == rulesheet.markdown(), \
        "run: python -m addin.format.rulesheet"
