"""A workbook re-saved by LibreOffice (as staff on LibreOffice or WPS would) still reads to the same document."""
from __future__ import annotations

import pytest

from addin.checks import validator
from addin.io import reader, template

from . import lo
from .helpers import EXAMPLE_XLSX, balanced_doc

pytestmark = pytest.mark.libreoffice   # opens our files in LibreOffice (tests/lo.py)


def test_resaved_by_libreoffice_reads_to_the_same_document(tmp_path, example_doc):
    doc = balanced_doc(example_doc)
    src = tmp_path / "src"
    src.mkdir()
    filled = src / "balanced.xlsx"
    template.write(filled, doc=doc)
    example = src / "example.xlsx"
    example.write_bytes(EXAMPLE_XLSX.read_bytes())
    resaved = lo.convert([filled, example], "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo")
    r = reader.read(resaved[0])
    assert r.located_by == "names"
    assert r.document == doc
    findings = validator.validate(r.document, r.locate, extra=r.findings)
    assert [f.rule for f in findings] == ["N2"] and not findings[0].blocking
    assert reader.read(resaved[1]).document == reader.read(EXAMPLE_XLSX).document
