"""Pictures for docs/ of what staff print and what readers open, rendered by the real programs:

    python scripts/render_workbook_pages.py [--dpi 60]

- docs/template-<n>.png: the blank template (workbook_templates/) as LibreOffice prints it, every page;
- docs/filled-<n>.png: the bundled example workbook as printed, every page;
- docs/web-desktop.png, docs/web-phone.png: the exported web page in Debian's chromium (headless) at 1280 and
  390 pixels wide — the top of the page, and docs/web-*-tables.png the tables of sections 三 and 四.

Fonts: tests/fonts/fonts.conf maps the 公文 font names to free Debian fonts, as for the report pictures.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TEMPLATE = ROOT / "workbook_templates" / "年报模板-2021版.xlsx"
EXAMPLE = ROOT / "examples" / "zhongwei-ports-office-2022.xlsx"
ENV = dict(os.environ, FONTCONFIG_FILE=str(ROOT / "tests" / "fonts" / "fonts.conf"))


def pdf_pages(book: Path, name: str, out: Path, work: Path, dpi: int) -> None:
    copy = work / f"{name}.xlsx"
    shutil.copy(book, copy)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{work}/profile", "--headless", "--norestore",
                    "--convert-to", "pdf", "--outdir", str(work), str(copy)],
                   check=True, capture_output=True, env=ENV, timeout=180)
    for old in out.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(work / f"{name}.pdf"), str(out / name)], check=True)


def web(out: Path, work: Path) -> None:
    from addin.report import export

    book = work / EXAMPLE.name
    shutil.copy(EXAMPLE, book)
    export.export(book, ["html"])
    page = book.with_suffix(".html")
    html = page.read_text(encoding="utf-8")
    body = html.index("<body>") + len("<body>")
    tables = work / "tables.html"                 # sections 三 and 四 at the top: a screenshot has no scrolling
    tables.write_text(html[:body] + html[html.index('<h2 id="s3"'):], encoding="utf-8")
    for width, name in ((1280, "desktop"), (390, "phone")):
        for src, suffix, height in ((page, "", 1400), (tables, "-tables", 1500)):
            subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                            f"--screenshot={out / f'web-{name}{suffix}.png'}", f"--window-size={width},{height}",
                            src.as_uri()], check=True, capture_output=True, env=ENV, timeout=120)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dpi", type=int, default=60)
    ap.add_argument("--out", default=str(ROOT / "docs"))
    args = ap.parse_args()
    out = Path(args.out)
    with tempfile.TemporaryDirectory() as d:
        work = Path(d)
        pdf_pages(TEMPLATE, "template", out, work, args.dpi)
        pdf_pages(EXAMPLE, "filled", out, work, args.dpi)
        web(out, work)
    for p in sorted(out.glob("*.png")):
        print(p, f"{p.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
