"""report document → findings. Sees only the document, never cells.

Order: the JSON Schema (types and bounds, translated into Chinese), then every active rule of
schema/rules-*.json by kind. Cells whose value is invalid are left out of the arithmetic (they are
already reported), blanks count as 0 in sums (and are reported by F4). Every finding names the element
ids it concerns; `locate` maps them to workbook addresses (the reader's, or the template layout's).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from addin.checks import narrative
from addin.checks.findings import EXPLAIN, Finding, sort_key
from addin.format import docschema, layout
from addin.format import fmt as fmtmod
from addin.messages import problem
from addin.text import DATE_MARK, strip_ordinal

Locate = Callable[[str], str]


def validate(doc: dict, locate: Locate | None = None, extra: list[Finding] | None = None,
             prior=None) -> list[Finding]:
    """All findings for one document; `extra` are the reader's own (format) findings; `prior` (an
    addin.checks.prior.Prior: last year's document) adds the cross-year rules."""
    f = fmtmod.load()
    locate = locate or layout.load().address
    ctx = _Context(f, doc, locate)
    findings = _schema_findings(ctx)
    if not any(x.rule == "S0" for x in findings):
        for rule in f.rules:
            if rule.active and rule.kind in CHECKS:
                findings.extend(CHECKS[rule.kind](ctx, rule))
        if prior is not None:
            from addin.checks import prior as priormod

            findings.extend(priormod.findings(doc, locate, prior))
    findings = _without_missing_texts(findings, extra or [])
    findings.extend(extra or [])
    for x in findings:
        if not x.addresses:
            x.addresses = [locate(e) for e in x.cells if _locatable(e)]
        if not x.target:
            x.target = x.cells[0] if x.cells else x.rule
    unmatched = apply_explanations(findings, doc.get("explanations") or [])
    if f.rule("F8").active and unmatched:
        for x in _unmatched_findings(f, unmatched, locate):
            x.addresses = [locate("explanations")]
            findings.append(x)
    return sorted(findings, key=sort_key)


def _without_missing_texts(findings: list[Finding], extra: list[Finding]) -> list[Finding]:
    """A text or organ field whose sheet the reader could not find (F3) is not empty, it is missing: its own
    rules would only point staff at white cells that are not there."""
    missing = {c for x in extra if x.rule == "F3" for c in x.cells if c.startswith(("text.", "organ."))}
    return [x for x in findings if not missing & set(x.cells)] if missing else findings


def _locatable(element: str) -> bool:
    return element == "explanations" or "." in element


class _Context:
    def __init__(self, f: fmtmod.Format, doc: dict, locate: Locate):
        self.f, self.doc, self.locate = f, doc, locate
        self.invalid: set[str] = set()
        self._matched: dict[str, list[str]] = {}

    def value(self, cid: str):
        """A cell's number for arithmetic: blank → 0, invalid → None (left out)."""
        return self.values((cid,))[0]

    def values(self, cids) -> list:
        """value() of each cell, in one pass (a balance rule sums some 400 cells a document)."""
        cells, invalid = self.doc["cells"], self.invalid
        return [None if c in invalid else 0 if (v := cells.get(c)) is None else v for c in cids]

    def text(self, tid: str) -> str:
        return self.doc["texts"].get(tid) or ""

    def match(self, pattern: str) -> list[str]:
        """Element ids of a rule's cell pattern (Format.match), asked once per document: a dozen rules name the
        same five texts."""
        if pattern not in self._matched:
            self._matched[pattern] = self.f.match(pattern)
        return self._matched[pattern]

    def finding(self, rule: fmtmod.Rule, message: str, cells: list[str], **values) -> Finding:
        return Finding(rule.id, rule.severity, message, cells=cells, values=values)


# --- JSON Schema, translated ------------------------------------------------------------------

def _schema_findings(ctx: _Context) -> list[Finding]:
    f = ctx.f
    seen: dict[str, Finding] = {}
    # the usual case asks no jsonschema (≈50–100 ms to import): docschema's structural pass vouches for the document
    errors = sorted(docschema.problems(ctx.doc), key=lambda e: list(map(str, e.absolute_path)))
    for err in errors:
        path = list(err.absolute_path)
        element, rule_id = _element_and_rule(f, path)
        if element in seen:
            continue
        if rule_id == "S0":
            where = "/" + "/".join(map(str, path))
            msg = f.rule("S0").message(version=f.version, problem=_structure_words(err), path=where)
            seen[element] = Finding("S0", f.rule("S0").severity, msg, cells=[], target=where)
            continue
        ctx.invalid.add(element)
        value = err.instance
        problem = _value_problem(f, element, value, err)
        label = f.element_label(element) if element != "explanations" else "说明"
        where = ctx.locate(element)
        seen[element] = Finding(rule_id, f.rule(rule_id).severity,
                                f.rule(rule_id).message(address=where, label=label, problem=problem),
                                cells=[element], values={"value": _jsonable(value)})
    return list(seen.values())


def _element_and_rule(f: fmtmod.Format, path: list) -> tuple[str, str]:
    if len(path) >= 2 and path[0] == "cells" and path[1] in f.cells:
        cell = f.cells[path[1]]
        return path[1], ("S1" if cell.value == "amount" else "B4")
    if len(path) >= 2 and path[0] == "organ":
        return f"organ.{path[1]}", "S2"
    if len(path) >= 2 and path[0] == "texts":
        return f"text.{path[1]}", "S3"
    if len(path) >= 2 and path[0] == "explanations":
        return "explanations", "S3"
    return "/" + "/".join(map(str, path)), "S0"


_JSON_TYPES = {"object": "对象（{…}）", "array": "数组（[…]）", "string": "文字", "integer": "整数", "number": "数字",
               "null": "空值 null", "boolean": "逻辑值"}


def _type_words(expected) -> str:
    names = expected if isinstance(expected, list) else [expected]
    return "或".join(_JSON_TYPES.get(n, n) for n in names)


def _structure_words(err) -> str:
    """Structural schema errors in Chinese; the names in the document are quoted as they are."""
    if err.validator == "required":
        missing = [k for k in err.validator_value if isinstance(err.instance, dict) and k not in err.instance]
        return problem("structure.required", missing="、".join(missing))
    if err.validator == "additionalProperties":
        allowed = set(err.schema.get("properties", {}))
        extra = [str(k) for k in err.instance if k not in allowed] if isinstance(err.instance, dict) else []
        return problem("structure.extra", extra="、".join(extra[:10]) + ("等" if len(extra) > 10 else ""))
    if err.validator == "const":
        return problem("structure.const", expected=err.validator_value, found=err.instance)
    if err.validator == "type":
        return problem("structure.type", types=_type_words(err.validator_value))
    if err.validator == "maxItems":
        return problem("structure.max_items", limit=err.validator_value, count=len(err.instance))
    return problem("structure.other", keyword=err.validator)


def _jsonable(v):
    return v if isinstance(v, (int, float, str, bool, type(None))) else str(v)


_DASHES = {"—", "-", "－", "/", "／", "\\", "无", "空", "×", "——", "–"}  # compared after strip()


def _value_problem(f: fmtmod.Format, element: str, v, err) -> str:
    """What is wrong with a value, in words for staff, and what to write instead."""
    if element.startswith("organ."):
        return _organ_problem(f, element, v, err)
    if element.startswith("text.") or element == "explanations":
        if err.validator == "maxLength":
            return problem("text.too_long", limit=err.validator_value)
        if err.validator == "type":
            return problem("text.type", types=_type_words(err.validator_value))
        if err.validator == "maxItems":
            return problem("text.too_many", limit=err.validator_value, count=len(err.instance))
        if err.validator == "required":
            return problem("text.required")
        return problem("text.other", keyword=err.validator)
    spec = f.values[f.cells[element].value]
    is_amount = f.cells[element].value == "amount"
    what = "金额（万元）" if is_amount else "件数"
    if isinstance(v, bool):
        return problem("number.boolean", value="TRUE" if v else "FALSE", what=what)
    if isinstance(v, str):
        return _text_in_number(v, what)
    if not isinstance(v, (int, float)):
        return problem("number.not_number", type=type(v).__name__, what=what)
    if isinstance(v, float) and v != v:
        return problem("number.nan", what=what)
    if v < 0:
        return problem("number.negative", value=_num(v), what=what)
    if v > spec["maximum"]:
        return problem("number.too_large", value=_num(v), limit=spec["maximum"])
    if not is_amount and isinstance(v, float):
        return problem("number.decimal_count", value=_num(v))
    if is_amount and err.validator == "multipleOf":
        return problem("number.decimals", value=_num(v), decimals=spec["decimals"])
    return problem("number.other", value=_num(v), keyword=err.validator, expected=err.validator_value)


def _text_in_number(v: str, what: str) -> str:
    s = v.strip()
    shown = v if len(v) <= 30 else v[:30] + "…"
    if v.startswith(DATE_MARK):      # the reader's mark for a cell Excel holds as a date
        return problem("number.date", value=v[len(DATE_MARK):].replace("T00:00:00", "").replace("T", " "), what=what)
    if s.startswith("="):
        return problem("number.formula")
    if s.startswith("#"):
        return problem("number.error_value", value=s)
    if s in _DASHES or s == "":
        return problem("number.dash", value=shown)
    if re.fullmatch(r"[0-9]+(\.[0-9]+)?", v):   # ASCII digits stored as text: the cell is formatted as 文本
        return problem("number.text_format", value=v)
    norm = unicodedata.normalize("NFKC", s).replace(",", "").strip()
    m = re.fullmatch(r"(-?\d+(?:\.\d+)?)\s*(件|个|项|万元|元)?", norm)
    if m:
        return problem("number.with_unit", value=shown, number=m.group(1))
    return problem("number.text", value=shown, what=what)


def _num(v) -> str:
    """A number as staff typed it: 1234.567891 stays 1234.567891 (not the 6 digits of :g), 3.0 → 3, 1e-05 → 0.00001."""
    if isinstance(v, float):
        if v != v or v in (float("inf"), float("-inf")):
            return str(v)
        if v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        from decimal import Decimal
        return format(Decimal(repr(v)), "f")
    return str(v)


def _organ_problem(f: fmtmod.Format, element: str, v, err) -> str:
    fld = next(x for x in f.organ_fields if x.element == element)
    if v is None or v == "" or err.validator == "minLength":
        return problem("organ.blank")
    if err.validator == "enum":
        return problem("organ.enum", value=v, choices="、".join(fld.spec["enum"]))
    if err.validator == "pattern":
        return problem("organ.pattern", value=v, prompt=fld.prompt or "请按要求填写")
    if err.validator in ("minimum", "maximum"):
        return problem("organ.range", value=v, minimum=fld.spec["minimum"], maximum=fld.spec["maximum"])
    if err.validator == "maxLength":
        return problem("organ.too_long", limit=err.validator_value)
    if err.validator == "type":
        return problem("organ.type", value=v, expected="四位年份数字" if fld.type == "integer" else "文字")
    return problem("organ.other", value=v, keyword=err.validator)


# --- balance rules ----------------------------------------------------------------------------

def check_balance(ctx: _Context, rule: fmtmod.Rule) -> list[Finding]:
    out = []
    spec = rule.spec
    ll, rl = spec["lhs"]["label"], spec["rhs"]["label"]
    for b, lc, rc in _balance_sides(_frozen(spec["lhs"]["cells"]), _frozen(spec["rhs"]["cells"]),
                                    _frozen(spec.get("for_each", {}))):
        if ctx.invalid and not ctx.invalid.isdisjoint(lc + rc):
            continue  # an invalid cell is reported on its own; its sum would mean nothing
        lv, rv = ctx.values(lc), ctx.values(rc)
        lsum, rsum = sum(lv), sum(rv)
        if lsum == rsum:
            continue
        blank = {c for c in lc + rc if ctx.doc["cells"].get(c) is None}
        where = spec["where"]
        for var, val in b.items():
            where = where.replace("{" + var + "}", ctx.f.substitute_label(spec["table"], var, val))
        cells = list(lc + rc)
        refs = layout.address_list([ctx.locate(c) for c in cells])
        msg = rule.message(where=where, lhs=_side(ll, lv, lsum, [c in blank for c in lc]),
                           rhs=_side(rl, rv, rsum, [c in blank for c in rc]),
                           difference=_num(lsum - rsum), cells=refs)
        out.append(Finding(rule.id, rule.severity, msg, cells=cells,
                           values={"lhs": lsum, "rhs": rsum, "difference": lsum - rsum, "binding": dict(b)},
                           target=f"{rule.id}:{','.join(b.values())}"))
    return out


@lru_cache(maxsize=64)      # the balance rules' sides, expanded once a process, not once a workbook
def _balance_sides(lhs: tuple, rhs: tuple, for_each: tuple) -> tuple[tuple[dict, tuple, tuple], ...]:
    """(binding, lhs cells, rhs cells) for each binding of a balance rule's for_each (as _frozen). The binding
    is shared by every document: a finding gets a copy."""
    spec = {"for_each": {name: list(values) for name, values in for_each}}
    return tuple((b, _expand(lhs, b), _expand(rhs, b)) for b in fmtmod.bindings_of(spec))


def _expand(patterns: tuple[str, ...], binding: dict) -> tuple[str, ...]:
    return tuple(e for p in patterns for e in fmtmod.expand_ids(p, binding))


def _frozen(value):
    """A rule's JSON (lists, objects, strings) as tuples, to key a cache on: never the mutable spec itself."""
    if isinstance(value, dict):
        return tuple((k, _frozen(v)) for k, v in value.items())
    return tuple(_frozen(v) for v in value) if isinstance(value, list) else value


def _side(label: str, values: list, total, blank: list[bool] | None = None) -> str:
    """'总计 = 3+0+1 = 4'; a blank cell is said as blank (counted as 0), not as a 0 someone typed."""
    blank = blank or [False] * len(values)
    if len(values) == 1:
        return f"{label} 为空（按 0 计）" if blank[0] else f"{label} = {_num(total)}"
    if len(values) <= 6:
        terms = "+".join("空" if b else _num(v) for v, b in zip(values, blank))
        return f"{label} = {terms} = {_num(total)}" + ("（空格按 0 计）" if any(blank) else "")
    return f"{label} = {_num(total)}" + (f"（其中 {sum(blank)} 格为空，按 0 计）" if any(blank) else "")


# --- format rules the document can show -------------------------------------------------------

def check_blank(ctx: _Context, rule: fmtmod.Rule) -> list[Finding]:
    """F4: blank table cells, one finding per rectangle of blank cells (a blank block is one defect, not one a row)."""
    out = []
    for table in ctx.f.tables:
        cells = ctx.doc["cells"]
        blank = [c for c in _cell_ids(table) if cells.get(c) is None]
        for block in _blocks(ctx, blank):
            rows = list(dict.fromkeys(ctx.f.cells[c].row.label for c in block))
            span = rows[0] if len(rows) == 1 else f"{rows[0]} 至 {rows[-1]}（{len(rows)} 行）"
            name = " ".join(x for x in (table.sheet, table.title, span) if x)
            refs = layout.address_list([ctx.locate(c) for c in block])
            msg = rule.message(where=name, count=len(block), cells=refs)
            out.append(ctx.finding(rule, msg, block, count=len(block)))
    return out


# table → its cell ids, found by identity: hashing a Table hashes every row and column of it (a Table is frozen and
# the entry keeps it alive, so an id is never another table's)
_CELL_IDS: dict[int, tuple[fmtmod.Table, tuple[str, ...]]] = {}


def _cell_ids(table: fmtmod.Table) -> tuple[str, ...]:
    """A table's cell ids row by row."""
    known = _CELL_IDS.get(id(table))
    if known is None or known[0] is not table:
        if len(_CELL_IDS) >= 64:
            _CELL_IDS.clear()
        known = _CELL_IDS[id(table)] = (table, tuple(table.cell_id_of(row, c) for row in table.rows
                                                     for c in table.columns))
    return known[1]


_SHEET_CELL = re.compile(r".+!([A-Z]+)(\d+)")


@lru_cache(maxsize=4096)     # the same few hundred addresses in every workbook of a batch
def _grid_position(address: str) -> tuple[int, int] | None:
    """(row, column) of 'Sheet!B7'; None when the address is not a plain A1 reference on a sheet."""
    m = _SHEET_CELL.fullmatch(address)
    return (int(m.group(2)), layout.column_index(m.group(1))) if m else None


def _blocks(ctx: _Context, cells: list[str]) -> list[list[str]]:
    """Cells grouped as rectangles on the sheet (layout.cover); cells whose address is not a plain A1 reference
    stay one a block."""
    grid = layout.load().pos           # a published report (audit) locates cells by line: use the template's grid
    pos = {}
    for c in cells:
        at = _grid_position(ctx.locate(c))
        pos[c] = at if at is not None else (grid[c][1:] if c in grid else None)
    at = {p: c for c, p in pos.items() if p}
    blocks = [[at[(i, k)] for i in range(r, r2 + 1) for k in range(c, c2 + 1)] for r, c, r2, c2 in layout.cover(set(at))]
    return blocks + [[c] for c, p in pos.items() if p is None]


def check_fee_magnitude(ctx: _Context, rule: fmtmod.Rule) -> list[Finding]:
    out = []
    limit = rule.params["max_plausible"]
    for cid in ctx.match(rule.spec["cells"][0]):
        v = ctx.value(cid)
        if v is not None and v >= limit:
            msg = rule.message(address=ctx.locate(cid), label=ctx.f.element_label(cid), value=_num(v),
                               yi=_num(v / 10000))
            out.append(ctx.finding(rule, msg, [cid], value=v))
    return out


# --- narrative rules --------------------------------------------------------------------------

def _text_rule_target(rule: fmtmod.Rule) -> str:
    return next(c for c in rule.spec["cells"] if c.startswith("text."))


def check_not_empty(ctx: _Context, rule: fmtmod.Rule) -> list[Finding]:
    element = _text_rule_target(rule)
    if ctx.text(element[5:]).strip():
        return []
    t = ctx.f.text(element[5:])
    heading = ctx.f.section(t.section)["heading"]
    msg = rule.message(address=ctx.locate(element), heading=heading, label=t.label)
    return [ctx.finding(rule, msg, [element])]


def char_count(text: str) -> int:
    """字数 as staff count it: every character but whitespace (punctuation counts)."""
    return sum(map(len, text.split()))    # str.split() splits on exactly what str.isspace() calls space


def check_length(ctx: _Context, rule: fmtmod.Rule) -> list[Finding]:
    element = _text_rule_target(rule)
    n, limit = char_count(ctx.text(element[5:])), rule.params["max_chars"]
    if n <= limit:
        return []
    heading = ctx.f.section(ctx.f.text(element[5:]).section)["heading"]
    msg = rule.message(address=ctx.locate(element), heading=heading, chars=n, limit=limit)
    return [ctx.finding(rule, msg, [element], chars=n, limit=limit)]


# --- plausibility -----------------------------------------------------------------------------

def check_other_share(ctx: _Context, rule: fmtmod.Rule) -> list[Finding]:
    *parts, total_cell = rule.spec["cells"]
    vals = [ctx.value(c) for c in parts + [total_cell]]
    if any(v is None for v in vals):
        return []
    other, total = sum(vals[:-1]), vals[-1]
    p = rule.params
    if total < p["min_total"] or other <= p["max_share"] * total:
        return []
    group = ctx.f.cells[parts[0]].row.path[-2]          # （六）其他处理, the group of the parts' rows
    total_label = ctx.f.cells[total_cell].row.path[-1]  # （七）总计
    msg = rule.message(group=group, other=other, total_label=total_label, total=total, share=f"{other / total:.1%}",
                       max_share=f"{p['max_share']:.0%}", cells=layout.address_list([ctx.locate(c) for c in parts]),
                       group_name=strip_ordinal(group))
    return [ctx.finding(rule, msg, parts + [total_cell], other=other, total=total)]


def check_suit_after_review(ctx: _Context, rule: fmtmod.Rule) -> list[Finding]:
    after_cell, review_cell = rule.spec["cells"]
    after, review = ctx.value(after_cell), ctx.value(review_cell)
    if after is None or review is None or after <= review:
        return []
    msg = rule.message(after_label=ctx.f.element_label(after_cell), after=after, after_cell=ctx.locate(after_cell),
                       review_label=ctx.f.cells[review_cell].column_label(), review=review,
                       review_cell=ctx.locate(review_cell))
    return [ctx.finding(rule, msg, [after_cell, review_cell], after=after, review=review)]


def check_narrative_table(ctx: _Context, rule: fmtmod.Rule) -> list[Finding]:
    """T*: a rule whose quantity words are in the lexicon reads the narrative against the tables; one without
    (a reading note, T2) is emitted by the rule that names it `note_rule`."""
    return narrative.check(ctx, rule) if rule.id in narrative.rule_ids() else []


# The check of each kind of rule (schema/rules-*.json "kind"), as jsonschema has a function per keyword.
# Kinds not here are checked elsewhere: schema (B4, S0–S3) by the JSON Schema, format (F1–F3, F6, F7) by
# the reader, explanation (F8) below, prior-* (X) by checks/prior.py when last year's report is given.
CHECKS: dict[str, Callable[[_Context, fmtmod.Rule], list[Finding]]] = {
    "balance": check_balance, "blank": check_blank, "fee-magnitude": check_fee_magnitude,
    "not-empty": check_not_empty, "length": check_length, "other-share": check_other_share,
    "suit-after-review": check_suit_after_review, "narrative-table": check_narrative_table,
    "fee-statement": narrative.check_fee_statement, "section-headings": narrative.check_headings,
    "section-outline": narrative.check_outline, "five-parts": narrative.check_five_parts,
    "report-year": narrative.check_report_year,
}


# --- explanations -----------------------------------------------------------------------------

def apply_explanations(findings: list[Finding], explanations: list[dict]) -> list[dict]:
    """A 需说明 finding passes when 说明 has a row with its rule id and its target; returns the rows that
    matched nothing.

    Lenient about how staff write the object: the label shown in 校验结果's 对象 column, the element id (older
    copies showed it), the address with or without the sheet, the first cell of a range, the sheet alone, or the
    whole 单元格 text pasted from 校验结果; rule ids in any case.
    """
    used: set[int] = set()
    # only the 问题 of a rule some row names can be explained (most workbooks have no row at all)
    named = {rule_id(e.get("rule")) for e in explanations if isinstance(e, dict)}
    # a 对象 copied from 校验结果 names one 问题 exactly; only other wordings are read leniently (word by word,
    # where '表三' alone would fit every 问题 on that sheet)
    labels = {(x.rule, _shown(object_label(x))) for x in findings if x.severity == EXPLAIN and x.rule in named}
    for x in findings:
        if x.severity != EXPLAIN or x.rule not in named:
            continue
        keys = _explanation_keys(x)
        for i, e in enumerate(explanations):
            if not isinstance(e, dict) or rule_id(e.get("rule")) != x.rule:
                continue
            typed = _shown(str(e.get("target") or ""))
            tokens = [t for t in re.split(r"[;；,，、\s]+", typed) if t]
            fits = typed in keys if (x.rule, typed) in labels else (not tokens or any(t in keys for t in tokens))
            if str(e.get("text", "")).strip() and fits:
                # the first row that fits explains (the reader puts the newer, typed in 校验结果, first);
                # a later row for the same 问题 is the older text of it, replaced, not a stray (no F8)
                x.explanation = x.explanation or e["text"].strip()
                used.add(i)
    return [e for i, e in enumerate(explanations) if i not in used and isinstance(e, dict)]


def rule_id(typed) -> str:
    """A rule id as staff may type it: 'Ｔ６', ' t6 ' → 'T6'."""
    return unicodedata.normalize("NFKC", str(typed or "")).strip().upper()


# 'Sheet!A24' or 'Sheet!A19:A78' inside a message: the sheet name runs back to a space or punctuation
_SHOWN_ADDRESS = re.compile(r"([^\s!（）()“”\"，,、；;：:]+)!(\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)")


def _explanation_keys(x: Finding) -> set[str]:
    # every address the finding shows counts, the ones in its message too: a narrative finding names the
    # row of its paragraph ('总体情况!A24') while its addresses hold the whole block ('总体情况!A19:A78')
    shown = [f"{m.group(1)}!{m.group(2)}" for m in _SHOWN_ADDRESS.finditer(x.message)]
    keys = {x.target, *x.cells, _shown(object_label(x))}
    for a in [*x.addresses, *shown]:
        sheet, _, ref = a.partition("!")
        first = ref.split(":")[0]
        keys |= {a, ref, first, f"{sheet}!{first}", sheet}
    return {_shown(k) for k in keys}


@lru_cache(maxsize=4096)     # the same ids, addresses and labels in every document of a batch
def _shown(text: str) -> str:
    """A 对象 as staff may retype it: spaces of any width and count are one space, full-width letters,
    digits and '！' half-width, no '$' in a cell address."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\$?\b([A-Z]{1,3})\$?(\d+)\b", r"\1\2", text)
    return " ".join(text.split())


def object_label(x: Finding, f: fmtmod.Format | None = None) -> str:
    """What a finding is about, in the words staff see on the sheets (the 对象 column of 校验结果):
    '表二 第（五）项 行政规范性文件 本年制发件数', not the internal id 't2.normative.issued'. The ids
    stay the finding's `target`; an explanation may name either."""
    f = f or fmtmod.load()
    head, _, rest = x.target.partition(":")
    rest = " ".join(p for p in rest.split(":") if p)
    label = _element_label(f, head)
    if label:
        return f"{label} “{rest}”" if rest else label
    if head != x.rule or not rest:
        return x.target                       # an address, a sheet name or a document path: already readable
    if x.rule == "F8":
        return f"{f.element_label('explanations')}（规则 {x.values.get('rule') or '（空）'}、对象 {x.values.get('target') or '（空）'}）"
    # other checkers (the audit of published reports) raise findings under rule ids of their own
    spec = next((r.spec for r in f.rules if r.id == x.rule), {})
    binding = x.values.get("binding") if isinstance(x.values, dict) else None
    if spec.get("where") and spec.get("table") and isinstance(binding, dict):
        where = spec["where"]
        for var, val in binding.items():
            where = where.replace("{" + var + "}", f.substitute_label(spec["table"], var, val))
        return where
    if x.cells and _element_label(f, x.cells[0]):
        return _element_label(f, x.cells[0])
    return " ".join(p for p in (x.sheet, rest) if p) or x.target


def _element_label(f: fmtmod.Format, element: str) -> str | None:
    if element in f.cells or element in f.elements():
        return f.element_label(element)
    return None


def _unmatched_findings(f: fmtmod.Format, rows: list[dict], locate: Locate) -> list[Finding]:
    rule = f.rule("F8")
    out = []
    for e in rows:
        text = str(e.get("text") or "").strip()
        msg = rule.message("empty" if not text else "default", address=locate("explanations"),
                           rule=e.get("rule") or "（空）", target=e.get("target") or "（空）")
        out.append(Finding(rule.id, rule.severity, msg, cells=["explanations"],
                           values={"rule": e.get("rule"), "target": e.get("target")},
                           target=f"F8:{e.get('rule')}:{e.get('target')}"))
    return out


def schema_problems(doc: dict) -> list[str]:
    """The JSON Schema findings alone, as Chinese lines (for `fill`, which takes only valid documents)."""
    ctx = _Context(fmtmod.load(), doc, layout.load().address)
    return [x.message for x in _schema_findings(ctx)]
