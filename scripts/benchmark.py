"""Benchmark: our costs as ratios against floors measured in the same run on the same machine.

    python scripts/benchmark.py [--quick] [--units N] [--rounds N] [--write-docs] [--setup-frictionless]

Each line sets our time against a floor measured now, here, with the same workbook: Python + import openpyxl +
load the workbook (what any Python tool reading it pays), frictionless validating one sheet (a peer a data team
would reach for), and for a province's folder the goal itself (10,000 workbooks in 60 s, 500 MB). Machines are
noisy and shared: these are medians of several rounds, read by people; no test asserts a time.

`--write-docs` writes the output into docs/benchmarks.md. `--quick` is for a check that the script still runs
(fewer rounds, 400 workbooks). frictionless lives in its own virtual environment (.bench-venv, made by
`--setup-frictionless`) so that it never becomes a dependency of the tool; without it that line says why it
is missing. The worst-case hostile inputs come from scripts/bench_hostile.py when that file exists.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
EXAMPLE = ROOT / "examples" / "zhongwei-ports-office-2022.xlsx"
BENCH_VENV = Path(os.environ.get("NIANBAO_BENCH_VENV", ROOT / ".bench-venv"))
OURS_VENV = ROOT / ".bench-nianbao"      # this checkout installed as users install it, for the cold start
DOCS = ROOT / "docs" / "benchmarks.md"

GOALS = {"cold": 0.8, "frictionless": 0.25, "export_ms": 300, "folder_s_per_10k": 60, "folder_mb": 500}


# --- measuring ----------------------------------------------------------------------------------------------

def median_time(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def child(code: str, python: str = sys.executable) -> float:
    """Wall time of a fresh interpreter running `code` (what a staff member waits for after a click), started
    outside the checkout (a `python -c` in it would import the checkout, not what is installed)."""
    t = time.perf_counter()
    subprocess.run([python, "-c", code], cwd=tempfile.gettempdir(), check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def interleaved(codes: list[tuple[str, str]], rounds: int) -> list[float]:
    """Medians of several child commands run in turns (A B A B …): a noisy neighbour hits both alike."""
    runs: list[list[float]] = [[] for _ in codes]
    for _ in range(rounds):
        for i, (code, python) in enumerate(codes):
            runs[i].append(child(code, python))
    return [statistics.median(r) for r in runs]


def tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants now (Linux /proc), in KiB."""
    kids: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            status = (d / "status").read_text()
        except OSError:
            continue
        ppid = int(re.search(r"PPid:\s+(\d+)", status).group(1))
        m = re.search(r"VmRSS:\s+(\d+)", status)
        kids.setdefault(ppid, []).append(int(d.name))
        rss[int(d.name)] = int(m.group(1)) if m else 0
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo += kids.get(p, [])
    return total


def run_watched(cmd: list[str]) -> tuple[float, int, int, float]:
    """(wall seconds, peak RSS of the process tree in KiB sampled every 50 ms, exit code, CPU seconds of the
    tree: on a shared machine the wall time says how busy the neighbours were, the CPU time what we cost)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while proc.poll() is None:
        if sys.platform.startswith("linux"):
            peak = max(peak, tree_rss_kib(proc.pid))
        time.sleep(0.05)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)      # the workers are reaped by the command: included
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, peak, proc.returncode, cpu


# --- a province's folder ------------------------------------------------------------------------------------

def variants(d: Path) -> list[tuple[str, Path | None, int]]:
    """A few templates (kind, file, weight of 20): clean, one balancing error, long narratives, a bare template
    with many findings, and a file that is not a workbook. Units are made from them by zip-level edits."""
    import copy
    import json

    from addin.io import template

    doc = json.loads((ROOT / "examples" / "zhongwei-ports-office-2022.json").read_text(encoding="utf-8"))
    d.mkdir()
    out = []
    clean = d / "clean.xlsx"
    shutil.copyfile(EXAMPLE, clean)
    saved = saved_by_libreoffice(clean, d / "lo")
    out.append(("通过", clean, 12 if saved is None else 9))
    if saved is not None:      # as Excel, WPS and LibreOffice save a unit: every text in the shared-string table
        out.append(("通过（LibreOffice 另存，共享字符串）", saved, 3))
    err = copy.deepcopy(doc)
    err["cells"]["t3.R01.C1"] = 3
    template.write(d / "error.xlsx", doc=err)
    out.append(("表三不平衡", d / "error.xlsx", 4))
    long = copy.deepcopy(doc)
    for k in long["texts"]:
        long["texts"][k] = ((long["texts"][k] or "") + "\n") * 25        # ~30,000 characters of narrative
    template.write(d / "long.xlsx", doc=long)
    out.append(("长文字（约 3 万字）", d / "long.xlsx", 2))
    bare = copy.deepcopy(doc)
    bare["cells"] = {k: None for k in bare["cells"]}
    template.write(d / "bare.xlsx", doc=bare)
    out.append(("空表（很多问题）", d / "bare.xlsx", 1))
    out.append(("不是工作簿", None, 1))
    return out


def saved_by_libreoffice(book: Path, outdir: Path) -> Path | None:
    """The workbook opened and saved again by LibreOffice (None where soffice is not installed or fails)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return None
    try:
        subprocess.run([soffice, "--headless", "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(outdir),
                        str(book)], check=True, capture_output=True, timeout=180)
    except (subprocess.SubprocessError, OSError):
        return None
    out = outdir / book.name
    return out if out.is_file() else None


ORGAN_CELL = re.compile(rb'(<c r="B3"[^>]*t="inlineStr"><is><t[^>]*>)(.*?)(</t>)', re.S)


def organ_sheet(path: Path) -> str:
    """The part holding 基本信息 (the organ's name, B3) in our template."""
    with zipfile.ZipFile(path) as z:
        wb = z.read("xl/workbook.xml").decode("utf-8")
        rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    rid = re.search(r'name="基本信息"[^>]*r:id="(rId\d+)"', wb).group(1)
    target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid}"', rels)
    target = next(t for t in target.groups() if t)
    return target.lstrip("/") if target.startswith("/") else "xl/" + target


def organ_place(path: Path, parts: dict[str, bytes]) -> tuple[str, re.Pattern]:
    """Where a template keeps the organ's name, and the pattern that finds it: the cell B3 of 基本信息 (inline
    text, as our template writes it) or, in a workbook saved by a spreadsheet program, its shared string."""
    sheet = organ_sheet(path)
    if ORGAN_CELL.search(parts[sheet]):
        return sheet, ORGAN_CELL
    import json

    organ = json.loads((ROOT / "examples" / "zhongwei-ports-office-2022.json").read_text(encoding="utf-8"))
    name = re.escape(organ["organ"]["name"].encode("utf-8"))
    return "xl/sharedStrings.xml", re.compile(rb"(<si><t[^>]*>)(" + name + rb")(</t></si>)")


def text_starts() -> list[bytes]:
    """For each narrative part of the example, six Chinese characters found nowhere else in its workbook (a
    spreadsheet program may split a text into runs where digits or Latin letters change the font, never inside
    such a stretch), as our template (character references) and a spreadsheet program (UTF-8) write them: where
    a unit's own mark is put in (`unit_texts`)."""
    import json

    doc = json.loads((ROOT / "examples" / "zhongwei-ports-office-2022.json").read_text(encoding="utf-8"))
    with zipfile.ZipFile(EXAMPLE) as z:
        written = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/"))

    def refs(text: str) -> bytes:
        return "".join(c if c.isascii() else f"&#{ord(c)};" for c in text).encode()

    out = []
    for text in filter(None, doc["texts"].values()):
        windows = (m.group(1) for m in re.finditer("(?=([\u4e00-\u9fff]{6}))", text))
        once = next((w for w in windows if written.count(refs(w)) == 1), None)
        if once:
            out += [refs(once), once.encode("utf-8")]
    return out


def unit_texts(data: bytes, starts: list[bytes], tag: bytes) -> bytes:
    """Every narrative part of a unit holds the unit's own mark ('(ABC) ', ASCII and without digits: no rule reads
    it): no two units share a text, as no two real reports do (the checks keep what they learnt of a text for the
    next one; a folder of one text repeated would measure those caches, not the work)."""
    for start in starts:
        data = data.replace(start, tag + start, 1)
    return data


def generate(d: Path, n: int) -> dict:
    """n unit workbooks named u1 … un (natural order matters), each with its own organ name, its own words in
    every narrative part and its own cursor in every sheet (as Excel and WPS save it: no two units' sheets are
    the same bytes), by patching a template at zip level (no openpyxl per unit: 10,000 units in seconds, not
    minutes)."""
    from addin.format.layout import column_letter

    templates = variants(d / "templates")
    starts = text_starts()
    loaded = []
    for kind, path, weight in templates:
        if path is None:
            loaded.append((kind, None, None, weight))
            continue
        with zipfile.ZipFile(path) as z:
            members = [(info, z.read(info.filename)) for info in z.infolist()]
        loaded.append((kind, organ_place(path, dict((i.filename, b) for i, b in members)), members, weight))
    wheel = [entry for entry in loaded for _ in range(entry[3])]
    units = d / "units"
    units.mkdir()
    counts: dict[str, int] = {}
    sizes = []
    for i in range(1, n + 1):
        kind, sheet, members, _ = wheel[i % len(wheel)]
        counts[kind] = counts.get(kind, 0) + 1
        target = units / f"u{i}.xlsx"
        if members is None:
            target.write_text("机关,年度\n某单位,2022\n", encoding="utf-8")
            continue
        name = f"某省第{i}号单位".encode("utf-8")
        tag = f"({column_letter(i)}) ".encode("ascii")
        part, pattern = sheet
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            for info, data in members:
                if info.filename == part:
                    data = pattern.sub(lambda m: m.group(1) + name + m.group(3), data, count=1)
                if info.filename.startswith("xl/worksheets/") or info.filename == "xl/sharedStrings.xml":
                    data = unit_texts(data, starts, tag)
                if info.filename.startswith("xl/worksheets/"):      # each sheet saved with the cursor elsewhere
                    row = 3 + (i + len(info.filename)) % 40
                    data = data.replace(b'activeCell="A1" sqref="A1"', b'activeCell="D%d" sqref="D%d"' % (row, row), 1)
                z.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
        sizes.append(target.stat().st_size)
    return {"counts": counts, "min_kb": min(sizes) / 1024, "max_kb": max(sizes) / 1024}


# --- the measurements ---------------------------------------------------------------------------------------

def installed_python() -> tuple[str, str]:
    """(python, how) with this checkout installed as a user has it: `pip install .` into OURS_VENV (a wheel,
    its modules compiled by pip, no editable-install finder), as openpyxl and frictionless are installed. A
    development checkout under PYTHONDONTWRITEBYTECODE (set on our build machines) would compile every module of
    ours from source on every start: ~60 ms that no user pays. Falls back to the checkout when pip cannot run."""
    python = OURS_VENV / "bin" / "python"
    try:
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(OURS_VENV)], check=True)
            subprocess.run([str(python), "-m", "pip", "install", "-q", str(ROOT)], check=True)
        else:
            subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(ROOT)],
                           check=True)
        return str(python), "本工具按用户的方式安装（pip install，字节码由 pip 编译）"
    except (subprocess.CalledProcessError, OSError):
        import compileall

        compileall.compile_dir(str(ROOT / "addin"), quiet=1)
        return sys.executable, "本工具未能用 pip 安装，用开发目录（已编译字节码）"


def measure_cold(rounds: int) -> dict:
    """Our cold `nianbao validate`, the openpyxl floor, a bare interpreter and (when its venv exists)
    frictionless validating one sheet, run in turns so that a noisy neighbour hits all alike. Run outside the
    checkout, so that the installed package is what Python imports."""
    python, how = installed_python()
    ours_code = (f"import sys; from addin.cli import main; sys.stdout = open('/dev/null', 'w'); "
                 f"main(['validate', {str(EXAMPLE)!r}])")
    codes = [(ours_code, python), (f"import openpyxl; openpyxl.load_workbook({str(EXAMPLE)!r})", python),
             ("pass", python)]
    peer = frictionless_code()
    if "code" in peer:
        codes.append((peer["code"], peer["python"]))
    times = interleaved(codes, rounds)
    out = {"ours": times[0], "floor": times[1], "start": times[2], "frictionless": peer, "how": how}
    if "code" in peer:
        peer.update(peer=times[3], ratio=times[0] / times[3])
    return out


def frictionless_code() -> dict:
    python = BENCH_VENV / "bin" / "python"
    if not python.exists():
        return {"skipped": f"未测：没有 {BENCH_VENV.name}（运行 python scripts/benchmark.py --setup-frictionless 安装）"}
    code = ("from frictionless import validate\nfrom frictionless.formats import ExcelControl\n"
            f"validate({str(EXAMPLE)!r}, control=ExcelControl(sheet='表三'))")
    try:
        version = subprocess.run([str(python), "-c", "import frictionless; print(frictionless.__version__)"],
                                 capture_output=True, text=True, check=True).stdout.strip()
        child(code, str(python))          # it runs at all (and its first run warms the disk cache)
    except subprocess.CalledProcessError as e:
        return {"skipped": f"未测：frictionless 无法运行（{e}）"}
    return {"code": code, "python": str(python), "version": version}


def measure_inprocess(rounds: int) -> dict:
    import openpyxl

    from addin.checks import validator
    from addin.io import reader

    load = median_time(lambda: openpyxl.load_workbook(EXAMPLE), rounds)
    read = median_time(lambda: reader.read(EXAMPLE), rounds)
    first = median_time(lambda: (reader.forget(), reader.read(EXAMPLE)), rounds)   # nothing kept from before
    r = reader.read(EXAMPLE)
    val = median_time(lambda: validator.validate(r.document, r.locate, extra=r.findings), rounds)
    return {"load": load, "read": read, "first": first, "validate": val}


def measure_export(rounds: int) -> dict:
    from addin.report import export

    with tempfile.TemporaryDirectory() as d:
        book = Path(d) / EXAMPLE.name
        shutil.copyfile(EXAMPLE, book)
        export.export(book, force=True)                       # warm: imports and fonts loaded once
        return {"warm": median_time(lambda: export.export(book, force=True), rounds)}


def measure_folder(n: int) -> dict:
    from addin.review import pool

    with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as d:
        t = time.perf_counter()
        made = generate(Path(d), n)
        made["generate_s"] = time.perf_counter() - t
        jobs = pool.cores()
        wall, peak, code, cpu = run_watched([sys.executable, "-m", "addin.cli", "validate", str(Path(d) / "units"),
                                        "--jobs", str(jobs)])
    made.update(n=n, jobs=jobs, wall=wall, peak_mb=peak / 1024, exit=code, per_10k=wall / n * 10_000,
                cpu=cpu, cpu_per_10k_on_jobs=cpu / n * 10_000 / jobs)
    return made


def measure_hostile() -> dict:
    try:
        import bench_hostile  # scripts/bench_hostile.py, from the fast-reader work
    except ImportError:
        return {"skipped": "未测：scripts/bench_hostile.py 尚不存在"}
    try:
        return {"rows": list(bench_hostile.run())}
    except Exception as e:  # noqa: BLE001 — its failure is reported, not hidden, and does not cost the rest
        return {"skipped": f"bench_hostile.run() 失败：{type(e).__name__}: {e}"}


# --- the report ---------------------------------------------------------------------------------------------

def verdict(ok: bool) -> str:
    return "达到" if ok else "未达到"


def table(header: list[str], rows: list[list]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return out


def hostile_lines(h: dict) -> list[str]:
    if "skipped" in h:
        return [h["skipped"]]
    rows = h["rows"]
    if not rows:
        return ["（bench_hostile.run() 没有返回任何行）"]
    if isinstance(rows[0], dict):
        keys = list(rows[0])
        return table(keys, [[r.get(k, "") for k in keys] for r in rows])
    return table(list(rows[0]), [list(r) for r in rows[1:]])   # bench_hostile.run(): a header row, then the cases


def report(args, m: dict) -> list[str]:
    cold, fr, inp, ex, fo = m["cold"], m["frictionless"], m["inprocess"], m["export"], m["folder"]
    cold_ratio = cold["ours"] / cold["floor"]
    lines = [
        "# 性能基准（scripts/benchmark.py 生成）", "",
        f"由 `python scripts/benchmark.py{' --quick' if args.quick else ''} --units {args.units} --write-docs` 生成，"
        f"{dt.datetime.now().strftime('%Y-%m-%d %H:%M')}。机器：{platform.system()} {platform.machine()}，"
        f"{os.cpu_count()} 核，Python {platform.python_version()}；每项取 {args.rounds} 次的中位数，"
        "与下限在同一次运行中交替测得。共用机器上的数字会浮动：看倍数，不看毫秒。"
        f"冷启动各项：{m['cold']['how']}，openpyxl、frictionless 同样由 pip 安装。"
        f"开始时的系统负载（1 分钟平均）：{m['load']:.1f}。", "",
        "## 目标与结果", "",
    ]
    rows = [
        ["单个文件冷启动校验（`nianbao validate`）", f"{cold['ours'] * 1000:.0f} ms",
         f"Python+导入 openpyxl+读取同一工作簿 {cold['floor'] * 1000:.0f} ms", f"{cold_ratio:.2f}",
         f"≤ {GOALS['cold']}", verdict(cold_ratio <= GOALS["cold"])],
    ]
    if "skipped" in fr:
        rows.append(["与 frictionless 校验同一工作簿的一张表（冷启动）", f"{cold['ours'] * 1000:.0f} ms", fr["skipped"],
                     "—", f"≤ {GOALS['frictionless']}", "未测"])
    else:
        rows.append([f"与 frictionless {fr['version']} 校验同一工作簿的一张表（冷启动）", f"{cold['ours'] * 1000:.0f} ms",
                     f"frictionless {fr['peer'] * 1000:.0f} ms", f"{fr['ratio']:.2f}", f"≤ {GOALS['frictionless']}",
                     verdict(fr["ratio"] <= GOALS["frictionless"])])
    rows.append(["导出三种格式（热，进程内）", f"{ex['warm'] * 1000:.0f} ms", "—", "—", f"≤ {GOALS['export_ms']} ms",
                 verdict(ex["warm"] * 1000 <= GOALS["export_ms"])])
    scale = "" if fo["n"] == 10_000 else f"（实测 {fo['n']} 个，按每个耗时折算到 10,000 个）"
    rows.append([f"文件夹校验 10,000 个工作簿{scale}，{fo['jobs']} 进程", f"{fo['per_10k']:.0f} s",
                 f"实测 {fo['n']} 个用时 {fo['wall']:.1f} s", "—", f"≤ {GOALS['folder_s_per_10k']} s",
                 verdict(fo["per_10k"] <= GOALS["folder_s_per_10k"])])
    rows.append([f"同上，按 CPU 时间折算（{fo['jobs']} 核无人争用时）", f"{fo['cpu_per_10k_on_jobs']:.0f} s",
                 f"{fo['n']} 个共用 CPU {fo['cpu']:.1f} s（每个 {fo['cpu'] / fo['n'] * 1000:.0f} ms）", "—",
                 f"≤ {GOALS['folder_s_per_10k']} s", verdict(fo["cpu_per_10k_on_jobs"] <= GOALS["folder_s_per_10k"])])
    rows.append([f"文件夹校验的内存峰值（整个进程树，{fo['n']} 个工作簿）", f"{fo['peak_mb']:.0f} MB", "—", "—",
                 f"≤ {GOALS['folder_mb']} MB", verdict(fo["peak_mb"] <= GOALS["folder_mb"])])
    lines += table(["项目", "本工具", "对照（同次测得）", "倍数", "目标", "结论"], rows)
    lines += ["", "## 细项（进程内，热）", ""]
    lines += table(["项目", "耗时", "对照", "倍数"], [
        ["读取工作簿（reader.read）", f"{inp['read'] * 1000:.1f} ms", f"openpyxl 读取 {inp['load'] * 1000:.1f} ms",
         f"{inp['read'] / inp['load']:.2f}"],
        ["读取工作簿，一次批量中首见的模板（先清空按字节保留的内容）", f"{inp['first'] * 1000:.1f} ms",
         f"openpyxl 读取 {inp['load'] * 1000:.1f} ms", f"{inp['first'] / inp['load']:.2f}"],
        ["校验文档（validator.validate）", f"{inp['validate'] * 1000:.1f} ms", "—", "—"],
        ["Python 启动（`python -c pass`）", f"{cold['start'] * 1000:.0f} ms", "—", "—"],
    ])
    counts = "，".join(f"{k} {v}" for k, v in fo["counts"].items())
    lines += ["", "## 文件夹校验用的工作簿", "",
              f"{fo['n']} 个（u1 … u{fo['n']}，每个机关名称不同），由几种模板在 zip 层面改写机关名称、文字标记和光标位置生成，"
              f"用时 {fo['generate_s']:.1f} s：{counts}；大小 {fo['min_kb']:.0f}–{fo['max_kb']:.0f} KB。"
              f"命令 `nianbao validate 文件夹 --jobs {fo['jobs']}`，退出码 {fo['exit']}；内存为每 50 ms 采样一次"
              "整个进程树（主进程与各工作进程）的驻留内存之和的最大值。", "",
              "每个单位的各段文字都含有本单位自己的标记（没有两个单位的文字相同，真实的报告也不会相同），每张工作表"
              "的光标位置也各不相同（Excel、WPS 保存时各单位不同），所以没有两个单位的工作表逐字节相同。读取器在一次"
              "批量校验中按字节内容保留：工作表的“形状”（去掉 `<v>`、`<t>` 里的纯 ASCII 文字和光标位置后的工作表）及其"
              "检查结果与逐格读取计划、workbook.xml 与关系部件的读取结果、定义名称的位置、样式表里可能显示日期的样式号、"
              "短文字（标签）的字符引用解码结果，以及压缩前后逐字节相同的部件（主题、样式等）。同一模板、同一程序保存、"
              "填满了的单位形状相同，所以这些在真实的文件夹里同样命中；这里的单位由少数几种模板生成，命中率是上限——"
              "一个模板的第一个单位（什么都没有保留）的读取时间见上表“首见模板”一行。openpyxl 写出的单位（本模板、"
              "`nianbao fill`）把每个汉字写成 8 字节的字符引用，是解析最慢的写法；Excel、WPS、LibreOffice 另存的单位"
              "把文字放在共享字符串表里"
              "（这里 3/20 的单位由 LibreOffice 另存）。", "",
              "## 恶意与极端输入的最坏情况（scripts/bench_hostile.py）", ""]
    lines += hostile_lines(m["hostile"])
    return lines


def setup_frictionless() -> None:
    subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)
    subprocess.run([str(BENCH_VENV / "bin" / "pip"), "install", "-q", "frictionless", "openpyxl"], check=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="3 rounds and 400 workbooks: does the script still run")
    ap.add_argument("--rounds", type=int, help="rounds per measurement (default 7, quick 3)")
    ap.add_argument("--units", type=int, help="workbooks in the folder measurement (default 10000, quick 400)")
    ap.add_argument("--write-docs", action="store_true", help="write the result into docs/benchmarks.md")
    ap.add_argument("--setup-frictionless", action="store_true", help=f"make {BENCH_VENV.name} with frictionless")
    args = ap.parse_args()
    args.rounds = args.rounds or (3 if args.quick else 7)
    args.units = args.units or (400 if args.quick else 10_000)
    if args.setup_frictionless:
        setup_frictionless()
    m = {"load": os.getloadavg()[0], "cold": measure_cold(args.rounds)}
    m["frictionless"] = m["cold"].pop("frictionless")
    m["inprocess"] = measure_inprocess(args.rounds)
    m["export"] = measure_export(args.rounds)
    m["folder"] = measure_folder(args.units)
    m["hostile"] = measure_hostile()
    text = "\n".join(report(args, m)) + "\n"
    print(text)
    if args.write_docs:
        DOCS.write_text(text, encoding="utf-8")
        print(f"已写入 {DOCS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
