"""The report document: the JSON form of one filled report (its schema: schema/report-document.schema.json)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import TypedDict, Union

from addin.format import fmt as fmtmod
from addin.messages import refuse

MAX_JSON_BYTES = 20 * 1024 * 1024  # a filled report is about 50 KB

Value = Union[int, float, str, None]   # a cell as read: a number, or text/blank the rules report on


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


def empty(organ: str | None = None, year: int | None = None) -> ReportDocument:
    """A document with every element present and blank."""
    f = fmtmod.load()
    doc: ReportDocument = {
        "format": f.version,
        "organ": {x.id: None for x in f.organ_fields},
        "cells": {cid: None for cid in f.cells},
        "texts": {t.id: "" for t in f.texts},
        "explanations": [],
    }
    doc["organ"]["name"], doc["organ"]["year"] = organ, year
    return doc


def load_json(path: Path) -> dict:
    """A document from a JSON file, with a Chinese message for anything unreadable."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_JSON_BYTES:
            raise refuse("json.too_large", path=path, size=size // 1048576, limit=MAX_JSON_BYTES // 1048576)
        raw = path.read_bytes()
    except OSError as e:
        code = "input.missing" if isinstance(e, FileNotFoundError) else "input.unreadable"
        raise refuse(code, path=path, reason=e.strerror)
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise refuse("json.encoding", path=path)
    except json.JSONDecodeError as e:
        raise refuse("json.invalid:syntax", path=path, line=e.lineno, column=e.colno, reason=e.msg)
    except RecursionError:
        raise refuse("json.invalid:depth", path=path)
    if not isinstance(doc, dict):
        raise refuse("json.not_object", path=path)
    return doc


def dumps(doc: ReportDocument) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
