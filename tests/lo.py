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


def debian_tool(exe: str, package: str) -> str:
    """Path of a command-line tool; skips naming the Debian package where it is missing (fails in CI)."""
    path = shutil.which(exe)
    if not path:
        _missing(f"{exe} (Debian package {package})")
    return path


# Free fonts tests/fonts/fonts.conf maps the 公文 font names to, and the Debian packages holding them.
CJK_FONTS = {"AR PL UMing CN": "fonts-arphic-uming", "AR PL UKai CN": "fonts-arphic-ukai",
             "Noto Sans CJK SC": "fonts-noto-cjk", "Noto Serif CJK SC": "fonts-noto-cjk"}


def cjk_fonts() -> None:
    """Skip (fail in CI) unless the fonts the rendering tests measure are installed, naming the packages."""
    fc_list = shutil.which("fc-list")
    have = subprocess.run([fc_list, ":", "family"], capture_output=True, text=True).stdout if fc_list else ""
    missing = sorted({pkg for family, pkg in CJK_FONTS.items() if family not in have})
    if missing:
        _missing("the CJK fonts of Debian packages " + " ".join(missing))


def _missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} not installed, but CI must run this test (.ci/run installs it)")
    pytest.skip(f"{what} not installed")


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
