"""nianbao audit: published reports (shared/samples) read cell for cell as transcribed, known findings made,
no false 错误 on the clean ones; own cases for each extraction path; round trip through the export."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from addin import cli
from addin.audit import document, sources, split
from addin.format import fmt as fmtmod

from .helpers import EXAMPLE_JSON, shared_dir

SAMPLES = shared_dir() / "samples"
PUBLISHED = SAMPLES / "published"
T3_KEYS = (["new", "carry", "open", "partial"] + [f"d{i}" for i in range(1, 9)] + ["u1", "u2", "u3"]
           + [f"n{i}" for i in range(1, 6)] + ["o1", "o2", "o3", "total", "next"])
COLS = ["C1", "C2", "C3", "C4", "C5", "C6", "CT"]
T2 = {"rules": "t2.rules.{}", "normative": "t2.normative.{}"}
FIXTURES = __import__("pathlib").Path(__file__).parent / "audit_fixtures"


def _transcribed():
    return {k: v for k, v in json.loads((PUBLISHED / "tables.json").read_text("utf-8")).items() if k != "_about"}


def _expected_cells(entry: dict) -> dict:
    out = {}
    for r, key in enumerate(T3_KEYS, 1):
        for c, v in zip(COLS, entry["t3"][key]):
            out[f"t3.R{r:02d}.{c}"] = v
    for col, v in zip(fmtmod.load().table("t4").columns, entry["t4"]):
        out[f"t4.{col.id}"] = v
    t2 = entry.get("t2")
    if t2:
        for row in ("rules", "normative"):
            for col, v in zip(("issued", "repealed", "in_force"), t2[row]):
                out[f"t2.{row}.{col}"] = v
        out.update({"t2.licensing.decisions": t2["permits"], "t2.penalty.decisions": t2["penalties"],
                    "t2.coercion.decisions": t2["coercion"], "t2.fees.amount": t2["fees_wan"]})
    return out


@pytest.mark.parametrize("name", sorted(_transcribed()))
def test_every_transcribed_cell_is_read_exactly(name):
    entry = _transcribed()[name]
    a = document.read(PUBLISHED / name)
    wrong = {}
    for cid, want in _expected_cells(entry).items():
        got = a.document["cells"][cid]
        # a cell published blank is read as blank (None); tables.json writes it 0 and flags blank_cells
        if got != want and not (entry.get("blank_cells") and got is None and want == 0):
            wrong[cid] = (got, want)
    assert not wrong
    assert not a.unread or name == "shanghai-gov-office-2025.txt"   # its 表二 is garbled: reported, not guessed


def _rules(path, prior=None):
    a = document.read(path)
    return a, document.validate(a, prior=prior)


def test_clean_reports_have_no_error():
    for name in ("pingtan-zone-2024.txt", "pingtan-zone-2025.txt"):
        _, found = _rules(PUBLISHED / name)
        assert [x.message for x in found if x.severity == "错误"] == [], name


def test_known_findings_pingtan_2024():
    _, found = _rules(PUBLISHED / "pingtan-zone-2024.txt")
    assert any(x.rule == "P2" for x in found)                              # 复议后起诉 19 > 行政复议 7
    guess = [x for x in found if x.rule == "A3"]                            # 6233440 has no sum: said to be a guess
    assert guess and "6233440" in guess[0].message
    cut = [x for x in found if x.rule == "A2"]
    assert any("21317000001324019" in x.message for x in cut)               # 表四 cut by the group totals


def test_known_findings_pingtan_2025_with_prior_year():
    from addin.audit.run import prior_of

    _, found = _rules(PUBLISHED / "pingtan-zone-2025.txt", prior=prior_of(str(PUBLISHED / "pingtan-zone-2024.txt")))
    assert not [x for x in found if x.rule == "X1"]                          # 上年结转 0 = last year's 结转 0
    assert not [x for x in found if x.severity == "错误"]


def test_known_findings_shuyang():
    a, found = _rules(PUBLISHED / "shuyang-fagaiju-2023.txt")
    rules = {x.rule for x in found}
    assert "F1" in rules and any("规范性文件" in x.message for x in found if x.rule == "F1")    # old label
    assert all("已公开的报告" in x.message and "工作簿" not in x.message for x in found if x.rule == "F1")
    assert any(x.rule == "A4" and "整改措施" in x.message for x in found)                      # altered heading
    blank = [x for x in found if x.rule == "F4"]                                             # blank cells:
    assert len(blank) == 1 and blank[0].values["count"] == 125 and "!" not in blank[0].message  # one block
    assert [x.rule for x in found if x.severity == "错误"] == ["F1", "F4"]                   # and no false 错误
    assert a.document["texts"]["problems"].startswith("（一）存在的主要问题")
    assert a.document["texts"]["improvements"].startswith("（二）整改措施")


def test_known_findings_shanghai():
    a, found = _rules(PUBLISHED / "shanghai-gov-office-2025.txt")
    assert any(x.rule == "A4" and "五、" in x.message for x in found)       # heading 五 missing in the capture
    assert all(c.startswith("t2.") for c in a.unread)                       # its 表二 cells: unread, not zero
    assert all(a.document["cells"][c] is None for c in a.unread)
    assert "政策信息分散于多个平台" in a.document["texts"]["problems"]          # 五's sub-heads, in reverse order
    assert "政策公开质效" in a.document["texts"]["improvements"]
    assert not [x for x in found if x.rule.startswith("T")]                 # 208/20/564/80/319 all match


def test_shanghai_has_no_false_error():
    _, found = _rules(PUBLISHED / "shanghai-gov-office-2025.txt")
    assert not [x for x in found if x.severity == "错误"]


def test_seed_section_numbering_and_lost_cells():
    a, found = _rules(SAMPLES / "zhongwei-ports-office-2022.txt")
    assert sum(x.rule == "A4" for x in found) == 2                           # 二 twice, 三 for 四
    restored = [x for x in found if x.rule == "A2"]
    assert len(restored) == 1 and restored[0].values["rows"] == 25 and "补出" in restored[0].message  # said so
    assert any(x.rule == "A5" for x in found)                                # half-width labels reported


def test_cuts_use_only_the_sums():
    assert [c for c in split.cuts("21710000218", 7) if split.row_total(c)] == [[217, 1, 0, 0, 0, 0, 218]]
    assert split.cuts("05", 2) == [[0, 5]]
    assert split.choose({"a": [[1, 1], [2, 0]]}, lambda p: p["a"][0] == 2) == {"a": [2, 0]}
    assert split.choose({"a": [[1, 1], [2, 0]]}, lambda p: True) is None     # two ways: nothing chosen


# --- own cases for each extraction path ------------------------------------------------------------------

def _example_doc():
    from .helpers import balanced_doc

    return balanced_doc(json.loads(EXAMPLE_JSON.read_text("utf-8")))


def _export(doc, tmp_path, kinds="docx,html,md"):
    from addin.io import template

    wb = tmp_path / "报表.xlsx"
    template.write(wb, doc=doc)
    assert cli.main(["export", str(wb), "--draft", "--to", kinds, "--out", str(tmp_path)]) in (0, 1)
    return {p.suffix[1:]: p for p in tmp_path.iterdir() if p.suffix in (".docx", ".html", ".md")}


def _same(doc, a):
    got = a.document
    assert {k: v for k, v in got["cells"].items()} == doc["cells"]
    for t in ("overview", "problems", "improvements", "other"):
        assert "".join(got["texts"][t].split()) == "".join((doc["texts"][t] or "").split()), t
    assert got["organ"]["name"] == doc["organ"]["name"] and got["organ"]["year"] == doc["organ"]["year"]


def _words(text) -> str:
    import re

    return re.sub(r"[\s，。、；：,.;:（）()“”《》〈〉]", "", text or "")


def test_round_trip_export_docx_html_md(tmp_path):
    doc = _example_doc()
    files = _export(doc, tmp_path)
    assert set(files) == {"docx", "html", "md"}
    for kind, path in files.items():
        _same(doc, document.read(path))


def test_gbk_html_with_merged_cells(tmp_path):
    doc = _example_doc()
    html = _export(doc, tmp_path, "html")["html"].read_text("utf-8")
    assert "rowspan" in html and "colspan" in html
    gbk = tmp_path / "gbk.htm"
    gbk.write_bytes(html.replace('charset="utf-8"', 'charset="gbk"').replace("charset=utf-8", "charset=gbk")
                    .encode("gb18030"))
    _same(doc, document.read(gbk))


def test_utf16_text_and_utf8_with_a_broken_byte_are_read_gbk_is_not_mistaken(tmp_path):
    """QA: one damaged byte, or a text cut mid-character, refused the whole report; Notepad's “Unicode” (UTF-16)
    was refused. A few broken bytes show as �; a GBK text (broken at every character as UTF-8) is still GBK."""
    doc = _example_doc()
    md = _export(doc, tmp_path, "md")["md"]
    raw = md.read_bytes()
    cut = raw.index("本年度".encode()) + 1                           # inside a three-byte character
    (tmp_path / "utf16.md").write_bytes(md.read_text("utf-8").encode("utf-16"))
    _same(doc, document.read(tmp_path / "utf16.md"))
    for name, data in (("broken.md", raw[:cut] + b"\xff" + raw[cut:]), ("cut.md", raw + "年".encode()[:2])):
        (tmp_path / name).write_bytes(data)
        got = document.read(tmp_path / name).document
        assert got["cells"] == doc["cells"] and "\ufffd" in "".join(v or "" for v in got["texts"].values()), name
    gbk = "政府信息公开工作年度报告，本年度收到申请12件。".encode("gb18030")
    assert sources.decode(gbk, tmp_path / "g.txt") == gbk.decode("gb18030")
    assert "\ufffd" in sources.decode(raw[:cut] + b"\xff" + raw[cut:], md)


def test_pdf_from_docx_and_pdftotext_layout(tmp_path):
    from .lo import convert

    doc = _example_doc()
    docx = _export(doc, tmp_path, "docx")["docx"]
    pdf = convert([docx], "pdf", tmp_path / "pdf", cjk_fonts=True)[0]
    a = document.read(pdf)
    assert a.document["cells"] == doc["cells"]
    # LibreOffice hangs a line-end "、" or "。" beyond the margin and leaves it out of the PDF's text layer
    # (pdftotext reads the same): the words come back exactly, wrapped lines joined again
    for t in ("preamble", "overview", "problems", "improvements", "other"):
        assert _words(a.document["texts"][t]) == _words(doc["texts"][t]), t
    assert "\n".join(doc["texts"]["problems"].split("\n")[:1])[:10] in a.document["texts"]["problems"]
    if shutil.which("pdftotext"):
        txt = tmp_path / "layout.txt"
        subprocess.run(["pdftotext", "-layout", str(pdf), str(txt)], check=True)
        assert document.read(txt).document["cells"] == doc["cells"]


def test_markdown_pipe_tables_with_a_typo_label():
    a, found = _rules(FIXTURES / "pipe-table.md")
    c = a.document["cells"]
    assert (c["t3.R01.C1"], c["t3.R01.C2"], c["t3.R01.CT"], c["t3.R13.C1"]) == (4, 1, 5, 1)
    assert (c["t2.normative.in_force"], c["t2.licensing.decisions"], c["t2.fees.amount"]) == (12, 7, 1.5)
    assert c["t4.review.upheld"] == 1 and c["t4.review.total"] == 1
    typo = [x for x in found if x.rule == "F2"]
    assert typo and "内部事物信息" in typo[0].message and "内部事务信息" in typo[0].message
    assert "已公开的报告" in typo[0].message and "说明”表" not in typo[0].message   # no sheet to explain in
    assert not [x for x in found if x.severity == "错误"]


def test_unsupported_and_scan(tmp_path, capsys):
    doc = tmp_path / "r.doc"
    doc.write_bytes(b"x")
    assert cli.main(["audit", str(doc)]) == 2
    assert ".docx" in capsys.readouterr().err
    empty = tmp_path / "scan.txt"
    empty.write_text("   \n", encoding="utf-8")
    assert cli.main(["audit", str(empty)]) == 2


def test_cli_folder_summary_html_and_workbook(tmp_path, capsys):
    csv = tmp_path / "汇总.csv"
    assert cli.main(["audit", str(PUBLISHED), "--summary", str(csv)]) in (1, 2)
    rows = csv.read_text("utf-8-sig").splitlines()
    assert len(rows) == 1 + 5 and rows[0].startswith("文件")
    assert any(r.startswith("INDEX.md") and "不像政府信息公开工作年度报告" in r for r in rows)   # not a report: said
    view, wb = tmp_path / "v.html", tmp_path / "w.xlsx"
    src = PUBLISHED / "pingtan-zone-2024.txt"
    before = src.read_bytes()
    assert cli.main(["audit", str(src), "--html", str(view), "--to-workbook", str(wb)]) == 1
    assert "P2" in view.read_text("utf-8") and wb.is_file()
    from addin.io import reader

    assert reader.read(wb).document["cells"]["t3.R01.C1"] == 217
    assert cli.main(["audit", str(src), "--to-workbook", str(wb)]) == 2          # never overwritten
    assert src.read_bytes() == before


def test_json_output_and_prior_workbook(tmp_path, capsys):
    from addin.io import template

    prior = tmp_path / "2023.xlsx"
    last = _example_doc()
    last["organ"]["name"], last["organ"]["year"] = "平潭综合实验区", 2023
    last["cells"]["t3.R25.C1"] = 5                      # last year carried 5 over; 2024 says 0 were carried
    last["cells"]["t2.normative.in_force"] = 470        # INDEX.md: 470 + 62 − 33 = 499, but 440 reported
    template.write(prior, doc=last)
    code = cli.main(["audit", str(PUBLISHED / "pingtan-zone-2024.txt"), "--json", "--prior", str(prior)])
    out = json.loads(capsys.readouterr().out)
    rep = out["reports"][0]
    assert code == 1 and rep["document"]["cells"]["t3.R01.CT"] == 218
    assert rep["provenance"]["t3.R01.CT"].startswith("第8行")
    assert any(x["rule"] == "X1" for x in rep["findings"])
    assert any(x["rule"] == "X4" and "440" in x["message"] for x in rep["findings"])


def test_pdf_without_text_and_broken_files(tmp_path, capsys):
    from .lo import convert

    blank = tmp_path / "blank.html"
    blank.write_text("<html><body><p> </p></body></html>", encoding="utf-8")
    pdf = convert([blank], "pdf:writer_web_pdf_Export", tmp_path)[0]
    assert cli.main(["audit", str(pdf)]) == 2
    assert "扫描件" in capsys.readouterr().err
    for name in ("bad.pdf", "bad.docx"):
        (tmp_path / name).write_bytes(b"not really")
        assert cli.main(["audit", str(tmp_path / name)]) == 2
        err = capsys.readouterr().err
        assert "无法读取" in err and "Traceback" not in err


@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.integers(0, 400), min_size=6, max_size=6), st.integers(0, 30))
def test_round_trip_property(tmp_path_factory, applicants, carry):
    doc = _example_doc()
    c = doc["cells"]
    for k, col in enumerate(COLS[:6]):
        v = applicants[k]
        c[f"t3.R01.{col}"], c[f"t3.R02.{col}"] = v, (carry if k == 0 else 0)
        for r in range(3, 24):
            c[f"t3.R{r:02d}.{col}"] = 0
        c[f"t3.R03.{col}"] = v
        c[f"t3.R24.{col}"], c[f"t3.R25.{col}"] = v, (carry if k == 0 else 0)
    for r in range(1, 26):
        c[f"t3.R{r:02d}.CT"] = sum(c[f"t3.R{r:02d}.{col}"] for col in COLS[:6])
    files = _export(doc, tmp_path_factory.mktemp("rt"), "docx,html,md")
    for path in files.values():
        assert document.read(path).document["cells"] == doc["cells"]


def _run_together_html(doc: dict) -> str:
    """A report whose tables were flattened: labels and figures in one paragraph, no separators (the
    archived-page style of the Pingtan captures), built from schema/ labels."""
    f, c = fmtmod.load(), doc["cells"]
    out = [f"<html><head><meta charset='utf-8'></head><body><h2>{doc['organ']['name']}{doc['organ']['year']}"
           f"年度政府信息公开工作年度报告</h2>"]
    for sec in f.sections:
        out.append(f"<p>{sec['heading']}</p>")
        body = ""
        for part in sec["content"]:
            if part in doc["texts"]:
                body += doc["texts"][part] or ""
                continue
            t = f.table(part)
            body += (t.title or "") + (t.corner or "") + "".join(col.label for col in t.columns)
            for row in t.rows:
                body += "".join(row.path) + "".join(str(c[t.cell_id_of(row, col)]) for col in t.columns)
        out.append(f"<p>{body}</p>")
    return "".join(out) + "</body></html>"


def test_run_together_html_and_its_pdf_with_wrapped_rows(tmp_path):
    from .lo import convert

    doc = _example_doc()
    c = doc["cells"]
    rows = {"R01": [1, 12, 0, 0, 0, 0, 13], "R03": [1, 2, 0, 0, 0, 0, 3], "R04": [0, 10, 0, 0, 0, 0, 10],
            "R24": [1, 12, 0, 0, 0, 0, 13]}       # "11200013" is 1/12 or 11/2: only the column sums decide
    for r in range(1, 26):
        for k, col in enumerate(COLS):
            c[f"t3.R{r:02d}.{col}"] = rows.get(f"R{r:02d}", [0] * 7)[k]
    page = tmp_path / "flat.html"
    page.write_text(_run_together_html(doc), encoding="utf-8")
    a, found = _rules(page)
    assert a.document["cells"] == doc["cells"] and not a.unread
    assert any(x.rule == "A2" and "勾稽" in x.message for x in found)      # the sums chose the cut, and it says so
    pdf = convert([page], "pdf:writer_web_pdf_Export", tmp_path / "pdf")[0]
    lines = sources.load(pdf).lines
    assert len(lines) > 20                                                    # the paragraph wrapped over many lines
    assert document.read(pdf).document["cells"] == doc["cells"]


def test_trial_2019_rows_are_reported(tmp_path):
    f = fmtmod.load()
    text = (FIXTURES / "pipe-table.md").read_text("utf-8")
    marker = f.trial_2019["markers"][0]
    trial = tmp_path / "trial.md"
    trial.write_text(text.replace("| 信息内容 | 本年制发件数 |", f"| 信息内容 | {marker} |", 1), encoding="utf-8")
    _, found = _rules(trial)
    assert any(x.rule == "F1" and marker in x.message for x in found)
    assert all("已公开的报告" in x.message and "模板" not in x.message for x in found if x.rule == "F1")  # no template
    _, clean = _rules(FIXTURES / "pipe-table.md")
    assert not any(x.rule == "F1" for x in clean)
