"""Render the bundled example's exported report to PNG pictures for docs/ (docs/report-page-N.png).

    python scripts/render_report_pages.py [--dpi 80]

Exports examples/zhongwei-ports-office-2022.xlsx (into a temp folder), converts the .docx to PDF with
LibreOffice headless — the 公文 font names mapped to free Debian fonts by tests/fonts/fonts.conf
(fonts-noto-cjk, fonts-arphic-ukai, fonts-arphic-uming) — and renders every page with pdftoppm (pictures of
pages the report no longer has are removed).
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
EXAMPLE = ROOT / "examples" / "zhongwei-ports-office-2022.xlsx"
FONTS_CONF = ROOT / "tests" / "fonts" / "fonts.conf"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dpi", type=int, default=80)
    ap.add_argument("--out", default=str(ROOT / "docs"))
    args = ap.parse_args()
    from addin.report import export

    with tempfile.TemporaryDirectory() as d:
        book = Path(d) / EXAMPLE.name
        shutil.copy(EXAMPLE, book)
        export.export(book, ["docx"])
        env = dict(os.environ, FONTCONFIG_FILE=str(FONTS_CONF))
        subprocess.run(["soffice", f"-env:UserInstallation=file://{d}/profile", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", d, str(book.with_suffix(".docx"))],
                       check=True, capture_output=True, env=env, timeout=180)
        pdf = book.with_suffix(".pdf")
        subprocess.run(["pdftoppm", "-r", str(args.dpi), "-png", str(pdf), f"{d}/page"], check=True)
        out = Path(args.out)
        out.mkdir(exist_ok=True)
        for old in out.glob("report-page-*.png"):
            old.unlink()
        for png in sorted(Path(d).glob("page-*.png")):
            n = int(png.stem.split("-")[1])
            target = out / f"report-page-{n}.png"
            shutil.copy(png, target)
            print(target)


if __name__ == "__main__":
    main()
