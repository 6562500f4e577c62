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
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def check(path: Path) -> None:
    """Raise a UserError (exit 2) saying what the file is and what to do, unless it is a sane .xlsx zip."""
    if not path.exists():
        raise refuse("input.missing", path=path)
    if not path.is_file():
        raise refuse("input.not_file", path=path)
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(min(size, 1 << 20))
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
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            _check_sizes(path, infos)
            names = {i.filename for i in infos}
            _check_parts(path, z, names)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, KeyError):
        raise refuse("input.corrupt", path=path)


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
        if name.endswith((".xml", ".rels", ".vml")) and _prolog_declares_dtd(z.open(name).read(PROLOG_MAX)):
            raise refuse("input.unsafe_xml", path=path, part=name)
    head = z.open("xl/workbook.xml").read(4000)
    if b"purl.oclc.org/ooxml" in head:
        raise refuse("input.strict", path=path)


def _prolog_declares_dtd(head: bytes) -> bool:
    """Whether the part's prolog (what stands before the root element) holds a <!DOCTYPE …>.

    Walks the XML declaration, processing instructions, comments and whitespace; a prolog that does not end
    within PROLOG_MAX bytes is treated as hostile too (no real workbook part has one)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    i = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    while True:
        while i < len(head) and head[i] in b" \t\r\n":
            i += 1
        for start, end in ((b"<?", b"?>"), (b"<!--", b"-->")):
            if head.startswith(start, i):
                j = head.find(end, i + len(start))
                if j < 0:
                    return True
                i = j + len(end)
                break
        else:
            return head.startswith(b"<!", i) or i >= len(head) == PROLOG_MAX
