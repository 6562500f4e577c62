"""The six sections found by their headings, tolerant of the variants real reports use: numbering style
or none, altered wording ("存在的主要问题及整改措施"), headings inside run-together text, a missing heading
(section 五 then found by its sub-heads). Every departure is noted for a format finding."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from addin.audit.text import CN_DIGITS, char_norm, cn_numeral, core, squeeze
from addin.format import fmt as fmtmod

# a section's own numbering; （一） numbers a sub-head, never one of the six sections
_NUMBERED = re.compile(r"(?:第[一二三四五六七八九十]+部分\s*[、:：]?|[一二三四五六七八九十]\s*[、.．])\s*")


@dataclass
class Heading:
    section: str
    start: int          # offset of the heading in the stream
    end: int            # offset after it
    text: str           # as published
    number: str         # its numbering as published ("" = none)


@dataclass
class Sections:
    headings: dict = field(default_factory=dict)     # section id → Heading
    notes: list = field(default_factory=list)


def find(stream: str, f: fmtmod.Format) -> Sections:
    out = Sections()
    pos = 0
    for k, sec in enumerate(f.sections, 1):
        h = _search(stream, core(sec["heading"]), pos, sec["id"])
        if h is None:
            continue
        out.headings[sec["id"]] = h
        pos = h.end
        official = sec["heading"]
        if squeeze(core(h.text)) != squeeze(core(official)):
            out.notes.append(("heading", {"found": h.text, "official": official, "start": h.start}))
        elif h.number and not h.number.startswith(cn_numeral(k)):
            out.notes.append(("number", {"found": h.text, "official": official, "start": h.start}))
    for sec in f.sections:
        if sec["id"] not in out.headings:
            out.notes.append(("missing", {"official": sec["heading"]}))
    return out


def _search(stream: str, title: str, pos: int, sid: str) -> Heading | None:
    """The first place after `pos`, at a line start or after a numbering, where the text reads like `title`."""
    starts = {m.end() for m in _NUMBERED.finditer(stream, pos)}
    starts |= {pos + m.start(1) for m in re.finditer(r"(?:^|\n)[ \t#]*(\S)", stream[pos:])}
    best = None
    for s in sorted(starts):
        if s < pos:
            continue
        if stream[s:s + 1] in "(（" or _NUMBERED.match(stream, s):
            continue                             # a sub-head, or a numbering: its text is the candidate
        line = stream[s:].split("\n")[0]
        window = line[: len(title) + 8]
        score, length = _best_prefix(title, window)
        if score >= 0.75 and len(squeeze(line)) <= len(squeeze(title)) + 6:
            length = len(line.rstrip())          # a heading on its own line: all of it
        if score >= 0.75:
            num = _number_before(stream, s)
            begin = s - len(num)
            best = Heading(sid, begin, s + length, stream[begin: s + length].strip(), num.strip())
            break
    return best


def _best_prefix(title: str, window: str) -> tuple[float, int]:
    best = (0.0, 0)
    t = squeeze(title)
    for n in range(max(2, len(t) - 3), min(len(window), len(t) + 6) + 1):
        w = squeeze(window[:n])
        r = SequenceMatcher(None, t, w).ratio()
        if r > best[0]:
            best = (r, n)
    return best


def _number_before(stream: str, s: int) -> str:
    m = re.search(r"(?:第[一二三四五六七八九十]+部分\s*[、:：]?|[一二三四五六七八九十]\s*[、.．]|\(\s*[一二三四五六七八九十]\s*\))\s*$",
                  stream[max(0, s - 12): s])
    return m.group(0) if m else ""


def split_s5(text: str) -> tuple[str, str, str]:
    """(problems, improvements, how) from section 五: by sub-heads when it has them, else at the first
    sentence about next steps; `how` says which (for the finding when the split was a guess)."""
    lines = text.split("\n")
    heads = []
    for i, ln in enumerate(lines):
        s = char_norm(ln.strip())
        if re.match(r"^(?:\([一二三四五六七八九十]\)|[一二三四五六七八九十]、|\d[.、])", s) or \
                (len(s) < 30 and ("问题" in s or "改进" in s or "整改" in s)):
            head = re.split(r"[。:：]", s)[0]
            if "改进" in head or "整改" in head or "措施" in head:
                heads.append((i, "improvements"))
            elif "问题" in head:
                heads.append((i, "problems"))
    if heads and {k for _, k in heads} == {"problems", "improvements"}:
        parts = {"problems": [], "improvements": []}
        bounds = heads + [(len(lines), None)]
        for (i, kind), (j, _) in zip(bounds, bounds[1:]):
            parts[kind].append("\n".join(lines[i:j]).strip())
        pre = "\n".join(lines[:heads[0][0]]).strip()
        return "\n".join(([pre] if pre else []) + parts["problems"]), "\n".join(parts["improvements"]), "subheads"
    m = re.search(r"(?<=[。；;])[^。；;]*?(?:下一步|整改措施|改进措施|将重点|将从以下|为此|下阶段)", text)
    if m:
        return text[:m.start()].strip(), text[m.start():].strip(), "sentence"
    return text.strip(), "", "none"


def find_s5(stream: str, start: int, end: int) -> int | None:
    """Where section 五 begins when its heading is missing: its first sub-head about problems or improvements."""
    for m in re.finditer(r"(?:^|\n)\s*(\([一二三四五六七八九十]\)[^\n]{0,30}(?:问题|改进|整改)[^\n]*)", stream[start:end]):
        return start + m.start(1)
    return None


__all__ = ["find", "split_s5", "find_s5", "CN_DIGITS"]
