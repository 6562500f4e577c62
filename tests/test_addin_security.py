"""A received workbook must never choose what code runs when a button is clicked."""
from __future__ import annotations

import io
import re
import sys
import zipfile

import openpyxl
import pytest

from addin import xl
from addin.excel import xlambuild
from addin.io import reader

olevba = pytest.importorskip("oletools.olevba")


@pytest.fixture(scope="module")
def xlwings_vba(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("xlam") / "nianbao.xlam"
    path.write_bytes(xlambuild.XLAM.read_bytes())
    parser = olevba.VBA_Parser(str(path))
    code = {name: c for _, _, name, c in parser.extract_macros()}["xlwings.bas"]
    parser.close()
    return code.replace("\r\n", "\n")


def _function(code: str, name: str) -> str:
    return re.search(rf"\n(Public )?Function {name}\(.*?\nEnd Function", code, re.S).group(0)


def test_settings_never_come_from_the_active_workbook(xlwings_vba):
    get_config = _function(xlwings_vba, "GetConfig")
    before, _, disabled = get_config.partition("    If False Then")
    disabled, _, after = disabled.partition("' User Config")
    assert "ActiveWorkbook" not in before + after                     # no xlwings.conf / nianbao.conf sheet of it
    assert "GetDirectoryConfigFilePath" in disabled                   # the folder file only in the dead branch
    assert re.search(r"If False Then\n\s+#If App", get_config)         # the folder file of the workbook: never
    assert "GetConfigFromSheet(ThisWorkbook)" in get_config              # the add-in's own sheet
    assert "GetConfigFilePath()" in get_config                           # the user's own file
    assert 'Public Const PROJECT_NAME As String = "nianbao"' in xlwings_vba


def test_the_workbook_folder_never_goes_on_sys_path(xlwings_vba):
    run = _function(xlwings_vba, "RunPython")
    lines = [line for line in run.splitlines() if "PYTHONPATH = " in line]
    assert len(lines) == 2 and all('AddExcelDir & ";" & "" & ";" & ThisFullName' in line for line in lines)
    assert "For i = 2 To 2" in run and "For i = 1 To 2" not in run
    with zipfile.ZipFile(io.BytesIO(xlambuild.XLAM.read_bytes())) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<t>ADD_WORKBOOK_TO_PYTHONPATH</t></is></c><c r=\"B1\" t=\"inlineStr\"><is><t>False</t>" in sheet


def test_committed_vba_is_xlwings_module_with_exactly_our_security_edits():
    import xlwings

    if xlwings.__version__ != xlambuild.XLWINGS_VERSION:
        pytest.skip("another xlwings is installed")
    bas, cls = xlambuild.xlwings_sources()
    assert (xlambuild.HERE / "xlwings.bas").read_bytes().decode("cp1252") == bas
    assert (xlambuild.HERE / "Dictionary.cls").read_bytes().decode("cp1252") == cls


def test_what_prepare_sys_path_gets_from_our_vba_adds_no_workbook_folder(tmp_path, monkeypatch):
    """xlwings.utils.prepare_sys_path with the PYTHONPATH string our RunPython builds."""
    import xlwings.utils

    folder = tmp_path / "received"
    folder.mkdir()
    (folder / "openpyxl.py").write_text("raise SystemExit('planted module imported')")
    (folder / "addin").mkdir()
    (folder / "addin" / "__init__.py").write_text("raise SystemExit('planted package imported')")
    addin_path = tmp_path / "XLSTART" / "nianbao.xlam"
    before = list(sys.path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    # AddExcelDir (False from the add-in's sheet); ActiveFullName replaced by ""; ThisFullName; OneDrive ×3; PYTHONPATH
    xlwings.utils.prepare_sys_path(f"False;;{addin_path};;;;")
    assert set(sys.path) - set(before) <= {""}       # the empty PYTHONPATH setting adds '' (the current folder) …
    sys.path[:] = [p for p in sys.path if p]          # … which the macro's command removes first (RibbonAddin.bas)
    assert sys.path == [p for p in before if p]
    # even if a user's own configuration turned ADD_WORKBOOK_TO_PYTHONPATH on, only the add-in's folder is added
    xlwings.utils.prepare_sys_path(f"true;;{addin_path};;;;")
    added = [p for p in sys.path if p not in before and p]
    assert str(folder) not in added and all("received" not in p for p in added)


def test_python_entry_point_drops_the_current_and_the_workbook_folder(tmp_path, monkeypatch):
    folder = tmp_path / "received"
    folder.mkdir()
    (folder / "openpyxl.py").write_text("raise SystemExit('planted module imported')")
    book = folder / "年报.xlsx"
    monkeypatch.setattr(sys, "path", ["", ".", str(folder), str(folder.with_name("received") / "年报.zip"),
                                      str(book.with_suffix(".zip"))] + sys.path)
    monkeypatch.chdir(folder)
    xl.harden_sys_path(str(book))
    assert "" not in sys.path and "." not in sys.path
    assert str(folder) not in sys.path and str(book.with_suffix(".zip")) not in sys.path


def test_entry_point_runs_from_a_folder_with_planted_modules(tmp_path):
    """The command the macro runs, started in a folder holding openpyxl.py and addin/: nothing planted runs."""
    import subprocess
    from pathlib import Path

    (tmp_path / "openpyxl.py").write_text("raise SystemExit('planted module imported')")
    (tmp_path / "addin").mkdir()
    (tmp_path / "addin" / "__init__.py").write_text("raise SystemExit('planted package imported')")
    root = Path(__file__).resolve().parents[1]
    code = ("import sys; sys.path[:] = [p for p in sys.path if p]; import addin.xl; addin.xl.harden_sys_path(); "
            "import openpyxl, addin.review.marks; print(openpyxl.__file__); print(addin.xl.__file__)")
    env = {"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"}
    p = subprocess.run([sys.executable, "-B", "-c", code], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert p.returncode == 0, p.stderr
    assert str(tmp_path) not in p.stdout


def test_a_data_workbook_with_an_xlwings_conf_sheet_is_reported(tmp_path):
    from tests.helpers import EXAMPLE_XLSX

    wb = openpyxl.load_workbook(EXAMPLE_XLSX)
    ws = wb.create_sheet("xlwings.conf")
    ws["A1"], ws["B1"] = "INTERPRETER_WIN", r"C:\evil\python.exe"
    path = tmp_path / "received.xlsx"
    wb.save(path)
    r = reader.read(path)
    assert any(f.rule == "F6" for f in r.findings)


# --- issue 8: the UDF server path, the workbook name in a shell, ASCII sources ----------------------

def test_no_path_of_the_vba_puts_the_active_workbook_on_sys_path(xlwings_vba):
    """RunPython and the UDF server (XLPyCommand) alike: the setting is never read, the active workbook's
    name never reaches prepare_sys_path, whatever the user's own config says."""
    assert 'GetConfig("ADD_WORKBOOK_TO_PYTHONPATH"' not in xlwings_vba
    udf = _function(xlwings_vba, "XLPyCommand")
    assert 'AddExcelDir = "false"' in udf
    for line in [x for x in xlwings_vba.splitlines() if "PYTHONPATH = " in x and "AddExcelDir" in x]:
        assert "ActiveWorkbook" not in line and "ActiveFullName" not in line, line


def _sub(code: str, name: str) -> str:
    return re.search(rf"\n(Sub|Function) {name}\(.*?\nEnd (Sub|Function)", code, re.S).group(0)


def test_the_workbook_name_reaches_a_shell_only_through_hex_name(xlwings_vba):
    for name in ("ExecuteMac", "ExecuteWindows"):
        body = _sub(xlwings_vba, name)
        uses = re.findall(r".{0,8}ActiveWorkbook\.Name", body)
        assert uses and all(u.endswith("HexName(ActiveWorkbook.Name") for u in uses), (name, uses)
    assert xlambuild.HEX_NAME_VBA.replace("\r\n", "\n") in xlwings_vba
    assert xl.HEX_NAME_PREFIX == xlambuild.HEX_NAME_PREFIX


def hex_name(name: str) -> str:
    """The VBA HexName, step for step: per UTF-16 code unit (Mid$ + AscW And &HFFFF&) four hex digits."""
    units = name.encode("utf-16-be", "surrogatepass")
    return xlambuild.HEX_NAME_PREFIX + "".join(f"{int.from_bytes(units[i:i + 2], 'big'):04X}"
                                               for i in range(0, len(units), 2))


def applescript_shell_command(parameter_string: str) -> str:
    """xlwings' AppleScript VbaHandler, evaluated: SplitString on '|' and its `set ShellCommand to …`
    concatenation, read from the .applescript file that ships with the pinned xlwings."""
    from pathlib import Path

    import xlwings

    script = (Path(xlwings.__file__).parent / f"xlwings-{xlambuild.XLWINGS_VERSION}.applescript").read_text()
    names = re.search(r"set \{(.*?)\} to SplitString", script).group(1).split(", ")
    fields = dict(zip(names, parameter_string.split("|")))
    expr = re.search(r"set ShellCommand to (.*?)\n\ttry", script, re.S).group(1).replace("¬\n", " ")
    out = []
    for literal, ident in re.findall(r'"((?:[^"\\]|\\.)*)"|(\w+)', expr):
        out.append(fields[ident] if ident else literal.replace('\\"', '"').replace("\\\\", "\\"))
    return "".join(out)


HOSTILE = ["$(touch PWNED).xlsx", "`touch PWNED`.xlsx", 'a"; touch PWNED; echo ".xlsx', "a|touch PWNED|.xlsx",
           "a;touch PWNED.xlsx", "a\ntouch PWNED\n.xlsx", "a'$(touch PWNED)'.xlsx", "年报 $HOME \\ %PATH%.xlsx"]


@pytest.mark.skipif(sys.platform.startswith("win"), reason="runs the shell command with /bin/sh")
@pytest.mark.parametrize("name", HOSTILE)
def test_mac_shell_command_for_hostile_workbook_names(name, tmp_path):
    """The exact `do shell script` line the Mac add-in makes for a hostile workbook name runs no command,
    and addin.xl gets the name back exactly; the same line with the raw name (xlwings' own VBA) would."""
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    got = tmp_path / "argv.json"
    command = (f"import sys, json; import addin.xl; addin.xl.decode_caller_name(); "
               f"open({str(got)!r}, 'w').write(json.dumps(sys.argv))")
    pythonpath = f"false;;{tmp_path / 'nianbao.xlam'};;;;{root}"     # RunPython's string, PYTHONPATH setting = root

    def run(wb_field: str) -> subprocess.CompletedProcess:
        params = "|".join([pythonpath + ";", sys.executable, command, wb_field,
                           "/Applications/Microsoft Excel.app", str(tmp_path / "xlwings.log")])
        line = applescript_shell_command(params)
        assert line.rstrip().endswith("&")              # xlwings runs it in the background: here, wait for it
        return subprocess.run(["/bin/sh", "-c", line.rstrip()[:-1]], cwd=tmp_path, capture_output=True, timeout=60)

    run(hex_name(name))
    assert not (tmp_path / "PWNED").exists(), "the file name ran as a shell command"
    import json
    wb_args = [a for a in json.loads(got.read_text()) if a.startswith("--wb=")]
    assert wb_args == ["--wb=" + name]
    if name in HOSTILE[:3]:                        # the harness does see an injection: xlwings' raw name runs
        run(name)
        assert (tmp_path / "PWNED").exists()


def test_decode_caller_name_leaves_other_arguments_alone():
    argv = ["-c", "--wb=" + hex_name("报表 (1).xlsx"), "--from_xl=1", "--wb=plain.xlsx"]
    xl.decode_caller_name(argv)
    assert argv == ["-c", "--wb=报表 (1).xlsx", "--from_xl=1", "--wb=plain.xlsx"]


def test_vba_sources_must_be_ascii(tmp_path):
    for src in list(xlambuild.HERE.glob("*.bas")) + list(xlambuild.HERE.glob("*.cls")):
        xlambuild.vba_text(src)                          # the committed sources pass
    bad = tmp_path / "RibbonAddin.bas"
    bad.write_bytes(b'Attribute VB_Name = "RibbonAddin"\r\nSub A()\r\n    MsgBox "\xe6\xa0\xa1\xe9\xaa\x8c"\r\nEnd Sub\r\n')
    with pytest.raises(SystemExit, match="line 3, column 13: non-ASCII"):
        xlambuild.vba_text(bad)
