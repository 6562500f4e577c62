"""Build the 年报 Excel add-in (addin/excel/xlam/nianbao.xlam) from the text sources beside it — on any OS, no Excel.

The VBA project is written **source only** (MS-OVBA): `_VBA_PROJECT` is the 7-byte header with version
0xFFFF and no performance cache, every module's MODULEOFFSET is 0, so Excel compiles the source on load
(MS-OVBA 1.6, 2.3.4.1 — the way xlwings ships its own add-ins). Everything is written here: the MS-OVBA
compressor (2.4.1.3), the dir stream (2.3.4.2), PROJECT / PROJECTwm (2.3.1, 2.3.3), the data encryption
of CMG/DPB/GC (2.4.3) and a minimal compound-file (CFB v3) writer. The same sources give the same bytes:
fixed project id, fixed seeds, zeroed times, fixed zip dates. tests/test_xlam.py reads the result back
with oletools (olevba) and olefile in strict mode, and fails when the committed .xlam drifts.

    python -m addin.excel.xlambuild                  # rebuild addin/excel/xlam/nianbao.xlam
    python -m addin.excel.xlambuild --refresh-vba    # re-derive xlwings.bas/Dictionary.cls from the installed xlwings

Sources (addin/excel/xlam/): RibbonAddin.bas (one macro per button), xlwings.bas (xlwings' RunPython module with
the security edits of `patch_xlwings`), Dictionary.cls (Mac), customUI.xml (the ribbon tab).
"""
from __future__ import annotations

import io
import struct
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent / "xlam"
XLAM = HERE / "nianbao.xlam"
PROJECT_NAME = "nianbao"               # xlwings' PROJECT_NAME: config sheet nianbao.conf, user file .nianbao/
VBA_PROJECT_NAME = "NianbaoAddin"
PROJECT_ID = "{3A6E1B7C-2021-4E1B-9A30-6E69616E6261}"
CONF_SHEET = f"{PROJECT_NAME}.conf"
XLWINGS_VERSION = "0.37.8"
# settings of the add-in's own config sheet; install adds the interpreter. Only fixed, non-empty values:
# a key present with an empty value would hide the user's own file.
BASE_CONF = {"ADD_WORKBOOK_TO_PYTHONPATH": "False"}
CODEPAGE = 1252
STD, DOC, CLASS = "std", "doc", "class"
MODULES = (("ThisWorkbook", DOC), ("Sheet1", DOC), ("Dictionary", CLASS), ("RibbonAddin", STD), ("xlwings", STD))
REFERENCES = (
    ("stdole", r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\Windows\System32\stdole2.tlb#OLE Automation"),
    ("Office", r"*\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#C:\Program Files\Common Files\Microsoft Shared"
               r"\OFFICE16\MSO.DLL#Microsoft Office 16.0 Object Library"),
)
DOC_BASE = {"ThisWorkbook": "0{00020819-0000-0000-C000-000000000046}", "Sheet1": "0{00020820-0000-0000-C000-000000000046}"}
CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"
CUSTOMUI_NS = "http://schemas.microsoft.com/office/2006/01/customui"


# --- MS-OVBA 2.4.1: compression ---------------------------------------------------------------------

def ovba_compress(data: bytes) -> bytes:
    """CompressedContainer: signature 0x01, then one chunk per 4096 bytes (greedy longest match)."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), 4096):
        out += _chunk(data[start:start + 4096])
    return bytes(out)


def _chunk(chunk: bytes) -> bytes:
    body = bytearray()
    pos, n = 0, len(chunk)
    heads: dict[bytes, list[int]] = {}
    while pos < n:
        flag_at = len(body)
        body.append(0)
        flags = 0
        for bit in range(8):
            if pos >= n:
                break
            best_len, best_off = 0, 0
            if pos >= 1 and pos + 3 <= n:
                bits = max((pos - 1).bit_length(), 4)
                max_len = min((0xFFFF >> bits) + 3, n - pos)
                for cand in reversed(heads.get(chunk[pos:pos + 3], ())):
                    length = 3
                    while length < max_len and chunk[cand + length] == chunk[pos + length]:
                        length += 1
                    if length > best_len:
                        best_len, best_off = length, pos - cand
                        if length == max_len:
                            break
            if best_len >= 3:
                bits = max((pos - 1).bit_length(), 4)
                body += struct.pack("<H", ((best_off - 1) << (16 - bits)) | (best_len - 3))
                flags |= 1 << bit
                step = best_len
            else:
                body.append(chunk[pos])
                step = 1
            for p in range(pos, pos + step):
                if p + 3 <= n:
                    heads.setdefault(chunk[p:p + 3], []).append(p)
            pos += step
        body[flag_at] = flags
    if len(body) > 4096:                               # incompressible: a raw chunk of exactly 4096 bytes
        if len(chunk) < 4096:                          # a raw chunk is padded with NULs on read: not for text
            raise ValueError("incompressible data in a partial chunk cannot be stored exactly")
        return struct.pack("<H", 0x3000 | 0x0FFF) + chunk
    return struct.pack("<H", 0xB000 | (len(body) + 2 - 3)) + bytes(body)


# --- MS-OVBA 2.4.3: data encryption (CMG / DPB / GC) ------------------------------------------------

def encrypt(data: bytes, seed: int, project_id: str = PROJECT_ID) -> str:
    version = 2
    proj_key = sum(project_id.encode("ascii")) & 0xFF
    out = bytearray([seed, seed ^ version, seed ^ proj_key])
    unenc1, enc1, enc2 = proj_key, seed ^ proj_key, seed ^ version

    def put(byte: int):
        nonlocal unenc1, enc1, enc2
        e = byte ^ ((enc2 + unenc1) & 0xFF)
        out.append(e)
        enc2, enc1, unenc1 = enc1, e, byte

    for _ in range((seed & 6) // 2):
        put(0)                                          # IgnoredEnc: arbitrary bytes, fixed here
    for b in struct.pack("<I", len(data)) + data:
        put(b)
    return out.hex().upper()


def decrypt(text: str, project_id: str = PROJECT_ID) -> bytes:
    raw = bytes.fromhex(text)
    seed, version_enc, key_enc = raw[0], raw[1], raw[2]
    assert seed ^ version_enc == 2, "not version 2"
    proj_key = seed ^ key_enc
    assert proj_key == sum(project_id.encode("ascii")) & 0xFF, "ProjKey does not match the project id"
    unenc1, enc1, enc2 = proj_key, key_enc, version_enc
    plain = []
    for e in raw[3:]:
        b = e ^ ((enc2 + unenc1) & 0xFF)
        plain.append(b)
        enc2, enc1, unenc1 = enc1, e, b
    ignored = (seed & 6) // 2
    body = bytes(plain[ignored:])
    length = struct.unpack("<I", body[:4])[0]
    assert len(body) - 4 == length, "length mismatch"
    return body[4:]


# --- module sources ---------------------------------------------------------------------------------

def vba_text(path: Path) -> str:
    """A VBA source, which must be ASCII: the project stores it as code page 1252, so any other character
    (Chinese above all) would be garbled in a Chinese-locale Excel. Chinese text for staff belongs in Python."""
    raw = path.read_bytes()
    for n, line in enumerate(raw.split(b"\n"), start=1):
        bad = next((i for i, b in enumerate(line) if b > 0x7F), None)
        if bad is not None:
            raise SystemExit(f"{path.name} line {n}, column {bad + 1}: non-ASCII byte 0x{line[bad]:02X}. "
                             "VBA sources must be ASCII (stored as code page 1252); put user text in addin/xl.py.")
    return raw.decode("ascii")


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def module_source(name: str, kind: str) -> bytes:
    """The module text as the VBA project stores it (attributes first, CRLF, cp1252)."""
    if kind == DOC:
        attrs = [f'Attribute VB_Name = "{name}"', f'Attribute VB_Base = "{DOC_BASE[name]}"',
                 "Attribute VB_GlobalNameSpace = False", "Attribute VB_Creatable = False",
                 "Attribute VB_PredeclaredId = True", "Attribute VB_Exposed = True",
                 "Attribute VB_TemplateDerived = False", "Attribute VB_Customizable = True"]
        text = "\r\n".join(attrs) + "\r\n"
    elif kind == CLASS:
        lines = _crlf(vba_text(HERE / f"{name}.cls")).split("\r\n")
        lines = lines[lines.index("END") + 1:]                       # the .cls export header is not stored
        assert lines[0] == f'Attribute VB_Name = "{name}"'
        lines.insert(1, f'Attribute VB_Base = "{CLASS_BASE}"')
        at = lines.index("Attribute VB_Exposed = True") + 1
        lines[at:at] = ["Attribute VB_TemplateDerived = False", "Attribute VB_Customizable = False"]
        text = "\r\n".join(lines)
    else:
        text = _crlf(vba_text(HERE / f"{name}.bas"))
        assert text.startswith(f'Attribute VB_Name = "{name}"'), name
    return text.encode("cp1252")


# --- the streams of the VBA project -----------------------------------------------------------------

def _rec(rid: int, payload: bytes) -> bytes:
    return struct.pack("<HI", rid, len(payload)) + payload


def _u16(s: str) -> bytes:
    return s.encode("utf-16-le")


def dir_stream() -> bytes:
    name = VBA_PROJECT_NAME.encode("cp1252")
    d = bytearray()
    d += _rec(0x0001, struct.pack("<I", 1))                           # SYSKIND: Win32
    d += _rec(0x0002, struct.pack("<I", 0x409))                       # LCID
    d += _rec(0x0014, struct.pack("<I", 0x409))                       # LCIDINVOKE
    d += _rec(0x0003, struct.pack("<H", CODEPAGE))                    # CODEPAGE
    d += _rec(0x0004, name)                                           # NAME
    d += _rec(0x0005, b"") + _rec(0x0040, b"")                        # DOCSTRING (+ unicode)
    d += _rec(0x0006, b"") + _rec(0x003D, b"")                        # HELPFILEPATH 1, 2
    d += _rec(0x0007, struct.pack("<I", 0))                           # HELPCONTEXT
    d += _rec(0x0008, struct.pack("<I", 0))                           # LIBFLAGS
    d += struct.pack("<HIIH", 0x0009, 4, 0x61EEF783, 3)               # VERSION (as Excel writes it)
    d += _rec(0x000C, b"") + _rec(0x003C, b"")                        # CONSTANTS (+ unicode)
    for ref_name, libid in REFERENCES:
        d += _rec(0x0016, ref_name.encode("cp1252")) + _rec(0x003E, _u16(ref_name))   # REFERENCENAME
        lib = libid.encode("cp1252")
        d += _rec(0x000D, struct.pack("<I", len(lib)) + lib + struct.pack("<IH", 0, 0))  # REFERENCEREGISTERED
    d += _rec(0x000F, struct.pack("<H", len(MODULES)))                # PROJECTMODULES
    d += _rec(0x0013, struct.pack("<H", 0xFFFF))                      # PROJECTCOOKIE
    for mod, kind in MODULES:
        m = mod.encode("cp1252")
        d += _rec(0x0019, m) + _rec(0x0047, _u16(mod))                # MODULENAME, MODULENAMEUNICODE
        d += _rec(0x001A, m) + _rec(0x0032, _u16(mod))                # MODULESTREAMNAME (+ unicode)
        d += _rec(0x001C, b"") + _rec(0x0048, b"")                    # MODULEDOCSTRING (+ unicode)
        d += _rec(0x0031, struct.pack("<I", 0))                       # MODULEOFFSET 0: source only
        d += _rec(0x001E, struct.pack("<I", 0))                       # MODULEHELPCONTEXT
        d += _rec(0x002C, struct.pack("<H", 0xFFFF))                  # MODULECOOKIE
        d += struct.pack("<HI", 0x0021 if kind == STD else 0x0022, 0)  # MODULETYPE
        d += struct.pack("<HI", 0x002B, 0)                            # module terminator
    d += struct.pack("<HI", 0x0010, 0)                                # dir terminator
    return bytes(d)


def project_stream() -> bytes:
    lines = [f'ID="{PROJECT_ID}"']
    for mod, kind in MODULES:
        lines.append({DOC: f"Document={mod}/&H00000000", CLASS: f"Class={mod}", STD: f"Module={mod}"}[kind])
    lines += [f'Name="{VBA_PROJECT_NAME}"', 'HelpContextID="0"', 'VersionCompatible32="393222000"',
              f'CMG="{encrypt(bytes(4), 0x41)}"', f'DPB="{encrypt(bytes(1), 0x43)}"', 'GC="' + encrypt(bytes([0xFF]), 0x45) + '"',
              "", "[Host Extender Info]", "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000", ""]
    return "\r\n".join(lines).encode("cp1252")


def projectwm_stream() -> bytes:
    out = bytearray()
    for mod, _ in MODULES:
        out += mod.encode("cp1252") + b"\x00" + _u16(mod) + b"\x00\x00"
    return bytes(out + b"\x00\x00")


def vba_project_bin() -> bytes:
    vba = {"_VBA_PROJECT": struct.pack("<HHBH", 0x61CC, 0xFFFF, 0, 1), "dir": ovba_compress(dir_stream())}
    for mod, kind in MODULES:
        vba[mod] = ovba_compress(module_source(mod, kind))
    return cfb({"VBA": vba, "PROJECT": project_stream(), "PROJECTwm": projectwm_stream()})


# --- a minimal compound file (CFB v3) writer --------------------------------------------------------

FREESECT, ENDOFCHAIN, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
SECTOR, MINI, CUTOFF = 512, 64, 4096


def _cfb_key(name: str):
    return (len(name), name.upper())


def cfb(tree: dict) -> bytes:
    """A compound file of storages (dicts) and streams (bytes); deterministic, all timestamps zero."""
    entries = [{"name": "Root Entry", "type": 5, "children": [], "data": None}]

    def add(node: dict, parent: int):
        for name in sorted(node, key=_cfb_key):
            value = node[name]
            entries.append({"name": name, "type": 1 if isinstance(value, dict) else 2, "children": [],
                            "data": None if isinstance(value, dict) else value})
            idx = len(entries) - 1
            entries[parent]["children"].append(idx)
            if isinstance(value, dict):
                add(value, idx)

    add(tree, 0)
    for e in entries:                       # balanced, all-black sibling trees in CFB order
        e.update(left=NOSTREAM, right=NOSTREAM, child=NOSTREAM)

    def balance(ids: list[int]) -> int:
        if not ids:
            return NOSTREAM
        mid = len(ids) // 2
        entries[ids[mid]]["left"] = balance(ids[:mid])
        entries[ids[mid]]["right"] = balance(ids[mid + 1:])
        return ids[mid]

    for e in entries:
        if e["children"]:
            e["child"] = balance(e["children"])

    # mini stream for streams below the cutoff
    mini = bytearray()
    minifat: list[int] = []
    for e in entries:
        data = e["data"]
        if e["type"] == 2 and 0 < len(data) < CUTOFF:
            n = -(-len(data) // MINI)
            e["start"] = len(minifat)
            minifat += list(range(len(minifat) + 1, len(minifat) + n)) + [ENDOFCHAIN]
            mini += data.ljust(n * MINI, b"\x00")
        elif e["type"] == 2 and len(data) == 0:
            e["start"] = ENDOFCHAIN
    sectors: list[bytes] = []
    fat: list[int] = []

    def put(data: bytes) -> int:
        if not data:
            return ENDOFCHAIN
        n = -(-len(data) // SECTOR)
        first = len(sectors)
        for i in range(n):
            sectors.append(data[i * SECTOR:(i + 1) * SECTOR].ljust(SECTOR, b"\x00"))
            fat.append(first + i + 1 if i < n - 1 else ENDOFCHAIN)
        return first

    entries[0]["start"] = put(bytes(mini))
    entries[0]["size"] = len(mini)
    for e in entries:
        if e["type"] == 2:
            e["size"] = len(e["data"])
            if len(e["data"]) >= CUTOFF:
                e["start"] = put(e["data"])
    minifat_bytes = b"".join(struct.pack("<I", x) for x in minifat)
    minifat_start = put(minifat_bytes.ljust(-(-len(minifat_bytes) // SECTOR) * SECTOR, b"\xff"))
    n_minifat = -(-len(minifat_bytes) // SECTOR)
    dirdata = bytearray()
    for e in entries:
        name = _u16(e["name"]) + b"\x00\x00"
        dirdata += name.ljust(64, b"\x00")
        dirdata += struct.pack("<HBB", len(name), e["type"], 1)
        dirdata += struct.pack("<III", e["left"], e["right"], e["child"])
        dirdata += bytes(16) + struct.pack("<I", 0) + bytes(16)
        start = e.get("start", 0) if e["type"] != 1 else 0
        dirdata += struct.pack("<IQ", start, e.get("size", 0) if e["type"] != 1 else 0)
    while len(dirdata) % SECTOR:
        dirdata += (b"\x00" * 64 + struct.pack("<HBB", 0, 0, 0) + struct.pack("<III", NOSTREAM, NOSTREAM, NOSTREAM)
                    + bytes(16 + 4 + 16 + 4 + 8))
    dir_start = put(bytes(dirdata))
    # FAT sectors: enough to describe every sector including themselves
    n_fat = 1
    while (len(sectors) + n_fat) > n_fat * (SECTOR // 4):
        n_fat += 1
    assert n_fat <= 109, "file too large for a header-only DIFAT"
    fat_start = len(sectors)
    fat += [FATSECT] * n_fat
    fat += [FREESECT] * (n_fat * (SECTOR // 4) - len(fat))
    fat_bytes = b"".join(struct.pack("<I", x) for x in fat)
    for i in range(n_fat):
        sectors.append(fat_bytes[i * SECTOR:(i + 1) * SECTOR])
    header = bytearray()
    header += bytes.fromhex("D0CF11E0A1B11AE1") + bytes(16)
    header += struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6) + bytes(6)
    header += struct.pack("<IIIIIIIII", 0, n_fat, dir_start, 0, CUTOFF,
                          minifat_start if n_minifat else ENDOFCHAIN, n_minifat, ENDOFCHAIN, 0)
    difat = [fat_start + i for i in range(n_fat)] + [FREESECT] * (109 - n_fat)
    header += b"".join(struct.pack("<I", x) for x in difat)
    assert len(header) == SECTOR
    return bytes(header) + b"".join(sectors)


# --- the .xlam (Office Open XML package) ------------------------------------------------------------

def _xml_text(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def conf_sheet_xml(conf: dict[str, str]) -> str:
    rows = []
    for i, (k, v) in enumerate(conf.items(), start=1):
        assert k and v, "the add-in's config sheet holds only non-empty values"
        rows.append(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>{_xml_text(k)}</t></is></c>'
                    f'<c r="B{i}" t="inlineStr"><is><t>{_xml_text(v)}</t></is></c></row>')
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetPr codeName="Sheet1"/><sheetData>' + "".join(rows) + "</sheetData></worksheet>")


PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.addin.macroEnabled.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '</Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.microsoft.com/office/2006/relationships/ui/extensibility" '
        'Target="customUI/customUI.xml"/>'
        '</Relationships>'),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<workbookPr codeName="ThisWorkbook"/><bookViews><workbookView/></bookViews>'
        f'<sheets><sheet name="{CONF_SHEET}" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'styles" Target="styles.xml"/>'
        '<Relationship Id="rId3" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
        'Target="vbaProject.bin"/>'
        '</Relationships>'),
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
        '</fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'),
}


def build(conf: dict[str, str] | None = None) -> bytes:
    """The .xlam bytes; `conf` adds settings (e.g. INTERPRETER_WIN) to the add-in's own config sheet."""
    settings = dict(BASE_CONF, **(conf or {}))
    parts = dict(PARTS)
    parts["xl/worksheets/sheet1.xml"] = conf_sheet_xml(settings)
    parts["customUI/customUI.xml"] = (HERE / "customUI.xml").read_text(encoding="utf-8")
    order = ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
             "xl/worksheets/sheet1.xml", "xl/styles.xml", "customUI/customUI.xml"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in order:
            z.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), parts[name].encode("utf-8"),
                       zipfile.ZIP_DEFLATED)
        z.writestr(zipfile.ZipInfo("xl/vbaProject.bin", (1980, 1, 1, 0, 0, 0)), vba_project_bin(),
                   zipfile.ZIP_DEFLATED)
    return buf.getvalue()


# --- xlwings' VBA module with the security edits ----------------------------------------------------

HEX_NAME_PREFIX = "nbhex-"
HEX_NAME_VBA = (
    "Function HexName(ByVal s As String) As String\r\n"
    "    ' nianbao: a file name goes to a shell only as hex digits, 4 per UTF-16 code unit (see addin.xl)\r\n"
    "    Dim i As Long, out As String\r\n"
    f'    out = "{HEX_NAME_PREFIX}"\r\n'
    "    For i = 1 To Len(s)\r\n"
    '        out = out & Right$("000" & Hex$(AscW(Mid$(s, i, 1)) And &HFFFF&), 4)\r\n'
    "    Next i\r\n"
    "    HexName = out\r\n"
    "End Function\r\n\r\n")

EDITS = [
    # 1. our own config sheet name and user file (.nianbao/nianbao.conf), separate from xlwings.conf
    ('Public Const PROJECT_NAME As String = "myaddin"', f'Public Const PROJECT_NAME As String = "{PROJECT_NAME}"'),
    # 2. never read settings from a sheet of the ACTIVE workbook
    ('            \'Workbook Sheet Config\r\n'
     '            If SheetExists(ActiveWorkbook, PROJECT_NAME & ".conf") = True Then\r\n'
     '                If GetConfigFromSheet(ActiveWorkbook).Exists(configKey) = True Then\r\n'
     '                    GetConfig = GetConfigFromSheet(ActiveWorkbook).Item(configKey)\r\n'
     '                    GetConfig = ExpandEnvironmentStrings(GetConfig)\r\n'
     '                    Exit Function\r\n'
     '                End If\r\n'
     '            End If\r\n', ""),
    # 3. never read a config file from the active workbook's folder
    ('    If source = "" Or source = "directory" Then', "    If False Then"),
    # 4. the embedded-code check looks at the add-in only
    ("    For i = 1 To 2\r\n", "    For i = 2 To 2\r\n"),
    # 5. the active workbook's folder never goes on sys.path (Mac and Windows lines)
    ('PYTHONPATH = AddExcelDir & ";" & ActiveFullName & ";"', 'PYTHONPATH = AddExcelDir & ";" & "" & ";"'),
    # 6. nor through ADD_WORKBOOK_TO_PYTHONPATH, whatever a config says (RunPython and the UDF server)
    ('AddExcelDir = GetConfig("ADD_WORKBOOK_TO_PYTHONPATH", "true")', 'AddExcelDir = "false"'),
    # 7. the UDF server's command line (XLPyCommand) gets no active workbook either
    ('PYTHONPATH = AddExcelDir & ";" & ActiveWorkbook.FullName & ";"', 'PYTHONPATH = AddExcelDir & ";" & "" & ";"'),
    # 8. the workbook name reaches the Mac shell (xlwings' AppleScript builds `do shell script` from it)
    #    only as hex digits: `$(...)`, backticks, quotes, `|` (the AppleScript's field separator) stay inert
    ('ParameterString = ParameterString + "|" + ActiveWorkbook.Name',
     'ParameterString = ParameterString + "|" + HexName(ActiveWorkbook.Name)'),
    # 9. the same on Windows, where cmd.exe would expand %VAR% inside the quotes
    ('" --wb=" & """" & ActiveWorkbook.Name & """ --from_xl=1"', '" --wb=" & """" & HexName(ActiveWorkbook.Name) & """ --from_xl=1"'),
    # 10. the encoder (addin.xl.decode_caller_name reverses it before xlwings' Book.caller reads --wb=)
    ("Sub ExecuteMac(", HEX_NAME_VBA + "Sub ExecuteMac("),
]
EDIT_COUNTS = {5: 2, 6: 2}


def patch_xlwings(text: str) -> str:
    text = _crlf(text)
    for i, (old, new) in enumerate(EDITS, start=1):
        count = text.count(old)
        expected = EDIT_COUNTS.get(i, 1)
        if count != expected:
            raise SystemExit(f"edit {i} of xlwings.bas matched {count} times (expected {expected}): "
                             "the xlwings VBA changed; review the security edits")
        text = text.replace(old, new)
    return text


def xlwings_sources() -> tuple[str, str]:
    import xlwings

    root = Path(xlwings.__file__).resolve().parent
    if xlwings.__version__ != XLWINGS_VERSION:
        raise SystemExit(f"xlwings {xlwings.__version__} installed, the add-in is built for {XLWINGS_VERSION}")
    bas = (root / "xlwings_custom_addin.bas").read_text(encoding="cp1252")
    cls = (root / "addin" / "Dictionary.cls").read_text(encoding="cp1252")
    return patch_xlwings(bas), _crlf(cls)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--refresh-vba" in argv:
        bas, cls = xlwings_sources()
        (HERE / "xlwings.bas").write_bytes(bas.encode("cp1252"))
        (HERE / "Dictionary.cls").write_bytes(cls.encode("cp1252"))
        print(f"wrote {HERE / 'xlwings.bas'} and Dictionary.cls from xlwings {XLWINGS_VERSION}")
    XLAM.write_bytes(build())
    print(f"wrote {XLAM} ({XLAM.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
