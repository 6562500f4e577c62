"""Test helpers (plain functions and paths); fixtures live in conftest.py. Import as `from .helpers import …`."""
from __future__ import annotations

import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl

from addin import pipeline
from addin.format import fmt as fmtmod
from addin.format import layout
from addin.format.layout import path_spans

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_JSON = ROOT / "examples" / "zhongwei-ports-office-2022.json"
EXAMPLE_XLSX = ROOT / "examples" / "zhongwei-ports-office-2022.xlsx"
HANG_GUARD = 120      # seconds: a generous limit so that a hang fails instead of blocking CI (not a timing)


def shared_dir() -> Path:
    env = os.environ.get("NIANBAO_SHARED")
    return Path(env) if env else ROOT.parent / "shared"


def balanced_doc(doc: dict) -> dict:
    """The example with non-zero, balanced figures in 表三 and 表四 (for rules that need numbers)."""
    c = doc["cells"]
    # 自然人: 10 new + 2 carried = 7 open + 2 partial + 1 其他处理3 (=10 总计) + 2 next year
    # 商业企业: 3 new = 1 open + 1 不掌握 + 1 重复申请 (=3 总计)
    rows = {"R01": (10, 3), "R02": (2, 0), "R03": (7, 1), "R04": (2, 0), "R13": (0, 1), "R17": (0, 1),
            "R23": (1, 0), "R24": (10, 3), "R25": (2, 0)}
    for r, (c1, c2) in rows.items():
        c[f"t3.{r}.C1"], c[f"t3.{r}.C2"], c[f"t3.{r}.CT"] = c1, c2, c1 + c2
    for g, vals in {"review": (1, 1, 0, 1), "suit_direct": (1, 0, 0, 0), "suit_after": (0, 0, 1, 0)}.items():
        for k, v in zip(("upheld", "corrected", "other", "pending"), vals):
            c[f"t4.{g}.{k}"] = v
        c[f"t4.{g}.total"] = sum(vals)
    c["t2.normative.issued"], c["t2.normative.in_force"], c["t2.fees.amount"] = 3, 12, 1.2345
    # the example's narrative says "no applications, no cases": make it say what these tables hold (rules T*)
    for k, text in doc["texts"].items():
        doc["texts"][k] = (text.replace("未收到政府信息公开申请", "收到政府信息公开申请13件")
                           .replace("未发生因信息公开引起的行政复议申请、行政诉讼等情况", "发生行政复议3件、行政诉讼2件"))
    return doc


MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def macro_enabled(src: Path, dst: Path) -> None:
    """A real .xlsm package: the macro-enabled content type and a VBA project part."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(XLSX_MAIN.encode(), MACRO_MAIN.encode()).replace(
                    b"<Default ", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                                  b"<Default ", 1)
            zout.writestr(info, data)
        zout.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\0" * 508)


def make_input(d: Path, name: str) -> Path:
    p = d / name
    if name.lower().endswith(".xlsm"):
        macro_enabled(EXAMPLE_XLSX, p)
    else:
        shutil.copyfile(EXAMPLE_XLSX, p)
    return p


def zip_members(p: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(p) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


def put_element(wb, element, value):
    s, r, c = layout.load().pos[element]
    wb[s].cell(r, c).value = value


def make_bad(tmp_path: Path, keep_explanations: bool = True) -> Path:
    """The bundled example with an imbalance, text in a number cell and a blank cell."""
    wb = openpyxl.load_workbook(EXAMPLE_XLSX)
    put_element(wb, "t3.R01.C1", 5)
    put_element(wb, "t3.R02.C2", "3件")
    put_element(wb, "t2.fees.amount", None)
    if not keep_explanations:
        ws = wb[layout.EXPLAIN_SHEET]
        r1, r2 = layout.load().explain_rows
        for r in range(r1, r2 + 1):
            for c in (1, 2, 3):
                ws.cell(r, c).value = None
    path = tmp_path / "年报.xlsx"
    wb.save(path)
    return path


def findings_of(path: Path):
    return pipeline.check(path).findings


def rgb(cell) -> str | None:
    return str(cell.fill.start_color.rgb)[-6:] if cell.fill.fill_type == "solid" else None


def value_of(cid: str) -> int:
    """A distinct number per data cell."""
    return 1000 + list(fmtmod.load().cells).index(cid)


def put_table(ws, table, top, left, *, text=lambda s: s, merge=True, columns=None, rows=None,
              gap_rows=0, gap_cols=0, headers=True, values=True, drop=()):
    """Write one table like the template: title, corner, header block, row labels, a number per cell.

    Returns (expected positions {cell id: (sheet, row, col)}, first free row below the table).
    `drop` lists label texts to leave out; `columns` / `rows` reorder or replace the format's items.
    """
    columns = list(table.columns if columns is None else columns)
    rows = list(table.rows if rows is None else rows)
    label_cols = max(len(r.path) for r in rows)
    depth = max(len(c.path) for c in columns)
    r = top
    if table.title:
        ws.cell(r, left, text(table.title))
        r += 1
    header_row = r
    data_row = header_row + depth + gap_rows
    data_col = left + label_cols + gap_cols

    def put(r1, c1, r2, c2, label):
        if label in drop:
            return
        ws.cell(r1, c1, text(label))
        if merge and (r1, c1) != (r2, c2):
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)

    if table.corner and label_cols and headers:
        put(header_row, left, header_row + depth - 1, data_col - 1, table.corner)
    if headers:
        for i, j, l1, l2, label in path_spans([c.path for c in columns], depth):
            put(header_row + l1, data_col + i, header_row + l2, data_col + j, label)
    for i, j, l1, l2, label in path_spans([rw.path for rw in rows], label_cols):
        put(data_row + i, left + l1, data_row + j, left + l2, label)
    expected = {}
    for ri, rw in enumerate(rows):
        for ci, col in enumerate(columns):
            cid = table.cell_id_of(rw, col)
            if values:
                ws.cell(data_row + ri, data_col + ci, value_of(cid) if cid in fmtmod.load().cells else 7)
            expected[cid] = (ws.title, data_row + ri, data_col + ci)
    return expected, data_row + len(rows) + 1


def trial_workbook():
    """A report laid out in the 2019 trial format, built from the trial facts the format file keeps."""
    F = fmtmod.load()
    T = {t.id: t for t in F.tables}
    tr = F.trial_2019
    markers = tr["markers"]
    old_normative = next(iter(tr["replaced_labels"]))
    new, inc, total, prev, delta, other_services, title9, procurement, n_items, amount = markers
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "年报"
    marks = {}                                   # (row, col) → text expected in trial_2019

    def cell(r, c, v, mark=False):
        ws.cell(r, c, v)
        if mark:
            marks[(r, c)] = v

    r = 1
    # 二（一）: 2019 columns and the 2019 row label
    cell(r, 1, T["t2_1"].title); r += 1
    cell(r, 1, T["t2_1"].corner)
    for k, h in enumerate((new, inc, total)):
        cell(r, 2 + k, h, mark=True)
    r += 1
    for label, mark in ((T["t2_1"].rows[0].path[0], False), (old_normative, True)):
        cell(r, 1, label, mark=mark)
        for k in range(3):
            cell(r, 2 + k, 5 + k)
        r += 1
    # 二（五）（六）（八）: 上一年项目数量 · 本年增/减 · 处理决定数量
    for tid, extra in (("t2_5", [other_services]), ("t2_6", []), ("t2_8", [])):
        t = T[tid]
        r += 1
        cell(r, 1, t.title); r += 1
        cell(r, 1, t.corner)
        heads = [prev, delta] + (["处理决定数量"] if tid != "t2_8" else [])
        for k, h in enumerate(heads):
            cell(r, 2 + k, h, mark=h in markers)
        r += 1
        for label in [rw.path[0] for rw in t.rows] + extra:
            cell(r, 1, label, mark=label in markers)
            for k in range(len(heads)):
                cell(r, 2 + k, 3)
            r += 1
    # 二（九）: gone in 2021
    r += 1
    cell(r, 1, title9, mark=True); r += 1
    cell(r, 1, T["t2_1"].corner); cell(r, 2, n_items, mark=True); cell(r, 3, amount, mark=True); r += 1
    cell(r, 1, procurement, mark=True); cell(r, 2, 2); cell(r, 3, 10.5); r += 2
    # 三: the 2021 rows except the three sub-rows of （六）, which is one row with numbers
    t3 = T["t3"]
    group6 = tr["single_row_groups"][0]
    rows = []
    for rw in t3.rows:
        if group6 in rw.path[:-1]:
            if not any(x.id == "G6" for x in rows):
                rows.append(fmtmod.Row("G6", rw.path[: rw.path.index(group6) + 1]))
            continue
        rows.append(rw)
    expected, r = put_table(ws, t3, r, 1, rows=rows)
    six = expected.pop(t3.cell_id_of(rows[[x.id for x in rows].index("G6")], t3.columns[0]))
    for c in t3.columns[1:]:
        expected.pop(f"t3.G6.{c.id}")
    six_label = (six[0], six[1], 2)              # （六）其他处理 spans label columns 2–3
    marks[six_label[1:]] = group6
    pos4, _ = put_table(ws, T["t4"], r + 1, 1)
    expected.update(pos4)
    return wb, expected, marks


def cli_on_pty(args: list[str], until: str | None = None, stdout=subprocess.DEVNULL) -> tuple[int, str]:
    """`nianbao args` with stderr on a pseudo-terminal (what a reviewer's terminal sees): (exit code, what it
    drew). With `until`: one SIGINT (Ctrl-C) once that text has been drawn."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "addin.cli", *args], cwd=ROOT, stdout=stdout, stderr=slave)
    os.close(slave)
    chunks: list[bytes] = []
    sent = False
    deadline = time.monotonic() + HANG_GUARD
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:            # the other end closed: the command ended
                break
            if not data:
                break
            chunks.append(data)
            if until and not sent and until in b"".join(chunks).decode("utf-8", "replace"):
                proc.send_signal(signal.SIGINT)
                sent = True
        elif proc.poll() is not None:
            break
    os.close(master)
    return proc.wait(timeout=HANG_GUARD), b"".join(chunks).decode("utf-8", "replace")
