"""Tests that kill container.py's mutants (issue 14): the prolog walk and its 64 KB limit, the size limits."""
from __future__ import annotations

import zipfile

import pytest

from addin.errors import UserError
from addin.io import container

from .helpers import EXAMPLE_XLSX

P = container.PROLOG_MAX


@pytest.mark.parametrize("head", [
    b'<?xml version="1.0"?>\n<worksheet/>', b"\xef\xbb\xbf<?xml version='1.0'?><a/>", b"<!-- c --> <?pi x?>\r\n<a/>",
    b" " * 100, b"", b"<a/>" + b" " * P, '<?xml version="1.0" encoding="UTF-16"?><a/>'.encode("utf-16"),
])
def test_a_plain_prolog_is_safe(head):
    assert container._prolog_declares_dtd(head[:P]) is False


@pytest.mark.parametrize("head", [
    b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><a/>', b"<!-- c --><!DOCTYPE a><a/>",
    b"\xef\xbb\xbf <!DOCTYPE a><a/>", b"<?xml version='1.0'", b"<!-- never closed " + b"x" * 100,
    '<!DOCTYPE a><a/>'.encode("utf-16"),
])
def test_a_dtd_or_an_unterminated_declaration_is_unsafe(head):
    assert container._prolog_declares_dtd(head) is True


def test_a_prolog_longer_than_the_limit_is_unsafe():
    assert container._prolog_declares_dtd((b" " * (P + 10))[:P]) is True               # whitespace to the end
    assert container._prolog_declares_dtd((b"<!--" + b"x" * P)[:P]) is True
    assert container._prolog_declares_dtd(b" " * (P - 1)) is False                     # the part ends here


def _rezip(tmp_path, name, transform):
    out = tmp_path / "年报.xlsx"
    with zipfile.ZipFile(EXAMPLE_XLSX) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            dst.writestr(info.filename, transform(data) if info.filename == name else data)
    return out


def test_a_real_workbook_with_a_prolog_past_64_KB_is_refused(tmp_path):
    path = _rezip(tmp_path, "xl/styles.xml", lambda d: b"\n" * (P + 1000) + d)
    with pytest.raises(UserError) as e:
        container.check(path)
    assert e.value.code == "input.unsafe_xml" and "xl/styles.xml" in e.value.message and e.value.exit_code == 2


def test_a_real_workbook_with_a_short_padded_prolog_is_accepted(tmp_path):
    container.check(_rezip(tmp_path, "xl/styles.xml", lambda d: b"\n" * 1000 + d))
    container.check(EXAMPLE_XLSX)


def test_limits_are_exact(tmp_path, monkeypatch):
    path = tmp_path / "年报.xlsx"
    path.write_bytes(EXAMPLE_XLSX.read_bytes())
    size = path.stat().st_size
    monkeypatch.setattr(container, "MAX_FILE_BYTES", size)
    container.check(path)                                        # exactly at the limit: fine
    monkeypatch.setattr(container, "MAX_FILE_BYTES", size - 1)
    with pytest.raises(UserError) as e:
        container.check(path)
    assert e.value.code == "input.too_large"
    monkeypatch.setattr(container, "MAX_FILE_BYTES", 50 * 1024 * 1024)
    n = len(zipfile.ZipFile(path).infolist())
    monkeypatch.setattr(container, "MAX_ENTRIES", n)
    container.check(path)
    monkeypatch.setattr(container, "MAX_ENTRIES", n - 1)
    with pytest.raises(UserError) as e:
        container.check(path)
    assert e.value.code == "input.too_many_parts" and f"含 {n} 个部件" in e.value.message


def test_a_highly_compressed_entry_above_1_MB_is_a_bomb(tmp_path):
    ok, bomb = tmp_path / "ok.xlsx", tmp_path / "bomb.xlsx"
    for path, size in ((ok, 1048576), (bomb, 1048577)):     # 1 MB of zeros compresses > 200:1
        with zipfile.ZipFile(EXAMPLE_XLSX) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                dst.writestr(info.filename, src.read(info.filename))
            dst.writestr("xl/media/pad.bin", b"\0" * size)
    container.check(ok)
    with pytest.raises(UserError) as e:
        container.check(bomb)
    assert e.value.code == "input.zip_bomb"


def test_a_byte_order_mark_right_before_a_doctype():
    assert container._prolog_declares_dtd(b"\xef\xbb\xbf<!DOCTYPE a><a/>") is True
    assert container._prolog_declares_dtd(b"\xef\xbb\xbf<a/>") is False


def _zip(tmp_path, parts: dict[str, bytes]):
    path = tmp_path / "年报.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


@pytest.mark.parametrize("parts, code", [
    ({"a.txt": b"x"}, "input.not_workbook"),
    ({"word/document.xml": b"<w/>"}, "input.docx"),
    ({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<a/>"}, "input.ods"),
    ({"mimetype": b"application/epub+zip"}, "input.not_workbook"),
    ({"xl/workbook.xml": b'<workbook xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main"/>'}, "input.strict"),
])
def test_what_kind_of_zip_it_is(tmp_path, parts, code):
    with pytest.raises(UserError) as e:
        container.check(_zip(tmp_path, parts))
    assert e.value.code == code


def test_the_size_message_says_megabytes(tmp_path, monkeypatch):
    path = tmp_path / "大.xlsx"
    path.write_bytes(b"PK" + b"\0" * (4 * 1048576 - 2))
    monkeypatch.setattr(container, "MAX_FILE_BYTES", 3 * 1048576)
    with pytest.raises(UserError) as e:
        container.check(path)
    assert "过大（4 MB，上限 3 MB）" in e.value.message


def test_an_empty_file_and_a_missing_one(tmp_path):
    empty = tmp_path / "空.xlsx"
    empty.write_bytes(b"")
    for path, code in ((empty, "input.empty"), (tmp_path / "无.xlsx", "input.missing"), (tmp_path, "input.not_file")):
        with pytest.raises(UserError) as e:
            container.check(path)
        assert e.value.code == code and e.value.exit_code == 2


F = container.PROLOG_FIRST


@pytest.mark.parametrize("prolog, unsafe", [
    (b"<!--" + b"x" * (F - 8) + b"-->", False),            # the comment ends where the first read ends
    (b"<!--" + b"x" * (F - 8) + b"-->" + b"<!DOCTYPE a>", True),
    (b" " * (F - 3) + b"<!DOCTYPE a>", True),               # '<!D' within the first read, the rest after it
    (b" " * (F - 1) + b"<!-- c --><!DOCTYPE a>", True),
    (b"<?pi " + b"x" * (2 * F) + b"?><!DOCTYPE a>", True),   # an instruction longer than the first read
    (b"<?pi " + b"x" * (2 * F) + b"?>", False),
    (b" " * (P + 10), True),                                # past the limit: hostile, as before
])
def test_a_part_read_in_two_steps_gets_the_verdict_of_the_whole_prolog(tmp_path, prolog, unsafe):
    with zipfile.ZipFile(tmp_path / "p.zip", "w") as z:
        z.writestr("a.xml", prolog + b"<a/>" + b" " * F)
    with zipfile.ZipFile(tmp_path / "p.zip") as z:
        assert container._part_declares_dtd(z, "a.xml") is unsafe
        assert container._prolog_declares_dtd(z.read("a.xml")[:P]) is unsafe     # the one-step verdict agrees
