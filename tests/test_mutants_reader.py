"""Tests that kill reader.py's mutants (issue 14): F6 whatever the case of the sheet name, the year as
staff type it ("2022年", 2022.0), numbers read from real workbooks."""
from __future__ import annotations

import openpyxl
import pytest

from addin.checks import validator
from addin.format import layout
from addin.io import reader

from .helpers import EXAMPLE_XLSX


def edited(tmp_path, change, name="年报.xlsx"):
    wb = openpyxl.load_workbook(EXAMPLE_XLSX)
    change(wb)
    path = tmp_path / name
    wb.save(path)
    return path


def put(element, value):
    def change(wb):
        s, r, c = layout.load().pos[element]
        wb[s].cell(r, c).value = value
    return change


@pytest.mark.parametrize("title", ["xlwings.conf", "XLWINGS.CONF", "Xlwings.Conf"])
def test_F6_an_xlwings_conf_sheet_in_any_case(tmp_path, title):
    path = edited(tmp_path, lambda wb: wb.create_sheet(title).append(["INTERPRETER_WIN", r"C:\x.exe"]))
    r = reader.read(path)
    f6 = [x for x in r.findings if x.rule == "F6"]
    assert len(f6) == 1 and f6[0].severity == "错误" and f6[0].addresses == [f"{title}!A1"]
    assert f6[0].target == title and title in f6[0].message


def test_no_F6_for_a_sheet_that_only_contains_the_name(tmp_path):
    path = edited(tmp_path, lambda wb: wb.create_sheet("xlwings.conf备份"))
    assert [x for x in reader.read(path).findings if x.rule == "F6"] == []


@pytest.mark.parametrize("typed, read", [("2022年", 2022), (" 2022 年 ", 2022), ("２０２２年", 2022), (2022.0, 2022),
                                         ("2022", 2022), (2022, 2022)])
def test_the_year_as_staff_type_it(tmp_path, typed, read):
    r = reader.read(edited(tmp_path, put("organ.year", typed)))
    assert r.document["organ"]["year"] == read and type(r.document["organ"]["year"]) is int
    assert [x.rule for x in validator.validate(r.document, r.locate, extra=r.findings) if x.rule == "S2"] == []


@pytest.mark.parametrize("typed", ["二〇二二年", "2022.5", 2022.5, "去年"])
def test_a_year_that_is_not_a_year_is_reported(tmp_path, typed):
    r = reader.read(edited(tmp_path, put("organ.year", typed)))
    found = [x for x in validator.validate(r.document, r.locate, extra=r.findings) if x.rule == "S2"]
    assert [x.cells for x in found] == [["organ.year"]]


def test_a_blank_year_is_none(tmp_path):
    r = reader.read(edited(tmp_path, put("organ.year", None)))
    assert r.document["organ"]["year"] is None


@pytest.mark.parametrize("typed, read", [(3.0, 3), (7, 7), ("  ", None)])
def test_whole_floats_become_integers(tmp_path, typed, read):
    r = reader.read(edited(tmp_path, put("t3.R01.C1", typed)))
    v = r.document["cells"].get("t3.R01.C1")
    assert v == read and (read is None or type(v) is int)


def test_organ_text_is_stripped_and_numbers_kept_as_text(tmp_path):
    def change(wb):
        put("organ.name", "  某县发展和改革局 ")(wb)
        put("organ.phone", 9512345678.0)(wb)
    r = reader.read(edited(tmp_path, change))
    assert r.document["organ"]["name"] == "某县发展和改革局" and r.document["organ"]["phone"] == "9512345678"


def test_a_label_in_column_A_altered_is_F2(tmp_path):
    def change(wb):
        wb["表三"].cell(7, 1).value = "一、本年收到申请数量"
    r = reader.read(edited(tmp_path, change))
    f2 = [x for x in r.findings if x.rule == "F2"]
    assert [x.addresses for x in f2] == [["表三!A7"]] and f2[0].values["official"] == "一、本年新收政府信息公开申请数量"


def test_defusedxml_still_holds_behind_the_container_check(tmp_path, monkeypatch):
    """Defence in depth: were the prolog check ever wrong, defusedxml's refusal still gets our message.
    (openpyxl parses worksheets through defusedxml; with lxml installed, the other parts go through lxml
    with resolve_entities=False, which does not refuse but never expands: the container check covers both.)"""
    import zipfile

    from addin.errors import UserError
    from addin.io import container

    path = tmp_path / "年报.xlsx"
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
    with zipfile.ZipFile(EXAMPLE_XLSX) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            dst.writestr(info.filename, bomb + data if info.filename == "xl/worksheets/sheet1.xml" else data)
    monkeypatch.setattr(container, "check", lambda p: None)
    with pytest.raises(UserError) as e:
        reader.open_workbook(path)
    assert e.value.code == "input.unsafe_xml" and str(path) in e.value.message


def test_a_missing_sheet_is_one_F3_naming_its_own_cells(tmp_path):
    def change(wb):
        del wb["表四"]
    r = reader.read(edited(tmp_path, change))
    f3 = [x for x in r.findings if x.rule == "F3"]
    assert [(x.target, x.addresses) for x in f3] == [("F3:t4", ["表四"])]
    assert len(f3[0].cells) == 15 and all(c.startswith("t4.") for c in f3[0].cells)
    assert "找不到 15 个数据格" in f3[0].message and f3[0].message.count("、") == 4 and "等" in f3[0].message


def test_a_template_of_another_format_version_is_refused(tmp_path):
    from addin.errors import UserError

    def change(wb):
        wb.defined_names[layout.VERSION_NAME].attr_text = '"2030"'
    with pytest.raises(UserError) as e:
        reader.read(edited(tmp_path, change))
    assert e.value.code == "input.version" and "2030 版" in e.value.message

    def same(wb):
        wb.defined_names[layout.VERSION_NAME].attr_text = '"2021"'
    assert reader.read(edited(tmp_path, same, "同版.xlsx")).document["format"] == "2021"
