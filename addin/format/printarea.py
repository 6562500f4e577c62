"""What a writing sheet prints: what staff wrote and a few blank rows; a blank sheet about one page.

One computation for every place that sets a writing sheet's print area: the template (build, fill) and the
marks (the 校验 button in Excel, `validate --annotate`). A print area defined by a formula that grows with the
text is not used: LibreOffice ignores such a `_xlnm.Print_Area` and prints the sheet's whole used range
(measured, LibreOffice 7.4), so the area is a plain range, reset whenever the workbook is checked.

Inputs are plain values — the sheet's cell grid from A1 and its row heights — so the openpyxl and the xlwings
side give them alike; nothing here knows either library.
"""
from __future__ import annotations

import math
from collections.abc import Callable

from addin.format import layout as laymod
from addin.format.styles import LINE_HEIGHT
from addin.text import display_len

TEXT_WIDTH = 72                  # column A of the text sheets (Excel character units; fits A4 at 100 %)
EXPLAIN_WIDTHS = (10, 20, 60)    # 说明: 规则编号, 对象, 说明
PAGE_HEIGHT = 690                # points of rows one portrait A4 page holds at our margins (LibreOffice, measured)
BLANK_AFTER = 3                  # blank rows printed under the last written one, to add a line by hand on paper
EXPLAIN_PRINTED = 15             # 说明 prints at least this many rows under its header: a page, not three of grid
ROWS_LOOKED_AT = 1000            # rows of a writing sheet read (a value typed in A1048576 is no paragraph)
WRAP_FILL = 0.9                  # LibreOffice and WPS fit ~10 % fewer CJK characters on a line than the width says

Range = tuple[int, int, int, int]          # row1, col1, row2, col2


def wrapped_lines(text, width: float) -> int:
    """Lines a text takes in a wrapping cell `width` characters wide (every paragraph at least one)."""
    per_line = max(1.0, width * WRAP_FILL - 1)
    return sum(max(1, math.ceil(display_len(part) / per_line)) for part in str(text).split("\n"))


def text_height(text, width: float) -> float:
    """Points a wrapping cell needs to show the text whole."""
    return wrapped_lines(text, width) * LINE_HEIGHT + 3


def writing_sheets() -> list[str]:
    """The sheets staff write running text into: the text sheets and 说明."""
    return sorted({b.sheet for b in laymod.load().blocks.values()}) + [laymod.EXPLAIN_SHEET]


def widths(sheet: str) -> tuple[float, ...]:
    return EXPLAIN_WIDTHS if sheet == laymod.EXPLAIN_SHEET else (TEXT_WIDTH,)


def needed_heights(sheet: str, grid: list[list]) -> dict[int, float]:
    """Height each written row of the sheet's writing cells needs to print whole."""
    out = {}
    for r in _writing_rows(sheet, len(grid)):
        cells = [(_value(grid, r, c), w) for c, w in enumerate(widths(sheet), start=1)]
        if any(v for v, _ in cells):
            out[r] = max(text_height(v, w) for v, w in cells if v)
    return out


def ranges(sheet: str, grid: list[list], height: Callable[[int], float | None]) -> list[Range]:
    """The print area of a writing sheet from what is written in `grid` (values from A1) and the rows'
    heights (`height(row)`, None for the default). Usually one range; see _text_ranges for when it is more."""
    if sheet == laymod.EXPLAIN_SHEET:
        return [_explain_range(grid)]
    blocks = sorted((b for b in laymod.load().blocks.values() if b.sheet == sheet), key=lambda b: b.first_row)
    need = needed_heights(sheet, grid)

    def h(r: int) -> float:
        return max(height(r) or LINE_HEIGHT, need.get(r, 0))

    return _text_ranges(blocks, grid, h)


def refs(rngs: list[Range]) -> list[str]:
    """['A1:A9', 'A37:A42']: the ranges as cell references."""
    return [f"{laymod.ref(r1, c1)}:{laymod.ref(r2, c2)}" for r1, c1, r2, c2 in rngs]


# --- the rules ----------------------------------------------------------------------------------------------

def _text_ranges(blocks: list, grid: list[list], h: Callable[[int], float]) -> list[Range]:
    """One range from A1 to the last block's written rows plus BLANK_AFTER blank ones, at least down to where a
    page is full (a blank sheet prints one page of writing grid, not two). When that range would part a block's
    heading from its text (the empty grid of the block above pushing the text onto the next page), each block
    prints as its own range instead — its heading, its written rows and BLANK_AFTER blank ones, from the top of
    a page, since Excel and LibreOffice start each range of a print area on a new page. Split too when it
    starts no block on a later page (the empty grid only filled the page before a break); never when it takes
    more pages."""
    col = blocks[0].col
    ends = [_block_end(b, grid, b is blocks[-1]) for b in blocks]
    whole = [(1, col, max(ends[-1], _page_full(blocks[-1], h)), col)]
    if len(blocks) == 1:
        return whole
    split = [(1 if i == 0 else b.heading_row, col, e, col) for i, (b, e) in enumerate(zip(blocks, ends))]
    left_out = set(range(1, whole[0][2] + 1)) - {r for r1, _, r2, _ in split for r in range(r1, r2 + 1)}
    if any(_value(grid, r, col) for r in left_out) or _pages(split, h) > _pages(whole, h):
        return whole        # a split would print more pages, or drop text (rows inserted by hand moved a block)
    on_whole, on_split = _page_of(whole, h), _page_of(split, h)
    no_later = all(on_split[b.heading_row] <= on_whole[b.heading_row] for b in blocks)
    return split if no_later or _parted(on_whole, blocks) else whole


def _block_end(block, grid: list[list], last: bool) -> int:
    """The block's last written row plus BLANK_AFTER (at least BLANK_AFTER rows), within the block — the last
    block down to text written below it too (it is printed, though the reader will point at it)."""
    bottom = max(block.last_row, len(grid)) if last else block.last_row
    written = max((r for r in range(block.first_row, bottom + 1) if _value(grid, r, block.col)), default=0)
    end = max(written + BLANK_AFTER, block.first_row + BLANK_AFTER - 1)
    return max(min(end, block.last_row), written)


def _page_full(block, h: Callable[[int], float]) -> int:
    """The last row of the block that still fits on the sheet's first page."""
    used = sum(h(r) for r in range(1, block.first_row))
    row = block.first_row - 1
    while row < block.last_row and used + h(row + 1) <= PAGE_HEIGHT:
        row += 1
        used += h(row)
    return row


def _page_of(rngs: list[Range], h: Callable[[int], float]) -> dict[int, int]:
    """The page each printed row lands on: each range from a new page, a row that does not fit on the rest of a
    page starting the next (as LibreOffice breaks a sheet without manual breaks)."""
    out, page = {}, -1
    for r1, _, r2, _ in rngs:
        page, used = page + 1, 0.0
        for r in range(r1, r2 + 1):
            if used and used + h(r) > PAGE_HEIGHT:
                page, used = page + 1, 0.0
            out[r] = page
            used += h(r)
    return out


def _pages(rngs: list[Range], h: Callable[[int], float]) -> int:
    return max(_page_of(rngs, h).values()) + 1


def _parted(page: dict[int, int], blocks: list) -> bool:
    """Whether a block's heading prints on another page than its first written row."""
    return any(b.heading_row in page and b.first_row in page and page[b.heading_row] != page[b.first_row]
               for b in blocks)


def _explain_range(grid: list[list]) -> Range:
    r1, r2 = laymod.load().explain_rows
    ncol = len(laymod.EXPLAIN_COLUMNS)
    written = max((r for r in range(r1, max(r2, len(grid)) + 1)
                   if any(_value(grid, r, c) for c in range(1, ncol + 1))), default=r1 - 1)
    end = max(written + BLANK_AFTER, r1 + EXPLAIN_PRINTED - 1)
    return (1, 1, max(min(end, r2), written), ncol)


def _writing_rows(sheet: str, grid_rows: int) -> list[int]:
    """The rows staff write into (and any below the last block), never a heading or prompt row."""
    if sheet == laymod.EXPLAIN_SHEET:
        r1, r2 = laymod.load().explain_rows
        return list(range(r1, max(r2, grid_rows) + 1))
    blocks = sorted((b for b in laymod.load().blocks.values() if b.sheet == sheet), key=lambda b: b.first_row)
    rows = [r for b in blocks for r in range(b.first_row, b.last_row + 1)]
    return rows + list(range(blocks[-1].last_row + 1, grid_rows + 1))


def _value(grid: list[list], row: int, col: int) -> str | None:
    """The cell's text when it holds something other than blanks (a 0 included), else None."""
    if 1 <= row <= len(grid) and 1 <= col <= len(grid[row - 1]):
        v = grid[row - 1][col - 1]
        return str(v) if v is not None and str(v).strip() else None
    return None
