"""Worst-case hostile workbooks within the container limits: time and peak memory of `nianbao validate`.

Each case is built from the bundled example, then validated in a fresh subprocess; the peak RSS is the
child's high-water mark (VmHWM; ru_maxrss of
resource.getrusage where /proc is missing — on Linux ru_maxrss survives exec and would show the parent's). `run()` returns the rows for scripts/benchmark.py and
docs/benchmarks.md; `python scripts/bench_hostile.py` prints the table. Nothing here is asserted: the hang
guard (a generous timeout per case) lives in tests/test_hostile.py.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from addin.format.layout import column_letter  # noqa: E402 — the checkout's, as benchmark.py imports it

EXAMPLE = ROOT / "examples" / "zhongwei-ports-office-2022.xlsx"
TIMEOUT = 120


def _rezip(dst: Path, change, extra: dict | None = None, src: Path = EXAMPLE) -> Path:
    """Copy the example member by member; a big part that compresses better than the container check's
    ratio allows is stored uncompressed, so the file stays inside the limits (the worst case we want)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        members = [(i.filename, change(i.filename, zin.read(i.filename))) for i in zin.infolist()]
        for name, data in members + list((extra or {}).items()):
            packed = zlib.compress(data, 6) if len(data) > 1 << 20 else data
            stored = len(data) > 1 << 20 and len(data) > 150 * len(packed)
            zout.writestr(name, data, compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
    return dst


def _sheet_part(title: str) -> str:
    with zipfile.ZipFile(EXAMPLE) as z:
        wb = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet [^>]*name="{title}"[^>]*r:id="(rId\d+)"', wb).group(1)
    target = re.search(rf'<Relationship [^>]*Id="{rid}"[^>]*Target="([^"]+)"', rels) or \
        re.search(rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{rid}"', rels)
    return "xl/" + target.group(1).lstrip("/").removeprefix("xl/")


def _in_sheet(title: str, rows_xml: str, drop_names: str | None = None):
    part = _sheet_part(title)

    def change(name, data):
        if name == part:
            return data.replace(b"</sheetData>", rows_xml.encode() + b"</sheetData>", 1)
        if name == "xl/workbook.xml" and drop_names:
            return re.sub(rf'<definedName name="{drop_names}"[^>]*>[^<]*</definedName>'.encode(), b"", data)
        return data
    return change


def labels_cubic(d: Path) -> Path:
    """One defined name deleted (label fallback runs), 4,000 cells of a 表四 header's text in two rows."""
    label = "行政复议"
    cells = "".join(f'<c r="{column_letter(c)}{r}" t="inlineStr"><is><t>{label}</t></is></c>'
                    for r in (60, 61) for c in range(1, 2001))
    rows = f'<row r="60">{cells[:len(cells)//2]}</row><row r="61">{cells[len(cells)//2:]}</row>'
    return _rezip(d / "labels.xlsx", _in_sheet("表四", rows, drop_names="nb_t4_[^\"]*"))


def digits_narrative(d: Path) -> Path:
    """60 cells of 32,767 digits in 总体情况 (each followed by 件)."""
    rows = "".join(f'<row r="{300 + i}"><c r="A{300 + i}" t="inlineStr"><is><t>收到申请{"9" * 32760}件</t></is></c></row>'
                   for i in range(60))
    cells = _in_sheet("总体情况", rows)

    def change(name, data):
        if name == "xl/workbook.xml":   # the overview text block is those 60 rows
            return re.sub(rb"(nb_text_overview\">[^!]*!)[^<]*", rb"\g<1>$A$300:$A$359", data)
        return cells(name, data)
    return _rezip(d / "digits.xlsx", change)


def names_to_last_row(d: Path) -> Path:
    """Every text block's defined name stretched to row 1048576, with a cell there."""
    cells = _in_sheet("总体情况", '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>最后一行</t></is></c></row>')

    def change(name, data):
        if name == "xl/workbook.xml":
            return re.sub(rb"(<definedName name=\"nb_text_[^\"]*\"[^>]*>[^<:]*:\$[A-Z]+\$)\d+", rb"\g<1>1048576", data)
        return cells(name, data)
    return _rezip(d / "lastrow.xlsx", change)


def hidden_ten_million(d: Path) -> Path:
    """A very hidden sheet holding as many cells as the 300 MB uncompressed limit allows (~10 million)."""
    n_rows, per_row = 100_000, 100
    row = "".join(f'<c r="{column_letter(c)}{{r}}"><v>1</v></c>' for c in range(1, per_row + 1))
    body = "".join(f'<row r="{r}">' + row.replace("{r}", str(r)) + "</row>" for r in range(1, n_rows + 1))
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             f'spreadsheetml/2006/main"><sheetData>{body}</sheetData></worksheet>')
    return _with_extra_sheet(d / "hidden.xlsx", sheet.encode(), "veryHidden")


def unused_strings(d: Path) -> Path:
    """A shared-string table of 5 million strings, one cell of 表三 using the last one (read to the end)."""
    n = 5_000_000
    part = _sheet_part("表三")
    sst = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
           f'2006/main" count="{n}" uniqueCount="{n}">').encode() + \
        "".join(f"<si><t>{i:x}</t></si>" for i in range(n)).encode() + b"</sst>"

    def change(name, data):
        if name == part:
            return data.replace(b"</sheetData>", f'<row r="900"><c r="A900" t="s"><v>{n - 1}</v></c></row>'
                                .encode() + b"</sheetData>", 1)
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(b"</Relationships>", b'<Relationship Id="rId98" Type="http://schemas.openxmlformats.'
                                b'org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                b"</Relationships>")
        if name == "[Content_Types].xml":
            return data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        return data
    return _rezip(d / "sst.xlsx", change, {"xl/sharedStrings.xml": sst})


def nested_extlst(d: Path) -> Path:
    """2 million nested elements in an extLst of 表三."""
    part = _sheet_part("表三")
    deep = b"<a>" * 2_000_000 + b"</a>" * 2_000_000

    def change(name, data):
        if name == part:
            return data.replace(b"</worksheet>", b"<extLst><ext uri='x'>" + deep + b"</ext></extLst></worksheet>")
        return data
    return _rezip(d / "extlst.xlsx", change)


def _with_extra_sheet(dst: Path, sheet_xml: bytes, state: str) -> Path:
    def change(name, data):
        if name == "xl/workbook.xml":
            return data.replace(b"</sheets>", f'<sheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" name="数据" sheetId="99" state="{state}" r:id="rId99"/></sheets>'
                                .encode(), 1)
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.'
                                b'org/officeDocument/2006/relationships/worksheet" Target="worksheets/big.xml"/>'
                                b"</Relationships>")
        if name == "[Content_Types].xml":
            return data.replace(b"</Types>", b'<Override PartName="/xl/worksheets/big.xml" ContentType="application/'
                                b'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        return data
    return _rezip(dst, change, {"xl/worksheets/big.xml": sheet_xml})


CASES = {
    "标签回退（表四两行 4000 个标签格）": labels_cubic,
    "总体情况 60 格 × 32,760 位数字": digits_narrative,
    "文字块定义名称延伸到第 1048576 行": names_to_last_row,
    "深度隐藏工作表 1000 万格": hidden_ten_million,
    "500 万个未用的共享字符串": unused_strings,
    "extLst 中 200 万层嵌套元素": nested_extlst,
}

_CHILD = ("import resource, sys, time\n"
          "t = time.perf_counter()\n"
          "from addin.cli import main\n"
          "code = main(['validate', sys.argv[1], '--json'])\n"
          "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')]\n"
          "peak = int(hwm[0].split()[1]) if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
          "sys.stderr.write(f'@@{code} {time.perf_counter() - t:.3f} {peak}\\n')\n")


def measure(path: Path) -> tuple[int | None, float, float]:
    """(exit code, seconds, peak RSS MB) of validate in a fresh interpreter; (None, timeout, 0) on a hang."""
    try:
        out = subprocess.run([sys.executable, "-c", _CHILD, str(path)], cwd=ROOT, capture_output=True, text=True,
                             timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, float(TIMEOUT), 0.0
    m = re.search(r"@@(\d+) ([\d.]+) (\d+)", out.stderr)
    if not m:
        return 3, 0.0, 0.0
    return int(m.group(1)), float(m.group(2)), int(m.group(3)) / 1024


def run() -> list[list]:
    rows = [["情况", "文件大小 KB", "退出码", "耗时 s", "峰值内存 MB"]]
    with tempfile.TemporaryDirectory() as tmp:
        for what, build in CASES.items():
            d = Path(tmp) / build.__name__
            d.mkdir()
            path = build(d)
            code, secs, mb = measure(path)
            rows.append([what, path.stat().st_size // 1024, code, round(secs, 2), round(mb)])
            shutil.rmtree(d)
    return rows


if __name__ == "__main__":
    for row in run():
        print(" | ".join(str(x) for x in row))
