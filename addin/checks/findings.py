"""Findings: the one plain record every part speaks — printer, JSON, workbook marks, export gate."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from addin.format.severity import ERROR, EXPLAIN, INFO, SEVERITIES

__all__ = ["ERROR", "EXPLAIN", "INFO", "SEVERITIES", "Finding", "summary", "sort_key", "to_do", "verdict"]


@dataclass
class Finding:
    rule: str
    severity: str
    message: str
    cells: list[str] = field(default_factory=list)        # element ids the finding concerns
    addresses: list[str] = field(default_factory=list)    # 表三!D7 … (filled in from the locator)
    values: dict = field(default_factory=dict)            # the figures behind the message
    target: str = ""                                      # what an explanation refers to
    explanation: str | None = None                        # staff's written explanation, if any

    @property
    def blocking(self) -> bool:
        return self.severity == ERROR or (self.severity == EXPLAIN and not self.explanation)

    @property
    def sheet(self) -> str:
        return self.addresses[0].split("!")[0] if self.addresses else ""

    def to_dict(self) -> dict:
        d = asdict(self)
        d["blocking"] = self.blocking
        return d


def summary(findings: list[Finding]) -> dict:
    counts = {s: sum(f.severity == s for f in findings) for s in SEVERITIES}
    return {
        "counts": counts,
        "explained": sum(f.severity == EXPLAIN and bool(f.explanation) for f in findings),
        "blocking": sum(f.blocking for f in findings),
        "passed": not any(f.blocking for f in findings),
    }


def sort_key(f: Finding):
    return (SEVERITIES.index(f.severity) if f.severity in SEVERITIES else 9, f.rule, f.target)


def verdict(s: dict) -> str:
    """One sentence on a summary: the counts and whether the report may be exported."""
    c = s["counts"]
    head = (f"{ERROR} {c[ERROR]} 项，{EXPLAIN} {c[EXPLAIN]} 项（已说明 {s['explained']} 项），{INFO} {c[INFO]} 项")
    if s["passed"]:
        return f"{head} —— 通过，可以导出报告。"
    return f"{head} —— 未通过：{to_do(s)}。"


def to_do(s: dict) -> str:
    """What staff must do to pass, naming only what is there: errors to correct, 需说明 items to explain."""
    errors = s["counts"][ERROR]
    unexplained = s["blocking"] - errors
    steps = (["请改正错误"] if errors else []) + (["在“说明”表中说明需说明的项目"] if unexplained else [])
    return "，并".join(steps) if len(steps) > 1 else (steps[0] if errors else "请" + steps[0])
