"""Small text helpers every layer shares, one of each: display width, the formula guard, numbers as printed,
Chinese ordinals. Plain functions over strings; this module imports nothing of the package."""
from __future__ import annotations

import re
import unicodedata

# Text starting with one of these may be run as a formula by Excel, WPS or a CSV import (the strictest set:
# the OWASP CSV-injection list), so it is written as text with a leading apostrophe or Excel's quote prefix.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_ORDINAL = r"^(?:[（(][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、|\d+\.)"   # compiled on first use (re's cache)


def display_len(text: str) -> int:
    """Width in columns (a terminal's or Excel's character units): wide (CJK) characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def looks_like_formula(value) -> bool:
    """Text that a spreadsheet could read as a formula (it must be written so that it stays text)."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def number(v, places: int | None = 4) -> str:
    """A figure as staff read it: integers plain, decimals to `places` without trailing zeros (the report
    prints 万元 to 4 places, as the format asks); places=None: six significant digits, for a value as typed
    that may be out of any range (1e+308, 1e-05) in a message."""
    if isinstance(v, float) and places is None:
        return f"{v:g}"
    if isinstance(v, float):
        s = f"{v:.{places}f}".rstrip("0").rstrip(".")
        return "0" if s in ("-0", "") else s
    return str(v)


def strip_ordinal(label: str) -> str:
    """'（六）其他处理' → '其他处理'; also '三、…' and '1.…' (the numbering of the official labels)."""
    return re.sub(_ORDINAL, "", label)


# A date, time or date-time in a cell that should hold a number: the reader keeps it as this mark plus its ISO
# text (never as a number, which would hide it), and the validator says "a date" from the mark.
DATE_MARK = "日期 "
