"""Render docs/marks-table.png and docs/marks-results.png: the bundled example with three mistakes, annotated
by `nianbao validate --annotate`, opened by LibreOffice headless, printed to PDF, rasterised by pdftoppm.

    python scripts/marks_pictures.py
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402

from addin.checks import validator  # noqa: E402
from addin.format import layout
from addin.io import reader
from addin.review.backends import openpyxl_marks  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        wb = openpyxl.load_workbook(ROOT / "examples" / "zhongwei-ports-office-2022.xlsx")
        for element, value in (("t3.R01.C1", 5), ("t3.R02.C2", "3件"), ("t2.fees.amount", None)):
            s, r, c = layout.load().pos[element]
            wb[s].cell(r, c).value = value
        src = d / "年报.xlsx"
        wb.save(src)
        rd = reader.read(src)
        out = openpyxl_marks.annotate_file(src, validator.validate(rd.document, rd.locate, extra=rd.findings))
        subprocess.run(["soffice", f"-env:UserInstallation=file://{d}/profile", "--headless", "--convert-to", "pdf",
                        "--outdir", str(d), str(out)], check=True, capture_output=True, timeout=180)
        pdf = d / (out.stem + ".pdf")
        pages = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split("\f")
        table3 = next(i for i, p in enumerate(pages) if "三、收到和处理政府信息公开申请情况" in p) + 1
        for page, name, crop in ((1, "marks-results", (60, 120, 1500, 330)), (table3, "marks-table", None)):
            args = ["pdftoppm", "-png", "-r", "130", "-f", str(page), "-l", str(page), "-singlefile"]
            if crop:
                x, y, w, h = crop
                args += ["-x", str(x), "-y", str(y), "-W", str(w), "-H", str(h)]
            subprocess.run(args + [str(pdf), str(ROOT / "docs" / name)], check=True)
            print(ROOT / "docs" / f"{name}.png")


if __name__ == "__main__":
    main()
