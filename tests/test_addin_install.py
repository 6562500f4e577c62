"""`nianbao addin install|remove [--dry-run]`: what it would do on Windows and Mac, what it says on Linux."""
from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from addin import cli
from addin.excel import install, xlambuild

WIN = dict(platform="win32", home=Path("C:/Users/zhang"), env={"APPDATA": r"C:\Users\zhang\AppData\Roaming"},
           executable=r"C:\Users\zhang\nianbao\Scripts\python.exe")


def test_dry_run_on_windows_names_xlstart_and_the_interpreter():
    text = install.run("install", dry_run=True, **WIN)
    assert "试运行" in text
    assert r"将写入加载项：C:\Users\zhang\AppData\Roaming\Microsoft\Excel\XLSTART\nianbao.xlam" in text
    assert r"Python：C:\Users\zhang\nianbao\Scripts\python.exe" in text
    assert "受信任位置" in text
    p = install.plan("install", **WIN)
    assert p.conf == {"INTERPRETER_WIN": WIN["executable"]} and not p.extra
    text = install.run("remove", dry_run=True, **WIN)
    assert r"将删除加载项：C:\Users\zhang\AppData\Roaming\Microsoft\Excel\XLSTART\nianbao.xlam" in text


def test_dry_run_on_mac_installs_the_applescript_too():
    p = install.plan("install", platform="darwin", home=Path("/Users/zhang"), env={}, executable="/Users/zhang/v/bin/python")
    assert str(p.target).endswith("Startup.localized/Excel/nianbao.xlam")
    assert p.conf == {"INTERPRETER_MAC": "/Users/zhang/v/bin/python"}
    assert p.extra == [["/Users/zhang/v/bin/python", "-m", "xlwings.cli", "runpython", "install"]]


def test_installed_copy_carries_the_interpreter_in_its_own_config_sheet(tmp_path):
    p = install.Plan("install", sys.platform, tmp_path / "XLSTART" / "nianbao.xlam", "py",
                     {"INTERPRETER_WIN": r"C:\a & b\python.exe"})
    install.execute(p)
    with zipfile.ZipFile(p.target) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        assert z.read("xl/vbaProject.bin") == zipfile.ZipFile(io.BytesIO(xlambuild.XLAM.read_bytes())).read(
            "xl/vbaProject.bin")
    assert "<t>INTERPRETER_WIN</t>" in sheet and r"<t>C:\a &amp; b\python.exe</t>" in sheet
    assert "<t>ADD_WORKBOOK_TO_PYTHONPATH</t>" in sheet
    install.execute(install.Plan("remove", sys.platform, p.target))
    assert not p.target.exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux message")
def test_on_linux_it_says_excel_is_not_available(capsys):
    assert cli.main(["addin", "install", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "没有 Microsoft Excel" in out and "nianbao validate 文件.xlsx --annotate" in out
    assert cli.main(["addin", "install"]) == 2
    assert "nianbao export" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:                   # a wrong action is a Chinese usage error
        cli.main(["addin", "uninstall"])
    assert e.value.code == 2


def test_addin_command_does_not_import_xlwings():
    code = ("import sys; from addin import cli; cli.main(['addin', 'install', '--dry-run']); "
            "sys.stderr.write(repr(sorted(m for m in sys.modules if m.split('.')[0] in ('docx', 'xlwings'))))")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       cwd=Path(__file__).resolve().parents[1])
    assert p.stderr.strip().splitlines()[-1] == "[]", p.stderr
