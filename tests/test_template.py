"""The standard workbook: built from schema/ through fmt and layout, checked by loading real files back."""
from __future__ import annotations

import copy
import os
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, range_boundaries

from addin.errors import UserError
from addin.format import fmt, layout, rulesheet
from addin.io import template

from .helpers import shared_dir as conftest_shared_dir
from .helpers import zip_members

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "workbook_templates" / "年报模板-2021版.xlsx"
SHEETS = ["填报说明", "基本信息", "总体情况", "表二", "表三", "表四", "问题与改进", "其他事项", "说明", "规则说明"]


def shared_dir() -> Path:
    here = conftest_shared_dir()
    if (here / "format" / "FORMAT.md").is_file():
        return here
    if os.environ.get("CI"):
        pytest.fail("../shared/format/FORMAT.md not found: CI must check the labels against the spec")
    pytest.skip("../shared/format/FORMAT.md not found (set NIANBAO_SHARED)")


@pytest.fixture(scope="module")
def path(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("tpl") / "模板.xlsx"
    template.write(p)
    return p


@pytest.fixture(scope="module")
def wb(path):
    return load_workbook(path)


def empty_doc(value=0) -> dict:
    f = fmt.load()
    return {
        "format": f.version,
        "organ": {x.id: None for x in f.organ_fields},
        "cells": {cid: value for cid in f.cells},
        "texts": {t.id: "" for t in f.texts},
        "explanations": [],
    }


def at(wb, element):
    sheet, r, c = layout.load().pos[element]
    return wb[sheet].cell(row=r, column=c)


def refs_in(expr: str) -> list[tuple[int, int]]:
    """Cells an expression references: A1 tokens and SUM(A1:B2) ranges, expanded."""
    out = []
    for m in re.finditer(r"SUM\(([A-Z]+\d+):([A-Z]+\d+)\)|([A-Z]+)(\d+)", expr):
        if m.group(1):
            c1, r1, c2, r2 = range_boundaries(f"{m.group(1)}:{m.group(2)}")
            out += [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]
        else:
            out.append((int(m.group(4)), column_index_from_string(m.group(3))))
    return out


# --- FORMAT.md, parsed here (not copied) ----------------------------------------------------------------
def _section(md: str, start: str, end: str) -> str:
    i = md.index(start)
    return md[i: md.index(end, i + len(start))]


def _table_rows(text: str) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("|") and not re.match(r"^\|[\s|:-]+\|$", line):
            rows.append([c.strip() for c in line.strip("|").split("|")])
    return rows[1:] if rows else rows  # without the header row


def official_labels() -> dict[str, set[str]]:
    md = (shared_dir() / "format" / "FORMAT.md").read_text(encoding="utf-8")
    out: dict[str, set[str]] = {"表二": set(), "表三": set(), "表四": set()}
    for title, rows, cols, _ in _table_rows(_section(md, "## 2.", "## 3.")):
        out["表二"] |= {title} | {x.strip() for x in rows.split(";")} | {x.strip() for x in cols.split("·")}
    s31 = _section(md, "### 3.1", "### 3.2")
    out["表三"] |= {label for _, label, _ in _table_rows(s31)}
    out["表三"] |= {g for _, _, g in _table_rows(s31) if g not in ("—", "") and not g.startswith("=")}
    out["表三"].add("申请人情况")
    note = re.search(r"\"(（本列数据的勾稽关系为[^\"]+）)\"", s31)
    assert note, "the 勾稽关系 note was not found in FORMAT.md §3.1"
    out["表三"].add(note.group(1))
    for _, *levels in _table_rows(_section(md, "### 3.2", "### 3.3")):
        out["表三"] |= {x for x in levels if x and x != "〃"}
    s4 = _section(md, "## 4.", "## 5.")
    header = s4[s4.index("Header:"): s4.index("One data row")]
    for part in re.split(r"[·;]", header.replace("Header:", "").replace("second row:", "").replace("third row:", "")):
        word = re.sub(r"\([^)]*\)", "", part).strip()
        if word and re.fullmatch(r"[\u4e00-\u9fff]+", word):
            out["表四"].add(word)
    for row in _table_rows(s4):
        for cell in row:
            group, _, five = cell.partition(":")
            out["表四"] |= {x for x in re.split(r"[·, ]+", group) if x}
            out["表四"] |= {x.strip() for x in five.split(",") if x.strip() and x.strip() != "same five"}
    return out


def test_format_md_parser_finds_the_tables():
    labels = official_labels()
    assert len(labels["表三"]) >= 7 + 25 and "3.危及“三安全一稳定”" in labels["表三"]
    assert {"结果维持", "未经复议直接起诉", "复议后起诉", "行政复议", "行政诉讼"} <= labels["表四"]
    assert {"第二十条第（八）项", "本年收费金额（单位：万元）", "行政规范性文件"} <= labels["表二"]


def test_every_official_label_of_format_md_is_in_the_template(wb):
    for sheet, labels in official_labels().items():
        texts = {c.value for row in wb[sheet].iter_rows() for c in row if isinstance(c.value, str)}
        missing = sorted(labels - texts)
        assert not missing, f"{sheet} lacks {missing}"


# --- the committed file ---------------------------------------------------------------------------------


def test_committed_template_matches_build(path):
    assert COMMITTED.is_file(), "regenerate it: python -m addin.io.template"
    built, committed = zip_members(path), zip_members(COMMITTED)
    assert sorted(built) == sorted(committed)
    drift = [n for n in built if built[n] != committed[n]]
    assert not drift, f"workbook_templates/ is stale in {drift}; regenerate it with template.write(..., force=True)"


def test_two_builds_are_identical(tmp_path, path):
    other = tmp_path / "again.xlsx"
    template.write(other)
    assert zip_members(other) == zip_members(path)


def test_write_refuses_to_overwrite_without_force(path):
    with pytest.raises(UserError):
        template.write(path)


# --- structure ------------------------------------------------------------------------------------------
def test_sheet_order(wb):
    assert wb.sheetnames == SHEETS


def test_defined_name_for_every_element_points_at_layout(wb):
    f, lay = fmt.load(), layout.load()
    elements = f.elements()
    assert len(elements) > 200
    for e in elements:
        name = layout.defined_name(e)
        assert name in wb.defined_names, name
        dn = wb.defined_names[name]
        sheet, ref = lay.sheet_and_ref(e, absolute=True)
        assert dn.attr_text == f"'{sheet}'!{ref}"
        dests = list(dn.destinations)
        assert dests == [(sheet, ref)]


def test_every_sheet_is_protected(wb):
    for ws in wb.worksheets:
        assert ws.protection.sheet, ws.title


def test_data_cells_unlocked_with_input_fill_and_label_cells_locked(wb):
    lay = layout.load()
    for cid in fmt.load().cells:
        c = at(wb, cid)
        assert c.protection.locked is False, cid
        assert c.fill.fgColor.rgb.endswith(template.COLORS["input"])
    for s in lay.spans:
        c = wb[s.sheet].cell(row=s.row1, column=s.col1)
        assert c.value == s.text and c.protection.locked is True
    for chk in lay.checks:
        assert wb[chk.sheet].cell(row=chk.row, column=chk.col).protection.locked is True


def test_label_spans_are_merged(wb):
    for s in layout.load().spans:
        merged = {str(r) for r in wb[s.sheet].merged_cells.ranges}
        ref = f"{layout.ref(s.row1, s.col1)}:{layout.ref(s.row2, s.col2)}"
        assert (ref in merged) == s.merged, ref


def test_text_explain_and_organ_inputs_unlocked(wb):
    lay = layout.load()
    for b in lay.blocks.values():
        for r in range(b.first_row, b.last_row + 1):
            assert wb[b.sheet].cell(row=r, column=b.col).protection.locked is False
        assert wb[b.sheet].cell(row=b.heading_row, column=b.col).protection.locked is True
    r1, r2 = lay.explain_rows
    for r in (r1, r2):
        for c in range(1, len(layout.EXPLAIN_COLUMNS) + 1):
            assert wb[layout.EXPLAIN_SHEET].cell(row=r, column=c).protection.locked is False
    assert [wb[layout.EXPLAIN_SHEET].cell(row=r1 - 1, column=c).value for c in (1, 2, 3)] == list(layout.EXPLAIN_COLUMNS)
    for fld in fmt.load().organ_fields:
        c = at(wb, fld.element)
        assert c.protection.locked is False
        assert wb[layout.ORGAN_SHEET].cell(row=c.row, column=c.column - 1).value == fld.label


def test_text_blocks_have_heading_and_prompt(wb):
    f, lay = fmt.load(), layout.load()
    got = {t: wb[b.sheet].cell(row=b.heading_row, column=1).value for t, b in lay.blocks.items()}
    assert got["overview"] == "一、总体情况"
    assert got["problems"] == "五、存在的主要问题及改进情况 —— 存在的主要问题"
    assert got["other"] == "六、其他需要报告的事项"
    for t, b in lay.blocks.items():
        assert wb[b.sheet].cell(row=b.prompt_row, column=1).value == f.text(t).prompt
    assert "信息处理费" in wb[lay.blocks["other"].sheet].cell(row=lay.blocks["other"].prompt_row, column=1).value


def test_table_sheets_have_section_heading_and_hint(wb):
    f = fmt.load()
    for sheet in f.table_sheets():
        heading = f.section(f.tables_on(sheet)[0].section)["heading"]
        assert wb[sheet]["A1"].value == heading
        assert "白色格为填报格" in wb[sheet]["A2"].value and "没有的填 0" in wb[sheet]["A2"].value


def dv_of(ws, coord):
    found = [dv for dv in ws.data_validations.dataValidation if coord in dv.sqref]
    assert len(found) == 1, (ws.title, coord, len(found))
    return found[0]


def test_every_data_cell_has_validation_of_its_value_type(wb):
    f = fmt.load()
    for cid, cell in f.cells.items():
        c = at(wb, cid)
        dv = dv_of(c.parent, c.coordinate)
        spec = f.values[cell.value]
        assert dv.type == ("whole" if spec["type"] == "integer" else "decimal"), cid
        assert dv.operator == "between" and float(dv.formula1) == spec["minimum"] and float(dv.formula2) == spec["maximum"]
        assert dv.errorStyle == "stop" and dv.showErrorMessage and dv.showInputMessage
        assert dv.prompt and dv.promptTitle and dv.error and dv.errorTitle
    assert dv_of(at(wb, "t2.fees.amount").parent, at(wb, "t2.fees.amount").coordinate).type == "decimal"


def test_organ_fields_have_list_and_year_validation(wb):
    for fld in fmt.load().organ_fields:
        c = at(wb, fld.element)
        if "enum" in fld.spec:
            dv = dv_of(c.parent, c.coordinate)
            assert dv.type == "list" and dv.formula1 == '"' + ",".join(fld.spec["enum"]) + '"'
        elif fld.type == "integer":
            dv = dv_of(c.parent, c.coordinate)
            assert (dv.type, dv.formula1, dv.formula2) == ("whole", str(fld.spec["minimum"]), str(fld.spec["maximum"]))


def test_check_cells_compare_the_rule_cells(wb):
    """Every binding of every balance rule with a live check has a formula over exactly its lhs and rhs cells."""
    f, lay = fmt.load(), layout.load()
    expected = []
    for rule in f.rules:
        if rule.kind != "balance" or "live_check" not in rule.spec:
            continue
        for b in fmt.bindings_of(rule.spec):
            side = {s: sorted(lay.pos[e][1:] for p in rule.spec[s]["cells"] for e in fmt.expand_ids(p, b))
                    for s in ("lhs", "rhs")}
            expected.append((rule.spec["table"], side["lhs"], side["rhs"]))
    found = []
    for chk in lay.checks:
        value = wb[chk.sheet].cell(row=chk.row, column=chk.col).value
        m = re.fullmatch(r'=IF\((.+?)=(.+?),"✓","差 "&\(\((.+)\)-\((.+)\)\)\)', value)
        assert m, value
        assert m.group(1) == m.group(3) and m.group(2) == m.group(4)
        found.append((chk.sheet, sorted(refs_in(m.group(1))), sorted(refs_in(m.group(2)))))
    sheet_of = {t.id: t.sheet for t in f.tables}
    assert sorted((sheet_of[t], l, r) for t, l, r in expected) == sorted(found)
    assert wb["表三"]["D32"].value == '=IF(D7+D8=D30+D31,"✓","差 "&((D7+D8)-(D30+D31)))'


def test_long_runs_use_sum():
    lay = layout.load()
    b3 = next(c for c in lay.checks if c.rule == "B3")
    assert "SUM(" in template.check_formula(lay, b3)
    b2 = next(c for c in lay.checks if c.rule == "B2")
    assert "SUM(" not in template.check_formula(lay, b2)  # six cells are written out


def test_print_setup(wb):
    for sheet in ("表二", "表三", "表四"):
        ws = wb[sheet]
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.print_area
    assert wb["表三"].page_setup.orientation == "landscape" and wb["表四"].page_setup.orientation == "landscape"
    box = layout.load().boxes["t3"]
    assert wb["表三"].print_area == f"'表三'!$A$1:${layout.ref(1, 11)[:-1]}${box.last_row + 2}"


# --- 填报说明 and 规则说明 -----------------------------------------------------------------------------------
def sheet_texts(ws) -> str:
    return "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)


def test_guide_has_steps_legend_and_deadlines(wb):
    ws = wb[layout.GUIDE_SHEET]
    text = sheet_texts(ws)
    for words in ("12月31日", "填 0", "每段写在一行", "nianbao validate", "说明", "1月31日", "2月20日", "3月10日", "3月31日"):
        assert words in text, words
    fills = {c.value: c.fill.fgColor.rgb[-6:] for row in ws.iter_rows(max_col=1) for c in row if c.fill.fill_type}
    assert set(template.SEVERITY_FILLS) == set(fmt.load().severities)
    for sev, rgb in template.SEVERITY_FILLS.items():
        assert fills.get(sev) == rgb, sev
    assert fills.get(template.CHECK_OK) == template.COLORS["check"]


def test_rulesheet_rows_cover_every_rule():
    rows = rulesheet.rows()
    assert [r["id"] for r in rows] == [r.id for r in fmt.load().rules]
    assert all(set(r) == set(rulesheet.COLUMNS) for r in rows)
    b1 = next(r for r in rows if r["id"] == "B1")
    assert b1["expression"].startswith("一+二 = 三（七）总计+四（逐列：自然人")
    assert b1["cells"] == "表三!D7:I8, D30:I31"
    b4 = next(r for r in rows if r["id"] == "B4")
    assert b4["expression"] == "每格为整数且 ≥ 0"      # the rule's expression without its note for developers
    assert fmt.load().rule("B4").spec["expression"].startswith(b4["expression"])


# Words a staff member cannot look up: our file names, format/ERRORS sections, element ids, implementation notes.
INTERNAL = re.compile(r"\.(md|json|py)\b|schema/|FORMAT|ERRORS|§|\[derived|JSON Schema|\bschema\b|"
                      r"\bt[234](_\d)?\.[A-Za-z]|\btext\.[a-z]|\borgan\.[a-z]|\b[A-Z]\d:R\d\d\b")


def test_no_internal_ids_or_file_names_where_staff_read(wb):
    """Every text of the template (填报说明, the sheets, 规则说明) and every rule message template."""
    seen = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and not c.value.startswith("="):
                    seen.append((ws.title, c.coordinate, c.value))
    for r in fmt.load().rules:
        for key, text in (r.spec.get("messages") or {}).items() if isinstance(r.spec.get("messages"), dict) else ():
            seen.append(("messages", r.id, str(text)))
        seen.append(("source", r.id, r.source))
    bad = [(where, ref, text[:80]) for where, ref, text in seen if INTERNAL.search(text)]
    assert not bad, bad
    assert INTERNAL.search("FORMAT.md §7 / ERRORS.md E09–E12") and INTERNAL.search("t2.normative.issued")
    assert INTERNAL.search("B2:R01") and INTERNAL.search("text.other:未收到")


def test_rulesheet_cells_are_exactly_the_rule_elements():
    f, lay = fmt.load(), layout.load()
    for row in rulesheet.rows():
        rule = f.rule(row["id"])
        want = set()
        for e in rulesheet.rule_elements(rule, f):
            sheet, ref = lay.sheet_and_ref(e)
            c1, r1, c2, r2 = range_boundaries(ref)
            want |= {(sheet, r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
        got = set()
        for part in filter(None, row["cells"].split("; ")):
            sheet, refs = part.split("!")
            for ref in refs.split(", "):
                c1, r1, c2, r2 = range_boundaries(ref)
                got |= {(sheet, r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
        assert got == want, row["id"]
    assert next(r for r in rulesheet.rows() if r["id"] == "S3")["cells"].endswith("说明!A3:C202")


def test_rules_sheet_lists_rulesheet_rows(wb):
    ws = wb[layout.RULES_SHEET]
    header = [c.value for c in ws[layout.HINT_ROW + 1]]
    assert header == list(rulesheet.COLUMNS.values())
    ids = [ws.cell(row=r, column=1).value for r in range(layout.HINT_ROW + 2, ws.max_row + 1)]
    assert ids == [r["id"] for r in rulesheet.rows()]


# --- fill -----------------------------------------------------------------------------------------------
def saved(tmp_path, doc=None, **kw):
    p = tmp_path / "filled.xlsx"
    template.write(p, doc=doc, force=True, **kw)
    return load_workbook(p)


def test_fill_puts_every_value_at_its_cell(tmp_path, example_doc):
    wb = saved(tmp_path, example_doc)
    for cid, v in example_doc["cells"].items():
        assert at(wb, cid).value == v, cid
    for key, v in example_doc["organ"].items():
        assert at(wb, f"organ.{key}").value == v, key
    lay = layout.load()
    for tid, text in example_doc["texts"].items():
        b = lay.blocks[tid]
        lines = [wb[b.sheet].cell(row=r, column=b.col).value for r in range(b.first_row, b.last_row + 1)]
        while lines and lines[-1] is None:
            lines.pop()
        assert "\n".join(x or "" for x in lines) == text, tid
    r1 = lay.explain_rows[0]
    e = example_doc["explanations"][0]
    assert [wb[layout.EXPLAIN_SHEET].cell(row=r1, column=c).value for c in (1, 2, 3)] == [e["rule"], e["target"], e["text"]]


def test_fill_leaves_none_blank(tmp_path):
    doc = empty_doc(None)
    doc["cells"]["t3.R01.C1"] = 0
    wb = saved(tmp_path, doc)
    assert at(wb, "t3.R01.C1").value == 0 and at(wb, "t3.R02.C1").value is None


def test_fill_formula_like_text_stays_text(tmp_path):
    doc = empty_doc()
    doc["cells"]["t3.R01.C1"] = "=1+1"
    doc["texts"]["other"] = "=SUM(A1:A3)\n本年度未收取信息处理费。"
    wb = saved(tmp_path, doc)
    c = at(wb, "t3.R01.C1")
    assert c.value == "=1+1" and c.data_type == "s"
    b = layout.load().blocks["other"]
    c = wb[b.sheet].cell(row=b.first_row, column=1)
    assert c.value == "=SUM(A1:A3)" and c.data_type == "s"
    with zipfile.ZipFile(tmp_path / "filled.xlsx") as z:
        xml = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert xml.count(b"<f>") == len(layout.load().checks)  # the only formulas are the check cells


def test_fill_puts_overflowing_lines_into_the_last_row(tmp_path):
    b = layout.load().blocks["other"]
    rows = b.last_row - b.first_row + 1
    lines = [f"第{i}段" for i in range(rows + 5)]
    doc = empty_doc()
    doc["texts"]["other"] = "\n".join(lines)
    wb = saved(tmp_path, doc)
    got = [wb[b.sheet].cell(row=r, column=1).value for r in range(b.first_row, b.last_row + 1)]
    assert got[:-1] == lines[: rows - 1]
    assert got[-1] == "\n".join(lines[rows - 1:])
    assert "\n".join(got) == doc["texts"]["other"]


def test_fill_too_many_explanations_is_a_user_error():
    r1, r2 = layout.load().explain_rows
    doc = empty_doc()
    doc["explanations"] = [{"rule": "N2", "target": "text.overview", "text": "x"}] * (r2 - r1 + 2)
    with pytest.raises(UserError, match="说明"):
        template.build(doc)
    doc["explanations"] = doc["explanations"][:-1]
    template.build(doc)  # exactly as many as rows: fine


def test_fill_unknown_cell_is_a_user_error():
    doc = empty_doc()
    doc["cells"]["t3.R26.C1"] = 1
    with pytest.raises(UserError, match="t3.R26.C1"):
        template.build(doc)


def test_organ_and_year_prefill(tmp_path):
    wb = saved(tmp_path, organ="中卫市口岸和投资促进办公室", year=2025)
    assert at(wb, "organ.name").value == "中卫市口岸和投资促进办公室"
    assert at(wb, "organ.year").value == 2025


def test_fill_does_not_change_the_document(example_doc):
    before = copy.deepcopy(example_doc)
    template.build(example_doc)
    assert example_doc == before


@pytest.mark.libreoffice
def test_printed_pages_hold_no_empty_writing_grid_and_every_written_paragraph(tmp_path):
    """The blank template printed 16 pages: 总体情况 and 问题与改进 each spilled a page of empty grid, the rules ran
    to six. Each writing sheet now prints one page blank; filled, every paragraph still prints."""
    import json
    import subprocess

    from . import lo
    from .helpers import EXAMPLE_JSON, EXAMPLE_XLSX

    lo.debian_tool("pdftotext", "poppler-utils")
    (blank, filled) = lo.convert([template.COMMITTED, EXAMPLE_XLSX], "pdf", tmp_path)

    def pages(pdf):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        return [[ln.strip() for ln in p.splitlines() if ln.strip()] for p in text.split("\f")[:-1]]

    printed = pages(blank)
    firsts = [p[0] for p in printed]
    # a page holding nothing but its footer is a page of empty grid
    assert [i + 1 for i, p in enumerate(printed) if len(p) == 1] == []
    for sheet in {b.sheet for b in layout.load().blocks.values()}:
        assert firsts.count(sheet) == 1
    assert len(printed) <= 14, firsts
    text = " ".join(" ".join(p) for p in pages(filled))
    doc = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    for paragraph in (t.split("\n")[-1] for t in doc["texts"].values() if t):
        assert paragraph[-12:].replace(" ", "") in text.replace(" ", "")
