"""Benchmark: our costs as ratios against floors measured in the same run on the same machine.

    python scripts/benchmark.py [--rounds N]

Floors (what no implementation can avoid): Python start; importing openpyxl + jsonschema; openpyxl
loading the bundled example; one jsonschema validation of its document. Ours: the `nianbao validate`
command end to end, the reader, the validator, and memory. Medians of N rounds. Timed tests are not
used anywhere: machines are noisy; this script is read by people.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
EXAMPLE = ROOT / "examples" / "zhongwei-ports-office-2022.xlsx"


def median_time(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def run_child(code: str) -> tuple[float, int]:
    """Wall time and peak RSS (KiB) of a fresh interpreter running `code`."""
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code + "\nimport resource,sys;"
                          "sys.stderr.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))"],
                         cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t
    return wall, int(out.stderr.strip().splitlines()[-1])


def child_median(code: str, rounds: int) -> tuple[float, int]:
    runs = [run_child(code) for _ in range(rounds)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--batch", type=int, default=200, help="workbooks in the batch measurement")
    args = ap.parse_args()
    n = args.rounds
    import openpyxl
    from jsonschema import Draft202012Validator

    from addin.checks import validator
    from addin.format import docschema
    from addin.io import reader

    rows = []
    start, _ = child_median("pass", n)
    imports, imports_rss = child_median("import openpyxl, jsonschema", n)
    load = median_time(lambda: openpyxl.load_workbook(EXAMPLE), n)
    doc = reader.read(EXAMPLE).document
    plain = Draft202012Validator(docschema.load_schema())
    one_schema = median_time(lambda: plain.validate(doc), n)

    cli, cli_rss = child_median(
        f"import sys; from addin.cli import main; sys.stdout = open('/dev/null', 'w'); main(['validate', {str(EXAMPLE)!r}])", n)
    floor_cli = imports + load
    rows.append(("nianbao validate（命令，冷启动）", cli, floor_cli, "Python 启动+导入 openpyxl/jsonschema+openpyxl 读取"))
    ours_read = median_time(lambda: reader.read(EXAMPLE), n)
    rows.append(("读取工作簿（reader.read）", ours_read, load, "openpyxl 读取同一文件"))
    ours_val = median_time(lambda: validator.validate(doc), n)
    rows.append(("校验文档（validator.validate）", ours_val, one_schema, "一次 jsonschema 校验"))
    from addin.io import labels

    unnamed = openpyxl.load_workbook(EXAMPLE)
    for name in list(unnamed.defined_names):
        del unnamed.defined_names[name]
    by_labels = median_time(lambda: labels.locate(unnamed), n)
    rows.append(("按官方标签定位 200 格（labels.locate）", by_labels, load, "openpyxl 读取同一文件"))

    with tempfile.TemporaryDirectory() as d:
        copies = []
        for i in range(args.batch):
            p = Path(d) / f"unit{i:04d}.xlsx"
            p.write_bytes(EXAMPLE.read_bytes())
            copies.append(p)
        t = time.perf_counter()
        for p in copies:
            r = reader.read(p)
            validator.validate(r.document, r.locate, extra=r.findings)
        batch = (time.perf_counter() - t) / len(copies)
        from addin.review import batch as batchmod

        jobs = os.cpu_count() or 1
        t = time.perf_counter()
        batchmod.run(batchmod.collect([d]), jobs=jobs)
        folder = (time.perf_counter() - t) / len(copies)
    rows.append((f"批量：每个工作簿（{len(copies)} 个，读取+校验）", batch, load, "openpyxl 读取一个文件"))
    rows.append((f"文件夹校验：每个工作簿（{jobs} 进程）", folder, load, "openpyxl 读取一个文件"))

    import docx  # export, warm and in-process: read + validate + report model + .docx/.html/.md written atomically

    from addin.report import export
    with tempfile.TemporaryDirectory() as d:
        book = Path(d) / EXAMPLE.name
        book.write_bytes(EXAMPLE.read_bytes())
        export.export(book, force=True)
        ours_export = median_time(lambda: export.export(book, force=True), n)
        empty_docx = median_time(lambda: docx.Document().save(str(Path(d) / "empty.docx")), n)
    rows.append(("导出报告（export，三种格式，热）", ours_export, load + empty_docx, "openpyxl 读取+python-docx 存空文档"))

    print(f"机器：{sys.platform}，Python {sys.version.split()[0]}，每项取 {n} 次中位数")
    print(f"下限：Python 启动 {start*1000:.0f} ms；导入 openpyxl+jsonschema {imports*1000:.0f} ms；"
          f"openpyxl 读取示例 {load*1000:.1f} ms；一次 jsonschema 校验 {one_schema*1000:.2f} ms")
    print(f"{'项目':<34}{'耗时':>12}{'下限':>12}{'倍数':>8}  下限含义")
    for name, ours, floor, what in rows:
        print(f"{name:<30}{ours*1000:>10.1f}ms{floor*1000:>10.1f}ms{ours/floor:>8.2f}  {what}")
    print(f"内存峰值：validate 命令 {cli_rss/1024:.0f} MiB；下限（Python+导入）{imports_rss/1024:.0f} MiB；"
          f"倍数 {cli_rss/imports_rss:.2f}")
    print(json.dumps({"cli_ms": cli * 1000, "cli_ratio": cli / floor_cli, "read_ratio": ours_read / load,
                      "validate_ratio": ours_val / one_schema, "batch_ms_per_workbook": batch * 1000,
                      "rss_ratio": cli_rss / imports_rss, "export_ms": ours_export * 1000,
                      "export_ratio": ours_export / (load + empty_docx)}))


if __name__ == "__main__":
    main()
