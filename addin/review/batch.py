"""A reviewer's folder: validate many workbooks at once and show one summary table.

`nianbao validate 文件夹/ [更多文件或文件夹…] [--json] [--summary-csv 汇总.csv] [--jobs N]`. Each workbook is read
and validated exactly as `nianbao validate FILE` does (same reader, validator, findings); a file that cannot be read
becomes a row that says why, never the end of the batch. Work is spread over processes (2 cores here); the order
of the rows is the order of the files, whatever finished first.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from addin.checks.findings import ERROR, EXPLAIN, INFO, summary
from addin.errors import UserError
from addin.text import display_len, looks_like_formula

PATTERNS = ("*.xlsx", "*.xlsm", "*.xls", "*.et", "*.ods")   # the last three become rows that say “re-save as .xlsx”
ANNOTATED_SUFFIX = ".校验.xlsx"   # our own annotated copies (validate --annotate) are not units
CSV_COLUMNS = ("序号", "文件", "机关", "年度", "结论", ERROR, EXPLAIN, "其中未说明", INFO, "首个问题")
VERDICTS = {0: "通过", 1: "未通过", 2: "无法读取"}


def collect(paths: list[str | Path], skipped: list[Path] | None = None) -> list[Path]:
    """Files as given; folders searched recursively for workbooks. Skipped (and appended to `skipped`): lock
    files, our temp files, and annotated copies whose original workbook is in the same folder."""
    out: list[Path] = []
    skipped = [] if skipped is None else skipped
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted({f for pat in PATTERNS for f in p.rglob(pat)}, key=lambda f: str(f))
            for f in found:
                (out if f.is_file() and _is_unit(f) else skipped).append(f)
        else:
            out.append(p)                   # a missing or odd file is reported in its row
    if not out:
        extra = f"（跳过了 {len(skipped)} 个锁定文件或标注副本）" if skipped else ""
        raise UserError(f"{'、'.join(map(str, paths))} 中没有找到 .xlsx 工作簿{extra}。", code="input.empty_folder")
    return list(dict.fromkeys(out))


def _is_unit(f: Path) -> bool:
    if f.name.startswith(("~$", ".~")):
        return False
    if f.name.endswith(ANNOTATED_SUFFIX):    # a unit may send only its annotated copy: then it is the unit
        return not f.with_name(f.name[: -len(ANNOTATED_SUFFIX)] + ".xlsx").exists()
    return True


def prior_index(where: str | Path, jobs: int | None = None) -> dict[tuple, str]:
    """Last year's workbooks (a folder, or one file) by (organ, year)."""
    from addin.pipeline import identify, map_paths

    paths = collect([where])
    keys = map_paths(identify, paths, jobs)
    return {k: str(p) for p, k in zip(paths, keys) if k is not None}


def check(path: Path, annotate: bool = False, force: bool = False, priors: dict | None = None) -> dict:
    """One workbook → one row (plain data, so it crosses process boundaries)."""
    from addin import pipeline
    from addin.checks import prior

    row = {"file": str(path), "organ": None, "year": None, "exit": 2, "error": None, "findings": [], "prior": None,
           "prior_searched": priors is not None}
    try:
        def last_year(doc):
            name, year = prior.key(doc)
            row["prior"] = priors.get((name, year - 1)) if isinstance(year, int) else None
            return row["prior"]

        checked = pipeline.check(path, prior=last_year if priors is not None else None)
        findings = checked.findings
        row.update(organ=checked.document["organ"].get("name"), year=checked.document["organ"].get("year"),
                   located_by=checked.located_by, findings=[f.to_dict() for f in findings],
                   summary=summary(findings), exit=0 if summary(findings)["passed"] else 1)
        if annotate:
            from addin.review.backends.openpyxl_marks import annotate_file

            row["annotated"] = str(annotate_file(path, findings, force=force))
    except UserError as e:
        row["error"] = {"code": e.code, "message": e.message}
    except Exception as e:  # noqa: BLE001 — one bad file must not end a reviewer's batch
        row["error"] = {"code": "internal", "message": f"内部错误（{type(e).__name__}）：{e}。请把该文件发给维护人员。"}
        row["exit"] = 3
    return row


def run(paths: list[Path], jobs: int | None = None, annotate: bool = False, force: bool = False,
        priors: dict | None = None) -> list[dict]:
    from addin.pipeline import map_paths

    n = len(paths)
    return map_paths(check, paths, jobs, [annotate] * n, [force] * n, [priors] * n)


def exit_code(rows: list[dict]) -> int:
    """The worst row decides: 0 all passed, 1 some did not pass, 2 some could not be read (3: an internal error)."""
    return max(r["exit"] for r in rows)


def _counts(row: dict) -> tuple:
    if row["error"]:
        return ("—",) * 4
    c = row["summary"]["counts"]
    unexplained = c[EXPLAIN] - row["summary"]["explained"]
    return c[ERROR], c[EXPLAIN], unexplained, c[INFO]


def first_problem(row: dict) -> str:
    if row["error"]:
        return row["error"]["message"]
    blocking = [f for f in row["findings"] if f["blocking"]]
    return f"{blocking[0]['rule']} {blocking[0]['message']}" if blocking else ""


def _cols(*cells: tuple[str, int]) -> str:
    """Cells right-aligned to display widths (a Chinese character takes two columns in a terminal)."""
    return "".join(" " * max(0, w - display_len(str(t))) + str(t) for t, w in cells)


def text_report(rows: list[dict]) -> str:
    widths = (4, 10, 6, 16, 6)
    lines = [f"批量校验：{len(rows)} 个工作簿",
             _cols(*zip(("序号", "结论", ERROR, f"{EXPLAIN}(未说明)", INFO), widths)) + "  机关 · 年度 · 文件"]
    for i, row in enumerate(rows, 1):
        err, exp, unexp, info = _counts(row)
        verdict = VERDICTS.get(row["exit"], "内部错误")
        organ = row["organ"] or "（机关未填）"
        lines.append(_cols(*zip((i, verdict, err, f"{exp}({unexp})", info), widths))
                     + f"  {organ} · {row['year'] or '—'} · {row['file']}")
    tally = {v: sum(VERDICTS.get(r["exit"], "内部错误") == v for r in rows) for v in (*VERDICTS.values(), "内部错误")}
    lines.append("合计：" + "，".join(f"{k} {n}" for k, n in tally.items() if n))
    if any(r["prior_searched"] for r in rows):
        matched = sum(r["prior"] is not None for r in rows)
        lacking = [Path(r["file"]).name for r in rows if r["prior"] is None]
        lines.append(f"跨年核对：{matched} 个单位找到上年工作簿，{len(rows) - matched} 个没有找到（按机关名称和年度对应）"
                     + (f"：{'、'.join(lacking[:20])}{'等' if len(lacking) > 20 else ''}" if lacking else ""))
    lines += _notes(rows)
    problems = [(i, r) for i, r in enumerate(rows, 1) if r["exit"] != 0]
    if problems:
        lines.append("── 未通过的工作簿：阻止导出的问题 ──")
    for i, row in problems:
        lines.append(f"[{i}] {row['file']}")
        if row["error"]:
            lines.append(f"    {row['error']['message']}")
        for f in row["findings"]:
            if f["blocking"]:
                lines.append(f"    [{f['severity']}] {f['rule']} {f['message']}")
    return "\n".join(lines)


def _notes(rows: list[dict]) -> list[str]:
    """What a reviewer should know about the folder as a whole: one organ twice, a year unlike the others."""
    from collections import Counter

    out = []
    names = Counter(r["organ"] for r in rows if r["organ"])
    for name, n in names.items():
        if n > 1:
            files = "、".join(Path(r["file"]).name for r in rows if r["organ"] == name)
            out.append(f"注意：同一机关“{name}”有 {n} 份工作簿（{files}），汇总时只能计入一份。")
    years = Counter(r["year"] for r in rows if isinstance(r["year"], int)).most_common()
    if len(years) > 1:
        odd = "、".join(f"{Path(r['file']).name}（{r['year']}）" for r in rows
                       if isinstance(r["year"], int) and r["year"] != years[0][0])
        out.append(f"注意：多数单位为 {years[0][0]} 年度，以下不同：{odd}。")
    return out


def csv_safe(value) -> str:
    """A value from a workbook written into CSV so that Excel/WPS never run it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if looks_like_formula(text) else text


def csv_text(rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    for i, row in enumerate(rows, 1):
        err, exp, unexp, info = _counts(row)
        w.writerow([i, csv_safe(row["file"]), csv_safe(row["organ"]), csv_safe(row["year"]),
                    VERDICTS.get(row["exit"], "内部错误"), err, exp, unexp, info, csv_safe(first_problem(row))])
    return buf.getvalue()


def write_csv(rows: list[dict], target: Path, force: bool = False) -> Path:
    """UTF-8 with a byte-order mark, so that Excel opens the Chinese text correctly; written atomically."""
    from addin.io.atomic import atomic_path, check_writable

    target = Path(target)
    check_writable(target, force)
    with atomic_path(target) as tmp:
        tmp.write_text(csv_text(rows), encoding="utf-8-sig", newline="")
    return target
