"""`nianbao export`: the finished report written beside the workbook — Word, HTML, Markdown.

The gate: a report with any 错误, or a 需说明 without an explanation in the 说明 sheet, is not exported (the
blocking findings are printed by the same printer as `validate`, exit 1) unless --draft, which exports anyway
with 征求意见稿 in every page header and in the file names. Outputs are never overwritten silently: an
output newer than the workbook needs --force, an output open in Word/WPS (its ~$ owner file beside it) is
refused, and a replaced output that differs from the new one is kept under a dated name (and said so). All outputs are written to temp files in the target folder first and renamed only when every one
is complete, so a failure leaves no half-written report and no half of a set.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from addin import pipeline
from addin.checks.findings import Finding, summary
from addin.io.atomic import atomic_paths, check_free
from addin.io.document import ReportDocument
from addin.io.results import ANNOTATED_MARK
from addin.messages import refuse
from addin.report import model as report
from addin.report.writers import FORMATS, writer

DRAFT_SUFFIX = "-征求意见稿"
EXTENSIONS = {"docx": ".docx", "html": ".html", "md": ".md"}


@dataclass
class Written:
    kind: str
    path: Path
    bytes: int


@dataclass
class Result:
    workbook: Path
    document: ReportDocument
    findings: list[Finding]
    located_by: str = "names"
    blocked: bool = False
    draft: bool = False
    written: list[Written] = field(default_factory=list)
    replaced: dict[Path, Path] = field(default_factory=dict)   # output replaced → where its old file is kept
    updated: list[Path] = field(default_factory=list)            # our own untouched earlier outputs, replaced

    def to_dict(self) -> dict:
        return {
            "file": str(self.workbook),
            "organ": (self.document.get("organ") or {}).get("name"),
            "year": (self.document.get("organ") or {}).get("year"),
            "exported": not self.blocked,
            "draft": self.draft,
            "written": [{"kind": w.kind, "path": str(w.path), "bytes": w.bytes} for w in self.written],
            "replaced": [{"path": str(p), "kept": str(k)} for p, k in self.replaced.items()],
            "updated": [str(p) for p in self.updated],
            "summary": summary(self.findings),
            "findings": [x.to_dict() for x in self.findings],
        }


def parse_kinds(text: str | None) -> list[str]:
    """'docx,html' → ['docx', 'html']; a Chinese message for anything else."""
    if not text:
        return list(FORMATS)
    kinds = [k.strip().lower().lstrip(".") for k in text.replace("，", ",").split(",") if k.strip()]
    kinds = ["md" if k == "markdown" else "html" if k == "htm" else k for k in kinds]
    bad = [k for k in kinds if k not in FORMATS]
    if bad or not kinds:
        raise refuse("args.to", text=text, choices=", ".join(FORMATS))
    return list(dict.fromkeys(kinds))


def targets(workbook: Path, kinds: list[str], out_dir: Path | None, draft: bool) -> dict[str, Path]:
    folder = Path(out_dir) if out_dir else workbook.parent
    stem = workbook.stem
    if stem.endswith(ANNOTATED_MARK) and len(stem) > len(ANNOTATED_MARK):
        stem = stem[: -len(ANNOTATED_MARK)]      # the report of 报表.校验.xlsx is 报表.docx, not 报表.校验.docx
    stem += DRAFT_SUFFIX if draft else ""
    return {k: folder / (stem + EXTENSIONS[k]) for k in kinds}


def check_target(target: Path, workbook: Path, force: bool) -> None:
    """Refuse a missing folder, an open (locked) output, and an output newer than the workbook (unless force)
    that is not exactly our own untouched earlier output (its fingerprint holds: nothing of anyone's to lose)."""
    from addin.report.fingerprint import untouched

    check_free(target)
    if target.exists() and not force:
        try:
            newer = target.stat().st_mtime > workbook.stat().st_mtime
        except OSError:
            newer = True
        if newer and not untouched(target):
            raise refuse("output.exists:newer", target=target, workbook=workbook.name)


def export(workbook: str | Path, kinds: list[str] | None = None, out_dir: str | Path | None = None,
           force: bool = False, draft: bool = False, generated_sentences: bool = True) -> Result:
    """Read, validate, gate, and write the report files. Raises UserError for refusals (nothing written)."""
    workbook = Path(workbook)
    kinds = kinds or list(FORMATS)
    checked = pipeline.check(workbook)
    result = Result(workbook, checked.document, checked.findings, checked.located_by, draft=draft)
    if not checked.passed and not draft:
        result.blocked = True
        return result
    paths = targets(workbook, kinds, Path(out_dir) if out_dir else None, draft)
    for p in paths.values():
        check_target(p, workbook, force)
    model = report.build(checked.document, generated_sentences=generated_sentences, draft=draft)
    existed = [p for p in paths.values() if p.exists()]
    result.replaced = write_all(model, paths)
    result.updated = [p for p in existed if p not in result.replaced]     # said too: --out may hold another's
    result.written = [Written(k, p, p.stat().st_size) for k, p in paths.items()]
    return result


def write_all(model: report.Report, paths: dict[str, Path]) -> dict[Path, Path]:
    """Every file to a temp beside its target; renamed only when all are complete, all or none. Returns the
    outputs that replaced a different file → the dated name the old file is kept under."""
    from addin.report.fingerprint import untouched

    kept: dict[Path, Path] = {}
    with atomic_paths(list(paths.values()), kept=kept, ours=untouched) as tmps:
        for kind, tmp in zip(paths, tmps):
            writer(kind).write(model, tmp)    # atomic_paths gives it the umask's mode: a report for the web
    return kept

