"""Is this file an .xlsx we can parse safely? Checked on the bytes and the zip directory, before any XML.

Limits that keep a hostile file cheap (stated in README): a workbook of this format is a few hundred KB.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

from addin.errors import UserError

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ENTRIES = 2000
MAX_UNCOMPRESSED = 300 * 1024 * 1024
MAX_RATIO = 200           # per entry, for entries above 1 MB uncompressed
PROLOG_MAX = 64 * 1024    # bytes of a part read to find where its root element starts
PROLOG_FIRST = 4096       # read first; a real part's root element starts within a few hundred bytes
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def _fail(code: str, message: str) -> UserError:
    return UserError(message, exit_code=2, code=code)


def check(path: Path, keep_open: bool = False) -> zipfile.ZipFile | None:
    """Raise a UserError (exit 2) saying what the file is and what to do, unless it is a sane .xlsx zip.
    `keep_open`: return the checked zip, open, for the reader (a batch then reads each directory once)."""
    if not path.exists():
        raise _fail("input.missing", f"找不到文件：{path}。请检查文件名和路径。")
    if not path.is_file():
        raise _fail("input.not_file", f"{path} 不是文件。请给出 .xlsx 工作簿的路径。")
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(len(_OLE))              # the rest only for an OLE file (where an encrypted one says so)
            if head.startswith(_OLE):
                head += fh.read(min(size, 1 << 20))
    except OSError as e:
        raise _fail("input.unreadable", f"无法读取文件 {path}（{e.strerror}）。请检查文件权限，或关闭占用该文件的程序。")
    if size == 0:
        raise _fail("input.empty", f"文件 {path} 是空的（0 字节）。请重新保存或重新获取该文件。")
    if size > MAX_FILE_BYTES:
        raise _fail("input.too_large", f"文件 {path} 过大（{size // 1048576} MB，上限 {MAX_FILE_BYTES // 1048576} MB），"
                                       f"不像年报工作簿，已拒绝读取。")
    if head.startswith(_OLE):
        if _ENCRYPTED in head or _ENCRYPTED in path.read_bytes():  # the stream names sit in the directory sectors
            raise _fail("input.encrypted", f"文件 {path} 受密码保护（已加密）。请在 Excel/WPS 中打开，取消“用密码进行加密”"
                                           f"后另存为 .xlsx 再试。")
        raise _fail("input.xls", f"文件 {path} 是旧版 .xls 工作簿。请在 Excel/WPS 中另存为“Excel 工作簿（*.xlsx）”。")
    if not head.startswith(b"PK"):
        raise _fail("input.not_xlsx", f"文件 {path} 不是 .xlsx 工作簿（可能是 CSV、文本或其他格式改了扩展名）。"
                                      f"请使用年报标准模板（nianbao template 生成）填报。")
    damaged = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, KeyError)
    corrupt = f"文件 {path} 已损坏（压缩包不完整或无法解开）。请重新保存或重新获取该文件。"
    try:
        z = zipfile.ZipFile(path)
    except damaged:
        raise _fail("input.corrupt", corrupt)
    try:
        infos = z.infolist()
        _check_sizes(path, infos)
        _check_parts(path, z, {i.filename for i in infos})
    except damaged:
        z.close()
        raise _fail("input.corrupt", corrupt)
    except BaseException:
        z.close()
        raise
    if keep_open:
        return z
    z.close()
    return None


def _check_sizes(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_ENTRIES:
        raise _fail("input.too_many_parts", f"文件 {path} 含 {len(infos)} 个部件（上限 {MAX_ENTRIES}），不像年报工作簿，已拒绝读取。")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED or any(
        i.file_size > 1048576 and i.file_size > MAX_RATIO * max(i.compress_size, 1) for i in infos
    ):
        raise _fail("input.zip_bomb", f"文件 {path} 解压后过大（{total // 1048576} MB）或压缩比异常（可能是“压缩炸弹”），"
                                      f"已拒绝读取。")


def _check_parts(path: Path, z: zipfile.ZipFile, names: set[str]) -> None:
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise _fail("input.docx", f"文件 {path} 是 Word 文档，不是 .xlsx 工作簿。请使用年报标准模板填报。")
        if "mimetype" in names and z.read("mimetype").startswith(b"application/vnd.oasis.opendocument"):
            raise _fail("input.ods", f"文件 {path} 是 OpenDocument（.ods）文件。请在 WPS/LibreOffice 中另存为"
                                     f"“Excel 2007-365 (.xlsx)”再试。")
        raise _fail("input.not_workbook", f"文件 {path} 是压缩包，但不含 Excel 工作簿的内容。请使用年报标准模板填报。")
    for name in names:
        # OOXML never declares a DTD: a DOCTYPE (entity expansion, external entities) means a crafted file.
        if name.endswith((".xml", ".rels", ".vml")) and _part_declares_dtd(z, name):
            raise _fail("input.unsafe_xml", f"文件 {path} 的部件 {name} 含不安全的 XML（文档类型声明：实体扩展或外部实体），"
                                            f"可能是恶意文件，已拒绝读取。")
    head = z.open("xl/workbook.xml").read(4000)
    if b"purl.oclc.org/ooxml" in head:
        raise _fail("input.strict", f"文件 {path} 是“Strict Open XML”格式。请在 Excel 中另存为“Excel 工作簿（*.xlsx）”。")


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
