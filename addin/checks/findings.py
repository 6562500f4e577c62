"""Findings: the one plain record every part speaks — printer, JSON, workbook marks, export gate."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

ERROR = "错误"
EXPLAIN = "需说明"
INFO = "提示"
SEVERITIES = (ERROR, EXPLAIN, INFO)


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
