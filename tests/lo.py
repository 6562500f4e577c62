"""LibreOffice headless, the real spreadsheet application the tests open our files with."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest


def soffice() -> str:
    """Path of soffice; skips the test where it is missing, but fails in CI (.ci/run installs it)."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is not installed, but CI must run the LibreOffice tests")
        pytest.skip("LibreOffice (soffice) is not installed")
    return exe


FONTS_CONF = Path(__file__).resolve().parent / "fonts" / "fonts.conf"


def convert(files: list[Path], to: str, outdir: Path, timeout: int = 180, cjk_fonts: bool = False) -> list[Path]:
    """Open each file in LibreOffice (which recalculates formulas on load) and save it as `to`.

    cjk_fonts: map the 公文 font names (仿宋_GB2312, 黑体, 楷体_GB2312, 方正小标宋简体) to free Debian fonts
    (tests/fonts/fonts.conf) so that rendered pages show the intended faces."""
    outdir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, FONTCONFIG_FILE=str(FONTS_CONF)) if cjk_fonts else None
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        cmd = [soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", to, "--outdir", str(outdir), *map(str, files)]
        subprocess.run(cmd, check=True, capture_output=True, timeout=timeout, env=env)
    ext = to.split(":")[0]
    out = [outdir / (Path(f).stem + "." + ext) for f in files]
    missing = [p for p in out if not p.exists()]
    assert not missing, f"LibreOffice did not write {missing}"
    return out
