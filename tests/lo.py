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


def convert(files: list[Path], to: str, outdir: Path, timeout: int = 180) -> list[Path]:
    """Open each file in LibreOffice (which recalculates formulas on load) and save it as `to`."""
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        cmd = [soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", to, "--outdir", str(outdir), *map(str, files)]
        subprocess.run(cmd, check=True, capture_output=True, timeout=timeout)
    ext = to.split(":")[0]
    out = [outdir / (Path(f).stem + "." + ext) for f in files]
    missing = [p for p in out if not p.exists()]
    assert not missing, f"LibreOffice did not write {missing}"
    return out
