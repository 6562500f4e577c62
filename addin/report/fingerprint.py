"""Which outputs are exactly as nianbao wrote them. A re-export replaces those without keeping a copy, and keeps
any other — a report edited by hand, or a file that is not ours — under a dated name (io/atomic.py): staff who
fix a figure and export five times get no pile of old versions, and an edited report is never lost.

Each output carries the SHA-256 of its own content: Markdown and HTML in a last comment line (invisible on the
web page), Word in the document's identifier property (dc:identifier), over word/document.xml, the part that
holds every word of the report. Word rewrites that part when the file is saved, so an edited or re-saved
report no longer matches and is kept.
"""
from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

MARK = "nianbao:sha256:"
_TEXT_MARK = re.compile(rb"\n<!-- " + re.escape(MARK.encode()) + rb"([0-9a-f]{64}) -->\n\Z")
_CORE_ID = re.compile(rb"<dc:identifier>" + re.escape(MARK.encode()) + rb"([0-9a-f]{64})</dc:identifier>")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def signed_text(text: str) -> str:
    """A Markdown or HTML page with its fingerprint as a last comment line."""
    return f"{text}\n<!-- {MARK}{_sha(text.encode('utf-8'))} -->\n"


def docx_identifier(document_xml: bytes) -> str:
    return MARK + _sha(document_xml)


def untouched(path: Path) -> bool:
    """The file is exactly as nianbao wrote it (False when edited, re-saved, not ours or unreadable)."""
    try:
        if path.suffix.lower() == ".docx":
            with zipfile.ZipFile(path) as z:
                m = _CORE_ID.search(z.read("docProps/core.xml"))
                return bool(m) and m.group(1).decode() == _sha(z.read("word/document.xml"))
        data = path.read_bytes()
    except (OSError, KeyError, zipfile.BadZipFile, ValueError):
        return False
    m = _TEXT_MARK.search(data)
    return bool(m) and m.group(1).decode() == _sha(data[: m.start()])
