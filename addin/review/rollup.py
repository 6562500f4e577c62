"""Roll-up (汇总): the units' tables summed into one standard workbook, which is then validated like any other.

`nianbao rollup 文件夹/ [更多文件…] -o 汇总.xlsx --organ 某县人民政府 --year 2025 [--level 县级]`. Every count
and amount of sections 二/三/四 is the sum over the units; the narrative parts are left for the office that
rolls up to write. A unit is left out — and listed with the reason — when it cannot be read, has a value that
cannot be summed (text, negative, decimal in a count: the rules flagged `"rollup": "unsummable"`), belongs to another year, repeats a unit
counted (the file not named a copy, else the newer, is kept), or is an earlier roll-up among units (it holds
their figures already). A sheet “汇总来源” lists what went into the sums; the terminal names the counted units
that were not clean themselves (their own errors, blank cells added as 0).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from addin.errors import UserError
from addin.format import fmt as fmtmod
from addin.io import document
from addin.messages import refuse

SOURCES_SHEET = "汇总来源"
# what Windows, WPS and a mail client call a second copy: “unit11 - 副本”, “unit11 - Copy (2)”, “unit11(1)”, “副本unit11”
COPY_NAME = re.compile(r"(?:\s*-?\s*(?:副本|copy)\s*(?:[(（]\d+[)）])?|\s*[(（]\d+[)）])$|^(?:副本|copy of\s)", re.I)


def report_kind() -> str:
    """The organ field kind's value for a roll-up (format-2021.json "uses" → one of that field's enum values)."""
    f = fmtmod.load()
    kind = f.raw["uses"]["rollup_kind"]
    field_ = next(o for o in f.organ_fields if o.id == "kind")
    if kind not in field_.spec.get("enum", ()):
        raise ValueError(f"format data: rollup_kind {kind!r} is not a value of organ field kind")
    return kind


def unsummable_rules() -> frozenset[str]:
    """Rules whose finding means a value of the wrong type (schema/rules-*.json `"rollup": "unsummable"`):
    a unit with one of them is left out, since the sum would mean nothing."""
    return frozenset(r.id for r in fmtmod.load().rules if r.spec.get("rollup") == "unsummable")


@dataclass
class Unit:
    file: str
    organ: str | None = None
    year: int | None = None
    cells: dict = field(default_factory=dict)
    left_out: str | None = None    # why the unit is not in the sums
    skipped: str | None = None     # why the file is no unit at all (our own summary workbook)
    verdict: str = ""              # the unit's own validation, for the 汇总来源 sheet
    rollup: str = ""               # why it looks like an earlier roll-up output (its 汇总来源 sheet, its 报告类型)
    blanks: list[str] = field(default_factory=list)   # data cells left blank (added as 0), as 表三!E31


def read_unit(path: Path) -> Unit:
    """A unit's name, year and cells, or why it cannot be summed (plain data: runs in worker processes)."""
    from addin import pipeline

    unit = Unit(str(path))
    try:
        checked = pipeline.check(path)
    except UserError as e:
        from addin.review.batch import our_summary

        unit.skipped = our_summary(path, e)
        unit.left_out = None if unit.skipped else e.message
        return unit
    except Exception as e:  # noqa: BLE001 — a unit that breaks the reader is left out, not the whole roll-up
        unit.left_out = f"内部错误（{type(e).__name__}）：{e}。该单位未计入；请把这个文件发给维护人员。"
        return unit
    doc, findings = checked.document, checked.findings
    unit.organ, unit.year, unit.cells = doc["organ"].get("name"), doc["organ"].get("year"), doc["cells"]
    unit.rollup = rollup_signs(path, doc)
    unit.blanks = [checked.locate(cid) for cid, v in doc["cells"].items() if v is None]
    blocking = [f for f in findings if f.blocking]
    unit.verdict = "通过" if not blocking else f"未通过：{len(blocking)} 项，如 {blocking[0].rule} {blocking[0].message}"
    unsummable = unsummable_rules()
    bad = [f for f in findings if f.rule in unsummable]
    if bad:
        unit.left_out = f"有 {len(bad)} 个数据格的值无法相加，如 {bad[0].message}"
    return unit


def rollup_signs(path: Path, doc: dict) -> str:
    """What marks a workbook as a roll-up output rather than one unit's report ("" for a unit's own)."""
    from addin.io import reader

    signs = []
    if SOURCES_SHEET in (reader.sheet_names(path) or ()):
        signs.append(f"有“{SOURCES_SHEET}”表")
    if doc["organ"].get("kind") == report_kind():
        signs.append(f"报告类型为“{report_kind()}”")
    return "、".join(signs)


def leave_out_rollups(readable: list[Unit]) -> None:
    """An earlier roll-up found among units already holds their figures: summed with them it counts them twice,
    so it is left out. A folder of roll-ups only (a city summing its counties' roll-ups): those are the units."""
    rollups = [u for u in readable if u.rollup]
    if len(rollups) == len(readable):
        return
    for u in rollups:
        u.left_out = (f"是汇总工作簿（{u.rollup}），其中的数已包含下级单位，与各单位一起相加会重复计算，不计入；"
                      f"如要汇总各下级的汇总工作簿，请把它们单独放在一个文件夹里汇总")


def is_copy(file: str) -> bool:
    return bool(COPY_NAME.search(Path(file).stem.strip()))


def preferred(files: list[str]) -> tuple[str, str]:
    """Of one organ's files for one year, the one to count and why: not named a copy, else the newest."""
    def mtime(f: str) -> float:
        try:
            return Path(f).stat().st_mtime
        except OSError:
            return 0.0

    keys = {f: (is_copy(f), -mtime(f)) for f in files}
    kept = min(files, key=keys.get)                     # the first of equals: files come in natural order
    if not is_copy(kept) and any(is_copy(f) for f in files):
        return kept, "其他文件名像副本"
    if sum(k == keys[kept] for k in keys.values()) > 1:
        return kept, "修改时间相同，取文件名排在前面的"
    return kept, "修改时间最新"


def keep_one(same: list[Unit]) -> None:
    """One organ's units (same year): the preferred one is counted; the others say which was and why."""
    kept, why = preferred([u.file for u in same])
    name = Path(kept).name
    for u in same:
        if u.file != kept:
            u.left_out = (f"与 {name} 是同一机关（{u.organ}），只计入了 {name}（{why}）；"
                          f"如应计入本文件，请把另一份移出文件夹后重新汇总")


def combine(units: list[Unit], year: int | None, organ: str | None = None) -> tuple[list[Unit], list[Unit], int]:
    """(units in the sums, units left out, the year) — same year, each organ once, not the roll-up itself."""
    readable = [u for u in units if not u.left_out]
    if not readable:
        return [], units, year
    leave_out_rollups(readable)
    readable = [u for u in readable if not u.left_out]
    if year is None:  # the year most units report; a tie (or none filled in) needs --year
        ranked = Counter(u.year for u in readable if isinstance(u.year, int)).most_common()
        if not ranked or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
            years = "、".join(str(y) for y, _ in ranked) or "均未填写"
            raise refuse("args.year:rollup", years=years)
        year = ranked[0][0]
    by_organ: dict[str, list[Unit]] = {}
    for u in readable:
        if u.year != year:
            u.left_out = f"报告年度为 {u.year or '（未填写）'}，不是 {year}"
        elif not u.organ:
            u.left_out = "机关名称未填写，无法确认是哪个单位"
        elif organ and u.organ.strip() == organ.strip():
            u.left_out = f"机关名称与汇总报告相同（{organ}），可能是以前生成的汇总工作簿，不计入"
        else:
            by_organ.setdefault(u.organ, []).append(u)
    for same in by_organ.values():
        keep_one(same)
    return [u for u in units if not u.left_out], [u for u in units if u.left_out], year


def own_state(u: Unit) -> str:
    """A counted unit's own validation and its blank cells ("" when clean): where a roll-up's imbalance comes from."""
    from addin.review.batch import names

    parts = [u.verdict.rstrip("。")] if u.verdict and u.verdict != "通过" else []
    if u.blanks:
        parts.append(f"{len(u.blanks)} 格空白，已按 0 相加（{names(u.blanks)}）")
    return "；".join(parts)


def unclean_lines(included: list[Unit]) -> list[str]:
    """The counted units that were not clean, for the terminal next to the roll-up's own findings."""
    lines = [f"  {Path(u.file).name}（{u.organ}）：{own_state(u)}" for u in included if own_state(u)]
    if not lines:
        return []
    return ["计入汇总、但自身未通过校验或有空白格的单位（汇总工作簿的问题可能来自这些单位，请先在单位的工作簿中核对改正）："] + lines


def summed(units: list[Unit]) -> dict:
    """Cell by cell: counts as integers, amounts in decimal (no binary rounding drift). A blank adds nothing."""
    f = fmtmod.load()
    out = {}
    for cid, cell in f.cells.items():
        values = [u.cells.get(cid) for u in units]
        if cell.value == "amount":
            total = sum((Decimal(repr(v)) for v in values if v is not None), Decimal(0))
            out[cid] = int(total) if total == total.to_integral_value() else float(total)
        else:
            out[cid] = sum(v for v in values if v is not None)
    return out


def build_document(units: list[Unit], organ: str, year: int, level: str | None) -> dict:
    doc = document.empty(organ, year)
    doc["organ"].update(kind=report_kind(), level=level)
    doc["cells"] = summed(units)
    return doc


def sources_rows(included: list[Unit], left_out: list[Unit]) -> list[list]:
    from addin.format import quantity

    sources = quantity.uses("rollup_sources")
    head = ["序号", "单位", "年度", "文件", "是否计入", "单位自身校验"] + [quantity.label(q) for q in sources]
    rows = [head]
    for i, u in enumerate(included + left_out, 1):
        values = ["" if u.left_out else quantity.value({"cells": u.cells}, q) for q in sources]
        own = u.verdict + (f"；{len(u.blanks)} 格空白，已按 0 相加" if u.blanks and not u.left_out else "")
        rows.append([i, u.organ or "", u.year or "", u.file, "计入" if not u.left_out else f"未计入：{u.left_out}",
                     own] + values)
    return rows


def write(units_paths: list[Path], output: Path, organ: str, year: int | None, level: str | None,
          force: bool = False, jobs: int | None = None, skipped: list[Path] | None = None,
          where: list | None = None) -> tuple[dict, list[Unit], list[Unit]]:
    """The roll-up workbook of the units; files found to be no unit are appended to `skipped` and said at once."""
    from addin.io import atomic, template
    from addin.review import batch
    from addin.review.backends.openpyxl_marks import OpenpyxlBackend
    from addin.review.pool import map_paths

    atomic.check_suffix(output, ".xlsx")
    atomic.check_writable(output, force)
    units_paths = [p for p in units_paths if p.resolve() != Path(output).resolve()]   # never our own earlier output
    units = map_paths(read_unit, units_paths, jobs, label="读取各单位", quiet=False)
    aside = {Path(u.file): u.skipped for u in units if u.skipped}
    units = [u for u in units if not u.skipped]
    if said := batch.set_aside(aside, len(units), [] if skipped is None else skipped, where or units_paths):
        print(said)
    included, left_out, year = combine(units, year, organ)
    if not included:
        raise refuse("input.nothing_to_roll_up", units="；".join(f"{Path(u.file).name}：{u.left_out}" for u in left_out))
    doc = build_document(included, organ, year, level)
    wb = template.build(doc)
    wb.create_sheet(SOURCES_SHEET)
    backend = OpenpyxlBackend(wb)            # writes text as text: unit names cannot become formulas
    backend.write_rows(SOURCES_SHEET, 1, sources_rows(included, left_out))
    with atomic.atomic_path(output) as tmp:
        wb.save(tmp)
    return doc, included, left_out
