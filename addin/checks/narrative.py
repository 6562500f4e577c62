"""Narrative-vs-table checks (rules T* of schema/rules-*.json, kind "narrative-table").

Staff's own paragraphs are read for counts written next to the words of FORMAT.md §7 (收到, 受理, 办结,
予以公开, 行政复议, 行政规范性文件 …) and compared with the table quantities of schema/format-*.json
("quantities"). What a rule looks for is data in its row: `phrases` (words → the quantities they may
mean, tried in order: "收到N件" is 本年新收, else 新收+上年结转), `near` (a word that must stand close by,
so that "收到群众来信5件" is not read as an application count), and `zero` (claims such as "未收到…申请"
that say a quantity is 0). Arabic numbers with thousands separators, full-width digits and Chinese
numerals ("十二件", "一百零五件") all count.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from addin.checks.findings import Finding
from addin.format import fmt as fmtmod
from addin.format import quantity

_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_NUMBER = (r"(?P<num>\d{1,3}(?:,\d{3})+(?!\d)|\d+|[零〇一二两三四五六七八九十百千万]+)\s*件"
           r"(?:\s*[（(]\s*(?:占)?(?P<pct>\d+(?:\.\d+)?)\s*[%％])?")
_NUMBER_RX = re.compile(_NUMBER)
_SENTENCE = re.compile(r"[^。；;！？!?\n]+[。；;！？!?]?")


def cn_to_int(s: str) -> int | None:
    """'十二' → 12, '一百零五' → 105, '两千' → 2000, '三' → 3; None when it is not a numeral."""
    if not s:
        return None
    if all(ch in _CN_DIGITS for ch in s):           # 一〇五 (digit by digit)
        return int("".join(str(_CN_DIGITS[ch]) for ch in s))
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            unit = _CN_UNITS[ch]
            if unit == 10000:
                total += (section + (digit or 0)) * unit
                section, digit = 0, None
            else:
                section += (1 if digit is None else digit) * unit
                digit = None
        else:
            return None
    return total + section + (digit or 0)


def parse_number(s: str) -> int | None:
    s = s.translate(_FULLWIDTH)
    if re.fullmatch(r"[\d,]+", s):
        return int(s.replace(",", ""))
    return cn_to_int(s)


@dataclass
class Mention:
    text_id: str
    paragraph: int          # 1-based paragraph (line) number in the text
    sentence: str
    keyword: str
    number: int
    written: str            # the number as written
    percent: float | None
    readings: list[str]


def _paragraphs(text: str) -> list[str]:
    return [p for p in (text or "").splitlines()]


def _sentences(paragraph: str):
    for m in _SENTENCE.finditer(paragraph):
        yield m.group(0)


def _keyword_rx(words: list[str]) -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


@dataclass(frozen=True)
class _Count:
    paragraph: int
    sentence: str
    keyword: str            # the nearest word of any narrative-table rule before the count
    kw_start: int
    kw_end: int
    start: int
    end: int
    number: int
    written: str
    percent: float | None


@lru_cache(maxsize=64)
def _scan(text: str) -> tuple[_Count, ...]:
    """Every count 'N件' in the text with the nearest rule word before it (no other count in between).
    Done once per text for all rules (the nearest word of *any* rule wins: "结转下年度继续办理2件" is T3's
    结转下年度继续办理, not T1's 办理)."""
    kw_rx = _all_keywords()
    out = []
    for pi, para in enumerate(_paragraphs(text), 1):
        for sent in _sentences(para.translate(_FULLWIDTH)):
            prev_end = 0
            for m in _NUMBER_RX.finditer(sent):
                seg_start, prev_end = prev_end, m.end()
                n = parse_number(m.group("num"))
                kws = list(kw_rx.finditer(sent, seg_start, m.start())) if n is not None else []
                if not kws:
                    continue
                best = max(kws, key=lambda k: (k.end(), len(k.group(0))))
                pct = float(m.group("pct")) if m.group("pct") else None
                out.append(_Count(pi, sent, best.group(0), best.start(), best.end(), m.start(), m.end(), n,
                                  m.group("num"), pct))
    return tuple(out)


def mentions(text_id: str, text: str, rule: fmtmod.Rule) -> list[Mention]:
    """The counts in `text` bound to one of the rule's words (at most `gap` characters away, with the `near`
    word close by)."""
    p = rule.params
    readings = {w: ph["readings"] for ph in p["phrases"] for w in ph["words"]}
    near = re.compile(p["near"]) if p.get("near") else None
    gap, near_chars = p.get("gap", 20), p.get("near_chars", 15)
    out = []
    for c in _scan(text):
        if c.keyword not in readings or c.start - c.kw_end > gap:
            continue
        if near and not near.search(c.sentence[max(0, c.kw_start - near_chars): c.end + near_chars]):
            continue
        out.append(Mention(text_id, c.paragraph, c.sentence.strip(), c.keyword, c.number, c.written, c.percent,
                           readings[c.keyword]))
    return out


@lru_cache(maxsize=None)
def _all_keywords() -> re.Pattern:
    words = [w for r in fmtmod.load().rules if r.kind == "narrative-table"
             for ph in r.params.get("phrases", []) for w in ph["words"]]
    return _keyword_rx(words)


def zero_claims(text: str, rule: fmtmod.Rule) -> list[tuple[int, str, str, dict]]:
    """(paragraph, sentence, words, claim) for sentences that say a quantity is 0 ('未收到…申请')."""
    out = []
    unless = re.compile(rule.params["zero_unless"]) if rule.params.get("zero_unless") else None
    for claim in rule.params.get("zero", []):
        rx = _keyword_rx(claim["words"])
        for pi, para in enumerate(_paragraphs(text), 1):
            for sent in _sentences(para.translate(_FULLWIDTH)):
                m = rx.search(sent)
                if not m or (unless and unless.search(sent)):
                    continue
                clause = re.split(r"[，,；;。]", sent[m.end():], maxsplit=1)[0]
                if claim.get("then") and claim["then"] not in clause:
                    continue
                out.append((pi, sent.strip(), m.group(0), claim))
    return out


def _texts(ctx, rule: fmtmod.Rule) -> list[str]:
    return [e[5:] for p in rule.spec["cells"] if p.startswith("text.") for e in ctx.f.match(p)]


def _where(ctx, text_id: str, paragraph: int) -> str:
    """'总体情况!A23 一、总体情况': the cell of the paragraph (one paragraph a row) when the text is a block of rows."""
    t = ctx.f.text(text_id)
    heading = ctx.f.section(t.section)["heading"] if t.section else t.label
    part = t.label if t.label not in heading else ""
    where = ctx.locate("text." + text_id)
    m = re.fullmatch(r"(.+!)([A-Z]+)(\d+):([A-Z]+)(\d+)", where)
    if m and int(m.group(3)) + paragraph - 1 <= int(m.group(5)):
        where = f"{m.group(1)}{m.group(2)}{int(m.group(3)) + paragraph - 1}"
    else:
        where = f"{where} 第{paragraph}行"
    return f"{where} {heading}{('·' + part) if part else ''}"


def _excerpt(sentence: str, limit: int = 60) -> str:
    s = sentence.rstrip("。；;")
    return s if len(s) <= limit else s[:limit] + "…"


def _quantity_words(ctx, qid: str, v) -> str:
    cells = quantity.quantities()[qid]["cells"]
    refs = _refs(ctx, cells)
    return f"{quantity.label(qid)} {v} 件（{refs}）"


def _refs(ctx, cells: list[str]) -> str:
    from addin.format.layout import address_list
    return address_list([ctx.locate(c) for c in cells])


def check(ctx, rule: fmtmod.Rule) -> list[Finding]:
    """One narrative-table rule over the texts it names."""
    out: list[Finding] = []
    note_rule = ctx.f.rule(rule.params["note_rule"]) if rule.params.get("note_rule") else None
    pct_of = rule.params.get("percent_of")
    for tid in _texts(ctx, rule):
        text = ctx.text(tid)
        if not text.strip():
            continue
        element = f"text.{tid}"
        for m in mentions(tid, text, rule):
            vals = [(q, quantity.value(ctx.doc, q)) for q in m.readings]
            if any(v is None for _, v in vals):
                continue  # an invalid cell is reported on its own
            matched = next((q for q, v in vals if v == m.number), None)
            quote = f"“{_excerpt(m.sentence)}”"
            cells = [c for q, _ in vals for c in quantity.quantities()[q]["cells"]]
            if matched is None:
                said = "；".join(
                    ("按" if i else "") + _quantity_words(ctx, q, v) + ("，也不相符" if i else "")
                    for i, (q, v) in enumerate(vals))
                neither = "两种读法都不相符。" if len(vals) == 2 else ("各种读法都不相符。" if len(vals) > 2 else "")
                msg = rule.message("drift", where=_where(ctx, tid, m.paragraph), quote=quote, keyword=m.keyword,
                                   written=m.written, said=said, neither=neither)
                out.append(Finding(rule.id, rule.severity, msg, cells=[element] + cells,
                                   values={"written": m.number, "keyword": m.keyword, "paragraph": m.paragraph,
                                           "readings": {q: v for q, v in vals}, "matched": None},
                                   target=f"{element}:{m.keyword}:{m.number}"))
                continue
            if matched != m.readings[0] and note_rule is not None and note_rule.active:
                first_q, first_v = vals[0]
                parts = "+".join(f"{quantity.value(ctx.doc, q2)}" for q2 in _components(matched))
                msg = note_rule.message("note", where=_where(ctx, tid, m.paragraph), quote=quote, keyword=m.keyword,
                                        number=m.number, first_label=quantity.label(first_q), first=first_v,
                                        matched_label=quantity.label(matched), parts=parts)
                out.append(Finding(note_rule.id, note_rule.severity, msg, cells=[element] + cells,
                                   values={"written": m.number, "keyword": m.keyword, "matched": matched},
                                   target=f"{element}:{m.keyword}:{m.number}"))
            if pct_of and m.percent is not None:
                whole = quantity.value(ctx.doc, pct_of)
                if whole:
                    exact = m.number / whole * 100
                    decimals = len(str(m.percent).split(".")[1]) if "." in str(m.percent) else 0
                    if abs(exact - m.percent) > 0.5 * 10 ** -decimals + 1e-9:
                        msg = rule.message("percent", where=_where(ctx, tid, m.paragraph), quote=quote,
                                           keyword=m.keyword, number=m.number, percent=f"{m.percent:g}",
                                           whole_label=quantity.label(pct_of), whole=whole,
                                           exact=f"{exact:.{max(decimals, 1)}f}")
                        out.append(Finding(rule.id, rule.severity, msg,
                                           cells=[element] + quantity.quantities()[pct_of]["cells"],
                                           values={"written_percent": m.percent, "percent": round(exact, 4)},
                                           target=f"{element}:{m.keyword}:{m.number}:%"))
        for pi, sent, words, claim in zero_claims(text, rule):
            q = claim["quantity"]
            v = quantity.value(ctx.doc, q)
            if v is None or v == 0:
                continue
            msg = rule.message("zero", where=_where(ctx, tid, pi), excerpt=_excerpt(sent), words=words,
                               table_says=_quantity_words(ctx, q, v))
            out.append(Finding(rule.id, rule.severity, msg,
                               cells=[element] + quantity.quantities()[q]["cells"],
                               values={"claim": words, "quantity": q, "value": v, "paragraph": pi},
                               target=f"{element}:{words}"))
    return out


def _components(qid: str) -> list[str]:
    """A sum quantity's parts, when they are quantities themselves (received = new + carried_in)."""
    cells = quantity.quantities()[qid]["cells"]
    singles = [q for q, d in quantity.quantities().items() if q != qid and set(d["cells"]) <= set(cells)
               and len(d["cells"]) < len(cells)]
    chosen, covered = [], set()
    for q in sorted(singles, key=lambda q: -len(quantity.quantities()[q]["cells"])):
        qc = set(quantity.quantities()[q]["cells"])
        if not qc & covered:
            chosen.append(q)
            covered |= qc
    return chosen if covered == set(cells) else [qid]
