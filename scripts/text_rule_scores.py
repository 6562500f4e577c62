"""Precision and recall of the text rules on the phrasing corpus (tests/phrasing/corpus.jsonl).

    python scripts/text_rule_scores.py          # prints the table and writes docs/text-rules.md

Each corpus sentence is labelled with what it states: counts ("states": [rule, number]), claims that a quantity
is 0 ("zero": [rule, quantity]; "all finished" is T3 carried_out = 0) and, for sentences of 六, whether it
reports the information processing fee ("fee"). The rules' readers run on each sentence alone; a reading is
right when the labels hold it (rule and number, as a multiset). Real sentences (from published reports, with
their address) and constructed ones (phrase families the report openings never reach) are scored apart.
A false 错误 is a fee statement that N5 would block on; every other text-vs-table rule is at most 需说明.
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT / "tests" / "phrasing" / "corpus.jsonl"
DOC = ROOT / "docs" / "text-rules.md"


def load() -> list[dict]:
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]


def readings(text: str) -> tuple[Counter, Counter, str | None]:
    """What the rules read in one sentence: counts, zero claims, and the fee verdict (ok / unsure / block)."""
    from addin.checks import narrative
    from addin.format import fmt
    f = fmt.load()
    counts, zeros = Counter(), Counter()
    for rid in narrative.rule_ids():
        rule = f.rule(rid)
        counts.update((rid, m.number) for m in narrative.mentions("overview", text, rule))
        zeros.update((rid, claim["quantity"]) for *_, claim in narrative.zero_claims(text, rule))
    fee = "ok" if narrative.fee_statements(text) else ("unsure" if narrative._loose_fee(text) else "block")
    return counts, zeros, fee


def score(entries: list[dict]) -> dict:
    """{rule: {kind: {tp, fp, fn}}} with rule 'N5' for the fee statement, plus the list of misreadings."""
    table: dict = {}
    misses = []

    def add(rule, kind, key, n=1):
        table.setdefault(rule, {}).setdefault(kind, Counter())[key] += n

    for e in entries:
        counts, zeros, fee = readings(e["text"])
        want = Counter(tuple(x) for x in e["states"]) + Counter(("zero",) + tuple(x) for x in e["zero"])
        got = counts + Counter(("zero",) + k for k in zeros.elements())
        for key in sorted(set(want) | set(got), key=str):
            rule = key[1] if key[0] == "zero" else key[0]
            tp = min(want[key], got[key])
            add(rule, e["kind"], "tp", tp)
            add(rule, e["kind"], "fp", got[key] - tp)
            add(rule, e["kind"], "fn", want[key] - tp)
            if got[key] != want[key]:
                misses.append((e["id"], e["kind"], key, want[key], got[key], e["text"]))
        if "fee" in e:
            ok = fee == "ok"
            add("N5", e["kind"], "tp" if (ok and e["fee"]) else "fp" if ok else "fn" if e["fee"] else "tn")
            if e["fee"] and fee == "block":
                add("N5", e["kind"], "false_error")
            if e["fee"] and fee == "unsure":
                add("N5", e["kind"], "unsure")
            if ok != e["fee"]:
                misses.append((e["id"], e["kind"], ("N5", "fee"), e["fee"], fee, e["text"]))
    return {"table": table, "misses": misses}


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.0%}（{a}/{b}）" if b else "—"


def markdown(entries: list[dict], result: dict) -> str:
    table = result["table"]
    real = [e for e in entries if e["kind"] == "real"]
    sources = {e["source"] for e in real}
    lines = ["# 文字规则在真实写法上的准确率与召回率", "",
             "由 `python scripts/text_rule_scores.py` 从 `tests/phrasing/corpus.jsonl` 生成；"
             "`tests/phrasing/test_corpus.py` 运行全部文字规则并检查下列要求。", "",
             f"语料：{len(entries)} 句，其中真实 {len(real)} 句（来自 {len(sources)} 份已发布报告，每句附出处），"
             f"构造 {len(entries) - len(real)} 句（报告开头读不到的写法：六的收费说明、五的表述、各种绑定情形，均标为 constructed）。", "",
             "准确率 = 读出且标注相符 / 读出；召回率 = 读出且标注相符 / 标注。N5 的“误报错误”= 写了收费情况却会被判为错误。", "",
             "级别的原则（schema/rules-2021.json 的 text_policy，也印在 docs/rules.md）：文字规则只在文字毫无疑义时给“错误”"
             "（该部分为空，或收费情况在任何写法下都找不到）；拿不准时给“需说明”，并引出读到的句子。各种写法都是数据："
             "schema/lexicon-2021.json（数量词、子句边界、结果词在“答复”前、全部办结、结转、收费的写法）。"
             "新增一个词：写进词表，在 tests/test_narrative.py 的夹具自动得到通过和不通过的句子；"
             "新增一句真实写法：加到 corpus.jsonl（附出处和标注），重新运行本脚本。", "",
             "| 规则 | 真实：准确率 | 真实：召回率 | 构造：准确率 | 构造：召回率 |", "|---|---|---|---|---|"]
    for rule in sorted(table):
        row = [rule]
        for kind in ("real", "constructed"):
            c = table[rule].get(kind, Counter())
            row += [_ratio(c["tp"], c["tp"] + c["fp"]), _ratio(c["tp"], c["tp"] + c["fn"])]
        lines.append("| " + " | ".join(row) + " |")
    s = stated_recall(entries, result)
    fe = sum(table.get("N5", {}).get(k, Counter())["false_error"] for k in ("real", "constructed"))
    un = sum(table.get("N5", {}).get(k, Counter())["unsure"] for k in ("real", "constructed"))
    lines += ["", f"- 写明件数的召回率（全部 T 规则，真实 + 构造）：{_ratio(*s)}",
              f"- 误报“错误”：{fe} 句；收费说明只给“需说明”的：{un} 句", "", "## 读错或漏读的句子", "",
              "| 句 | 类别 | 标注项 | 标注 | 读出 | 句子 |", "|---|---|---|---|---|---|"]
    for sid, kind, key, want, got, text in result["misses"]:
        lines.append(f"| {sid} | {kind} | {' '.join(map(str, key))} | {want} | {got} | {text[:60]} |")
    return "\n".join(lines) + "\n"


def stated_recall(entries: list[dict], result: dict) -> tuple[int, int]:
    """(found, stated) over the counts the sentences state (not the zero claims)."""
    stated = sum(len(e["states"]) for e in entries)
    missed = sum(want - got for _, _, key, want, got, _ in result["misses"]
                 if key[0] not in ("zero", "N5") and want > got)
    return stated - missed, stated


def main() -> None:
    entries = load()
    result = score(entries)
    text = markdown(entries, result)
    DOC.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
