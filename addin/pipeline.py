"""The one pipeline every front end runs: workbook → report document → findings.

`check(path, prior=…)` is what `nianbao validate`, the batch, export, roll-up and the add-in's buttons all
call; they differ only in what they do with the result (print it, mark the workbook, write the report).
Last year's workbook, when given, is read the same way and adds the cross-year rules.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from addin.checks import prior as priormod
from addin.checks import validator
from addin.checks.findings import Finding, summary
from addin.format.record import MutableRecord
from addin.io import reader
from addin.io.document import ReportDocument


class Checked(MutableRecord):
    """One workbook checked: its document, its findings, and how its cells were found."""
    __slots__ = ("path", "document", "findings", "located_by", "locate")

    def __init__(self, path: Path, document: ReportDocument, findings: list[Finding], located_by: str,
                 locate: Callable[[str], str]):
        self.path, self.document, self.findings = path, document, findings
        self.located_by = located_by      # "names" (the template's defined names) or "labels" (the fallback)
        self.locate = locate              # element id → 表三!D7, for messages about this workbook

    @property
    def passed(self) -> bool:
        return summary(self.findings)["passed"]


# last year's report: a workbook file, one already read (a published report the audit read), or how to find
# the file once this year's organ and year are known (None: not found)
Prior = str | Path | priormod.Prior | Callable[[ReportDocument], "str | Path | None"] | None


def check(path: str | Path, prior: Prior = None) -> Checked:
    """Read and validate one workbook file; `prior`, last year's workbook, adds the cross-year rules."""
    return check_read(reader.read(Path(path)), prior)


def check_read(r: reader.Read, prior: Prior = None) -> Checked:
    """Validate what a reader returned (a file, the live book copied by io.live, a published report read by
    the audit)."""
    where = prior(r.document) if callable(prior) else prior
    last_year = None
    if where is not None:
        last_year = where if isinstance(where, priormod.Prior) else read_prior(where)
        priormod.check_year(r.document, last_year)
    findings = validator.validate(r.document, r.locate, extra=r.findings, prior=last_year)
    return Checked(r.path, r.document, findings, r.located_by, r.locate)


def read_prior(path: str | Path) -> priormod.Prior:
    """Last year's workbook, read like any other (its own findings are not this year's business)."""
    r = reader.read(Path(path))
    return priormod.Prior(r.document, r.locate, source=f"上年工作簿 {Path(path).name}")


def identify(path: Path) -> tuple | None:
    """(organ, year) of a workbook for matching with next year's units; None when it cannot be read."""
    try:
        return priormod.key(reader.read(path).document)
    except Exception:  # noqa: BLE001 — an unreadable prior workbook is simply not matched
        return None
