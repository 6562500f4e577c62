"""Section 二/三/四 tables from the lines of their section, with provenance per value.

Three ways, tried in this order: rows with separated cells (HTML, Word, " | ", pipes, tabs, PDF words);
rows in the official order when there are exactly as many number rows as the table has (a capture that
garbled the labels); labels as anchors in run-together text, the digits between two labels cut where
the format's sums allow (addin.audit.split). A cell that none of them reads is reported, never zero.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from addin.audit import split
from addin.audit.sources import Line
from addin.audit.text import char_norm, core, is_number, squeeze
from addin.format import fmt as fmtmod

_TOKEN = re.compile(r"\d+(?:\.\d+)?")


@dataclass
class Region:
    """The lines of one section and the same text as one string (offsets map back to lines)."""
    lines: list[Line]
    stream: str = ""
    starts: list[int] = field(default_factory=list)

    def __post_init__(self):
        pos, parts = 0, []
        for ln in self.lines:
            self.starts.append(pos)
            t = char_norm(ln.text)
            parts.append(t)
            pos += len(t) + 1
        self.stream = "\n".join(parts)
        self.raw = "\n".join(ln.text for ln in self.lines)      # as published, same offsets as the stream

    def where(self, offset: int) -> str:
        i = max((k for k, s in enumerate(self.starts) if s <= offset), default=0)
        ln = self.lines[i] if self.lines else None
        if ln is None:
            return ""
        col = offset - self.starts[i] + ln.offset
        return ln.where if len(ln.text) + ln.offset < 120 else f"{ln.where}第{col + 1}字"


@dataclass
class Tables:
    values: dict = field(default_factory=dict)       # cell id → value (None = blank as published)
    where: dict = field(default_factory=dict)        # cell id → source location
    quote: dict = field(default_factory=dict)        # cell id → the row as published
    unread: dict = field(default_factory=dict)       # cell id → why it could not be read
    notes: list = field(default_factory=list)        # (kind, dict) for findings: label, split, guess, order


def _value(tok: str | None):
    if tok is None or tok == "":
        return None
    t = squeeze(tok).replace(",", "")
    return float(t) if "." in t else int(t)


def row_of(line: Line) -> tuple[str, list[str | None]] | None:
    """(label, value cells) of a table row; None when the line has no number at its end."""
    cells = line.cells
    if cells is None:
        m = re.match(r"^(.*?)((?:\s*\d+(?:\.\d+)?)+)\s*$", char_norm(line.text))
        if not m:
            return None
        return m.group(1).strip(), m.group(2).split()
    last = max((i for i, c in enumerate(cells) if c and not is_number(c)), default=-1)
    values = cells[last + 1:]
    if not any(is_number(v) for v in values):
        return None
    label = " ".join(c for c in cells[:last + 1] if c)
    return label, values


# --- 表三 ------------------------------------------------------------------------------------------------

def read_t3(region: Region, f: fmtmod.Format, out: Tables) -> None:
    table = f.table("t3")
    ncol = len(table.columns)
    cands = []
    for ln in region.lines:
        r = row_of(ln)
        if not r:
            continue
        label, values = r
        present = [v for v in values if v is not None]
        if len(present) >= ncol - 1 or (len(present) == 1 and len(squeeze(present[0])) >= ncol):
            cands.append((ln, label, values))
    if len(cands) >= len(table.rows) - 3:
        assigned = _assign(cands, table, out)
        options = {row.id: _row_options(values, ncol) for row, (ln, label, values) in assigned.items()}
        where = {row.id: (ln.where, ln.text) for row, (ln, label, values) in assigned.items()}
    else:
        options, where = _anchored(region, table, ncol, split.row_total)
    _resolve_t3(table, options, where, out)


def _assign(cands, table: fmtmod.Table, out: Tables) -> dict:
    """Rows to format rows: by order when the counts agree (labels only verified), else by label."""
    if len(cands) == len(table.rows):
        pairs = dict(zip(table.rows, cands))
        for row, (ln, label, values) in pairs.items():
            if label:
                _check_label(label, row.path[-1], ln.where, out, by_order=True)
        return pairs
    pairs = {}
    free = list(table.rows)
    for ln, label, values in cands:
        best = max(free, key=lambda r: _score(label, r.path[-1]), default=None)
        if best is not None and label and _score(label, best.path[-1]) >= 0.6:
            pairs[best] = (ln, label, values)
            free.remove(best)
            _check_label(label, best.path[-1], ln.where, out, by_order=False)
    return pairs


def _leaf_part(label: str) -> str:
    """The part of a row label after its last numbering (group names and fragments before it dropped)."""
    s = squeeze(label)
    cut = 0
    for m in re.finditer(r"(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d{1,2}[.、](?!\d))", s):
        if m.end() < len(s):
            cut = m.end()
    return s[cut:]


def _score(label: str, official: str) -> float:
    a, b = _leaf_part(label), core(official)
    if not a:
        return 0.0
    if a == b:
        return 1.0
    return SequenceMatcher(None, a, b).ratio()


def _check_label(label: str, official: str, where: str, out: Tables, by_order: bool) -> None:
    """Every tolerance is reported: widths/spaces/numbering style, capture fragments, changed wording."""
    a, b = _leaf_part(label), core(official)
    if a == b:
        if squeeze(label) != squeeze(official) and squeeze(official) not in squeeze(label):
            out.notes.append(("style", {"found": label, "official": official, "where": where}))
        elif label.strip() != official and squeeze(label) == squeeze(official):
            out.notes.append(("style", {"found": label, "official": official, "where": where}))
        return
    if len(a) >= 3 and a in b:
        out.notes.append(("fragment", {"found": label, "official": official, "where": where}))
        return
    kind = "label" if SequenceMatcher(None, a, b).ratio() >= 0.6 or not by_order else "order"
    out.notes.append((kind, {"found": label, "official": official, "where": where}))


def _row_options(values: list[str | None], ncol: int) -> list[list]:
    """Candidate value lists for one row: as read, cut from a run, or one lost cell restored by the row sum."""
    present = [v for v in values if v is not None]
    if len(present) == ncol:
        return [[_value(v) for v in present]]
    if len(present) == 1 and len(squeeze(present[0])) >= ncol:
        return [c for c in split.cuts(squeeze(present[0]), ncol) if split.row_total(c)]
    if len(present) == ncol - 1 and all(is_number(v) for v in present):
        nums = [_value(v) for v in present]
        opts = []
        for k in range(ncol):
            trial = nums[:k] + [0] + nums[k:]
            trial[k] = (sum(trial[:-1]) if k == ncol - 1 else trial[-1] - sum(trial[:-1]))
            if trial[k] >= 0 and split.row_total(trial) and trial not in opts:
                opts.append(trial)
        return [o + ["restored"] for o in opts] if len(opts) == 1 else []
    return []


def _anchored(region: Region, table: fmtmod.Table, ncol: int, row_ok) -> tuple[dict, dict]:
    options, where = {}, {}
    text, pos = region.stream, 0
    hits = []
    for row in table.rows:
        # "3.其他" with its numbering first: bare "其他" would also match the group name "（六）其他处理"
        m = _label_rx(row.path[-1], numbered=True).search(text, pos) or _label_rx(row.path[-1]).search(text, pos)
        hits.append(m)
        if m:
            pos = m.end()
    for i, (row, m) in enumerate(zip(table.rows, hits)):
        if not m:
            continue
        nxt = next((h for h in hits[i + 1:] if h), None)
        seg = text[m.end(): nxt.start() if nxt else len(text)]
        toks = _leading_tokens(seg, table.rows[i + 1].path[-1] if i + 1 < len(table.rows) else "")
        if len(toks) == ncol:
            options[row.id] = [[_value(t) for t in toks]]
        elif 1 <= len(toks) < ncol:
            # one run, or a run a page wrapped over two lines: the digits are one string to cut
            options[row.id] = [c + ["cut"] for c in split.cuts("".join(toks), ncol) if row_ok(c)]
        else:
            options[row.id] = []
        where[row.id] = (region.where(m.start()), text[m.start(): m.end() + len("".join(toks)) + 2].strip())
    return options, where


def _label_rx(label: str, numbered: bool = False) -> re.Pattern:
    chars = [re.escape(c) for c in (squeeze(label) if numbered else squeeze(core(label)))]
    return re.compile(r"[\s|]*".join(chars))


def _leading_tokens(seg: str, next_label: str) -> list[str]:
    """Number tokens right after a label; a glued '2.' that numbers the next label is not a digit of ours."""
    m = re.match(r"^[\s|\"]*((?:\d+(?:\.\d+)?[\s|\"]*)+)", seg)
    if not m:
        return []
    toks = _TOKEN.findall(m.group(1))
    after = seg[m.end():m.end() + 1]
    num = re.match(r"(\d{1,2})[.、]", squeeze(next_label))
    if toks and after in ".、" and after and num and toks[-1].endswith(num.group(1)):
        toks[-1] = toks[-1][: -len(num.group(1))]
        if not toks[-1]:
            toks.pop()
    return toks


def _resolve_t3(table: fmtmod.Table, options: dict, where: dict, out: Tables) -> None:
    fixed = {r: o[0] for r, o in options.items() if len(o) == 1}
    open_ = {r: o for r, o in options.items() if len(o) > 1}
    if open_:
        def ok(pick):
            rows = {**fixed, **pick}
            return _t3_balances(table, rows)
        chosen = split.choose(open_, ok)
        if chosen:
            fixed.update(chosen)
            for r in chosen:
                out.notes.append(("balance", {"row": table.row(r).label, "where": where[r][0], "quote": where[r][1],
                                              "values": _plain(chosen[r]), "count": len(open_[r])}))
    for row in table.rows:
        vals = fixed.get(row.id)
        if vals and vals[-1] in ("cut", "restored") and row.id not in open_:
            out.notes.append((vals[-1], {"row": row.label, "where": where[row.id][0], "quote": where[row.id][1],
                                         "values": _plain(vals)}))
        for k, col in enumerate(table.columns):
            cid = table.cell_id_of(row, col)
            if vals is None:
                out.values[cid] = None
                out.unread[cid] = ("行未找到" if row.id not in options else "数字无法唯一拆分或缺格")
                if row.id in where:
                    out.where[cid] = where[row.id][0]
                continue
            out.values[cid] = vals[k]
            out.where[cid], out.quote[cid] = where[row.id][0], where[row.id][1]


def _plain(vals: list) -> list:
    return [v for v in vals if not isinstance(v, str)]


def _t3_balances(table: fmtmod.Table, rows: dict) -> bool:
    ids = [r.id for r in table.rows]
    if any(i not in rows for i in ids):
        return False
    v = {i: _plain(rows[i]) for i in ids}
    for c in range(len(table.columns)):
        col = {i: (v[i][c] or 0) for i in ids}
        if col[ids[0]] + col[ids[1]] != col[ids[-2]] + col[ids[-1]]:
            return False
        if col[ids[-2]] != sum(col[i] for i in ids[2:-2]):
            return False
    return True


# --- 表四 ------------------------------------------------------------------------------------------------

def read_t4(region: Region, f: fmtmod.Format, out: Tables) -> None:
    table = f.table("t4")
    ncol = len(table.columns)
    group = sum(c.id.startswith(table.columns[0].id.split(".")[0] + ".") for c in table.columns)
    vals, where, quote, how = None, "", "", ""
    for ln in region.lines:
        r = row_of(ln)
        present = [v for v in (r[1] if r else []) if v is not None]
        if r and len(present) == ncol and all(is_number(v) for v in present):
            vals, where, quote = [_value(v) for v in present], ln.where, ln.text
            break
    if vals is None:
        for m in re.finditer(r"\d(?:\n?\d){%d,}" % (ncol - 1), region.stream):     # a run, perhaps wrapped
            run = m.group(0).replace("\n", "")
            opts = [c for c in split.cuts(run, ncol) if split.group_totals(group)(c)]
            where, quote = region.where(m.start()), run
            vals, how = (opts[0], "cut") if len(opts) == 1 else (None, f"{len(opts)}")
            break
    for k, col in enumerate(table.columns):
        cid = table.cell_id_of(table.rows[0], col)
        out.values[cid] = vals[k] if vals else None
        out.where[cid], out.quote[cid] = where, quote
        if not vals:
            out.unread[cid] = "未找到表四的数字行" if not how else f"数字连在一起，按各组总计有 {how} 种拆法"
    if vals and how == "cut":
        out.notes.append(("cut", {"row": "表四", "where": where, "quote": quote, "values": vals}))


# --- 表二 ------------------------------------------------------------------------------------------------

def read_t2(region: Region, f: fmtmod.Format, out: Tables) -> None:
    old = {v: k for k, v in f.trial_2019["replaced_labels"].items()}     # 行政规范性文件 → 规范性文件
    pos = 0
    for table in [t for t in f.tables if t.section == "s2"]:
        for i, row in enumerate(table.rows):
            label = row.path[-1]
            found = _t2_row(region, label, pos, len(table.columns))
            if found is None and label in old:
                found = _t2_row(region, old[label], pos, len(table.columns))
                if found:
                    out.notes.append(("label", {"found": old[label], "official": label,
                                                "where": region.where(found[0])}))
            cells = [table.cell_id_of(row, c) for c in table.columns]
            if found is None:
                for cid in cells:
                    out.values[cid], out.unread[cid] = None, "行未找到或其后没有数字"
                continue
            start, end, toks = found
            pos = end
            where, quote = region.where(start), region.stream[start:end].strip()
            vals = _t2_values(toks, len(cells), out, row.label, where, quote)
            for k, cid in enumerate(cells):
                out.where[cid], out.quote[cid] = where, quote
                if vals is None:
                    out.values[cid], out.unread[cid] = None, f"数字个数不符（读到 {len(toks)} 个）或无法唯一拆分"
                else:
                    out.values[cid] = vals[k]


def _t2_row(region: Region, label: str, pos: int, ncol: int):
    rx = _label_rx(label)
    for m in rx.finditer(region.stream, pos):
        seg = region.stream[m.end():]
        if re.match(r"^[\s|\"]*\d", seg):
            toks = _leading_tokens(seg, "")
            n = re.match(r"^[\s|\"]*((?:\d+(?:\.\d+)?[\s|\"]*)+)", seg)
            return m.start(), m.end() + n.end(), toks
    return None


def _t2_values(toks: list[str], ncol: int, out: Tables, row: str, where: str, quote: str):
    if len(toks) == ncol:
        return [_value(t) for t in toks]
    if len(toks) == 1 and ncol == 3 and "." not in toks[0]:
        # 本年制发/本年废止/现行有效 have no sum to fix a cut: prefer cuts where 现行有效 is the largest and the
        # pieces are of even length, and say it is a guess (需说明) with the number of other readings.
        opts = [c for c in split.cuts(toks[0], 3) if c[2] >= c[0] and c[2] >= c[1]]
        if not opts:
            return None
        opts.sort(key=lambda c: (max(len(str(x)) for x in c) - min(len(str(x)) for x in c), -c[2]))
        if len(opts) > 1:
            out.notes.append(("guess", {"row": row, "where": where, "quote": quote, "values": opts[0],
                                        "count": len(opts)}))
        return opts[0]
    return None
