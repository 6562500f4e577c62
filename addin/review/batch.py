"""A reviewer's folder: validate many workbooks at once and show one summary table.

`nianbao validate 文件夹/ [更多文件或文件夹…] [--json] [--summary-csv 汇总.csv] [--jobs N]`. Each workbook is read
and validated exactly as `nianbao validate FILE` does (same reader, validator, findings); a file that cannot be read
becomes a row that says why, never the end of the batch. Work is spread over processes (2 cores here); the order
of the rows is the order of the files, whatever finished first.
"""
from __future__ import annotations

import csv
import io
import os
import re
import stat
import unicodedata
from pathlib import Path

from addin.checks.findings import ERROR, EXPLAIN, INFO, summary
from addin.errors import UserError
from addin.io.results import ANNOTATED_MARK
from addin.messages import refuse
from addin.text import display_len, looks_like_formula

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".ods")   # the last three become rows that say “re-save as .xlsx”
ANNOTATED_SUFFIX = ANNOTATED_MARK + ".xlsx"   # our own annotated copies (validate --annotate) are not units
CSV_COLUMNS = ("序号", "文件", "机关", "年度", "结论", ERROR, EXPLAIN, "其中未说明", INFO, "首个问题")
VERDICTS = {0: "通过", 1: "未通过", 2: "无法读取"}
NOTE_NAMES = 3                     # a long note (one organ 200 times) names this many files, then counts the rest


def collect(paths: list[str | Path], skipped: list[Path] | None = None) -> list[Path]:
    """Files as given; folders searched recursively for workbooks, in natural order (u2 before u10). Skipped (and
    appended to `skipped`; `skip_reason` says why): lock files, our temp files, annotated copies whose original
    workbook is in the same folder, and names that are not regular files (FIFOs, dangling links, devices)."""
    out: list[Path] = []
    skipped = [] if skipped is None else skipped
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(workbooks_in(p), key=path_key)
            for f in found:
                (out if skip_reason(f) is None else skipped).append(f)
        else:
            out.append(p)                   # a missing or odd file is reported in its row
    if not out:
        where = "、".join(shown(str(p)) for p in paths)
        if skipped:
            raise refuse("input.empty_folder:skipped", paths=where, skipped=skipped_text(skipped))
        raise refuse("input.empty_folder", paths=where)
    return list(dict.fromkeys(out))


def workbooks_in(folder: Path) -> list[Path]:
    """Every name under `folder` with a workbook's suffix, whatever its case: Windows and WPS save `A.XLSX` and
    `b.Xlsx` as readily as `c.xlsx` (a case-sensitive pattern left them out of the batch without a word)."""
    return [f for f in folder.rglob("*") if f.suffix.lower() in SUFFIXES]


def skip_reason(f: Path) -> str | None:
    """Why a file found in a folder is not a unit (None: it is one). Checked without following into a FIFO:
    opening one would wait for a writer for ever."""
    if f.name.startswith(("~$", ".~")):
        return "Excel 锁定文件或本工具的临时文件（~$…、.~…）"
    try:
        mode = f.stat().st_mode
    except FileNotFoundError:
        return "失效的符号链接（指向的文件不存在）" if f.is_symlink() else "读取时已被删除的文件"
    except OSError as e:
        return f"无法访问的文件（{e.strerror}）"
    if stat.S_ISFIFO(mode):
        return "命名管道（FIFO，不是文件）"
    if stat.S_ISDIR(mode):
        return "名字像工作簿的文件夹"
    if not stat.S_ISREG(mode):
        return "设备或套接字等特殊文件（不是普通文件）"
    if f.name.lower().endswith(ANNOTATED_SUFFIX) and _original_beside(f):
        return "标注副本 *.校验.xlsx（旁边有原工作簿）"   # sent alone, an annotated copy is the unit
    return None


def _original_beside(copy: Path) -> bool:
    """The workbook an annotated copy was made from is in its folder: 报表.xlsx, 报表.XLSX or 报表.xlsm (the
    copy of B.XLSX is B.校验.xlsx; on Linux and Kylin the case of the original's suffix is its own)."""
    base = copy.name[: -len(ANNOTATED_SUFFIX)]
    try:
        return any(p.name.startswith(base) and p.name[len(base):].lower() in (".xlsx", ".xlsm")
                   for p in copy.parent.iterdir() if p != copy)
    except OSError:
        return False


def our_summary(f: Path, e: UserError) -> str | None:
    """Why a file the reader refused is no unit: a 校验汇总 workbook an earlier batch wrote into the folder (found
    by its sheets, whatever its name). Asked in the workers, of refused files only: a sheet-name read of every
    file before the work would cost a province's batch 10,000 serial reads."""
    if not e.code.startswith("input.not_template"):
        return None
    from addin.io import reader
    from addin.review import summary_xlsx as sx

    if sx.is_summary(reader.sheet_names(f)):
        return f"本工具生成的校验汇总工作簿（有“{sx.UNITS_SHEET}”“{sx.FINDINGS_SHEET}”两张表，不是单位的年报）"
    return None


def skipped_text(skipped: list[Path], reasons: dict[Path, str] | None = None) -> str:
    """`3 个文件：2 个 Excel 锁定文件…；1 个命名管道（FIFO，不是文件）：a.xlsx` — what each skipped name is
    (`reasons`: what the workers found, for files set aside after reading)."""
    groups: dict[str, list[Path]] = {}
    for f in skipped:
        groups.setdefault((reasons or {}).get(f) or skip_reason(f) or "其他", []).append(f)
    parts = [f"{len(fs)} 个{why}：{names([x.name for x in fs])}" for why, fs in groups.items()]
    return f"{len(skipped)} 个文件：" + "；".join(parts)


def names(items: list[str], first: int = NOTE_NAMES) -> str:
    """The first few names and a count of the rest, so that one note stays one readable line."""
    head = "、".join(shown(x) for x in items[:first])
    return head + (f" 等 {len(items)} 个" if len(items) > first else "")


def shown(text) -> str:
    """Text from a file name or a workbook made safe for a terminal: control characters (ESC sequences that
    would recolour or rewrite the screen), format characters and lone surrogates are printed as escapes."""
    text = str(text)
    return "".join(ch if unicodedata.category(ch)[0] != "C" else ch.encode("unicode_escape", "backslashreplace")
                   .decode("ascii") for ch in text)


def natural_key(text: str) -> list:
    """u2 before u10: digit runs compare as numbers (re.split puts them at odd positions)."""
    parts = re.split(r"(\d+)", text)
    return [int(t) if i % 2 else t.casefold() for i, t in enumerate(parts)] + [text]


def path_key(p: Path | str) -> list:
    return [natural_key(part) for part in Path(p).parts]


def ordered(rows: list[dict]) -> list[dict]:
    """Units by organ (natural order) where 基本信息 names it, so that one organ's files sit together; the units
    without a name after them, by file name."""
    return sorted(rows, key=lambda r: (0, natural_key(r["organ"]), path_key(r["file"])) if r["organ"]
                  else (1, [], path_key(r["file"])))


def prior_index(where: str | Path, jobs: int | None = None, quiet: bool = True) -> dict[tuple, str]:
    """Last year's workbooks (a folder, or one file) by (organ, year); of two, the one a roll-up would count."""
    from addin.pipeline import identify
    from addin.review.pool import map_paths
    from addin.review.rollup import preferred

    paths = collect([where])
    keys = map_paths(identify, paths, jobs, label="读取上年工作簿", quiet=quiet)
    found: dict[tuple, list[str]] = {}
    for p, k in zip(paths, keys):
        if k is not None:
            found.setdefault(k, []).append(str(p))
    return {k: preferred(files)[0] for k, files in found.items()}   # last year's copy never beats its original


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
    except UserError as e:
        if aside := our_summary(path, e):
            row["skipped"] = aside
            return row
        row["error"] = _row_error(e)
        return row
    except Exception as e:  # noqa: BLE001 — one bad file must not end a reviewer's batch
        row["error"] = _row_error(refuse("internal", kind=type(e).__name__, error=e))
        row["exit"] = 3
        return row
    if annotate:
        _annotate(row, path, findings, force)
    return row


def _row_error(e: UserError) -> dict:
    """A unit's failure as its row keeps it (and the summaries show it): the message id and the words."""
    return {"code": e.code, "message": e.message}


def _annotate(row: dict, path: Path, findings, force: bool) -> None:
    """The annotated copy was asked for: a unit whose copy cannot be written is a failure row saying why (it
    used to show 通过 with “—” and exit 0), its validation counts kept."""
    from addin.review.backends.openpyxl_marks import annotate_file

    try:
        row["annotated"] = str(annotate_file(path, findings, force=force))
    except UserError as e:
        row["error"] = {"code": e.code, "message": f"已校验，但未写入标注副本：{e.message}"}
        row["exit"] = max(row["exit"], 2)
    except OSError as e:
        row["error"] = _row_error(refuse("output.write_failed:annotate", reason=e.strerror or e, folder=path.parent))
        row["exit"] = max(row["exit"], 2)


def run(paths: list[Path], jobs: int | None = None, annotate: bool = False, force: bool = False,
        priors: dict | None = None, quiet: bool = True) -> list[dict]:
    """Every unit checked; rows in the order of the paths. Ctrl-C raises `Interrupted` holding the rows done."""
    from addin.review.pool import map_paths

    return map_paths(check, paths, jobs, annotate, force, priors, label="校验", quiet=quiet)


def set_aside(aside: dict[Path, str], units_left: int, skipped: list[Path], where: list) -> str | None:
    """Files the workers found to be no unit (`aside`: why; appended to `skipped`): the line that says so. A
    folder of nothing else is refused as an empty one is."""
    skipped.extend(aside)
    if not units_left:
        raise refuse("input.empty_folder:skipped", paths="、".join(shown(str(p)) for p in where),
                     skipped=skipped_text(skipped, aside))
    return f"（跳过 {skipped_text(list(aside), aside)}）" if aside else None


def exit_code(rows: list[dict]) -> int:
    """The worst row decides: 0 all passed, 1 some did not pass, 2 some could not be read (3: an internal error)."""
    return max(r["exit"] for r in rows)


def verdict(row: dict) -> str:
    if row["error"] and row.get("summary"):
        return "标注失败"          # validated, but the annotated copy asked for was not written
    return VERDICTS.get(row["exit"], "内部错误")


def counts(row: dict) -> tuple:
    if not row.get("summary"):
        return ("—",) * 4
    c = row["summary"]["counts"]
    unexplained = c[EXPLAIN] - row["summary"]["explained"]
    return c[ERROR], c[EXPLAIN], unexplained, c[INFO]


def first_problem(row: dict) -> str:
    blocking = [f for f in row["findings"] if f["blocking"]]
    if row["error"]:
        return row["error"]["message"]
    return f"{blocking[0]['rule']} {blocking[0]['message']}" if blocking else ""


def _cols(*cells: tuple[str, int]) -> str:
    """Cells right-aligned to display widths (a Chinese character takes two columns in a terminal)."""
    return "".join(" " * max(0, w - display_len(str(t))) + str(t) for t, w in cells)


def text_report(rows: list[dict]) -> str:
    widths = (4, 10, 6, 16, 6)
    lines = [f"批量校验：{len(rows)} 个工作簿",
             _cols(*zip(("序号", "结论", ERROR, f"{EXPLAIN}(未说明)", INFO), widths)) + "  机关 · 年度 · 文件"]
    for i, row in enumerate(rows, 1):
        err, exp, unexp, info = counts(row)
        organ = shown(row["organ"]) if row["organ"] else ("—" if row.get("error") else "（机关未填）")   # unread: unknown
        lines.append(_cols(*zip((i, verdict(row), err, f"{exp}({unexp})", info), widths))
                     + f"  {organ} · {shown(row['year'] or '—')} · {shown(row['file'])}")
    tally = {v: sum(verdict(r) == v for r in rows) for v in (*VERDICTS.values(), "标注失败", "内部错误")}
    lines.append("合计：" + "，".join(f"{k} {n}" for k, n in tally.items() if n))
    if any(r["prior_searched"] for r in rows):
        matched = sum(r["prior"] is not None for r in rows)
        lacking = [Path(r["file"]).name for r in rows if r["prior"] is None]
        lines.append(f"跨年核对：{matched} 个单位找到上年工作簿，{len(rows) - matched} 个没有找到（按机关名称和年度对应）"
                     + (f"：{names(lacking)}" if lacking else ""))
    lines += _notes(rows)
    problems = [(i, r) for i, r in enumerate(rows, 1) if r["exit"] != 0]
    if problems:
        lines.append("── 未通过的工作簿：阻止导出的问题 ──")
    for i, row in problems:
        lines.append(f"[{i}] {shown(row['file'])}")
        if row["error"]:
            lines.append(f"    {shown(row['error']['message'])}")
        for f in row["findings"]:
            if f["blocking"]:
                lines.append(f"    [{f['severity']}] {f['rule']} {shown(f['message'])}")
    return "\n".join(lines)


def _notes(rows: list[dict]) -> list[str]:
    """What a reviewer should know about the folder as a whole: one organ twice in one year, a year unlike the
    others. Two years of one organ are not duplicates (a batch over this year's and last year's reports)."""
    from collections import Counter

    from addin.review.rollup import preferred

    out = []
    pairs = Counter((r["organ"], r["year"]) for r in rows if r["organ"])
    for (name, year), n in pairs.items():
        if n > 1:
            same = [r["file"] for r in rows if (r["organ"], r["year"]) == (name, year)]
            kept, why = preferred(same)
            out.append(f"注意：同一机关“{shown(name)}”有 {n} 份工作簿（{names([Path(f).name for f in same])}），"
                       f"{'都是 %s 年度' % shown(year) if year else '年度均未填写'}，汇总时只能计入一份"
                       f"（将计入 {shown(Path(kept).name)}：{why}）。")
    years = Counter(r["year"] for r in rows if isinstance(r["year"], int)).most_common()
    if len(years) > 1:
        out.append(_years_note(rows, years))
    return out


def _years_note(rows: list[dict], years: list[tuple[int, int]]) -> str:
    """A clear majority year names the units of other years; a tie names every year and how many of each."""
    top = [y for y, n in years if n == years[0][1]]
    if len(top) > 1:
        each = "、".join(f"{y} 年度 {n} 个" for y, n in years)
        return f"注意：这些单位属于不同年度（{each}），没有哪一年占多数；汇总时请用 --year 指定年度。"
    odd = [f"{Path(r['file']).name}（{r['year']}）" for r in rows
           if isinstance(r["year"], int) and r["year"] != years[0][0]]
    return f"注意：多数单位为 {years[0][0]} 年度，以下不同：{names(odd)}。"


def csv_safe(value) -> str:
    """A value from a workbook written into CSV so that Excel/WPS never run it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if looks_like_formula(text) else text


def csv_text(rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    for i, row in enumerate(rows, 1):
        err, exp, unexp, info = counts(row)
        w.writerow([i, csv_safe(row["file"]), csv_safe(row["organ"]), csv_safe(row["year"]),
                    verdict(row), err, exp, unexp, info, csv_safe(first_problem(row))])
    return buf.getvalue()


def write_csv(rows: list[dict], target: Path, force: bool = False) -> Path:
    """UTF-8 with a byte-order mark, so that Excel opens the Chinese text correctly; written atomically."""
    from addin.io.atomic import atomic_path, check_writable

    target = Path(target)
    check_writable(target, force)
    try:
        with atomic_path(target) as tmp:
            tmp.write_text(csv_text(rows), encoding="utf-8-sig", newline="")
    except OSError as e:          # disk full, folder gone: the batch is done, the summary is not written
        raise write_failed(target, e) from None
    return target


def write_failed(target: Path, e: OSError) -> UserError:
    return refuse("output.write_failed", target=target, reason=e.strerror or e)


def check_outputs(targets: list[Path], force: bool = False) -> None:
    """Every summary file the batch will write, checked before the work: the folder exists and takes a new file
    (a read-only folder used to fail only after the whole batch), no file replaced silently, none open in Excel."""
    import tempfile

    from addin.io.atomic import check_writable

    for target in targets:
        check_writable(target, force)
        try:
            fd, probe = tempfile.mkstemp(prefix=".~probe.", dir=target.parent)
        except OSError as e:
            raise refuse("output.readonly:batch", folder=target.parent, name=target.name, reason=e.strerror) from None
        os.close(fd)
        os.unlink(probe)
