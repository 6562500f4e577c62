"""Is this file an .xlsx we can parse safely? Checked on the bytes and the zip directory, before any XML.

Limits that keep a hostile file cheap (stated in README): a workbook of this format is a few hundred KB.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

from addin.messages import refuse

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ENTRIES = 2000
MAX_UNCOMPRESSED = 300 * 1024 * 1024
MAX_RATIO = 200           # per entry, for entries above 1 MB uncompressed
PROLOG_MAX = 64 * 1024    # bytes of a part read to find where its root element starts
PROLOG_FIRST = 4096       # read first; a real part's root element starts within a few hundred bytes
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def check(path: Path, keep_open: bool = False) -> zipfile.ZipFile | None:
    """Raise a UserError (exit 2) saying what the file is and what to do, unless it is a sane .xlsx zip.
    `keep_open`: return the checked zip, open, for the reader (a batch then reads each directory once)."""
    if not path.exists():
        raise refuse("input.missing", path=path)
    if not path.is_file():
        raise refuse("input.not_file", path=path)
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(len(_OLE))              # the rest only for an OLE file (where an encrypted one says so)
            if head.startswith(_OLE):
                head += fh.read(min(size, 1 << 20))
    except OSError as e:
        raise refuse("input.unreadable", path=path, reason=e.strerror)
    if size == 0:
        raise refuse("input.empty", path=path)
    if size > MAX_FILE_BYTES:
        raise refuse("input.too_large", path=path, size=size // 1048576, limit=MAX_FILE_BYTES // 1048576)
    if head.startswith(_OLE):
        if _ENCRYPTED in head or _ENCRYPTED in path.read_bytes():  # the stream names sit in the directory sectors
            raise refuse("input.encrypted", path=path)
        raise refuse("input.xls", path=path)
    if not head.startswith(b"PK"):
        raise refuse("input.not_xlsx", path=path)
    damaged = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, KeyError)
    try:
        z = zipfile.ZipFile(path)
    except damaged:
        raise refuse("input.corrupt", path=path)
    try:
        infos = z.infolist()
        _check_sizes(path, infos)
        _check_parts(path, z, {i.filename for i in infos})
    except damaged:
        z.close()
        raise refuse("input.corrupt", path=path)
    except BaseException:
        z.close()
        raise
    if keep_open:
        return z
    z.close()
    return None


def _check_sizes(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_ENTRIES:
        raise refuse("input.too_many_parts", path=path, count=len(infos), limit=MAX_ENTRIES)
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED or any(
        i.file_size > 1048576 and i.file_size > MAX_RATIO * max(i.compress_size, 1) for i in infos
    ):
        raise refuse("input.zip_bomb", path=path, size=total // 1048576)


def _check_parts(path: Path, z: zipfile.ZipFile, names: set[str]) -> None:
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise refuse("input.docx", path=path)
        if "mimetype" in names and z.read("mimetype").startswith(b"application/vnd.oasis.opendocument"):
            raise refuse("input.ods", path=path)
        raise refuse("input.not_workbook", path=path)
    for name in names:
        # OOXML never declares a DTD: a DOCTYPE (entity expansion, external entities) means a crafted file.
        if name.endswith((".xml", ".rels", ".vml")) and _part_declares_dtd(z, name):
            raise refuse("input.unsafe_xml", path=path, part=name)
    head = z.open("xl/workbook.xml").read(4000)
    if b"purl.oclc.org/ooxml" in head:
        raise refuse("input.strict", path=path)


def _part_declares_dtd(z: zipfile.ZipFile, name: str) -> bool:
    """_prolog_declares_dtd on the part's head: the first PROLOG_FIRST bytes, all PROLOG_MAX only when the
    prolog goes on past them (a batch decompresses a few KB of each part, not 64 KB)."""
    with z.open(name) as fh:
        head = fh.read(PROLOG_FIRST)
        if len(head) == PROLOG_FIRST and not _prolog_ended(head):
            head += fh.read(PROLOG_MAX - PROLOG_FIRST)
    return _prolog_declares_dtd(head)


def _prolog_ended(head: bytes) -> bool:
    """Whether the first markup after the prolog lies wholly inside `head` (enough of it to tell <!-- from
    <!DOCTYPE): more bytes cannot change the verdict."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    i = _prolog_end(head)
    return i >= 0 and i + len(b"<!DOCTYPE") <= len(head)


def _prolog_end(head: bytes) -> int:
    """Where the prolog (declaration, processing instructions, comments, whitespace) ends: the index of the
    first other byte, len(head) if it runs to the end, −1 inside an unfinished instruction or comment."""
    i = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    while True:
        while i < len(head) and head[i] in b" \t\r\n":
            i += 1
        for start, end in ((b"<?", b"?>"), (b"<!--", b"-->")):
            if head.startswith(start, i):
                j = head.find(end, i + len(start))
                if j < 0:
                    return -1
                i = j + len(end)
                break
        else:
            return i


def _prolog_declares_dtd(head: bytes) -> bool:
    """Whether the part's prolog (what stands before the root element) holds a <!DOCTYPE …>.

    Walks the XML declaration, processing instructions, comments and whitespace; a prolog that does not end
    within PROLOG_MAX bytes is treated as hostile too (no real workbook part has one)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    i = _prolog_end(head)
    return i < 0 or head.startswith(b"<!", i) or i >= len(head) == PROLOG_MAX
