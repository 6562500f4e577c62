"""Normalisation shared by the audit readers: widths, spaces, numbering, number tokens."""
from __future__ import annotations

import re
import unicodedata

CN_DIGITS = "一二三四五六七八九十"
NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+\s*[、.]|\(\s*[一二三四五六七八九十]+\s*\)|\d{1,2}\s*[.、)](?!\d)"
                       r"|第[一二三四五六七八九十]+部分\s*[、:]?)\s*")
NUMBER = re.compile(r"^\d+(?:\.\d+)?$")


def char_norm(text: str) -> str:
    """Full width → half width character by character (NFKC), keeping the length so offsets stay valid."""
    out = []
    for c in text:
        n = unicodedata.normalize("NFKC", c)
        out.append(n if len(n) == 1 else c)
    return "".join(out).replace("．", ".").replace("｜", "|")


def squeeze(text: str) -> str:
    """For comparing labels: half width, no spaces, no cell separators or quote marks of a capture."""
    return re.sub(r"[\s|│\"]+", "", char_norm(text or ""))


def core(label: str) -> str:
    """A label without its numbering (一、 （一） 1. 第一部分) and spaces."""
    s = squeeze(label)
    while True:
        m = NUMBERING.match(s)
        if not m or m.end() == len(s):
            return s
        s = s[m.end():]


def is_number(cell: str | None) -> bool:
    return cell is not None and bool(NUMBER.match(squeeze(cell).replace(",", "")))


def cn_numeral(n: int) -> str:
    return CN_DIGITS[n - 1] if 1 <= n <= 10 else str(n)
