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
from bisect import bisect_left, bisect_right
from functools import lru_cache
from itertools import accumulate

from addin.checks.findings import Finding
from addin.format import fmt as fmtmod
from addin.format import quantity
from addin.format.record import MutableRecord, Record

try:                               # the parser of re: what a pattern must hold, read from the pattern itself (_needs)
    from re import _constants as _sre
    from re import _parser as _sre_parse
except ImportError:                # Python 3.10
    import sre_constants as _sre
    import sre_parse as _sre_parse

_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
_FULLWIDTH_DIGITS = "０１２３４５６７８９"
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_NUMBER = (r"(?P<num>(?<!\d)(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)|(?<![零〇一二两三四五六七八九十百千万])[零〇一二两三四五六七八九十百千万]+)"
           r"\s*(?:{units})(?:\s*[（(]\s*(?:占)?(?P<pct>\d+(?:\.\d+)?)\s*[%％])?")
_MAX_DIGITS = 15                      # no count of this format has more; longer runs are not counts


@lru_cache(maxsize=None)
def _number_rx() -> re.Pattern:
    """A count: a number and a unit of the lexicon (件, 起 for cases, 份 for applications …). Each alternative
    starts only where its run starts, so the scan is linear on long digit runs."""
    return re.compile(_NUMBER.replace("{units}", "|".join(map(re.escape, lexicon()["count_units"]))))
# what may stand between a count's first character and its unit: the number's characters and spaces (a superset
# of what _NUMBER lets stand there; the unit itself is never one of them)
_BEFORE_UNIT = re.compile(r"[\d\s,零〇一二两三四五六七八九十百千万]")
_SENTENCE = re.compile(r"[^。；;！？!?\n]+[。；;！？!?]?")   # = lexicon sentence_ends (tested)
_SENTENCE_ENDS = "。；;！？!?"                             # the ends of _SENTENCE (tested)


def _unit_starts(text: str) -> list[int]:
    """Where a unit of the lexicon starts in the text, in order (str.find: a unit is rare, a number's first
    character is not: "一" stands in every other sentence)."""
    found = set()
    for unit in lexicon()["count_units"]:
        at = text.find(unit)
        while at >= 0:
            found.add(at)
            at = text.find(unit, at + 1)
    return sorted(found)


def _counts(sent: str, units: list[int], pos: int = 0):
    """The matches of _number_rx().finditer(sent, pos), given where the units start in sent (_unit_starts):
    a count ends in a unit with only number characters and spaces before it, so the pattern is tried only at
    the few places before a unit, from the left, as finditer would meet them."""
    rx = _number_rx()
    for u in units[bisect_left(units, pos):]:
        if u < pos:
            continue             # inside the count just found
        start = _run_start(sent, u, pos)   # no count starts further left: it would need a character that is not
        for at in range(start, u + 1):
            m = rx.match(sent, at)
            if m is not None:
                yield m
                pos = m.end()
                break


def _run_start(sent: str, u: int, pos: int) -> int:
    """The leftmost index ≥ pos from which only number characters and spaces stand before u: matched on the
    reversed text before u, in windows that double (a run of 32,760 digits is not walked a character at a time)."""
    width = 64
    while True:
        left = max(pos, u - width)
        run = _BEFORE_RUN.match(sent[left:u][::-1]).end()
        if run < u - left or left == pos:
            return u - run
        width *= 2


_BEFORE_RUN = re.compile(_BEFORE_UNIT.pattern + "*")


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


def written_decimals(written: str | None) -> int:
    """Decimals of a percentage as staff wrote it: "62" → 0, "61.5" → 1, "61.54" → 2. Counted on the text, not
    on the parsed float (62.0 would look like one decimal and shrink the rounding allowance tenfold)."""
    if not written or "." not in written:
        return 0
    return len(written.split(".", 1)[1])


def parse_number(s: str) -> int | None:
    s = s.translate(_FULLWIDTH)
    if len(s) > _MAX_DIGITS * 2:      # int() of a 5,000-digit run raises; no real count is that long
        return None
    if re.fullmatch(r"[\d,]+", s):
        return int(s.replace(",", ""))
    return cn_to_int(s)


class Mention(MutableRecord):
    """A count in a text bound to a rule's word. paragraph: 1-based (one a line); written: the number as written;
    percent_written: the percentage as written ("62", "61.5"), whose decimals set the tolerance; years: years
    named in the count's clause before it ("2024年度共收到申请10件")."""
    __slots__ = ("text_id", "paragraph", "sentence", "keyword", "number", "written", "percent", "readings",
                 "percent_written", "years")

    def __init__(self, text_id: str, paragraph: int, sentence: str, keyword: str, number: int, written: str,
                 percent: float | None, readings: list[str], percent_written: str | None = None,
                 years: tuple[int, ...] = ()):
        self.text_id, self.paragraph, self.sentence, self.keyword = text_id, paragraph, sentence, keyword
        self.number, self.written, self.percent, self.readings = number, written, percent, readings
        self.percent_written, self.years = percent_written, years


def _paragraphs(text: str) -> list[str]:
    return [p for p in (text or "").splitlines()]


@lru_cache(maxsize=64)
def _half_width(text: str) -> tuple[str, tuple[str, ...]]:
    """The text with full-width digits made half-width, whole and as paragraphs: made once per text for every
    rule that reads it (a 30,000-character narrative is read by a dozen rules). The mapping neither makes nor
    removes a line break, so its paragraphs are the text's paragraphs, translated. Translated only when it holds
    a full-width digit: str.translate looks up a CJK text's characters one by one (≈1 ms a workbook), a search
    for the ten digits is twenty times faster (ten str.find, each one a scan for one character: again twenty times
    faster than a pattern [０-９], which tests each character against the range)."""
    text = text or ""
    whole = text.translate(_FULLWIDTH) if any(d in text for d in _FULLWIDTH_DIGITS) else text
    return whole, tuple(whole.splitlines())


def _sentences(paragraph: str):
    for m in _SENTENCE.finditer(paragraph):
        yield m.group(0)


def _keyword_rx(words: list[str]) -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


class _Count(Record):
    """A count 'N件' in a sentence and the nearest word of any narrative-table rule before it (keyword)."""
    __slots__ = ("paragraph", "sentence", "keyword", "kw_start", "kw_end", "start", "end", "number", "written",
                 "percent", "percent_written", "years")

    def __init__(self, *values):
        for name, value in zip(self.__slots__, values, strict=True):
            object.__setattr__(self, name, value)

    def __setattr__(self, name, value):
        raise AttributeError(f"_Count is read-only ({name})")


_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


@lru_cache(maxsize=None)
def lexicon() -> dict:
    """schema/lexicon-<version>.json: the words staff write for each quantity, clause boundaries, claim forms."""
    return fmtmod._load(f"lexicon-{fmtmod.FORMAT_VERSION}.json")


def phrases(rule_id: str) -> list[dict]:
    return lexicon()["quantities"].get(rule_id, [])


def _clause_start(sent: str, pos: int, floor: int) -> int:
    """Start of the clause holding `pos` (after the last clause break before it), not before `floor`."""
    breaks = lexicon()["clause_breaks"]
    i = pos - 1
    while i >= floor and sent[i] not in breaks:
        i -= 1
    return i + 1


def _bind(sent: str, kw_rx: re.Pattern, seg_start: int, num_start: int):
    """The quantity word a count binds to: the nearest word of its own clause; when the clause has none, the
    nearest word of the clauses before it when the clause only joins ("收到申请，共计45件"; lexicon carry_connector);
    no word when what stands between says the number is something else ("行政复议纠错1件"; not_this_count). An outcome word before
    an outcome verb of the same clause makes the count that outcome ("予以公开答复8件" is 予以公开, not 答复)."""
    clause = _clause_start(sent, num_start, seg_start)
    kws = list(kw_rx.finditer(sent, clause, num_start))
    if not kws and re.match(lexicon()["carry_connector"], sent[clause:num_start]):
        kws = list(kw_rx.finditer(sent, seg_start, clause))
    if not kws:
        return None
    best = max(kws, key=lambda k: (k.end(), len(k.group(0))))
    if best.group(0) in lexicon()["not_quantity_words"] or \
            re.search(lexicon()["not_this_count"], sent[best.end():num_start]):
        return None
    if best.group(0) in lexicon()["outcome_verbs"]:
        outcomes = {w for ph in phrases(lexicon()["outcome_rule"]) for w in ph["words"]}
        before = [k for k in kw_rx.finditer(sent, _clause_start(sent, best.start(), seg_start), best.start())
                  if k.group(0) in outcomes]
        if before:
            best = max(before, key=lambda k: (k.end(), len(k.group(0))))
    return best


@lru_cache(maxsize=None)
def _after_words() -> frozenset:
    return frozenset(w for phs in lexicon()["quantities"].values() for ph in phs if ph.get("after") for w in ph["words"])


def _bind_after(sent: str, kw_rx: re.Pattern, num_end: int, units: list[int]):
    """A count with no word before it may take a word that follows it ("另有2件申请…顺延至下一年度办理"), for the
    words that may follow their count (lexicon: after), up to the next count or the sentence end."""
    nxt = next(_counts(sent, units, num_end), None)
    k = next(kw_rx.finditer(sent, num_end, nxt.start() if nxt else len(sent)), None)
    return k if k is not None and k.group(0) in _after_words() else None


def _units_by_sentence(text: str) -> dict[int, list[int]]:
    """Sentence index → where units start in it (ascending), for the sentences of _text_sentences(text) that hold
    a unit: only those can hold a count."""
    whole, sentences, starts = _text_sentences(text)
    out: dict[int, list[int]] = {}
    for u in _unit_starts(whole):
        i = bisect_right(starts, u) - 1
        if i >= 0 and u < starts[i] + len(sentences[i][1]):
            out.setdefault(i, []).append(u - starts[i])
    return out


@lru_cache(maxsize=64)
def _scan(text: str) -> tuple[_Count, ...]:
    """Every count 'N件' in the text with the quantity word it binds to (see _bind; no other count in between).
    Done once per text for all rules (the nearest word of *any* rule wins: "结转下年度继续办理2件" is T3's
    结转下年度继续办理, not T1's 办理)."""
    kw_rx = _all_keywords()
    out = []
    sentences = _text_sentences(text)[1]
    for i, units in _units_by_sentence(text).items():
        pi, sent = sentences[i]
        prev_end = 0
        for m in _counts(sent, units):
            seg_start, prev_end = prev_end, m.end()
            n = parse_number(m.group("num"))
            best = _bind(sent, kw_rx, seg_start, m.start()) if n is not None else None
            if best is None and n is not None:
                best = _bind_after(sent, kw_rx, m.end(), units)
            if best is None:
                continue
            pct = float(m.group("pct")) if m.group("pct") else None
            clause = _clause_start(sent, min(best.start(), m.start()), 0)
            years = tuple(int(y) for y in _YEAR.findall(sent, clause, m.start()))
            out.append(_Count(pi, sent, best.group(0), best.start(), best.end(), m.start(), m.end(), n,
                              m.group("num"), pct, m.group("pct"), years))
    return tuple(out)


def mentions(text_id: str, text: str, rule: fmtmod.Rule) -> list[Mention]:
    """The counts in `text` bound to one of the rule's words (at most `gap` characters away, with the `near`
    word close by)."""
    p = rule.params
    readings, nears = _readings_and_nears(rule.id, p.get("near"))
    gap, near_chars = p.get("gap", 20), p.get("near_chars", 15)
    out = []
    for c in _scan(text):
        if c.keyword not in readings or max(c.start - c.kw_end, c.kw_start - c.end) > gap:
            continue
        near = nears[c.keyword]
        if near and not re.search(near, c.sentence[max(0, c.kw_start - near_chars): c.end + near_chars]):
            continue
        out.append(Mention(text_id, c.paragraph, c.sentence.strip(), c.keyword, c.number, c.written, c.percent,
                           readings[c.keyword], c.percent_written, c.years))
    return out


@lru_cache(maxsize=64)
def _readings_and_nears(rule_id: str, near: str | None) -> tuple[dict, dict]:
    """For each word of a rule: the quantities it may mean, and the word that must stand near it (read only)."""
    readings = {w: ph["readings"] for ph in phrases(rule_id) for w in ph["words"]}
    nears = {w: ph.get("near", near) for ph in phrases(rule_id) for w in ph["words"]}
    return readings, nears


@lru_cache(maxsize=None)
def _all_keywords() -> re.Pattern:
    words = [w for phs in lexicon()["quantities"].values() for ph in phs for w in ph["words"]]
    words += lexicon()["not_quantity_words"]     # matched longest-first, then bound to nothing
    return _keyword_rx(words)


def zero_claims(text: str, rule: fmtmod.Rule) -> list[tuple[int, str, str, dict]]:
    """(paragraph, sentence, words, claim) for sentences that say a quantity is 0 ('未收到…申请', '均已办结').
    A claim is a list of words (then: a word that must follow in the same clause) or of patterns (near: a word
    the sentence must hold; unless: what makes it a claim about something else, "其余均已办结")."""
    out = []
    claims = _zero_claim_forms(rule.id, rule.params.get("zero_unless"))
    whole, sentences, _ = _text_sentences(text) if text and claims else ("", (), ())
    # (pattern, sentence) → match: two claims of the same words search a sentence once (a pattern by its id:
    # hashing a compiled pattern hashes its whole program, every time)
    searched: dict = {}
    for claim, rx, words, needs, may_hold, unless in claims:
        if not sentences:
            break
        if needs:        # a pattern is tried only on the sentences holding a word it needs
            read = _sentences_holding(needs, text)
        elif words:
            read = _holding(words, text)
        elif may_hold(whole):
            read = range(len(sentences))
        else:
            continue     # no sentence can match what the whole text does not hold
        near, then = claim.get("near"), claim.get("then")
        for i in read:
            pi, sent = sentences[i]
            m = searched.get((id(rx), i), False)
            if m is False:
                m = searched[id(rx), i] = rx.search(sent)
            if not m or (near and near not in sent):
                continue
            if then and then not in m.group(0) + _CLAUSE_BREAK.split(sent[m.end():], maxsplit=1)[0]:
                continue
            if unless and unless.search(sent):
                continue
            out.append((pi, sent.strip(), m.group(0), claim))
    return out


_CLAUSE_BREAK = re.compile(r"[，,；;。]")     # where the clause after a zero claim's words ends (its 'then')


@lru_cache(maxsize=64)
def _zero_claim_forms(rule_id: str, zero_unless: str | None) -> tuple:
    """(claim, its pattern, its words or (), the words its patterns need (_needs) or None, may_hold (for patterns
    that need no word), its 'unless') for a rule's claims, compiled once a process. A claim of words reads only
    the sentences _holding them (the same words of two claims are looked for once)."""
    unless_all = re.compile(zero_unless) if zero_unless else None
    out = []
    for claim in lexicon()["zero"].get(rule_id, []):
        if "patterns" in claim:
            joined = "|".join(claim["patterns"])
            rx, words, needs = re.compile(joined), (), _needs(joined)
            may_hold = _may_hold(tuple(claim["patterns"]))
        else:
            rx, words, needs, may_hold = _keyword_rx_of(tuple(claim["words"])), tuple(claim["words"]), None, None
        out.append((claim, rx, words, needs, may_hold,
                    re.compile(claim["unless"]) if claim.get("unless") else unless_all))
    return tuple(out)


@lru_cache(maxsize=64)
def _holding(words: tuple[str, ...], text: str) -> tuple[int, ...]:
    """_sentences_holding, once per text for the claims and rules that look for the same words."""
    return _sentences_holding(words, text)


def _sentences_holding(words: tuple[str, ...], text: str) -> tuple[int, ...]:
    """The sentences of _text_sentences(text) that hold one of the words (their indices, in order), found with
    str.find in the whole text, of which each sentence is a piece: a long text is not searched sentence by
    sentence for a word it holds a few times."""
    whole, sentences, starts = _text_sentences(text)
    if not all(words):
        return tuple(range(len(sentences)))    # the empty word is in every sentence
    hit = set()
    for w in _shortest(words):
        at = whole.find(w)
        while at >= 0:
            i = bisect_right(starts, at) - 1
            if i >= 0 and at + len(w) <= starts[i] + len(sentences[i][1]):
                hit.add(i)
            at = whole.find(w, at + 1)
    return tuple(sorted(hit))


@lru_cache(maxsize=256)
def _shortest(words: tuple[str, ...]) -> tuple[str, ...]:
    """The words that hold no other of them: a piece of text holding 信息处理费 holds 处理费, so looking for
    处理费 finds it (one pass over a long text less for each word left out)."""
    return tuple(w for w in dict.fromkeys(words) if not any(v != w and v in w for v in words))


@lru_cache(maxsize=256)
def _needs(pattern: str) -> tuple[str, ...] | None:
    """Words of which every match of the pattern holds one (so a text holding none of them has no match,
    wherever it starts or ends: anchors and look-arounds do not matter), read from the pattern: runs of literal
    characters and alternations of them. Words of two or more characters win (a single one is in most
    sentences), then the fewest (one str.find each). None when the pattern needs no word this can see (or
    ignores case)."""
    try:
        tree = _sre_parse.parse(pattern)
    except re.error:
        return None
    if tree.state.flags & re.IGNORECASE:
        return None
    needs = _sequence_needs(list(tree))
    return needs[0] if needs else None


_MAX_WORDS = 16    # an alternation times an alternation: past this many words a find each costs more than it saves


def _sequence_needs(items: list) -> tuple[tuple[str, ...], bool] | None:
    """(words, exact) for a sequence of parsed items: exact when every match *is* one of the words (then the
    words extend with the next item's), else one of them is in every match."""
    found, run, exact = [], ("",), True          # run: the words the items since the last break spell exactly
    for op, av in items:
        need = _item_needs(op, av)
        if need is not None and need[1] and len(run) * len(need[0]) <= _MAX_WORDS:
            run = tuple(a + b for a in run for b in need[0])
            continue
        exact = False
        found.append(run)
        if need is None:
            run = ("",)
        elif need[1]:            # spelled exactly, but too many words to join to the run: a run of its own
            run = need[0]
        else:
            found.append(need[0])
            run = ("",)
    if exact:
        return (run, True) if all(run) else None
    found.append(run)
    found = [tuple(w for w in ws if not any(v != w and v in w for v in ws)) for ws in found if all(ws)]
    best = min(found, key=lambda ws: (min(map(len, ws)) < 2, len(ws), -min(map(len, ws))), default=None)
    return (best, False) if best else None


def _item_needs(op, av) -> tuple[tuple[str, ...], bool] | None:
    if op is _sre.LITERAL:
        return (chr(av),), True
    if op is _sre.IN and all(o is _sre.LITERAL for o, _ in av):      # (?:现|特) is parsed as [现特]
        return tuple(chr(c) for _, c in av), True
    if op is _sre.SUBPATTERN and not av[1] & re.IGNORECASE:
        return _sequence_needs(list(av[3]))
    if op is _sre.BRANCH:
        branches = [_sequence_needs(list(b)) for b in av[1]]
        if not all(branches):
            return None
        return tuple(dict.fromkeys(w for ws, _ in branches for w in ws)), all(x for _, x in branches)
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) and av[0] >= 1:
        inner = _sequence_needs(list(av[2]))
        return (inner[0], inner[1] and av[0] == av[1] == 1) if inner else None
    return None


def _may_hold(patterns: tuple[str, ...]):
    """A test of a whole text that is false only where the patterns joined by '|' match in none of its
    sentences: one pattern at a time (re finds a pattern's first characters quickly, a '|' of them several
    times slower). A pattern with an anchor, a look-around or a back reference is not tested: always true."""
    joined = "|".join(patterns)
    if not _context_free(joined) or re.search(r"\\\d|\(\?P=", joined):
        return lambda _text: True
    parts = tuple(re.compile(p) for p in patterns)
    return lambda text: any(p.search(text) for p in parts)


@lru_cache(maxsize=64)
def _text_sentences(text: str) -> tuple[str, tuple[tuple[int, str], ...], tuple[int, ...]]:
    """The text half-width (its paragraphs joined by line breaks), its (paragraph, sentence) pairs, and where
    each sentence starts in it: made once per text for the counts, the zero claims of every rule and the fee
    statement."""
    paragraphs = _half_width(text)[1]
    whole = "\n".join(paragraphs)
    # = _sentences(para) of each paragraph: the runs between sentence ends and line breaks (each with the one end
    # that closes it), found from where the ends stand (str.find of each end: a pattern tests every character)
    stops = []
    for end in _SENTENCE_ENDS + "\n":
        at = whole.find(end)
        while at >= 0:
            stops.append(at)
            at = whole.find(end, at + 1)
    stops.sort()
    sentences, starts, at, pi = [], [], 0, 1
    for stop in stops:
        line_break = whole[stop] == "\n"
        if stop > at:
            sentences.append((pi, whole[at:stop] if line_break else whole[at:stop + 1]))
            starts.append(at)
        pi += line_break
        at = stop + 1
    if at < len(whole):
        sentences.append((pi, whole[at:]))
        starts.append(at)
    return whole, tuple(sentences), tuple(starts)


@lru_cache(maxsize=256)
def _context_free(pattern: str) -> bool:
    """A pattern that matches in a sentence surely matches in any text holding the sentence: no anchor,
    word boundary, look-around or inline flag (a negated class '[^…]' and the groups '(?:…)', '(?P<name>…)' are
    fine: they only consume the text they match)."""
    return not re.search(r"\^|\$|\\[bBAZ]|\(\?(?!:|P)", pattern.replace("[^", "["))


@lru_cache(maxsize=256)
def _keyword_rx_of(words: tuple[str, ...]) -> re.Pattern:
    return _keyword_rx(list(words))


def _texts(ctx, rule: fmtmod.Rule) -> list[str]:
    return [e[5:] for p in rule.spec["cells"] if p.startswith("text.") for e in ctx.match(p)]


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


def _about_another_year(m: Mention, year) -> bool:
    """The count's clause names only years before the report's ("2024年度共收到申请10件" in the 2025 report) —
    but for what was carried into this year, the year before is its own ("2024年结转至本年度的2件"). A later
    year is this report's too ("结转至2026年6件" in the 2025 report)."""
    if not m.years or not isinstance(year, int):
        return False
    first = year - 1 if set(m.readings) & set(lexicon()["last_year_quantities"]) else year
    return all(y < first for y in m.years)


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
            if _about_another_year(m, ctx.doc["organ"].get("year")):
                continue  # "2024年度共收到申请10件" in the 2025 report: last year's figure, not this table's
            vals = [(q, _value(ctx, q)) for q in m.readings]
            if any(v is None for _, v in vals):
                continue  # an invalid cell is reported on its own
            matched = next((q for q, v in vals if v == m.number), None)
            quote = f"“{_excerpt(m.sentence)}”"
            cells = [c for q, _ in vals for c in quantity.quantities()[q]["cells"]]
            if matched is None:
                said, neither = _said(ctx, vals)
                msg = rule.message("drift", where=_where(ctx, tid, m.paragraph), quote=quote, keyword=m.keyword,
                                   written=m.written, said=said, neither=neither)
                out.append(Finding(rule.id, rule.severity, msg, cells=[element] + cells,
                                   values={"written": m.number, "keyword": m.keyword, "paragraph": m.paragraph,
                                           "readings": {q: v for q, v in vals}, "matched": None},
                                   target=f"{element}:{m.keyword}:{m.number}"))
                continue
            if matched != m.readings[0] and note_rule is not None and note_rule.active:
                first_q, first_v = vals[0]
                parts = "+".join(f"{_value(ctx, q2)}" for q2 in _components(matched))
                msg = note_rule.message("note", where=_where(ctx, tid, m.paragraph), quote=quote, keyword=m.keyword,
                                        number=m.number, first_label=quantity.label(first_q), first=first_v,
                                        matched_label=quantity.label(matched), parts=parts)
                out.append(Finding(note_rule.id, note_rule.severity, msg, cells=[element] + cells,
                                   values={"written": m.number, "keyword": m.keyword, "matched": matched},
                                   target=f"{element}:{m.keyword}:{m.number}"))
            if pct_of and m.percent is not None:
                whole = _value(ctx, pct_of)
                if whole:
                    exact = m.number / whole * 100
                    decimals = written_decimals(m.percent_written)
                    if abs(exact - m.percent) > 0.5 * 10 ** -decimals + 1e-9:
                        msg = rule.message("percent", where=_where(ctx, tid, m.paragraph), quote=quote,
                                           keyword=m.keyword, number=m.number, percent=m.percent_written,
                                           whole_label=quantity.label(pct_of), whole=whole,
                                           exact=f"{exact:.{max(decimals, 1)}f}")
                        out.append(Finding(rule.id, rule.severity, msg,
                                           cells=[element] + quantity.quantities()[pct_of]["cells"],
                                           values={"written_percent": m.percent, "percent": round(exact, 4)},
                                           target=f"{element}:{m.keyword}:{m.number}:%"))
        for pi, sent, words, claim in zero_claims(text, rule):
            q = claim["quantity"]
            v = _value(ctx, q)
            if v is None or v == 0:
                continue
            msg = rule.message("zero", where=_where(ctx, tid, pi), excerpt=_excerpt(sent), words=words,
                               table_says=_quantity_words(ctx, q, v))
            out.append(Finding(rule.id, rule.severity, msg,
                               cells=[element] + quantity.quantities()[q]["cells"],
                               values={"claim": words, "quantity": q, "value": v, "paragraph": pi},
                               target=f"{element}:{words}"))
    return out


def _said(ctx, vals: list[tuple[str, object]]) -> tuple[str, str]:
    """What the table says for each reading of the word. Readings with the same number are said once ("本年新收
    13 件，按本年新收加上年结转计算也是 13 件"): "两种读法都不相符" only when there were two different numbers."""
    first_q, first_v = vals[0]
    if all(v == first_v for _, v in vals):
        others = "、".join(quantity.label(q) for q, _ in vals[1:])
        also = f"（按{others}计算也是 {first_v} 件）" if others else ""
        return _quantity_words(ctx, first_q, first_v) + also, ""
    said = "；".join(("按" if i else "") + _quantity_words(ctx, q, v) + ("，也不相符" if i else "")
                    for i, (q, v) in enumerate(vals))
    return said, ("两种读法都不相符。" if len(vals) == 2 else "各种读法都不相符。")


def _value(ctx, qid: str):
    """A quantity's number, or None when one of its cells is invalid (a negative or text cell is reported on its
    own by the schema rules; compared with the text it would only say the same thing twice, wrongly)."""
    if ctx.invalid and not ctx.invalid.isdisjoint(quantity.quantities()[qid]["cells"]):
        return None
    return quantity.value(ctx.doc, qid)


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


def rule_ids() -> list[str]:
    return [r.id for r in fmtmod.load().rules if r.kind == "narrative-table" and r.id in lexicon()["quantities"]]


# --- N5: the fee statement of 六 ---------------------------------------------------------------

def fee_statements(text: str) -> list[tuple[int, str]]:
    """(paragraph, sentence) of sentences that report the information processing fee in any form the lexicon
    knows: a name of the fee with a statement word ("未收取信息处理费", "依申请公开不收取费用", "收费0元"), or a
    sentence that no charge of any kind arose ("未产生任何费用")."""
    fee = lexicon()["fee"]
    said = re.compile(fee["statement"])
    sentences = _text_sentences(text)[1]
    named, no_charge = _holding(tuple(fee["words"]), text), _holding(tuple(fee["no_charge_of_any_kind"]), text)
    return [(sentences[i][0], sentences[i][1].strip()) for i in sorted(set(named) | set(no_charge))
            if i in no_charge or said.search(sentences[i][1])]


def _loose_fee(text: str) -> tuple[int, str] | None:
    loose = re.compile(lexicon()["fee"]["loose"])
    return next(((pi, sent.strip()) for pi, para in enumerate(_paragraphs(text), 1) for sent in _sentences(para)
                 if loose.search(sent)), None)


def check_fee_statement(ctx, rule: fmtmod.Rule) -> list[Finding]:
    """N5. Blocks (错误) only when no text says anything about a fee; a near form, or the statement written in
    another part, asks (需说明) and quotes what was read (the severity policy of schema/rules-*.json)."""
    element = next(c for c in rule.spec["cells"] if c.startswith("text."))
    tid = element[5:]
    text = ctx.text(tid)
    if fee_statements(text):
        return []
    r22 = [c for p in rule.spec["cells"] if not p.startswith("text.") for c in ctx.match(p)]
    dropped = sum(v for v in (ctx.value(c) for c in r22) if v) if r22 else 0
    heading = ctx.f.section(ctx.f.text(tid).section)["heading"]
    cells = [element] + (r22 if dropped else [])
    unsure = rule.params.get("unsure_severity", rule.severity)
    elsewhere = next(((t.id, pi, sent) for t in ctx.f.texts if t.id != tid
                      for pi, sent in fee_statements(ctx.text(t.id))), None)
    if elsewhere:
        other_id, pi, sent = elsewhere
        msg = rule.message("elsewhere", address=ctx.locate(element), heading=heading,
                           where=_where(ctx, other_id, pi), excerpt=_excerpt(sent))
        return [Finding(rule.id, unsure, msg, cells=cells + ["text." + other_id], values={"found_in": other_id})]
    loose = _loose_fee(text)
    if loose:
        pi, sent = loose
        msg = rule.message("unsure", address=_where(ctx, tid, pi).split(" ")[0], heading=heading,
                           excerpt=_excerpt(sent), paragraph=pi)
        return [Finding(rule.id, unsure, msg, cells=cells, values={"read": sent})]
    msg = rule.message("dropped" if dropped else "default", address=ctx.locate(element), heading=heading,
                       row=ctx.f.cells[r22[0]].row.label if r22 else "", dropped=dropped)
    return [Finding(rule.id, rule.severity, msg, cells=cells, values={"dropped": dropped})]


# --- N6–N8: the outline of the texts ---------------------------------------------------------------

_ORDINALS = "一二三四五六七八九十"


def heading_lines(text: str) -> list[tuple[int, str, str, str]]:
    """(paragraph, line, ordinal, title) of the lines that are only a top-level heading ("五、存在的主要问题…")."""
    return list(_heading_lines(text))


@lru_cache(maxsize=64)
def _heading_lines(text: str) -> tuple[tuple[int, str, str, str], ...]:
    """heading_lines, once per text for N6 and N7."""
    rx = re.compile(lexicon()["structure"]["heading_line"])
    return tuple((pi, line.strip(), m.group("ord"), m.group("title")) for pi, line in enumerate(_paragraphs(text), 1)
                 if (m := rx.match(line)))


def section_of(ordinal: str, title: str, f: fmtmod.Format) -> tuple[dict, bool] | None:
    """(section, exact) of the format that a heading names: exactly, or a variant (same number with a similar
    title, or a title similar enough under any number); None for a heading of some other outline."""
    from difflib import SequenceMatcher
    norm = "".join(title.split())
    best, best_ratio = None, 0.0
    for sec in f.sections:
        num, _, official = sec["heading"].partition("、")
        if norm == official and ordinal == num:
            return sec, True
        ratio = SequenceMatcher(None, norm, official).ratio()
        if ratio > best_ratio and (ordinal == num or ratio >= 0.8):
            best, best_ratio = sec, ratio
    return (best, False) if best is not None and best_ratio >= lexicon()["structure"]["similar"] else None


def check_headings(ctx, rule: fmtmod.Rule) -> list[Finding]:
    """N6: a section heading written differently from the format, or another section's heading inside a text."""
    out = []
    order = [s["id"] for s in ctx.f.sections]
    for t in ctx.f.texts:
        for pi, line, ordinal, title in heading_lines(ctx.text(t.id)):
            hit = section_of(ordinal, title, ctx.f)
            if hit is None:
                continue
            sec, exact = hit
            own = t.section == sec["id"]
            if own and exact:
                continue
            number = sec["heading"].partition("、")[0]
            where = _where(ctx, t.id, pi)
            if own:
                msg = rule.message("variant", where=where, found=line, official=sec["heading"])
            else:
                before = t.section and order.index(sec["id"]) < order.index(t.section)
                msg = rule.message("foreign", where=where, found=line, number=number, official=sec["heading"],
                                   order="，次序也与格式不同（写在了后面的部分里）" if before else "")
            out.append(Finding(rule.id, rule.severity, msg, cells=[f"text.{t.id}"],
                               values={"found": line, "section": sec["id"], "own": own, "paragraph": pi},
                               target=f"text.{t.id}:{line}"))
    return out


def check_report_year(ctx, rule: fmtmod.Rule) -> list[Finding]:
    """N9: the report's name or statistics period written with another year than the report year (text copied
    from last year's report): one finding a text, at its first such paragraph."""
    year = ctx.doc["organ"].get("year")
    if not isinstance(year, int):
        return []                      # S2 says the year is missing or wrong
    patterns = [re.compile(p) for p in rule.params["patterns"]]
    out = []
    for element in (c for c in rule.spec["cells"] if c.startswith("text.")):
        tid = element[5:]
        hit = _first_stale(ctx.text(tid), patterns, year)
        if hit is None:
            continue
        pi, m = hit
        found = int(m.group("year"))
        msg = rule.message(where=_where(ctx, tid, pi), excerpt=_excerpt(m.group(0)), found=found, year=year,
                           year_cell=ctx.locate("organ.year"))
        out.append(Finding(rule.id, rule.severity, msg, cells=[element, "organ.year"],
                           values={"found": found, "year": year, "paragraph": pi}, target=f"{element}:{found}"))
    return out


def _first_stale(text: str, patterns: list[re.Pattern], year: int) -> tuple[int, re.Match] | None:
    """(paragraph, match) of the first stale name or period, paragraph by paragraph, pattern by pattern. A
    pattern that finds nothing in the whole text finds nothing in any paragraph of it (when it has no anchor
    or look-around): it is not tried line by line."""
    whole, paragraphs = _half_width(text)
    live = []
    for rx in patterns:
        needs = None if rx.flags & re.IGNORECASE else _needs(rx.pattern)
        if needs is not None:        # tried only on the paragraphs holding a word it needs
            if any(w in whole for w in needs):
                live.append((rx, _paragraphs_holding(needs, paragraphs)))
        elif not _context_free(rx.pattern) or rx.search(whole):
            live.append((rx, None))
    if not live:
        return None
    tried = range(1, len(paragraphs) + 1) if any(lines is None for _, lines in live) else \
        sorted(set().union(*(lines for _, lines in live)))
    return next(((pi, m) for pi in tried for rx, lines in live if lines is None or pi in lines
                 for m in rx.finditer(paragraphs[pi - 1]) if _stale(m, year)), None)


def _paragraphs_holding(words: tuple[str, ...], paragraphs: tuple[str, ...]) -> set[int]:
    """The paragraphs (1-based) that hold one of the words, found with str.find in them joined by line breaks
    (a word with a line break may also be found across two: it is a screen, the pattern decides)."""
    joined = "\n".join(paragraphs)
    starts = list(accumulate((len(p) + 1 for p in paragraphs), initial=0))
    hit = set()
    for w in words:
        at = joined.find(w)
        while at >= 0:
            hit.add(bisect_right(starts, at))
            at = joined.find(w, at + 1)
    return hit


def _stale(m: re.Match, year: int) -> bool:
    """The report's own name or statistics period in another year; a period over several years ("规划期…
    2021年1月1日至2023年12月31日") is something else."""
    first, last = int(m.group("year")), m.groupdict().get("year2")
    return first != year and (last is None or int(last) == first)


def check_outline(ctx, rule: fmtmod.Rule) -> list[Finding]:
    """N7: top-level headings of another outline inside one text ("一、主要做法 二、…" within 总体情况)."""
    out = []
    for t in ctx.f.texts:
        foreign = [(pi, line, o) for pi, line, o, title in heading_lines(ctx.text(t.id))
                   if section_of(o, title, ctx.f) is None]
        if not foreign:
            continue
        ordinals = "”“".join(dict.fromkeys(o + "、" for _, _, o in foreign))
        lines = "；".join(f"第{pi}行“{_excerpt(line, 20)}”" for pi, line, _ in foreign[:3]) + \
            ("等" if len(foreign) > 3 else "")
        msg = rule.message(where=_where(ctx, t.id, foreign[0][0]), ordinals=ordinals, lines=lines)
        out.append(Finding(rule.id, rule.severity, msg, cells=[f"text.{t.id}"],
                           values={"lines": [line for _, line, _ in foreign]}, target=f"text.{t.id}:outline"))
    return out


def part_of(title: str) -> str | None:
    """Which part of 五 a sub-heading title belongs to: improvements words win ("存在问题的改进情况")."""
    parts = lexicon()["structure"]["parts"]
    if re.search(parts["improvements"], title):
        return "improvements"
    return "problems" if re.search(parts["problems"], title) else None


def check_five_parts(ctx, rule: fmtmod.Rule) -> list[Finding]:
    """N8: a sub-heading of one part of 五 written in the other part's text."""
    out = []
    rx = re.compile(lexicon()["structure"]["part_heading"])
    for tid in ("problems", "improvements"):
        for pi, para in enumerate(_paragraphs(ctx.text(tid)), 1):
            m = rx.match(para)
            belongs = part_of(m.group("title")) if m else None
            if belongs is None or belongs == tid:
                continue
            msg = rule.message(where=_where(ctx, tid, pi), found=m.group(0).strip(),
                               belongs=ctx.f.text(belongs).label, target=ctx.locate(f"text.{belongs}"))
            out.append(Finding(rule.id, rule.severity, msg, cells=[f"text.{tid}", f"text.{belongs}"],
                               values={"found": m.group(0).strip(), "belongs": belongs, "paragraph": pi},
                               target=f"text.{tid}:{m.group(0).strip()}"))
    return out

