"""Find the format's data cells in a workbook without defined names, by the official labels.

The standard template names every data cell; a workbook whose tables were copied elsewhere (or a
province's own sheet with the official labels) has no names. `locate` finds each data cell from the
labels around it instead: a row by its leaf label, a column by its leaf header (the nearest one above
the table's rows), repeated headers (表四) by the group headers above them. The same pass lists cells
that carry labels of the superseded 2019 trial format.

Locating is lenient: whitespace and line breaks are ignored and half-width / full-width punctuation
counts as equal. Whether a label is word for word the official one is judged elsewhere (reader F2).
Every label text comes from fmt; nothing here states a format fact itself.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from numbers import Number

from addin.format import fmt as fmtmod

Pos = tuple[str, int, int]          # (sheet title, row, col), 1-based
_INF = 10 ** 9


@dataclass
class LabelResult:
    positions: dict[str, Pos] = field(default_factory=dict)                # element id → position
    trial_2019: list[tuple[str, int, int, str]] = field(default_factory=list)  # (sheet, row, col, text)


# --- normalisation ---------------------------------------------------------------------------------

def _punct_table() -> dict[int, str]:
    table = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}   # full-width ASCII → ASCII
    groups = {
        '"': "“”„‟〝〞＂",
        "'": "‘’‚‛＇",
        ",": "、，,．。.｡､",          # enumeration commas and full stops: 一、 / 1. / 1．/ 1、
        "(": "（﹙(",
        ")": "）﹚)",
        "[": "〔【［",
        "]": "〕】］",
        "-": "—–－‐‑‒―",
        "~": "～〜",
        ":": "：﹕",
        ";": "；﹔",
    }
    for canon, variants in groups.items():
        for ch in variants:
            table[ord(ch)] = canon
    for ch in "\u200b\u200c\u200d\u2060\ufeff":                           # invisible characters
        table[ord(ch)] = None
    return table


_PUNCT = _punct_table()
_DITTO = {'"', "〃", "同上"}   # "same as above" marks do not end a label's extent


def _cells(ws):
    """(row, col, value) of the cells a sheet really has, in reading order — not its whole declared grid: one
    cell typed at XFD1048576 must not make us walk 17 billion empty ones."""
    cells = getattr(ws, "_cells", None)
    if cells is not None:
        return ((r, c, cell.value) for (r, c), cell in sorted(cells.items()))
    return ((r, c, v) for r, row in enumerate(ws.iter_rows(values_only=True), start=1)  # read-only sheets stream
            for c, v in enumerate(row, start=1))


def norm(value) -> str:
    """Text for comparing labels: no whitespace at all, punctuation variants folded to one form."""
    return "".join(str(value).split()).translate(_PUNCT)


# --- the workbook index ----------------------------------------------------------------------------

class _Sheet:
    def __init__(self, ws):
        self.title: str = ws.title
        self.strings: dict[tuple[int, int], str] = {}         # (r, c) → normalised text
        self.raw: dict[tuple[int, int], str] = {}             # (r, c) → text as written (stripped)
        self.numbers: dict[int, list[int]] = {}               # row → columns holding numbers
        self.by_row: dict[int, list[int]] = {}                # row → columns of string cells (sorted)
        self.by_col: dict[int, list[int]] = {}                # col → rows of string cells (sorted)
        self.merged: dict[tuple[int, int], tuple[int, int]] = {}   # top-left → (max_row, max_col)
        for rng in getattr(getattr(ws, "merged_cells", None), "ranges", ()) or ():
            self.merged[(rng.min_row, rng.min_col)] = (rng.max_row, rng.max_col)
        for r, c, v in _cells(ws):
            if v is None or isinstance(v, bool):
                continue
            if isinstance(v, Number):
                self.numbers.setdefault(r, []).append(c)
                continue
            text = str(getattr(v, "text", v))
            n = norm(text)
            if not n:
                continue
            self.strings[(r, c)] = n
            self.raw[(r, c)] = text.strip()
            self.by_row.setdefault(r, []).append(c)
            self.by_col.setdefault(c, []).append(r)
        # for O(log n) extents: label cells that end another label's extent, and merged labels per row/col
        self.stops_in_row: dict[int, list[int]] = {}
        self.stops_in_col: dict[int, list[int]] = {}
        for (r, c), n in sorted(self.strings.items()):
            if n not in _DITTO:
                self.stops_in_row.setdefault(r, []).append(c)
        for (r, c), n in sorted(self.strings.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            if n not in _DITTO:
                self.stops_in_col.setdefault(c, []).append(r)
        self.merged_in_row: dict[int, list[tuple[int, int]]] = {}    # row → (first col, last col) of merged labels
        self.merged_in_col: dict[int, list[tuple[int, int]]] = {}    # col → (first row, last row)
        for (r, c), (r2, c2) in self.merged.items():
            if (r, c) in self.strings:
                self.merged_in_row.setdefault(r, []).append((c, c2))
                self.merged_in_col.setdefault(c, []).append((r, r2))

    def bottom(self, r: int, c: int) -> int:
        return self.merged.get((r, c), (r, c))[0]

    def covering_in_row(self, r: int, c: int) -> list[int]:
        """Columns of the labels in row r whose extent (its merged range, else up to the next label in the row)
        covers column c. Without merging only the last label at or left of c can (any later one ends it), so
        this is O(log n), not a walk of the row."""
        out = [c1 for c1, c2 in self.merged_in_row.get(r, ()) if c1 <= c <= c2]
        last = _last_at_or_before(self.stops_in_row.get(r, ()), c)
        if last is not None and (r, last) not in self.merged:
            out.append(last)
        return out

    def covering_in_col(self, r: int, c: int) -> list[int]:
        """Rows of the labels in column c whose extent (merged range, else down to the next label) covers row r
        (see covering_in_row)."""
        out = [r1 for r1, r2 in self.merged_in_col.get(c, ()) if r1 <= r <= r2]
        last = _last_at_or_before(self.stops_in_col.get(c, ()), r)
        if last is not None and (last, c) not in self.merged:
            out.append(last)
        return out


def _last_at_or_before(sorted_list, x: int) -> int | None:
    i = bisect_right(sorted_list, x)
    return sorted_list[i - 1] if i else None


class _Index:
    def __init__(self, wb):
        self.sheets: dict[str, _Sheet] = {}
        self.where: dict[str, list[Pos]] = {}
        for ws in wb.worksheets:
            sh = _Sheet(ws)
            self.sheets[sh.title] = sh
            for (r, c), n in sh.strings.items():
                self.where.setdefault(n, []).append((sh.title, r, c))

    def find(self, text: str, sheet: str | None = None) -> list[Pos]:
        ps = self.where.get(norm(text), [])
        return ps if sheet is None else [p for p in ps if p[0] == sheet]


# --- locating --------------------------------------------------------------------------------------

def locate(wb, wanted: set[str] | None = None) -> LabelResult:
    """Positions of the format's table cells found by their labels, plus 2019-format label cells.

    `wanted` limits the cells looked for (None: every table cell of the format; ids that are not table
    cells are ignored). The 2019 check always covers the whole workbook.
    """
    f = fmtmod.load()
    ix = _Index(wb)
    result = LabelResult()
    wanted_ids = set(f.cells) if wanted is None else {e for e in wanted if e in f.cells}
    aliases: dict[str, list[str]] = {}
    for old, new in f.trial_2019.get("replaced_labels", {}).items():
        aliases.setdefault(new, []).append(old)
    for table in f.tables:
        ids = {table.cell_id_of(r, c) for r in table.rows for c in table.columns}
        if not ids & wanted_ids:
            continue
        pos, _ambiguous = _locate_table(table, ix, aliases)
        result.positions.update({e: p for e, p in pos.items() if e in wanted_ids})
    order = list(f.cells)
    result.positions = dict(sorted(result.positions.items(), key=lambda kv: order.index(kv[0])))
    result.trial_2019 = _trial_cells(f, ix)
    return result


def _best_sheets(table: fmtmod.Table, ix: _Index) -> set[str]:
    """Sheets holding the most distinct labels of this table."""
    score: dict[str, int] = {}
    for label in table.labels():
        for s in {p[0] for p in ix.find(label)}:
            score[s] = score.get(s, 0) + 1
    if not score:
        return set()
    top = max(score.values())
    return {s for s, v in score.items() if v == top}


def _fit(chain: set[str], groups: tuple[str, ...], all_groups: set[str]) -> int:
    """How well the group labels found around a label fit an item's group path (conflicts rank last)."""
    own = {norm(g) for g in groups}
    conflicts = len(chain & (all_groups - own))
    return -conflicts if conflicts else len(chain & own)


def _locate_table(table: fmtmod.Table, ix: _Index, aliases: dict[str, list[str]]):
    sheets = _best_sheets(table, ix)
    positions: dict[str, Pos] = {}
    ambiguous: set[str] = set()
    if not sheets:
        return positions, ambiguous
    row_groups = {norm(g) for r in table.rows for g in r.path[:-1]}
    col_groups = {norm(g) for c in table.columns for g in c.path[:-1]}
    row_depth = max(len(r.path) for r in table.rows)
    col_depth = max(len(c.path) for c in table.columns)

    # rows: each labelled row by its leaf label
    labelled = [r for r in table.rows if r.path]
    found_rows: dict[str, Pos] = {}
    amb_rows: set[str] = set()
    pending: dict[str, list[Pos]] = {}
    for row in labelled:
        cands = [p for p in ix.find(row.path[-1]) if p[0] in sheets]
        for old in aliases.get(row.path[-1], ()) if not cands else ():
            cands += [p for p in ix.find(old) if p[0] in sheets]
        if len(cands) > 1:
            cands = _best_by(cands, lambda p: _fit(_left_groups(ix.sheets[p[0]], p[1], p[2], row_groups, row_depth),
                                                   row.path[:-1], row_groups))
        if len(cands) == 1:
            found_rows[row.id] = cands[0]
        elif cands:
            pending[row.id] = cands
    order = [r.id for r in labelled]
    for rid, cands in pending.items():
        pick = _by_neighbours(rid, cands, order, found_rows)
        if pick:
            found_rows[rid] = pick
        else:
            amb_rows.add(rid)

    # columns: per sheet where rows were found (or every candidate sheet for a table without row labels)
    if labelled:
        by_sheet: dict[str, list[Pos]] = {}
        for rid in order:
            if rid in found_rows:
                by_sheet.setdefault(found_rows[rid][0], []).append(found_rows[rid])
        for s, poss in by_sheet.items():
            top = min(p[1] for p in poss)
            left = min(p[2] for p in poss)
            ceiling = _ceiling(table, ix, s, top)
            cols, amb_cols = _locate_columns(table, ix, {s}, col_groups, col_depth,
                                             lambda p: ceiling <= p[1] < top and p[2] > left, anchor_row=top)
            for row in labelled:
                p = found_rows.get(row.id)
                if not p or p[0] != s:
                    continue
                for col in table.columns:
                    cid = table.cell_id_of(row, col)
                    if col.id in cols:
                        positions[cid] = (s, p[1], cols[col.id][2])
                    elif col.id in amb_cols:
                        ambiguous.add(cid)
        for rid in amb_rows:
            row = table.row(rid)
            ambiguous |= {table.cell_id_of(row, c) for c in table.columns}
    elif len(table.rows) == 1:
        # one data row without a label (表四): the first row below the lowest leaf header
        cols, amb_cols = _locate_columns(table, ix, sheets, col_groups, col_depth, lambda p: True, anchor_row=None)
        data_row: dict[str, int] = {}
        for p in cols.values():
            data_row[p[0]] = max(data_row.get(p[0], 0), ix.sheets[p[0]].bottom(p[1], p[2]) + 1)
        row = table.rows[0]
        for col in table.columns:
            cid = table.cell_id_of(row, col)
            if col.id in cols:
                s, _, c = cols[col.id]
                positions[cid] = (s, data_row[s], c)
            elif col.id in amb_cols:
                ambiguous.add(cid)
    return positions, ambiguous


def _best_by(cands: list[Pos], score) -> list[Pos]:
    scored = [(score(p), p) for p in cands]
    top = max(s for s, _ in scored)
    return [p for s, p in scored if s == top]


def _left_groups(sh: _Sheet, r: int, c: int, groups: set[str], depth: int) -> set[str]:
    """Row-group labels of the table left of (r, c) (within a few columns) whose rows cover row r."""
    out = set()
    for c2 in range(max(1, c - 2 * depth - 2), c):
        out.update(n for r2 in sh.covering_in_col(r, c2) if (n := sh.strings[(r2, c2)]) in groups)
    return out


def _above_groups(sh: _Sheet, r: int, c: int, groups: set[str], depth: int) -> set[str]:
    """Column-group labels of the table above (r, c) (within a few rows) whose columns cover column c."""
    out = set()
    for r2 in range(max(1, r - 3 * depth), r):
        out.update(n for c2 in sh.covering_in_row(r2, c) if (n := sh.strings[(r2, c2)]) in groups)
    return out


def _by_neighbours(rid: str, cands: list[Pos], order: list[str], found: dict[str, Pos]) -> Pos | None:
    """A row label found twice: the candidate where the nearest located neighbour row expects it."""
    i = order.index(rid)
    located = [(abs(order.index(k) - i), order.index(k), p) for k, p in found.items()]
    if not located:
        return None
    _, j, (s, rj, _) = min(located)
    expected = rj + (i - j)
    fitting = [p for p in cands if p[0] == s and ((p[1] > rj) if i > j else (p[1] < rj))]
    if not fitting:
        return None
    best = _best_by(fitting, lambda p: -abs(p[1] - expected))
    return best[0] if len(best) == 1 else None


def _ceiling(table: fmtmod.Table, ix: _Index, sheet: str, top: int) -> int:
    """The table's own title / corner note nearest above its rows: column headers lie below it."""
    rows = [p[1] for t in (table.title, table.corner) if t for p in ix.find(t, sheet) if p[1] <= top]
    return max(rows, default=1)


def _locate_columns(table, ix: _Index, sheets: set[str], col_groups: set[str], depth: int, ok, anchor_row):
    """Column id → position of its leaf header; ids found more than once with no way to choose."""
    found: dict[str, Pos] = {}
    ambiguous: set[str] = set()
    leaves: dict[str, list] = {}
    for col in table.columns:
        leaves.setdefault(norm(col.path[-1]), []).append(col)
    for leaf, cols in leaves.items():
        cands = [p for p in ix.where.get(leaf, []) if p[0] in sheets and ok(p)]
        if not cands:
            continue
        chains = {p: _above_groups(ix.sheets[p[0]], p[1], p[2], col_groups, depth) for p in cands}
        best: dict[str, list[Pos]] = {}
        for col in cols:
            # nearest above the rows; a header met once in the table: also nearest right of the labels
            key = (lambda p, col=col: (_fit(chains[p], col.path[:-1], col_groups),
                                       p[1] if anchor_row is not None else 0,
                                       -p[2] if anchor_row is not None and len(cols) == 1 else 0))
            best[col.id] = _best_by(cands, key)
            # without rows to anchor on, a header with no group label of its own counts only when the
            # sheet shows this leaf once per column that carries it (then left to right decides)
            if anchor_row is None and _fit(chains[best[col.id][0]], col.path[:-1], col_groups) <= 0 \
                    and col.path[:-1] and len(cands) != len(cols):
                best[col.id] = []
        # assign: unique choices first, then columns sharing the same choices left to right
        todo = [c.id for c in cols]
        taken: set[Pos] = set()
        progress = True
        while todo and progress:
            progress = False
            for cid in list(todo):
                opts = [p for p in best[cid] if p not in taken]
                rivals = [c2 for c2 in todo if c2 != cid and [p for p in best[c2] if p not in taken] == opts]
                if len(opts) == 1 and not rivals:
                    found[cid] = opts[0]
                    taken.add(opts[0])
                    todo.remove(cid)
                    progress = True
            if progress:
                continue
            shares: dict[frozenset, list[str]] = {}
            for cid in todo:
                shares.setdefault(frozenset(p for p in best[cid] if p not in taken), []).append(cid)
            for opts, cids in shares.items():
                if opts and len(opts) == len(cids) and len({p[0] for p in opts}) == 1:
                    for cid, p in zip(cids, sorted(opts, key=lambda p: (p[2], p[1]))):
                        found[cid] = p
                        taken.add(p)
                        todo.remove(cid)
                    progress = True
        ambiguous |= {cid for cid in todo if any(p not in taken for p in best[cid])}
    return found, ambiguous


# --- the 2019 trial format -------------------------------------------------------------------------

def _trial_cells(f: fmtmod.Format, ix: _Index) -> list[tuple[str, int, int, str]]:
    trial = f.trial_2019
    labels = {norm(m): m for m in trial.get("markers", [])}
    labels.update({norm(old): old for old in trial.get("replaced_labels", {})})
    out: list[tuple[str, int, int, str]] = []
    for sh in ix.sheets.values():
        for (r, c), n in sh.strings.items():
            official = labels.get(n)
            if official is None and any(n.startswith(m) and n[len(m):] in labels for m in labels):
                official = sh.raw[(r, c)]                          # two 2019 labels in one cell
            if official is not None:
                out.append((sh.title, r, c, official))
    for group in trial.get("single_row_groups", []):
        subs = {norm(r.path[-1]) for t in f.tables for r in t.rows if group in r.path[:-1]}
        for s, r, c in ix.find(group):
            sh = ix.sheets[s]
            numbers = any(c2 > c for c2 in sh.numbers.get(r, ()))
            has_subs = any(sh.strings.get((r2, c2)) in subs
                           for r2 in range(r, r + len(subs) + 2) for c2 in sh.by_row.get(r2, ()))
            if numbers and not has_subs:
                out.append((s, r, c, group))
    order = {s: i for i, s in enumerate(ix.sheets)}
    return sorted(out, key=lambda x: (order[x[0]], x[1], x[2]))
