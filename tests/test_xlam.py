"""The .xlam, read back with independent readers: oletools (olevba), olefile in strict mode, lxml, zipfile."""
from __future__ import annotations

import io
import random
import re
import struct
import zipfile
from pathlib import Path

import pytest

olefile = pytest.importorskip("olefile")
olevba = pytest.importorskip("oletools.olevba")

from lxml import etree  # noqa: E402

from addin.excel import xlambuild  # noqa: E402

BUTTONS = {"Validate": "validate", "ClearMarks": "clear", "ExportReport": "export", "NewTemplate": "new_template",
           "ShowRules": "rules"}
LABELS = ["校验", "清除标记", "导出报告", "新建模板", "规则说明"]


@pytest.fixture(scope="module")
def xlam() -> bytes:
    return xlambuild.build()


def _vba_bin(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("xl/vbaProject.bin")


def test_committed_xlam_is_what_the_builder_makes(xlam):
    assert xlambuild.build() == xlam, "two builds differ"
    assert xlambuild.XLAM.read_bytes() == xlam, "addin/excel/xlam/nianbao.xlam drifted: run python -m addin.excel.xlambuild"


def test_package_ships_the_xlam():
    text = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'"addin\.excel"\s*=\s*\[[^\]]*"xlam/\*\.xlam"', text), "pyproject package-data must ship the .xlam"


def test_zip_parts_and_content_types(xlam):
    with zipfile.ZipFile(io.BytesIO(xlam)) as z:
        assert z.testzip() is None
        names = set(z.namelist())
        for part in names - {"xl/vbaProject.bin"}:
            etree.fromstring(z.read(part))                 # every XML part is well-formed
        types = z.read("[Content_Types].xml").decode()
        rels = z.read("_rels/.rels").decode()
        wbrels = z.read("xl/_rels/workbook.xml.rels").decode()
        workbook = z.read("xl/workbook.xml").decode()
    assert "application/vnd.ms-excel.addin.macroEnabled.main+xml" in types
    assert "application/vnd.ms-office.vbaProject" in types
    assert 'Type="http://schemas.microsoft.com/office/2006/relationships/ui/extensibility" Target="customUI/customUI.xml"' in rels
    assert "relationships/vbaProject" in wbrels and 'codeName="ThisWorkbook"' in workbook
    assert f'name="{xlambuild.CONF_SHEET}"' in workbook


def _ribbon_subs() -> dict[str, str]:
    text = (xlambuild.HERE / "RibbonAddin.bas").read_bytes().decode("cp1252")
    return dict(re.findall(r'Sub (\w+)\(control As IRibbonControl\)\r\n\s+RunPython "([^"]*)"\r\nEnd Sub', text))


def test_custom_ui_is_valid_and_every_button_has_its_own_macro(xlam):
    with zipfile.ZipFile(io.BytesIO(xlam)) as z:
        root = etree.fromstring(z.read("customUI/customUI.xml"))
    ns = {"c": xlambuild.CUSTOMUI_NS}
    assert root.tag == f"{{{xlambuild.CUSTOMUI_NS}}}customUI"
    tabs = root.findall("c:ribbon/c:tabs/c:tab", ns)
    assert [t.get("label") for t in tabs] == ["年报"]
    buttons = root.findall(".//c:button", ns)
    assert [b.get("label") for b in buttons] == LABELS
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids)) and all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", i) for i in ids)
    for e in root.iter():                                  # only elements and attributes of the 2006/01 schema used
        assert etree.QName(e).namespace == xlambuild.CUSTOMUI_NS
        assert etree.QName(e).localname in {"customUI", "ribbon", "tabs", "tab", "group", "button"}
    for b in buttons:
        assert set(b.keys()) <= {"id", "label", "size", "imageMso", "onAction", "screentip", "supertip"}
        assert len(b.get("supertip", "")) <= 1024 and len(b.get("label")) <= 1024
    subs = _ribbon_subs()
    actions = [b.get("onAction") for b in buttons]
    assert actions == [f"RibbonAddin.{s}" for s in BUTTONS]
    assert set(subs) == set(BUTTONS), "one macro per button, no more"
    for sub, fn in BUTTONS.items():
        assert subs[sub] == f"import sys; sys.path[:] = [p for p in sys.path if p]; import addin.xl; addin.xl.{fn}()"
    import addin.xl as xl
    for fn in BUTTONS.values():
        assert callable(getattr(xl, fn))


def test_olevba_reads_every_module_back_exactly(xlam, tmp_path):
    path = tmp_path / "nianbao.xlam"
    path.write_bytes(xlam)
    parser = olevba.VBA_Parser(str(path))
    assert parser.detect_vba_macros()
    got = {vba_filename.rsplit(".", 1)[0]: code for _, _, vba_filename, code in parser.extract_macros()}
    assert set(got) == {m for m, _ in xlambuild.MODULES}
    for mod, kind in xlambuild.MODULES:
        want = xlambuild.module_source(mod, kind).decode("cp1252")
        code = got[mod]
        code = code.decode("cp1252") if isinstance(code, bytes) else code
        assert code.replace("\r\n", "\n") == want.replace("\r\n", "\n"), mod
    ribbon = got["RibbonAddin"]
    for sub, fn in BUTTONS.items():
        assert f"Sub {sub}(control As IRibbonControl)" in ribbon
        assert f'RunPython "import sys; sys.path[:] = [p for p in sys.path if p]; import addin.xl; addin.xl.{fn}()"' in ribbon
    parser.close()


def test_olevba_debug_log_has_no_warnings_but_the_in_memory_note(xlam, tmp_path):
    import subprocess
    import sys

    path = tmp_path / "nianbao.xlam"
    path.write_bytes(xlam)
    p = subprocess.run([sys.executable, "-m", "oletools.olevba", "--loglevel", "debug", "--decode", str(path)],
                       capture_output=True, text=True)
    out = p.stdout + p.stderr
    bad = [line for line in out.splitlines() if re.search(r"\b(WARNING|ERROR)\b", line)
           and "VBA stomping cannot be detected for files in memory" not in line]
    assert not bad, bad
    assert p.returncode in (0, 1, 2, 10, 20)  # olevba's codes for "macros found" vary by version; no crash (>=20 bad)
    assert "Traceback" not in out


def _dir_records(dir_bytes: bytes):
    """An independent walk of the decompressed dir stream: (id, payload) in order."""
    pos, out = 0, []
    while pos < len(dir_bytes):
        rid, size = struct.unpack_from("<HI", dir_bytes, pos)
        if rid == 0x0009:                                    # VERSION: size field is Reserved (4), 6 bytes follow
            out.append((rid, dir_bytes[pos + 6:pos + 12]))
            pos += 12
            continue
        out.append((rid, dir_bytes[pos + 6:pos + 6 + size]))
        pos += 6 + size
    return out


def test_source_only_project_read_by_olefile_strict(xlam):
    ole = olefile.OleFileIO(_vba_bin(xlam), raise_defects=olefile.DEFECT_INCORRECT)
    streams = {"/".join(p) for p in ole.listdir()}
    assert {"PROJECT", "PROJECTwm", "VBA/_VBA_PROJECT", "VBA/dir"} <= streams
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("cc61ffff000100")
    dir_bytes = olevba.decompress_stream(bytearray(ole.openstream("VBA/dir").read()))
    recs = _dir_records(bytes(dir_bytes))
    offsets = [struct.unpack("<I", p)[0] for rid, p in recs if rid == 0x0031]
    names = [p.decode("cp1252") for rid, p in recs if rid == 0x0019]
    assert names == [m for m, _ in xlambuild.MODULES]
    assert offsets == [0] * len(xlambuild.MODULES), "every MODULEOFFSET is 0: source only, no p-code"
    assert recs[-1][0] == 0x0010
    project = ole.openstream("PROJECT").read().decode("cp1252")
    assert f'Name="{xlambuild.VBA_PROJECT_NAME}"' in project and "Module=RibbonAddin" in project
    for key, plain in (("CMG", bytes(4)), ("DPB", bytes(1)), ("GC", b"\xff")):
        value = re.search(rf'{key}="([0-9A-F]+)"', project).group(1)
        assert xlambuild.decrypt(value) == plain
    ole.close()


def test_encryption_matches_a_project_excel_loads():
    """Our reading of MS-OVBA 2.4.3 decodes the CMG/DPB/GC that xlwings ships in its own add-in."""
    import xlwings

    src = Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam"
    ole = olefile.OleFileIO(_vba_bin(src.read_bytes()))
    project = ole.openstream("PROJECT").read().decode("cp1252")
    pid = re.search(r'ID="(\{[^}]+\})"', project).group(1)
    for key, plain in (("CMG", bytes(4)), ("DPB", bytes(1)), ("GC", b"\xff")):
        value = re.search(rf'{key}="([0-9A-F]+)"', project).group(1)
        assert xlambuild.decrypt(value, pid) == plain
    ole.close()


@pytest.mark.parametrize("size", [0, 1, 2, 3, 63, 3000, 4095, 4096, 4097, 8191, 8192, 20000])
def test_compression_round_trips_through_oletools(size):
    if size == 4095:
        with pytest.raises(ValueError):
            r = random.Random(1)
            xlambuild.ovba_compress(bytes(r.randrange(256) for _ in range(size)))
    rng = random.Random(size)
    words = [b"Sub ", b"End Sub\r\n", b"    ", b"RunPython ", b"' ======== comment\r\n", b"x", b"\r\n"]
    text = b"".join(rng.choice(words) for _ in range(size))[:size]
    noise = bytes(rng.randrange(256) for _ in range(size))
    exact = size % 4096 == 0 or size % 4096 < 3600   # noise in a large partial chunk only fits a padded raw chunk
    for data in (text, noise, b"a" * size) if exact else (text, b"a" * size):
        assert bytes(olevba.decompress_stream(bytearray(xlambuild.ovba_compress(data)))) == data


@pytest.mark.parametrize("sizes", [[0], [1, 63, 64, 65], [4095, 4096, 4097], [8191, 65000], [70000, 300000],
                                   [25000] * 3, [100] * 40])
def test_cfb_writer_read_back_by_olefile_strict(sizes):
    rng = random.Random(len(sizes))
    streams = {f"S{i:02d}": bytes(rng.randrange(256) for _ in range(n)) for i, n in enumerate(sizes)}
    data = xlambuild.cfb({"VBA": dict(streams), "TOP": b"top"})
    ole = olefile.OleFileIO(data, raise_defects=olefile.DEFECT_INCORRECT)
    for name, content in streams.items():
        assert ole.openstream(f"VBA/{name}").read() == content
    assert ole.openstream("TOP").read() == b"top"
    ole.close()
