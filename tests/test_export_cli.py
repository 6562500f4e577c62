"""`nianbao export`: beside the workbook, the gate, --draft, no silent overwrite, locks, atomic writes, --json."""
from __future__ import annotations

import json
import os
import shutil
import time

import docx
import pytest

from addin.cli import main
from addin.io import template
from addin.report import export

from .helpers import EXAMPLE_JSON, EXAMPLE_XLSX

NAMES = ["zhongwei-ports-office-2022.docx", "zhongwei-ports-office-2022.html", "zhongwei-ports-office-2022.md"]


@pytest.fixture
def book(tmp_path):
    p = tmp_path / EXAMPLE_XLSX.name
    shutil.copy(EXAMPLE_XLSX, p)
    return p


def _age(path, seconds):
    t = time.time() - seconds
    os.utime(path, (t, t))


def test_bundled_example_exports_three_files_beside_the_workbook(book, capsys):
    assert main(["export", str(book)]) == 0
    out = capsys.readouterr().out
    assert "通过" in out and "已导出报告" in out
    assert sorted(p.name for p in book.parent.iterdir()) == sorted(NAMES + [book.name])
    assert not [p for p in book.parent.iterdir() if p.name.startswith(".~")]   # no temp files left
    d = docx.Document(str(book.with_suffix(".docx")))
    assert d.paragraphs[0].text == "中卫市口岸和投资促进办公室"
    assert oct(book.with_suffix(".html").stat().st_mode & 0o777) != "0o600"


def test_blocked_export_prints_blocking_findings_exits_1_and_writes_nothing(tmp_path, capsys):
    doc = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    doc["cells"]["t3.R01.C1"] = doc["cells"]["t3.R01.CT"] = 1   # breaks B1 and contradicts "未收到申请" (T1)
    doc["explanations"] = []                 # N2 now unexplained
    book = tmp_path / "坏.xlsx"
    template.write(book, doc=doc)
    assert main(["export", str(book)]) == 1
    out = capsys.readouterr().out
    assert "[错误] B1" in out and "[需说明·未说明] N2" in out and "[需说明·未说明] T1" in out
    assert "未导出报告" in out and "--draft" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["坏.xlsx"]
    assert main(["export", str(book), "--json"]) == 1
    j = json.loads(capsys.readouterr().out)
    assert j["exported"] is False and j["written"] == [] and j["summary"]["blocking"] >= 3


def test_draft_exports_anyway_with_the_mark_in_the_name_and_every_header(tmp_path, capsys):
    doc = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    doc["explanations"] = []
    book = tmp_path / "初稿.xlsx"
    template.write(book, doc=doc)
    assert main(["export", str(book), "--draft", "--to", "docx,md"]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["初稿-征求意见稿.docx", "初稿-征求意见稿.md", "初稿.xlsx"]
    d = docx.Document(str(tmp_path / "初稿-征求意见稿.docx"))
    s = d.sections[0]
    assert d.settings.odd_and_even_pages_header_footer
    assert s.header.paragraphs[0].text == s.even_page_header.paragraphs[0].text == "征求意见稿"
    assert (tmp_path / "初稿-征求意见稿.md").read_text(encoding="utf-8").startswith("**征求意见稿**")


def test_no_silent_overwrite_of_a_newer_output_force_overwrites(book, capsys):
    assert main(["export", str(book), "--to", "html"]) == 0
    html = book.with_suffix(".html")
    html.write_text("staff edited this", encoding="utf-8")
    _age(book, 100)                                      # the output is newer than the workbook
    assert main(["export", str(book), "--to", "html"]) == 2
    err = capsys.readouterr().err
    assert "比工作簿" in err and "--force" in err and "Traceback" not in err
    assert html.read_text(encoding="utf-8") == "staff edited this"
    assert main(["export", str(book), "--to", "html", "--force"]) == 0
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    kept = [p for p in book.parent.iterdir() if ".旧版-" in p.name]
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == "staff edited this"   # forced, not lost
    assert kept[0].name in capsys.readouterr().out


def test_an_output_older_than_the_workbook_is_regenerated(book):
    assert main(["export", str(book), "--to", "md"]) == 0
    md = book.with_suffix(".md")
    md.write_text("old", encoding="utf-8")
    _age(md, 100)                                         # workbook changed since the last export
    assert main(["export", str(book), "--to", "md"]) == 0
    assert md.read_text(encoding="utf-8").startswith("# ")


def test_a_replaced_output_is_kept_under_a_dated_name_and_said(book, capsys):
    """QA: export → edit ok.md by hand → touch the workbook → export replaced the edit without a word."""
    assert main(["export", str(book), "--to", "md,html"]) == 0
    md = book.with_suffix(".md")
    first = md.read_text(encoding="utf-8")
    md.write_text(first + "\n手工补充的一段。\n", encoding="utf-8")
    _age(md, 100)                                         # then the workbook was saved again
    _age(book.with_suffix(".html"), 100)
    capsys.readouterr()
    assert main(["export", str(book), "--to", "md,html"]) == 0
    out = capsys.readouterr().out
    kept = [p for p in book.parent.iterdir() if ".旧版-" in p.name]
    assert [p.suffix for p in kept] == [".md"]            # the html was the same bytes: nothing to keep
    assert kept[0].read_text(encoding="utf-8").endswith("手工补充的一段。\n") and md.read_text(encoding="utf-8") == first
    assert "被替换" in out and f"{md.name} → 原文件另存为 {kept[0]}" in out
    md.write_text("又改了一次", encoding="utf-8")          # the same time again: a second name, no overwrite
    os.utime(md, (kept[0].stat().st_mtime,) * 2)
    assert main(["export", str(book), "--to", "md", "--json"]) == 0
    j = json.loads(capsys.readouterr().out)
    second = [p for p in book.parent.iterdir() if ".旧版-" in p.name and p != kept[0]]
    assert [r["kept"] for r in j["replaced"]] == [str(p) for p in second] and len(second) == 1
    assert second[0].name == kept[0].stem + "-2.md" and second[0].read_text(encoding="utf-8") == "又改了一次"
    assert kept[0].read_text(encoding="utf-8").endswith("手工补充的一段。\n")


@pytest.mark.parametrize("owner", ["~$ongwei-ports-office-2022.docx", "~$zhongwei-ports-office-2022.docx"])
def test_an_output_open_in_word_is_refused_even_with_force(book, capsys, owner):
    (book.parent / owner).write_bytes(b"lock")
    assert main(["export", str(book), "--force"]) == 2
    err = capsys.readouterr().err
    assert "正被 Excel、Word 或 WPS 打开" in err and owner in err
    assert sorted(p.name for p in book.parent.iterdir()) == sorted([book.name, owner])   # nothing written


def test_a_failing_writer_leaves_no_file_at_all(book, monkeypatch):
    from addin.report.writers import markdown

    def boom(model, path):
        path.write_text("half", encoding="utf-8")
        raise RuntimeError("disk gone")

    monkeypatch.setattr(markdown, "write", boom)
    with pytest.raises(RuntimeError):
        export.export(book)
    assert [p.name for p in book.parent.iterdir()] == [book.name]


def test_out_folder_json_and_bad_arguments(book, tmp_path, capsys):
    out = tmp_path / "site"
    out.mkdir()
    assert main(["export", str(book), "--out", str(out), "--to", "html,md", "--json"]) == 0
    j = json.loads(capsys.readouterr().out)
    assert j["exported"] and [w["kind"] for w in j["written"]] == ["html", "md"]
    for w in j["written"]:
        assert os.path.getsize(w["path"]) == w["bytes"] and w["path"].startswith(str(out))
    assert j["summary"]["passed"] and j["findings"][0]["rule"] == "N2"
    assert main(["export", str(book), "--to", "pdf"]) == 2
    assert "--to" in capsys.readouterr().err
    assert main(["export", str(book), "--out", str(tmp_path / "nope")]) == 2
    assert "输出文件夹不存在" in capsys.readouterr().err
    assert main(["export", str(tmp_path / "missing.xlsx")]) == 2


def test_no_generated_sentences_flag(book):
    assert main(["export", str(book), "--to", "md", "--no-generated-sentences"]) == 0
    assert "本年度未收到政府信息公开申请，无上年结转的申请。" not in book.with_suffix(".md").read_text(encoding="utf-8")
    book.with_suffix(".md").unlink()
    assert main(["export", str(book), "--to", "md"]) == 0
    assert "本年度未收到政府信息公开申请，无上年结转的申请。" in book.with_suffix(".md").read_text(encoding="utf-8")


def test_a_report_blocked_only_by_unexplained_items_is_told_to_explain_not_to_correct(tmp_path, capsys):
    """QA: "未通过：请改正错误…" was printed with 0 errors and only an unexplained 需说明."""
    doc = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    doc["explanations"] = []                 # N2 (1239 字) now unexplained, nothing else wrong
    book = tmp_path / "未说明.xlsx"
    template.write(book, doc=doc)
    assert main(["validate", str(book)]) == 1
    out = capsys.readouterr().out
    assert "错误 0 项" in out and "未通过：请在“说明”表中说明需说明的项目。" in out and "改正" not in out.splitlines()[-1]
    assert main(["export", str(book)]) == 1
    out = capsys.readouterr().out
    assert "未导出报告：请先在“说明”表中说明需说明的项目；" in out and "改正" not in out.splitlines()[-1]


def test_a_report_with_errors_and_unexplained_items_is_told_both(tmp_path, capsys):
    doc = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    doc["explanations"] = []
    doc["cells"]["t3.R01.C1"] = doc["cells"]["t3.R01.CT"] = 1
    book = tmp_path / "坏.xlsx"
    template.write(book, doc=doc)
    assert main(["export", str(book)]) == 1
    assert "未导出报告：请先改正上列错误，并在“说明”表中说明需说明的项目；" in capsys.readouterr().out


def test_re_exports_of_untouched_reports_keep_no_copies_an_edited_one_is_kept(book, capsys):
    """Staff fix a figure and export again, five times: our own untouched outputs are replaced without a pile
    of 旧版 files (each carries its fingerprint); a Word report edited and saved by hand is kept."""
    import zipfile

    from addin.report import fingerprint

    doc = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    for n in range(3):
        doc["cells"]["t2.licensing.decisions"] = n           # a different report each time
        template.write(book, doc=doc, force=True)
        assert main(["export", str(book)]) == 0
        for kind in ("docx", "html", "md"):
            assert fingerprint.untouched(book.with_suffix("." + kind)), kind
    assert not [p for p in book.parent.iterdir() if ".旧版-" in p.name]
    report = book.with_suffix(".docx")
    edited = book.parent / "edited.docx"
    with zipfile.ZipFile(report) as src, zipfile.ZipFile(edited, "w") as dst:   # Word saves the edit
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                data = data.replace("行政许可".encode(), "行政许可（已改）".encode(), 1)
            dst.writestr(item, data)
    os.replace(edited, report)
    assert not fingerprint.untouched(report)
    doc["cells"]["t2.licensing.decisions"] = 9
    template.write(book, doc=doc, force=True)
    capsys.readouterr()
    assert main(["export", str(book)]) == 0
    kept = [p for p in book.parent.iterdir() if ".旧版-" in p.name]
    assert [p.suffix for p in kept] == [".docx"] and "被替换" in capsys.readouterr().out
    with zipfile.ZipFile(kept[0]) as z:
        assert "行政许可（已改）" in z.read("word/document.xml").decode()


def test_a_fingerprint_holds_only_for_the_exact_file(tmp_path):
    from addin.report import fingerprint

    md = tmp_path / "r.md"
    md.write_text(fingerprint.signed_text("# 报告\n\n正文。"), encoding="utf-8")
    assert fingerprint.untouched(md)
    md.write_text(md.read_text(encoding="utf-8").replace("正文", "正 文"), encoding="utf-8")
    assert not fingerprint.untouched(md)
    md.write_text("# 报告\n\n正文。", encoding="utf-8")          # no fingerprint: not known to be ours
    assert not fingerprint.untouched(md) and not fingerprint.untouched(tmp_path / "missing.md")


def test_the_report_of_an_annotated_copy_is_named_for_the_workbook(tmp_path):
    """QA: exporting 报表.校验.xlsx (the annotated copy with reasons typed in) wrote 报表.校验.docx."""
    copy = tmp_path / "报表.校验.xlsx"
    shutil.copyfile(EXAMPLE_XLSX, copy)
    assert main(["export", str(copy), "--to", "md"]) == 0
    assert (tmp_path / "报表.md").exists() and not (tmp_path / "报表.校验.md").exists()
    assert export.targets(tmp_path / ".校验.xlsx", ["md"], None, False)["md"].name == ".校验.md"   # no empty name


def test_exporting_twice_needs_no_force_an_edited_newer_output_is_named(book, capsys):
    """QA: a second export with nothing edited was refused for the (untouched) .docx; with the .md edited the
    refusal named the .docx. Only an output whose fingerprint does not hold is refused, and it is named."""
    assert main(["export", str(book)]) == 0
    capsys.readouterr()
    assert main(["export", str(book)]) == 0                   # untouched outputs newer than the workbook
    out = capsys.readouterr().out                             # replaced, and said (--out may hold another's)
    assert "替换了本工具此前导出、未经改动的同名文件" in out and str(book.with_suffix(".docx")) in out
    md = book.with_suffix(".md")
    md.write_text(md.read_text(encoding="utf-8") + "\n手改。\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["export", str(book)]) == 2
    err = capsys.readouterr().err
    assert md.name in err and book.with_suffix(".docx").name not in err
    assert md.read_text(encoding="utf-8").endswith("手改。\n")
