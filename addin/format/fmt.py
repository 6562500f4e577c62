"""The national format, loaded from schema/ into a small object model.

Everything the rest of the package knows about the format comes from here: tables, rows, columns,
cell ids, labels, narrative parts, organ fields and the rules. Nothing in this module states a
format fact itself; it only reads schema/ and derives ids and lookups from it.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from itertools import product
from pathlib import Path

from addin.format.record import Record

FORMAT_VERSION = "2021"


@lru_cache(maxsize=None)     # asked for each schema file; resolving the path stats every folder above it
def schema_dir() -> Path:
    """schema/ beside the package in a checkout, or the copy installed inside the package."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package.parent / "schema", package / "_schema"):
        if (candidate / f"format-{FORMAT_VERSION}.json").is_file():
            return candidate
    raise FileNotFoundError("schema/ not found beside the addin package")


def _load(name: str) -> dict:
    return json.loads((schema_dir() / name).read_text(encoding="utf-8"))


class Column(Record):
    __slots__ = ("id", "path")

    def __init__(self, id: str, path: tuple[str, ...]):
        self.id, self.path = id, path

    @property
    def label(self) -> str:
        return self.path[-1]


class Row(Record):
    __slots__ = ("id", "path")

    def __init__(self, id: str, path: tuple[str, ...]):
        self.id, self.path = id, path

    @property
    def label(self) -> str:
        """The row's name in messages: its path without the shared level-1 group."""
        if not self.path:
            return ""
        return self.path[0] if len(self.path) == 1 else " ".join(self.path[1:])


class Cell(Record):
    __slots__ = ("id", "table", "row", "column")

    def __init__(self, id: str, table: Table, row: Row, column: Column):
        self.id, self.table, self.row, self.column = id, table, row, column

    @property
    def value(self) -> str:
        return self.table.value

    def label(self) -> str:
        """Human words for the cell: 表三 一、本年新收… / 自然人."""
        parts = [self.table.sheet]
        if self.table.title:
            parts.append(self.table.title)
        if self.row.label:
            parts.append(self.row.label)
        parts.append(self.column_label())
        return " ".join(parts)

    def column_label(self) -> str:
        # In 表四 the leaf label repeats per group: name the groups too.
        if len(self.table.columns) > 1 and sum(c.label == self.column.label for c in self.table.columns) > 1:
            return "·".join(p for p in self.column.path if p not in self.table.common_column_path)
        return self.column.label


class Table(Record):
    __slots__ = ("id", "section", "sheet", "title", "corner", "value", "unit", "cell_id", "columns", "rows")

    def __init__(self, id: str, section: str, sheet: str, title: str | None, corner: str | None, value: str,
                 unit: str, cell_id: str, columns: tuple[Column, ...], rows: tuple[Row, ...]):
        self.id, self.section, self.sheet, self.title, self.corner = id, section, sheet, title, corner
        self.value, self.unit, self.cell_id, self.columns, self.rows = value, unit, cell_id, columns, rows

    @property
    def common_column_path(self) -> tuple[str, ...]:
        """Column groups shared by every column (表三's 申请人情况)."""
        paths = [c.path for c in self.columns]
        common = []
        for parts in zip(*paths):
            if len(set(parts)) != 1:
                break
            common.append(parts[0])
        # a leaf is never a "common group"
        return tuple(common) if len(self.columns) > 1 else ()

    def cell_id_of(self, row: Row, column: Column) -> str:
        return self.cell_id.format(row=row.id, col=column.id)

    def cells(self) -> list[Cell]:
        return [Cell(self.cell_id_of(r, c), self, r, c) for r in self.rows for c in self.columns]

    def column(self, cid: str) -> Column:
        return next(c for c in self.columns if c.id == cid)

    def row(self, rid: str) -> Row:
        return next(r for r in self.rows if r.id == rid)

    def labels(self) -> list[str]:
        """Every official text the table shows: title, corner note, headers and row labels."""
        out = [t for t in (self.title, self.corner) if t]
        for path in [c.path for c in self.columns] + [r.path for r in self.rows]:
            out.extend(p for p in path if p not in out)
        return out


class Text(Record):
    __slots__ = ("id", "label", "section", "sheet", "rows", "required", "max_length", "prompt")

    def __init__(self, id: str, label: str, section: str | None, sheet: str, rows: int, required: bool,
                 max_length: int, prompt: str):
        self.id, self.label, self.section, self.sheet = id, label, section, sheet
        self.rows, self.required, self.max_length, self.prompt = rows, required, max_length, prompt

    @property
    def element(self) -> str:
        return f"text.{self.id}"


class OrganField(Record):
    __slots__ = ("id", "label", "type", "required", "prompt", "spec")
    _uncompared = ("spec",)

    def __init__(self, id: str, label: str, type: str, required: bool, prompt: str, spec: dict):
        self.id, self.label, self.type, self.required, self.prompt, self.spec = id, label, type, required, prompt, spec

    @property
    def element(self) -> str:
        return f"organ.{self.id}"


class Rule(Record):
    __slots__ = ("id", "kind", "severity", "title", "source", "explain", "spec")
    _uncompared = ("spec",)

    def __init__(self, id: str, kind: str, severity: str, title: str, source: str, explain: str, spec: dict):
        self.id, self.kind, self.severity, self.title = id, kind, severity, title
        self.source, self.explain, self.spec = source, explain, spec

    @property
    def params(self) -> dict:
        return self.spec.get("params", {})

    def message(self, variant: str = "default", **fields) -> str:
        """The rule's Chinese message template (schema/rules-*.json "messages") with its fields filled in."""
        return self.spec["messages"][variant].format(**fields)

    @property
    def active(self) -> bool:
        return self.spec.get("active", True)


_RANGE = re.compile(r"\{(\d+)\.\.(\d+)\}")


def expand_ids(pattern: str, bindings: dict[str, str] | None = None) -> list[str]:
    """'t3.R{03..23}.{C}' with C=C1 → ['t3.R03.C1', …, 't3.R23.C1']."""
    for name, value in (bindings or {}).items():
        pattern = pattern.replace("{" + name + "}", value)
    return list(_expanded(pattern))


@lru_cache(maxsize=4096)    # the rules' few hundred patterns, expanded once a process, not once a workbook
def _expanded(pattern: str) -> tuple[str, ...]:
    m = _RANGE.search(pattern)
    if not m:
        return (pattern,)
    lo, hi = m.group(1), m.group(2)
    width = len(lo)
    out: list[str] = []
    for n in range(int(lo), int(hi) + 1):
        out.extend(_expanded(pattern[: m.start()] + str(n).zfill(width) + pattern[m.end():]))
    return tuple(out)


def bindings_of(spec: dict) -> list[dict[str, str]]:
    """Every combination of a rule's for_each variables."""
    names = list(spec.get("for_each", {}))
    values = [spec["for_each"][n] for n in names]
    return [dict(zip(names, combo)) for combo in product(*values)] or [{}]


class Format:
    """The whole format of one version: the single object every module asks."""

    def __init__(self, fmt: dict, rules: dict):
        self.raw = fmt
        self.version: str = fmt["version"]
        self.name: str = fmt["name"]
        self.notice: str = fmt["notice"]
        self.sections: list[dict] = fmt["sections"]
        self.values: dict = fmt["values"]
        self.trial_2019: dict = fmt["trial_2019"]
        self.deadlines: list[dict] = fmt["deadlines"]
        self.data_cutoff: str = fmt["data_cutoff"]
        self.tables = [
            Table(
                id=t["id"], section=t["section"], sheet=t["sheet"], title=t["title"], corner=t["corner"],
                value=t["value"], unit=t["unit"], cell_id=t["cell_id"],
                columns=tuple(Column(c["id"], tuple(c["path"])) for c in t["columns"]),
                rows=tuple(Row(r["id"], tuple(r["path"])) for r in t["rows"]),
            )
            for t in fmt["tables"]
        ]
        self.texts = [
            Text(t["id"], t["label"], t["section"], t["sheet"], t["rows"], t["required"], t["max_length"], t["prompt"])
            for t in fmt["texts"]
        ]
        self.organ_fields = [
            OrganField(f["id"], f["label"], f["type"], f["required"], f.get("prompt", ""), f) for f in fmt["organ_fields"]
        ]
        self.severities: dict[str, str] = rules["severities"]
        self.text_policy: str = rules.get("text_policy", "")   # when a rule reading free text may block
        self.rules = [
            Rule(r["id"], r["kind"], r["severity"], r["title"], r["source"], r["explain"], r) for r in rules["rules"]
        ]
        self.cells: dict[str, Cell] = {c.id: c for t in self.tables for c in t.cells()}
        # every workbook's checks ask for these dozens of times: made once
        self._elements = tuple([f.element for f in self.organ_fields] + list(self.cells)
                               + [t.element for t in self.texts] + ["explanations"])
        self._element_set = frozenset(self._elements)

    # --- lookups -------------------------------------------------------------------------------
    def table(self, tid: str) -> Table:
        return next(t for t in self.tables if t.id == tid)

    def rule(self, rid: str) -> Rule:
        return next(r for r in self.rules if r.id == rid)

    def text(self, tid: str) -> Text:
        return next(t for t in self.texts if t.id == tid)

    def section(self, sid: str) -> dict:
        return next(s for s in self.sections if s["id"] == sid)

    def tables_on(self, sheet: str) -> list[Table]:
        return [t for t in self.tables if t.sheet == sheet]

    def table_sheets(self) -> list[str]:
        return list(dict.fromkeys(t.sheet for t in self.tables))

    def text_sheets(self) -> list[str]:
        return list(dict.fromkeys(t.sheet for t in self.texts))

    def elements(self) -> list[str]:
        """Every addressable element id: organ fields, cells, texts, and the explanations list."""
        return list(self._elements)

    def match(self, pattern: str) -> list[str]:
        """Element ids matching a rule's cell pattern ('t3.*', 't3.R22.*', 'text.other')."""
        if "*" not in pattern and "{" not in pattern:
            return [pattern] if pattern in self._element_set else []
        rx = re.compile("^" + re.escape(pattern).replace(r"\*", ".*") + "$")
        return [e for e in self._elements if rx.match(e)]

    def element_label(self, element: str) -> str:
        if element in self.cells:
            return self.cells[element].label()
        kind, _, key = element.partition(".")
        if kind == "text":
            return self.text(key).label
        if kind == "organ":
            return next(f.label for f in self.organ_fields if f.id == key)
        return "说明" if element == "explanations" else element

    def substitute_label(self, table_id: str, var: str, value: str) -> str:
        """Words for a rule variable: C → a column, R → a row, G → a group of columns ('review.*')."""
        table = self.table(table_id)
        if var == "C":
            return table.column(value).label
        if var == "R":
            return table.row(value).label
        group = [c for c in table.columns if c.id.startswith(value + ".")]
        return "·".join(group[0].path[:-1]) if group else value



@lru_cache(maxsize=None)
def load(version: str = FORMAT_VERSION) -> Format:
    return Format(_load(f"format-{version}.json"), _load(f"rules-{version}.json"))
