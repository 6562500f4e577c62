"""Tests that kill export.py's mutants (issue 14): the gate on a 需说明 alone, the newer-output boundary,
--to, and the 前言 written when staff leave it blank (report.default_preamble)."""
from __future__ import annotations

import json
import os
import shutil

import pytest

from addin.errors import UserError
from addin.format import fmt
from addin.io import template
from addin.report import export
from addin.report import model as report
from addin.review import printer

from .helpers import EXAMPLE_JSON, EXAMPLE_XLSX


def _doc():
    return json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))


def test_an_unexplained_explain_finding_alone_blocks_the_export(tmp_path):
    doc = _doc()
    doc["explanations"] = []                         # the example's N2 (1239 字) is now unexplained; no 错误
    book = tmp_path / "年报.xlsx"
    template.write(book, doc=doc)
    r = export.export(book)
    assert r.blocked and r.written == [] and {x.severity for x in r.findings if x.blocking} == {"需说明"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["年报.xlsx"]
    d = export.export(book, kinds=["md"], draft=True)  # --draft exports anyway, marked
    assert not d.blocked and [w.path.name for w in d.written] == ["年报-征求意见稿.md"]


def test_an_explained_finding_and_info_findings_do_not_block(tmp_path):
    book = tmp_path / "年报.xlsx"
    shutil.copy(EXAMPLE_XLSX, book)
    r = export.export(book, kinds=["md"])
    assert not r.blocked and r.findings and all(not x.blocking for x in r.findings)
    assert [w.kind for w in r.written] == ["md"] and r.written[0].bytes == (tmp_path / "年报.md").stat().st_size


def test_an_output_as_old_as_the_workbook_is_replaced_a_newer_one_is_not(tmp_path):
    book = tmp_path / "年报.xlsx"
    shutil.copy(EXAMPLE_XLSX, book)
    out = tmp_path / "年报.md"
    out.write_text("旧", encoding="utf-8")
    t = book.stat().st_mtime
    os.utime(out, (t, t))                            # same age: not "newer", replaced
    export.export(book, kinds=["md"])
    assert out.read_text(encoding="utf-8") != "旧"
    out.write_text("手改", encoding="utf-8")
    os.utime(out, (t + 10, t + 10))
    with pytest.raises(UserError) as e:
        export.export(book, kinds=["md"])
    assert e.value.code == "output.exists" and out.read_text(encoding="utf-8") == "手改"
    export.export(book, kinds=["md"], force=True)
    assert out.read_text(encoding="utf-8") != "手改"


def test_parse_kinds():
    assert export.parse_kinds(None) == export.parse_kinds("") == ["docx", "html", "md"]
    assert export.parse_kinds(" Markdown，htm,docx,md") == ["md", "html", "docx"]
    for bad in ("pdf", ",", "docx,pdf"):
        with pytest.raises(UserError) as e:
            export.parse_kinds(bad)
        assert e.value.code == "args.to"


def test_size_words():
    assert printer._size(1023) == "1023 字节" and printer._size(1024) == "1.0 KB"


# --- the 前言 written when staff leave it blank --------------------------------------------------

def test_a_blank_preamble_gets_the_customary_one():
    doc = _doc()
    doc["texts"]["preamble"] = "  \n"
    m = report.build(doc)
    f = fmt.load()
    assert m.preamble == report.default_preamble(doc, f)
    first, web, contact = m.preamble
    assert first.startswith("本报告由中卫市口岸和投资促进办公室根据《中华人民共和国政府信息公开条例》")
    assert "第五十条" in first and f"（{f.notice}）" in first
    assert "全文包括总体情况、主动公开政府信息情况" in first
    assert first.endswith("本报告所列数据的统计期限自2022年1月1日起至2022年12月31日止。")
    assert web == "本报告电子版可在http://www.nxzw.gov.cn/查阅或下载。"
    assert contact == ("如对本报告有疑问，请与中卫市口岸和投资促进办公室综合科（法制科）联系（地址：中卫市沙坡头区鸣沙路55号；"
                       "邮编：755000；电话：0955-7666302；传真：0955-7666302）。")


def test_the_customary_preamble_leaves_out_what_is_not_filled():
    doc = _doc()
    doc["texts"]["preamble"] = ""
    for k in ("year", "website", "contact_unit", "address", "postcode", "phone", "fax", "email"):
        doc["organ"][k] = None
    (first,) = report.build(doc).preamble
    assert "统计期限" not in first and first.endswith("。")
    doc["organ"]["contact_unit"] = "办公室"
    assert report.build(doc).preamble[-1] == "如对本报告有疑问，请与中卫市口岸和投资促进办公室办公室联系。"


def test_a_typed_preamble_is_kept():
    doc = _doc()
    m = report.build(doc)
    assert m.preamble[0].startswith("根据《中华人民共和国政府信息公开条例》规定") and len(m.preamble) >= 1


@pytest.mark.parametrize("n, words", [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (19, "十九"), (20, "二十"),
                                      (21, "二十一"), (30, "三十"), (99, "九十九")])
def test_chinese_ordinals_above_ten(n, words):
    assert report.cn_number(n) == words


def test_result_to_dict_names_the_organ_and_year(tmp_path):
    book = tmp_path / "年报.xlsx"
    shutil.copy(EXAMPLE_XLSX, book)
    d = export.export(book, kinds=["md"]).to_dict()
    assert (d["organ"], d["year"], d["exported"], d["draft"]) == ("中卫市口岸和投资促进办公室", 2022, True, False)
    assert d["written"][0]["kind"] == "md" and d["summary"]["passed"]


def test_size_words_scale():
    assert printer._size(102400) == "100.0 KB" and printer._size(1536) == "1.5 KB"


def test_no_generated_sentences_leaves_them_out(tmp_path, capsys):
    from addin.cli import main

    book = tmp_path / "年报.xlsx"
    shutil.copy(EXAMPLE_XLSX, book)
    assert main(["export", str(book), "--to", "md"]) == 0
    with_sentences = (tmp_path / "年报.md").read_text(encoding="utf-8")
    assert main(["export", str(book), "--to", "md", "--force", "--no-generated-sentences"]) == 0
    without = (tmp_path / "年报.md").read_text(encoding="utf-8")
    assert len(without) < len(with_sentences)


def test_parse_kinds_skips_empty_items():
    assert export.parse_kinds("docx, ,html,") == ["docx", "html"]
