"""The report document: the JSON form of one filled report (its schema: schema/report-document.schema.json)."""
from __future__ import annotations

import json
import re
import stat
import sys
from functools import lru_cache
from pathlib import Path

from addin.format import fmt as fmtmod
from addin.messages import refuse

MAX_JSON_BYTES = 20 * 1024 * 1024  # a filled report is about 50 KB

Value = int | float | str | None   # a cell as read: a number, or text/blank the rules report on

# typing.TYPE_CHECKING without importing typing (≈3 ms of every cold `nianbao validate`): the shapes below are
# for readers and type checkers; at run time a document is the plain dict json.loads or the reader makes.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TypedDict

    class Explanation(TypedDict):
        """One reason staff wrote in the 说明 sheet for a 需说明 finding."""
        rule: str
        target: str
        text: str

    class ReportDocument(TypedDict):
        """The shape of schema/report-document.schema.json; the keys of organ/cells/texts are the format's ids."""
        format: str
        organ: dict[str, Value]
        cells: dict[str, Value]
        texts: dict[str, str]
        explanations: list[Explanation]
else:
    ReportDocument = dict


def empty(organ: str | None = None, year: int | None = None) -> ReportDocument:
    """A document with every element present and blank."""
    f = fmtmod.load()
    doc: ReportDocument = {
        "format": f.version,
        "organ": {x.id: None for x in f.organ_fields},
        "cells": dict.fromkeys(f.cells),         # ~200 cells: at C speed (every unit of a batch makes one)
        "texts": {t.id: "" for t in f.texts},
        "explanations": [],
    }
    doc["organ"]["name"], doc["organ"]["year"] = organ, year
    return doc


def load_json(path: Path) -> dict:
    """A document from a JSON file, with a Chinese message for anything unreadable.

    Only a regular file is read (a pipe would block for ever, /dev/zero never ends), and at most
    MAX_JSON_BYTES of it, whatever its size says."""
    path = Path(path)
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise refuse("input.not_file:json", path=path)
        with path.open("rb") as fh:
            raw = fh.read(MAX_JSON_BYTES + 1)
    except OSError as e:
        key = "input.missing:json" if isinstance(e, FileNotFoundError) else "input.unreadable:json"
        raise refuse(key, path=path, reason=e.strerror)
    if len(raw) > MAX_JSON_BYTES:
        raise refuse("json.too_large", path=path, limit=MAX_JSON_BYTES // 1048576)
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise refuse("json.encoding", path=path)
    except json.JSONDecodeError as e:
        raise refuse("json.invalid:syntax", path=path, line=e.lineno, column=e.colno, reason=e.msg)
    except RecursionError:
        raise refuse("json.invalid:depth", path=path)
    except ValueError:           # an integer of thousands of digits (Python's int-string limit)
        raise refuse("json.number_too_long", path=path, digits=sys.get_int_max_str_digits())
    if not isinstance(doc, dict):
        raise refuse("json.not_object", path=path)
    bad = [f"{where}：{', '.join(chars)}" for where, chars in bad_texts(doc)]
    if bad:
        raise refuse("json.control_char", path=path, places="\n".join(f"  - {b}" for b in bad[:20]))
    return doc


# Characters no cell (XML 1.0) can hold: C0 controls other than tab/newline/CR, lone surrogates, U+FFFE/FFFF.
_ILLEGAL = "[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]"
_LINE_BREAKS = "[\t\n\r\x85\u2028\u2029]"


@lru_cache(maxsize=None)
def illegal_rx() -> re.Pattern:
    """The characters no cell can hold, as a pattern: compiled on first use (≈1 ms; a validate never asks)."""
    return re.compile(_ILLEGAL)


def illegal_chars(text: str, single_line: bool = False) -> list[str]:
    """The characters of `text` a workbook cannot hold, as U+XXXX (with line breaks when it is one line)."""
    found = set(illegal_rx().findall(text))
    if single_line:
        found |= set(re.findall(_LINE_BREAKS, text))
    return [f"U+{ord(c):04X}" for c in sorted(found)]


def bad_texts(node, where: str = "") -> list[tuple[str, list[str]]]:
    """(JSON path, characters) of every string key or value holding characters a workbook cannot hold."""
    out = []
    if isinstance(node, str):
        chars = illegal_chars(node)
        return [(where or "（顶层）", chars)] if chars else []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for k, v in items:
        sub = f"{where}.{k}" if isinstance(k, str) and where else f"{where}[{k}]" if isinstance(k, int) else str(k)
        if isinstance(k, str) and illegal_chars(k):
            out.append((f"{where}（键名 {k!a}）", illegal_chars(k)))
        out += bad_texts(v, sub)
    return out


def dumps(doc: ReportDocument) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
