"""Is this file an .xlsx we can parse safely? Checked on the bytes and the zip directory, before any XML.

Limits that keep a hostile file cheap (stated in README): a workbook of this format is a few hundred KB.
"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections import OrderedDict
from pathlib import Path

from addin.messages import refuse

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ENTRIES = 2000
MAX_UNCOMPRESSED = 300 * 1024 * 1024
MAX_RATIO = 200           # per entry, for entries above 1 MB uncompressed
PROLOG_MAX = 64 * 1024    # bytes of a part read to find where its root element starts
PROLOG_FIRST = 4096       # read first; a real part's root element starts within a few hundred bytes
WHOLE_MAX = 1 << 20       # parts up to this size are inflated whole, once, when first read (fastxlsx reads them whole)
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
            elif size <= MAX_FILE_BYTES:
                data = head + fh.read()            # a zip is read once, whole: its parts are cut from memory
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
        z = Unzipped(data)
    except damaged:
        raise refuse("input.corrupt", path=path)
    try:
        infos = z.infolist()
        _check_sizes(path, infos)
        _check_parts(path, z, {i.filename for i in infos})
    except BaseException as e:
        z.close()
        if isinstance(e, damaged) or damaged_part(e):
            raise refuse("input.corrupt", path=path)
        raise
    if keep_open:
        return z
    z.close()
    return None


def damaged_part(e: BaseException) -> bool:
    """What zipfile and zlib raise on a damaged member, where it is read: a deflate stream that does not inflate
    (zlib.error), one that ends early, a compression method or an encryption zipfile cannot read. The check
    reads the parts' first bytes only; the reader meets damage further on when it reads a part whole."""
    return (isinstance(e, (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError))
            or (isinstance(e, RuntimeError) and "encrypted" in str(e)))


def unzipped(path: Path) -> zipfile.ZipFile:
    """The zip of a workbook opened without the check (its check came before, or its reader refuses by itself):
    read into memory like a checked one where it is of a workbook's size, else left to zipfile on the file."""
    path = Path(path)
    if path.stat().st_size > MAX_FILE_BYTES:
        return zipfile.ZipFile(path)
    return Unzipped(path.read_bytes())


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
    if b"purl.oclc.org/ooxml" in _head(z, "xl/workbook.xml", 4000):
        raise refuse("input.strict", path=path)


def _part_declares_dtd(z: zipfile.ZipFile, name: str) -> bool:
    """_prolog_declares_dtd on the part's head: the first PROLOG_FIRST bytes, all PROLOG_MAX only when the
    prolog goes on past them (a batch decompresses a few KB of each part, not 64 KB)."""
    head = _head(z, name, PROLOG_FIRST)
    if len(head) == PROLOG_FIRST and not _prolog_ended(head):
        whole = z.whole(name) if isinstance(z, Unzipped) else None
        if whole is not None:
            head = whole[:PROLOG_MAX]
        else:       # no real part gets here: zipfile's own two reads, as they always were
            with zipfile.ZipFile.open(z, name) as fh:
                head = fh.read(PROLOG_FIRST) + fh.read(PROLOG_MAX - PROLOG_FIRST)
    return _prolog_declares_dtd(head)


def _head(z: zipfile.ZipFile, name: str, n: int) -> bytes:
    """A part's first n bytes (n ≤ PROLOG_FIRST): what zipfile's open(name).read(n) gives, raising as it would."""
    got = z.head(name) if isinstance(z, Unzipped) else None
    if got is None:
        with zipfile.ZipFile.open(z, name) as fh:
            return fh.read(n)
    return got[:n]


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


_LOCAL_HEADER = struct.Struct(zipfile.structFileHeader)     # the 30 bytes before a member's name
_ASKS = 0x1 | 0x20 | 0x40    # encrypted, patched, strongly encrypted: zipfile asks for a password or refuses
_UTF8_NAME = 0x800
_CHUNK = 4096                # zipfile.ZipExtFile.MIN_READ_SIZE: what its first read takes from the member


# Parts inflated before, by their member's bytes: the units of a batch share their template's parts (theme,
# styles, the instruction sheets), and the same deflated bytes with the same declared size and CRC always
# inflate to the same checked part. Least recently used first out, bounded in bytes (an entry's overhead
# counted, so that many tiny parts cannot grow it either).
_KNOWN: OrderedDict[tuple[int, int, int], tuple[bytes, bytes]] = OrderedDict()
_KNOWN_MAX = 16 << 20
_KNOWN_ENTRY = 200
_known_size = [0]


def forget() -> None:
    """Empty the parts kept across a batch (reader.forget: measuring a template's first unit)."""
    _KNOWN.clear()
    _known_size[0] = 0


def _known(info: zipfile.ZipInfo, raw: bytes) -> bytes | None:
    key = (info.CRC, info.file_size, info.compress_type)
    hit = _KNOWN.get(key)
    if hit is None or hit[0] != raw:
        return None
    _KNOWN.move_to_end(key)
    return hit[1]


def _remember(info: zipfile.ZipInfo, raw: bytes, got: bytes) -> None:
    key = (info.CRC, info.file_size, info.compress_type)
    old = _KNOWN.pop(key, None)
    if old is not None:
        _known_size[0] -= _entry_size(*old)
    _KNOWN[key] = (raw, got)
    _known_size[0] += _entry_size(raw, got)
    while _known_size[0] > _KNOWN_MAX:
        _known_size[0] -= _entry_size(*_KNOWN.popitem(last=False)[1])


def _entry_size(raw: bytes, got: bytes) -> int:
    return len(raw) + (len(got) if got is not raw else 0) + _KNOWN_ENTRY


class Unzipped(zipfile.ZipFile):
    """A zip read from bytes in memory, whose parts are inflated at most once each, straight from the member's
    data: the container check inflates a part's head and the reader, asking for the whole, goes on from there
    (zipfile runs its local-header parsing, ZipExtFile and CRC machinery ~30 times a unit otherwise).

    Only on the plain path: a part whose bytes zipfile would give without a word (the local header as the
    directory says, not encrypted, stored or deflated, the stream whole, its size and CRC those declared).
    Anything else — damage included — is read by zipfile itself, so every error is zipfile's, word for word.
    """

    def __init__(self, data: bytes):
        self._data = data
        self._whole: dict[str, bytes] = {}
        self._begun: dict[str, tuple[bytes, object]] = {}   # a part's head and the inflater that gave it
        super().__init__(io.BytesIO(data))

    def close(self) -> None:
        self._whole.clear()
        self._begun.clear()
        super().close()

    def open(self, name, mode="r", pwd=None, *, force_zip64=False):
        got = self.whole(name) if mode == "r" and pwd is None and isinstance(name, str) else None
        if got is None:
            return super().open(name, mode, pwd, force_zip64=force_zip64)
        return io.BytesIO(got)

    def read(self, name, pwd=None) -> bytes:
        got = self.whole(name) if pwd is None and isinstance(name, str) else None
        return super().read(name, pwd) if got is None else got

    def whole(self, name: str) -> bytes | None:
        """The part's bytes, checked as zipfile's full read checks them; None: zipfile must read it."""
        got = self._whole.get(name)
        if got is not None or self.fp is None:
            return got
        info = self.getinfo(name)
        span = self._span(info) if info.file_size <= WHOLE_MAX else None
        if span is None:
            return None
        raw = self._data[span[0]:span[1]]
        got = _known(info, raw)
        if got is None:
            got = self._inflated(name, info, raw)
            if got is None:
                return None
            _remember(info, raw, got)
        self._whole[name] = got
        return got

    def _inflated(self, name: str, info: zipfile.ZipInfo, raw: bytes) -> bytes | None:
        """zipfile's full read on the plain path: all the input inflated (on from the head, where one was read:
        no stream end needed, nor is it there), then its size and CRC as declared."""
        if info.compress_type == zipfile.ZIP_STORED:
            got = raw
        else:
            got, d = self._begun.pop(name, (b"", None))
            rest = raw if d is None else d.unconsumed_tail
            try:
                got += (d or zlib.decompressobj(-15)).decompress(rest)
            except zlib.error:
                return None
        return got if len(got) == info.file_size and zlib.crc32(got) == info.CRC else None

    def head(self, name: str) -> bytes | None:
        """The part's first _CHUNK bytes (all of a shorter one) as zipfile's open(name).read(_CHUNK) gives them
        without a word; None: zipfile must read it (and say what it says)."""
        got = self._whole.get(name)
        if got is not None or self.fp is None:
            return got if got is None else got[:_CHUNK]
        info = self.getinfo(name)
        if info.file_size <= _CHUNK:
            return self.whole(name)       # zipfile's first read reaches the end and checks the CRC
        span = self._span(info)
        if span is None:
            return None
        raw = self._data[span[0]:span[1]]
        if info.file_size <= WHOLE_MAX and (got := _known(info, raw)) is not None:
            self._whole[name] = got       # the same member met whole before: its head is zipfile's too
            return got[:_CHUNK]
        if info.compress_type == zipfile.ZIP_STORED:
            return raw[:_CHUNK]
        # zipfile's first read inflates at most _CHUNK bytes out of the member's first _CHUNK: the same bytes
        # here when they needed no more input, and zipfile is not at the end (no CRC to check) when input is
        # left over (the _CHUNK bytes filled before the stream ended)
        d = zlib.decompressobj(-15)
        try:
            got = d.decompress(raw, _CHUNK)
        except zlib.error:
            return None
        if not d.unconsumed_tail or len(raw) - len(d.unconsumed_tail) > _CHUNK:
            return None
        self._begun[name] = (got, d)
        return got

    def _span(self, info: zipfile.ZipInfo) -> tuple[int, int] | None:
        """Where a part's compressed bytes lie, if zipfile's open() would pass its local header without a word
        and find them all there; None for anything else (zipfile then says what it says)."""
        if info.flag_bits & _ASKS or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            return None
        at = info.header_offset
        if at < 0:
            return None
        fields = self._data[at: at + _LOCAL_HEADER.size]
        if len(fields) != _LOCAL_HEADER.size:
            return None
        sig, _, _, flags, _, _, _, _, _, _, name_len, extra_len = _LOCAL_HEADER.unpack(fields)
        start = at + _LOCAL_HEADER.size
        name = self._data[start: start + name_len]
        encoding = "utf-8" if flags & _UTF8_NAME else (getattr(self, "metadata_encoding", None) or "cp437")
        try:
            if sig != zipfile.stringFileHeader or name.decode(encoding) != info.orig_filename:
                return None
        except UnicodeDecodeError:
            return None
        start += name_len + extra_len
        end = start + info.compress_size
        limit = getattr(info, "_end_offset", None)      # Python 3.12's check for overlapping members
        stored_odd = info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size
        if end > len(self._data) or (limit is not None and end > limit) or stored_odd:
            return None
        return start, end
