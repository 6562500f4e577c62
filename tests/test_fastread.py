"""The streaming reader (addin.io.fastxlsx) yields exactly what openpyxl, the reference reader, yields:
the same document, addresses and findings — on the bundled example, on every input of the bad-input corpus
and on generated workbooks — or it hands the file to openpyxl (Unsupported) / both refuse with one message id."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from addin.checks import validator
from addin.errors import UserError
from addin.io import fastxlsx, reader, template

from .badcorpus import CASES
from .helpers import EXAMPLE_XLSX, ROOT
from .test_roundtrip import documents


def outcome(path: Path, fast: bool):
    try:
        r = reader.read(path, fast=fast)
    except UserError as e:
        return ("refused", e.code)
    found = [x.to_dict() for x in r.findings]
    checked = [x.to_dict() for x in validator.validate(r.document, r.locate, extra=list(r.findings))]
    return r.document, r.addresses, r.located_by, found, checked


def same(path: Path) -> None:
    assert outcome(path, fast=True) == outcome(path, fast=False)


def test_example_same_document_and_findings():
    same(EXAMPLE_XLSX)


def test_example_read_does_not_import_openpyxl():
    assert _imported_after("from addin.io import reader; from addin.checks import validator; "
                           f"r = reader.read({str(EXAMPLE_XLSX)!r}); validator.validate(r.document, r.locate)",
                           "openpyxl") is False


def _imported_after(code: str, module: str) -> bool:
    """Whether a fresh interpreter running `code` has imported `module`."""
    out = subprocess.run([sys.executable, "-c", f"import sys; {code}; print({module!r} in sys.modules)"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() in ("True", "False"), out.stderr[-2000:]
    return out.stdout.strip() == "True"


# the workbooks of the corpus whose command reads a workbook; fullwidth/underscore numbers differ on purpose
_DIFFERENT_ON_PURPOSE = {"number-not-ascii"}
_WORKBOOK_CASES = [c for c in CASES if c.id not in _DIFFERENT_ON_PURPOSE]


@pytest.mark.parametrize("case", _WORKBOOK_CASES, ids=[c.id for c in _WORKBOOK_CASES])
def test_corpus_input_same_through_both_readers(case, tmp_path):
    args = case.build(tmp_path)
    paths = [Path(a) for a in args[1:2] if a.endswith((".xlsx", ".xlsm")) and Path(a).is_file()]
    if not paths:
        pytest.skip("this case reads no workbook file")
    same(paths[0])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                 HealthCheck.function_scoped_fixture])
@given(doc=documents())
def test_generated_workbooks_same_through_both_readers(tmp_path_factory, doc):
    path = tmp_path_factory.mktemp("fast") / "doc.xlsx"
    template.write(path, doc=doc)
    same(path)


def test_unsupported_falls_back_to_openpyxl(tmp_path, monkeypatch):
    def refuse(self, ws):
        raise fastxlsx.Unsupported("test")
    monkeypatch.setattr(fastxlsx.Book, "_parse_sheet", refuse)
    assert reader.read(EXAMPLE_XLSX).document == reader.read(EXAMPLE_XLSX, fast=False).document


def test_libreoffice_saved_workbook_with_shared_strings_and_formulas(tmp_path):
    """LibreOffice writes a shared-string table, cached formula results and its own styles: same outcome."""
    from . import lo

    (out,) = lo.convert([EXAMPLE_XLSX], "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo")
    import zipfile
    assert "xl/sharedStrings.xml" in zipfile.ZipFile(out).namelist()
    same(out)
    book = fastxlsx.Book(out)
    try:
        reader.read_workbook(book, out)     # read by the fast path itself, not by a fallback
    finally:
        book.close()


def test_shared_strings_by_counting_equal_the_expat_walk():
    import io
    import zipfile

    strings = ["a", "", "<&>", "x_x005F_y", "rich"] * 3000
    body = "".join(f"<si><t>{s.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')}</t></si>"
                   if s != "rich" else '<si><r><t xml:space="preserve">ri</t></r><r><t>ch</t></r>'
                                       "<rPh sb=\"0\" eb=\"1\"><t>ルビ</t></rPh></si>" for s in strings)
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as z:
        z.writestr("s.xml", '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                   + body.replace("<si><t></t></si>", "<si/>", 1) + "</sst>")
    wanted = {0, 1, 2, 3, 4, 9999, 14999}
    got = fastxlsx._sst_by_counting(zipfile.ZipFile(raw), "s.xml", wanted)
    assert got == {i: strings[i].replace("x005F_", "") for i in wanted}


# --- the structural pass that spares the jsonschema import --------------------------------------------

from hypothesis import strategies as st  # noqa: E402

from addin.format import docschema  # noqa: E402

_ODD = st.one_of(st.none(), st.booleans(), st.integers(-10, 10**7), st.floats(allow_nan=True),
                 st.text(max_size=5), st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3),
                                                                                         st.integers(), max_size=2))


def _break_one_part(doc: dict, data) -> None:
    """A value somewhere in the document swapped for an odd one (or the format, or an extra key)."""
    section = data.draw(st.sampled_from(["organ", "cells", "texts", "explanations", "format", "extra"]))
    odd = data.draw(_ODD)
    if section in ("format", "extra"):
        doc[section] = odd
    elif section == "explanations":
        doc["explanations"] = doc["explanations"] + [odd]
    elif doc[section]:
        doc[section][data.draw(st.sampled_from(sorted(doc[section])))] = odd


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(doc=documents(), data=st.data())
def test_conforms_never_hides_a_schema_error(doc, data):
    """conforms() says True only where jsonschema finds nothing; broken documents (a value swapped for an
    odd one anywhere) are not let through."""
    assert docschema.conforms(doc) == (list(docschema.validator().iter_errors(doc)) == [])
    _break_one_part(doc, data)
    errors = list(docschema.validator().iter_errors(doc))
    assert docschema.conforms(doc) == (errors == []), errors[:1]


def _errors(errors) -> list[tuple]:
    return sorted((list(map(str, e.absolute_path)), e.validator, str(e.validator_value), repr(e.instance))
                  for e in errors)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(doc=documents(), data=st.data())
def test_problems_are_jsonschema_s_own_errors(doc, data):
    """docschema.problems asks jsonschema only about the parts the structural pass cannot vouch for: the errors
    (path, keyword, value) are exactly those of the whole document, one part broken or several."""
    for _ in range(data.draw(st.integers(1, 3))):
        _break_one_part(doc, data)
    assert _errors(docschema.problems(doc)) == _errors(docschema.validator().iter_errors(doc))


def test_problems_of_a_long_text_skip_the_sound_cells(example_doc):
    """The case it is for: one narrative over its limit; the trimmed schema leaves the cells out, and the one
    error is the full validation's."""
    doc = dict(example_doc, texts=dict(example_doc["texts"], overview="字" * 100_000))
    assert _errors(docschema.problems(doc)) == _errors(docschema.validator().iter_errors(doc))
    assert len(_errors(docschema.problems(doc))) == 1
    assert docschema._validator_without.cache_info().currsize >= 1


def test_validate_of_a_good_document_does_not_import_jsonschema():
    assert _imported_after("import json; from addin.checks import validator; validator.validate(json.load(open("
                           f"{str(EXAMPLE_XLSX.with_suffix('.json'))!r}, encoding='utf-8')))", "jsonschema") is False
