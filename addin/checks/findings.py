"""Findings: the one plain record every part speaks — printer, JSON, workbook marks, export gate."""
from __future__ import annotations

from addin.format.record import MutableRecord
from addin.format.severity import ERROR, EXPLAIN, INFO, SEVERITIES

__all__ = ["ERROR", "EXPLAIN", "INFO", "SEVERITIES", "Finding", "summary", "sort_key", "to_do", "verdict"]


class Finding(MutableRecord):
    __slots__ = ("rule", "severity", "message", "cells", "addresses", "values", "target", "explanation")

    def __init__(self, rule: str, severity: str, message: str, cells: list[str] | None = None,
                 addresses: list[str] | None = None, values: dict | None = None, target: str = "",
                 explanation: str | None = None):
        self.rule, self.severity, self.message = rule, severity, message
        self.cells = [] if cells is None else cells              # element ids the finding concerns
        self.addresses = [] if addresses is None else addresses  # 表三!D7 … (filled in from the locator)
        self.values = {} if values is None else values           # the figures behind the message
        self.target = target                                     # what an explanation refers to
        self.explanation = explanation                           # staff's written explanation, if any

    @property
    def blocking(self) -> bool:
        return self.severity == ERROR or (self.severity == EXPLAIN and not self.explanation)

    @property
    def sheet(self) -> str:
        return self.addresses[0].split("!")[0] if self.addresses else ""

    def to_dict(self) -> dict:
        """Plain data, copied all the way down (as dataclasses.asdict did): the caller may change it."""
        d = {name: _copied(getattr(self, name)) for name in self.__slots__}
        d["blocking"] = self.blocking
        return d


def _copied(value):
    if isinstance(value, dict):
        return {_copied(k): _copied(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_copied(v) for v in value)
    if value is None or isinstance(value, (str, int, float)):
        return value
    import copy

    return copy.deepcopy(value)


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
