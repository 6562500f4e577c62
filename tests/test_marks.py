"""The mark plan and the openpyxl backend: `nianbao validate FILE --annotate`, 清除标记, explanations."""
from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from addin import cli
from addin.checks import validator
from addin.checks.findings import EXPLAIN
from addin.format import fmt, layout
from addin.format.styles import SEVERITY_FILLS
from addin.io.results import OpenpyxlSource
from addin.review import marks
from addin.review.backends import openpyxl_marks

from .helpers import EXAMPLE_XLSX, findings_of, make_bad, rgb


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def results_rows(wb) -> list[dict]:
    ws = wb[marks.RESULTS_SHEET]
    header = [c.value for c in ws[marks.HEADER_ROW]]
    assert header[: len(marks.COLUMNS)] == list(marks.COLUMNS)
    out = []
    for r in range(marks.FIRST_ROW, ws.max_row + 1):
        row = {h: ws.cell(r, i).value for i, h in enumerate(marks.COLUMNS, start=1)}
        row["_row"] = r
        if row["规则"]:
            out.append(row)
    return out


def test_annotate_writes_a_copy_and_leaves_the_input_byte_identical(tmp_path):
    src = make_bad(tmp_path)
    before = sha(src)
    assert cli.main(["validate", str(src), "--annotate"]) == cli.EXIT_FINDINGS
    out = tmp_path / "年报.校验.xlsx"
    assert out.is_file()
    assert sha(src) == before
    # no silent overwrite; --force overwrites
    assert cli.main(["validate", str(src), "--annotate"]) == 2
    assert cli.main(["validate", str(src), "--annotate", "--force"]) == cli.EXIT_FINDINGS
    assert sha(src) == before
    # an annotated copy annotated again is updated in place (no '.校验.校验' chain); the original is untouched
    assert openpyxl_marks.annotated_path(out) == out
    assert cli.main(["validate", str(out), "--annotate"]) == cli.EXIT_FINDINGS
    assert sha(src) == before and not (tmp_path / "年报.校验.校验.xlsx").exists()


def test_marks_at_the_right_cells_with_notes_and_links(tmp_path):
    src = make_bad(tmp_path)
    findings = findings_of(src)
    out = openpyxl_marks.annotate_file(src, findings)
    wb = openpyxl.load_workbook(out)
    lay = layout.load()
    sev_rank = {"错误": 0, "需说明": 1, "提示": 2}
    expected: dict[tuple, str] = {}
    for x in findings:
        cells = x.cells
        if "binding" in x.values:      # a balance finding marks its short side(s): the totals that disagree
            spec = fmt.load().rule(x.rule).spec
            sides = [[e for p in spec[k]["cells"] for e in fmt.expand_ids(p, x.values["binding"])] for k in ("lhs", "rhs")]
            cells = [e for side in sides if len(side) <= marks.SMALL_SIDE for e in side] or x.cells
        for e in cells:
            if e in lay.pos:
                key = lay.pos[e]
                if key not in expected or sev_rank[x.severity] < sev_rank[expected[key]]:
                    expected[key] = x.severity
    assert ("表三",) + lay.pos["t3.R01.C1"][1:] in expected
    for (s, r, c), sev in expected.items():
        cell = wb[s].cell(r, c)
        assert rgb(cell) == SEVERITY_FILLS[sev], (s, r, c)
    # every finding's first cell carries a note with its message
    for x in findings:
        if "binding" in x.values:
            continue
        for e in x.cells[:1]:
            if e in lay.pos:
                s, r, c = lay.pos[e]
                note = wb[s].cell(r, c).comment
                assert note is not None and note.text.startswith(marks.NOTE_TAG)
                assert x.message in note.text
    # an unmarked data cell keeps the template's white input fill and has no note
    s, r, c = lay.pos["t3.R05.C3"]
    assert rgb(wb[s].cell(r, c)) == "FFFFFF" and wb[s].cell(r, c).comment is None
    # 校验结果: one row per finding, in order, every link resolving to the finding's first cell
    rows = results_rows(wb)
    assert [(x.severity, x.rule, x.message) for x in findings] == [(r["级别"], r["规则"], r["问题"]) for r in rows]
    ws = wb[marks.RESULTS_SHEET]
    assert wb.sheetnames[0] == marks.RESULTS_SHEET
    for x, row in zip(findings, rows):
        link = ws.cell(row["_row"], marks.COL["单元格"]).hyperlink
        if not x.addresses:
            assert link is None
            continue
        target_sheet, _, ref = link.location.rpartition("!")
        target_sheet = target_sheet.strip("'")
        assert target_sheet in wb.sheetnames
        want_sheet, _, want_ref = x.addresses[0].rpartition("!")
        assert (target_sheet, ref) == (want_sheet, want_ref.split(":")[0])
        assert rgb(ws.cell(row["_row"], 1)) == SEVERITY_FILLS[x.severity]
    assert ws.column_dimensions["H"].hidden


def _styles(wb):
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                out[(ws.title, c.coordinate)] = (repr(c.font), repr(c.fill), repr(c.border), repr(c.alignment),
                                                  repr(c.protection), c.number_format, c.value,
                                                  None if c.comment is None else c.comment.text)
    return out


def test_clear_marks_restores_the_template_styles_exactly(tmp_path):
    src = make_bad(tmp_path)
    out = openpyxl_marks.annotate_file(src, findings_of(src))
    cleared = tmp_path / "cleared.xlsx"
    n = openpyxl_marks.clear_file(out, cleared)
    assert n > 5
    a, b = openpyxl.load_workbook(src), openpyxl.load_workbook(cleared)
    assert a.sheetnames == b.sheetnames
    assert _styles(a) == _styles(b)


def test_restore_fill_comes_from_the_template_not_the_workbook():
    lay = layout.load()
    s, r, c = lay.pos["t3.R01.C1"]
    assert marks.restore_fill(s, r, c, "t3.R01.C1") == "FFFFFF"
    # the element decides, wherever the cell sits (a workbook located by labels)
    assert marks.restore_fill("表三", 200, 40, "t3.R01.C1") == "FFFFFF"
    # a label cell of the template, by address
    span = next(sp for sp in lay.spans if sp.sheet == "表三" and sp.kind == "label")
    assert marks.restore_fill("表三", span.row1, span.col1) == "F2F2F2"
    assert marks.restore_fill("别的表", 1, 1) is None


def _unexplained_finding(findings):
    return next(x for x in findings if x.severity == EXPLAIN and not x.explanation)


def _annotated_with_a_question(tmp_path):
    """(annotated copy opened, its 校验结果 row of an unexplained 需说明 finding, the finding)."""
    src = make_bad(tmp_path, keep_explanations=False)
    findings = findings_of(src)
    x = _unexplained_finding(findings)
    out = openpyxl_marks.annotate_file(src, findings)
    wb = openpyxl.load_workbook(out)
    row = next(r for r in results_rows(wb) if (r["规则"], r["对象"]) == (x.rule, validator.object_label(x)))
    return out, wb, row, x


def test_explanations_typed_in_results_are_read_back_and_kept_in_one_place(tmp_path):
    # staff type the reason in the annotated copy's 校验结果 sheet (a text that looks like a formula, too)
    out, wb, row, x = _annotated_with_a_question(tmp_path)
    assert row["级别"] == EXPLAIN and not row[marks.EXPLAIN_HEADER]
    reason = "=本年度总体情况按原文发布，未删减"
    wb[marks.RESULTS_SHEET].cell(row["_row"], marks.COL[marks.EXPLAIN_HEADER]).value = reason
    wb[marks.RESULTS_SHEET].cell(row["_row"], marks.COL[marks.EXPLAIN_HEADER]).data_type = "s"
    wb.save(out)

    # validating the annotated copy again sees the explanation
    again = findings_of(out)
    y = next(f for f in again if (f.rule, f.target) == (x.rule, x.target))
    assert y.explanation == reason and not y.blocking

    # annotating it moves the explanation into 说明 (the one place) and shows it in 校验结果
    out2 = openpyxl_marks.annotate_file(out, again)
    wb2 = openpyxl.load_workbook(out2)
    r1, r2 = layout.load().explain_rows
    ws = wb2[layout.EXPLAIN_SHEET]
    stored = [(ws.cell(r, 1).value, ws.cell(r, 2).value, ws.cell(r, 3).value) for r in range(r1, r2 + 1)
              if ws.cell(r, 1).value]
    assert stored == [(x.rule, validator.object_label(x), reason)]
    assert ws.cell(r1, 3).data_type == "s"            # text, never a formula
    row2 = next(r for r in results_rows(wb2) if (r["规则"], r["对象"]) == (x.rule, validator.object_label(x)))
    assert row2[marks.EXPLAIN_HEADER] == reason
    assert wb2[marks.RESULTS_SHEET].cell(row2["_row"], marks.COL[marks.EXPLAIN_HEADER]).data_type == "s"

    # a third run keeps exactly one 说明 row; with 校验结果 deleted it is still explained (from 说明)
    out3 = openpyxl_marks.annotate_file(out2, findings_of(out2))
    ws3 = openpyxl.load_workbook(out3)[layout.EXPLAIN_SHEET]
    assert sum(1 for r in range(r1, r2 + 1) if ws3.cell(r, 1).value) == 1
    wb4 = openpyxl.load_workbook(out3)
    del wb4[marks.RESULTS_SHEET]
    p4 = tmp_path / "no-results.xlsx"
    wb4.save(p4)
    z = next(f for f in findings_of(p4) if (f.rule, f.target) == (x.rule, x.target))
    assert z.explanation == reason


def test_the_documented_round_trip_gives_no_false_f8(tmp_path):
    """annotate → type reasons in 校验结果 → validate/annotate the copy again and again: every reason matches its
    问题, so F8 (“说明…没有对应任何需说明的问题”) never appears — not even for the echo of a stored reason."""
    src = make_bad(tmp_path, keep_explanations=False)
    out = openpyxl_marks.annotate_file(src, findings_of(src))
    wb = openpyxl.load_workbook(out)
    typed = 0
    for row in results_rows(wb):
        if row["级别"] == EXPLAIN:
            wb[marks.RESULTS_SHEET].cell(row["_row"], marks.COL[marks.EXPLAIN_HEADER]).value = f"理由{typed}"
            typed += 1
    wb.save(out)
    assert typed >= 1
    for _ in range(3):
        found = findings_of(out)
        assert [f.message for f in found if f.rule == "F8"] == []
        assert all(f.explanation for f in found if f.severity == EXPLAIN)
        out = openpyxl_marks.annotate_file(out, found)


def test_edited_explanation_replaces_the_stored_one():
    from addin.checks.findings import Finding

    f = Finding("N2", EXPLAIN, "太长", cells=["text.overview"], addresses=["总体情况!A19:A78"], target="text.overview")
    existing = [marks.ExplainRow(3, "N2", "总体情况!A19:A78", "旧理由")]
    writes = marks.explanation_writes([{"rule": "N2", "target": "text.overview", "text": "新理由"}], existing, [4], [f])
    assert writes == [(3, "N2", "总体情况!A19:A78", "新理由")]
    writes = marks.explanation_writes([{"rule": "N2", "target": "text.overview", "text": "旧理由"}],
                                      [marks.ExplainRow(3, "N2", "text.overview", "旧理由")], [4], [f])
    assert writes == []


def test_no_findings_gives_an_empty_results_sheet(tmp_path):
    src = tmp_path / "ok.xlsx"
    src.write_bytes(EXAMPLE_XLSX.read_bytes())
    findings = findings_of(src)
    out = openpyxl_marks.annotate_file(src, findings)
    wb = openpyxl.load_workbook(out)
    assert len(results_rows(wb)) == len(findings)


def test_annotate_does_not_import_xlwings_or_docx(tmp_path):
    src = make_bad(tmp_path)
    code = ("import sys; from addin import cli; cli.main(['validate', sys.argv[1], '--annotate']); "
            "sys.stderr.write(repr(sorted(m for m in sys.modules if m.split('.')[0] in ('docx', 'xlwings'))))")
    p = subprocess.run([sys.executable, "-c", code, str(src)], capture_output=True, text=True,
                       cwd=Path(__file__).resolve().parents[1])
    assert p.stderr.strip().splitlines()[-1] == "[]", p.stderr


@pytest.mark.parametrize("bad", ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)"])
def test_text_that_looks_like_a_formula_stays_text(tmp_path, bad):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "S"
    b = openpyxl_marks.OpenpyxlBackend(wb)
    b.set_text("S", 1, 1, bad)
    p = tmp_path / "t.xlsx"
    wb.save(p)
    c = openpyxl.load_workbook(p)["S"]["A1"]
    assert c.value == bad and c.data_type == "s"


def test_marked_addresses_outside_the_grid_or_beyond_any_run_of_ours_are_not_read():
    """校验结果 typed by hand: 表二!A9999999 is no cell (it crashed --annotate); a million addresses are cut."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "表二"
    ws = wb.create_sheet(marks.RESULTS_SHEET)
    for name, col in marks.COL.items():
        ws.cell(marks.HEADER_ROW, col, name)
    ws.cell(marks.FIRST_ROW, marks.COL["标记格"], "表二!A9999999 表二!XFE1 表二!B5 无此表!C3 表二!B5")
    many = " ".join(f"表二!A{r}" for r in range(1, 3001))
    for r in range(marks.FIRST_ROW + 1, marks.FIRST_ROW + 12):
        ws.cell(r, marks.COL["标记格"], many.replace("!A", f"!{chr(65 + r % 20)}"))
    cells = marks.marked_cells(OpenpyxlSource(wb))
    assert cells[0] == ("表二", 5, 2, None)
    assert len(cells) == marks.MAX_MARKED_CELLS
    assert all(1 <= r <= marks.MAX_SHEET_ROW and s == "表二" for s, r, c, _ in cells)


def _marked(findings, rule):
    p = marks.plan([x for x in findings if x.rule == rule], layout.load().sheet_width.keys())
    return {(m.sheet, m.row, m.col): m for m in p.marks}


def test_a_balance_rule_marks_the_totals_that_differ_not_the_whole_column():
    import copy
    import json

    from tests.helpers import EXAMPLE_JSON, balanced_doc

    d = balanced_doc(json.loads(EXAMPLE_JSON.read_text(encoding="utf-8")))
    d["cells"]["t3.R03.C1"] += 1                       # 予以公开 one more: （七）总计 no longer the sum
    findings = validator.validate(copy.deepcopy(d))
    marked = _marked(findings, "B3")
    lay = layout.load()
    assert set(marked) == {lay.pos["t3.R24.C1"]}, sorted(marked)
    assert marked[lay.pos["t3.R24.C1"]].note.startswith(marks.NOTE_TAG)


def test_a_text_rule_marks_the_paragraph_its_message_names():
    import json

    from tests.helpers import EXAMPLE_JSON, balanced_doc

    d = balanced_doc(json.loads(EXAMPLE_JSON.read_text(encoding="utf-8")))
    d["texts"]["overview"] = "第一段。\n第二段。\n本年度共收到政府信息公开申请99件。"
    findings = [x for x in validator.validate(d) if x.cells and x.cells[0] == "text.overview"
                and x.values.get("paragraph") == 3]
    assert findings
    block = layout.load().blocks["overview"]
    for x in findings:
        marked = _marked([x], x.rule)
        named = f"{block.sheet}!{layout.ref(block.first_row + 2, block.col)}"
        assert named in x.message                                   # the message names the paragraph's cell
        assert (block.sheet, block.first_row + 2, block.col) in marked
        assert (block.sheet, block.first_row, block.col) not in marked


def test_a_message_lists_its_cells_in_reading_order(example_doc):
    """B6 said 'E7, A7, B7…' (总计 first, as the rule lists it): staff read a sheet row by row, left to right."""
    from tests.helpers import balanced_doc

    d = balanced_doc(example_doc)
    d["cells"]["t4.review.total"] += 1
    (b6,) = [x for x in validator.validate(d) if x.rule == "B6"]
    lay = layout.load()
    cells = sorted(lay.pos[c] for c in b6.cells)
    assert b6.cells[0] == "t4.review.total" and lay.pos["t4.review.total"] != cells[0]   # rule order ≠ sheet order
    listed = b6.message.rsplit("（", 1)[1].rstrip("）。请逐格核对后改正").split("!", 1)[1].split(", ")
    assert listed == [layout.ref(r, c) for _, r, c in cells]


def test_a_reason_edited_in_results_replaces_the_stored_one_without_f8(tmp_path):
    """Reason stored in 说明 by an annotate run, then changed in 校验结果: the new text explains the 问题 at once,
    and the older 说明 row (replaced on the next annotate) is not reported as a stray explanation (F8)."""
    src = make_bad(tmp_path, keep_explanations=False)
    findings = findings_of(src)
    x = _unexplained_finding(findings)
    out = openpyxl_marks.annotate_file(src, findings)
    for reason in ("旧理由", "新理由"):
        wb = openpyxl.load_workbook(out)
        row = next(r for r in results_rows(wb) if r["规则"] == x.rule and r["级别"] == EXPLAIN)
        wb[marks.RESULTS_SHEET].cell(row["_row"], marks.COL[marks.EXPLAIN_HEADER]).value = reason
        wb.save(out)
        found = findings_of(out)
        assert [f.message for f in found if f.rule == "F8"] == []
        assert next(f for f in found if (f.rule, f.target) == (x.rule, x.target)).explanation == reason
        out = openpyxl_marks.annotate_file(out, found)
    ws = openpyxl.load_workbook(out)[layout.EXPLAIN_SHEET]
    r1, r2 = layout.load().explain_rows
    assert [ws.cell(r, 3).value for r in range(r1, r2 + 1) if ws.cell(r, 1).value] == ["新理由"]


def _internal_ids() -> re.Pattern:
    ids = sorted(fmt.load().elements(), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, ids)) + r"|^[A-Z]\d+:")


def test_the_results_sheet_names_objects_as_staff_see_them_not_by_internal_id(tmp_path):
    src = make_bad(tmp_path, keep_explanations=False)
    findings = findings_of(src)
    wb = openpyxl.load_workbook(openpyxl_marks.annotate_file(src, findings))
    shown = [r["对象"] for r in results_rows(wb)]
    assert len(shown) == len(findings) and all(shown)
    assert [s for s in shown if _internal_ids().search(s)] == []
    assert "表二 第二十条第（八）项 行政事业性收费 本年收费金额（单位：万元）" in shown     # F4 t2.fees.amount
    assert "表三 一、本年新收政府信息公开申请数量 行" in shown                               # B2 R01


def test_every_label_of_a_broken_report_is_words_and_tells_findings_of_a_rule_apart(example_doc):
    from tests.helpers import balanced_doc

    d = balanced_doc(example_doc)
    d["cells"].update({"t3.R03.C1": d["cells"]["t3.R03.C1"] + 1, "t4.review.total": 9, "t4.suit_after.total": 9,
                       "t3.R02.C2": 7, "t2.fees.amount": None})
    d["texts"]["overview"] = d["texts"]["overview"][:30]
    d["explanations"] = [{"rule": "N2", "target": "text.nothing", "text": "无对应"}]
    found = validator.validate(d)
    labels = [(x.rule, validator.object_label(x)) for x in found]
    assert {r for r, _ in labels} >= {"B1", "B2", "B3", "B6", "F4", "F8"}
    assert [lb for _, lb in labels if _internal_ids().search(lb)] == []
    assert len(set(labels)) == len(labels)
    assert ("B6", "表四 行政复议") in labels and ("B6", "表四 行政诉讼·复议后起诉") in labels


def test_a_reason_typed_against_the_shown_label_or_an_old_id_explains_its_finding(tmp_path):
    """Round trip: type the reason in 校验结果 (对象 shows the label) → validate again → explained, no F8; a
    说明 row written by an older version (对象 = the internal id) still explains it."""
    src = make_bad(tmp_path, keep_explanations=False)
    findings = findings_of(src)
    x = _unexplained_finding(findings)
    out = openpyxl_marks.annotate_file(src, findings)
    wb = openpyxl.load_workbook(out)
    row = next(r for r in results_rows(wb) if r["规则"] == x.rule and r["级别"] == EXPLAIN)
    assert row["对象"] == validator.object_label(x) != x.target
    wb[marks.RESULTS_SHEET].cell(row["_row"], marks.COL[marks.EXPLAIN_HEADER]).value = "按原文发布"
    wb.save(out)
    again = findings_of(out)
    assert next(f for f in again if f.rule == x.rule and f.target == x.target).explanation == "按原文发布"
    assert [f for f in again if f.rule == "F8"] == []

    old = tmp_path / "old.xlsx"
    wb = openpyxl.load_workbook(src)
    r1, _ = layout.load().explain_rows
    for col, v in enumerate((x.rule, x.target, "旧版写的理由"), start=1):
        wb[layout.EXPLAIN_SHEET].cell(r1, col).value = v
    wb.save(old)
    found = findings_of(old)
    assert next(f for f in found if f.rule == x.rule and f.target == x.target).explanation == "旧版写的理由"
    assert [f for f in found if f.rule == "F8"] == []


def test_a_finding_of_a_rule_outside_the_format_keeps_its_target_as_label():
    """The audit raises findings under rule ids of its own; naming their object must not fail (it raised)."""
    from addin.checks.findings import Finding

    assert validator.object_label(Finding("A9", EXPLAIN, "x", target="A9:节标题")) == "节标题"
    assert validator.object_label(Finding("A9", EXPLAIN, "x", target="t2.fees.amount")).startswith("表二 ")


def test_an_explanation_typed_when_the_explain_sheet_is_gone_says_the_sheet_is_missing(tmp_path, capsys):
    """QA: with 说明 deleted, --annotate said "“说明”表已写满"; it says the sheet is missing and how to get it back."""
    out, wb, row, _ = _annotated_with_a_question(tmp_path)
    wb[marks.RESULTS_SHEET].cell(row["_row"], marks.COL[marks.EXPLAIN_HEADER]).value = "理由"
    del wb[layout.EXPLAIN_SHEET]
    wb.save(out)
    before = sha(out)
    assert cli.main(["validate", str(out), "--annotate"]) == 2
    err = capsys.readouterr().err
    assert "没有“说明”表" in err and "nianbao template" in err and "已写满" not in err and "Traceback" not in err
    assert sha(out) == before
