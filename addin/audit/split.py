"""Cells that ran together in a capture ("21710000218"): every way to cut the digits, and which cuts the
format's own sums allow. Only the balancing rules choose; when they leave more than one way, nothing is
chosen (the caller reports the cells as unread, or marks its own preference as a guess)."""
from __future__ import annotations

from itertools import combinations, product
from typing import Callable

MAX_CANDIDATES = 5000


def cuts(digits: str, parts: int, max_len: int = 9) -> list[list[int]]:
    """All ways to cut a digit run into `parts` numbers without leading zeros ('05' is not a cell)."""
    n = len(digits)
    if parts < 1 or n < parts or n > parts * max_len:
        return []
    out = []
    for bounds in combinations(range(1, n), parts - 1):
        edges = (0, *bounds, n)
        pieces = [digits[a:b] for a, b in zip(edges, edges[1:])]
        if any(len(p) > max_len or (len(p) > 1 and p[0] == "0") for p in pieces):
            continue
        out.append([int(p) for p in pieces])
        if len(out) > MAX_CANDIDATES:
            break
    return out


def row_total(values: list[int]) -> bool:
    """A 表三 row: the six applicant columns add up to the 总计 column."""
    return sum(values[:-1]) == values[-1]


def group_totals(size: int) -> Callable[[list[int]], bool]:
    """表四: each group of `size` ends with its total."""
    def ok(values: list[int]) -> bool:
        groups = [values[i:i + size] for i in range(0, len(values), size)]
        return all(sum(g[:-1]) == g[-1] for g in groups)
    return ok


def choose(rows: dict[str, list[list[int]]], table_ok: Callable[[dict[str, list[int]]], bool],
           limit: int = 200000) -> dict[str, list[int]] | None:
    """One candidate per row such that the whole table balances; None unless exactly one combination does."""
    keys = list(rows)
    sizes = 1
    for k in keys:
        sizes *= max(1, len(rows[k]))
    if not all(rows[k] for k in keys) or sizes > limit:
        return None
    found = None
    for combo in product(*(rows[k] for k in keys)):
        pick = dict(zip(keys, combo))
        if table_ok(pick):
            if found is not None and found != pick:
                return None
            found = pick
    return found
