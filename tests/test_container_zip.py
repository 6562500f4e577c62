"""The container's in-memory zip (container.Unzipped): a part's bytes cut and inflated straight from the member's
data must be what zipfile gives, and every zip off the plain path must meet zipfile's own reading — so a unit's
row (document, findings, refusal words) is the same as with zipfile alone. Fixtures are zips edited by hand."""
from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from addin.io import container
from addin.review import batch

from .helpers import EXAMPLE_XLSX

THEME = "xl/theme/theme1.xml"        # 10 KB, read only for its prolog (the reader never asks for it)
STYLES = "xl/styles.xml"             # read whole by the reader
SMALL = "docProps/app.xml"           # under 4 KB: the prolog read reaches its end and checks the CRC


@pytest.fixture
def zipfile_only(monkeypatch):
    """The slow path: every part read by zipfile, as before the in-memory zip (the oracle of these tests)."""
    def slow():
        monkeypatch.setattr(container.Unzipped, "head", lambda self, name: None)
        monkeypatch.setattr(container.Unzipped, "whole", lambda self, name: None)
    return slow


def _same_row_both_ways(path: Path, zipfile_only) -> dict:
    fast = batch.check(path)
    zipfile_only()
    slow = batch.check(path)
    assert fast == slow
    return fast


def _write(tmp_path: Path, data: bytes, name: str = "年报.xlsx") -> Path:
    out = tmp_path / name
    out.write_bytes(data)
    return out


def _members(data: bytes) -> dict[str, tuple[int, int]]:
    """name → (offset of its local header, offset of its central directory entry)."""
    z = zipfile.ZipFile(io.BytesIO(data))
    out = {}
    at = data.rfind(b"PK\x05\x06")
    at = struct.unpack("<L", data[at + 16: at + 20])[0]
    for info in z.infolist():
        assert data[at: at + 4] == b"PK\x01\x02"
        n, m, k = struct.unpack("<3H", data[at + 28: at + 34])
        out[data[at + 46: at + 46 + n].decode()] = (info.header_offset, at)
        at += 46 + n + m + k
    return out


def _patched(data: bytes, name: str, local: dict[int, bytes], central: dict[int, bytes]) -> bytes:
    """`data` with bytes of one member's local header and central entry replaced (offset in the header → bytes)."""
    buf = bytearray(data)
    lh, cd = _members(data)[name]
    for base, edits in ((lh, local), (cd, central)):
        for off, new in edits.items():
            buf[base + off: base + off + len(new)] = new
    return bytes(buf)


def _example() -> bytes:
    return EXAMPLE_XLSX.read_bytes()


def test_the_example_reads_the_same_and_passes_through_the_fast_path(zipfile_only):
    z = container.check(EXAMPLE_XLSX, keep_open=True)
    try:
        assert isinstance(z, container.Unzipped)
        for info in z.infolist():                  # every part of a plain zip is cut from memory, none by zipfile
            assert z.head(info.filename) is not None and z.whole(info.filename) is not None
            with zipfile.ZipFile(EXAMPLE_XLSX) as ref:
                assert z.read(info.filename) == ref.read(info.filename)
    finally:
        z.close()
    row = _same_row_both_ways(EXAMPLE_XLSX, zipfile_only)
    assert row["error"] is None and row["organ"]


def test_stored_parts(tmp_path, zipfile_only):
    buf = io.BytesIO()
    with zipfile.ZipFile(EXAMPLE_XLSX) as zin, zipfile.ZipFile(buf, "w") as zout:
        for i, info in enumerate(zin.infolist()):      # every other part stored, the rest deflated
            zout.writestr(info.filename, zin.read(info.filename), zipfile.ZIP_STORED if i % 2 else zipfile.ZIP_DEFLATED)
    path = _write(tmp_path, buf.getvalue())
    with container.check(path, keep_open=True) as z:
        stored = [i.filename for i in z.infolist() if i.compress_type == zipfile.ZIP_STORED]
        assert stored and all(z.head(n) is not None for n in stored)
    assert _same_row_both_ways(path, zipfile_only) == {**batch.check(EXAMPLE_XLSX), "file": str(path)}


def test_parts_with_data_descriptors(tmp_path, zipfile_only):
    """Sizes and CRC after each member's data, zeros in its local header (flag bit 3; LibreOffice writes so)."""
    with zipfile.ZipFile(EXAMPLE_XLSX) as z:
        members = [(i.filename, _deflate(z.read(i.filename)), zipfile.ZIP_DEFLATED, i.file_size, i.CRC)
                   for i in z.infolist()]
    path = _write(tmp_path, _handmade(members, descriptors=True))
    with container.check(path, keep_open=True) as z:
        assert all(i.flag_bits & 0x08 for i in z.infolist())
        assert all(z.whole(i.filename) is not None for i in z.infolist())      # kept on the fast path
    assert _same_row_both_ways(path, zipfile_only) == {**batch.check(EXAMPLE_XLSX), "file": str(path)}


def test_an_encrypted_flag_is_zipfiles_to_judge(tmp_path, zipfile_only):
    data = _example()
    flag = bytes([data[_members(data)[STYLES][0] + 6] | 1])
    path = _write(tmp_path, _patched(data, STYLES, {6: flag}, {8: flag}))
    with container.Unzipped(path.read_bytes()) as z:
        assert z.head(STYLES) is None and z.whole(STYLES) is None
        with pytest.raises(RuntimeError, match="encrypted"):
            z.read(STYLES)                             # zipfile's own words
    assert _same_row_both_ways(path, zipfile_only)["error"] is not None


@pytest.mark.parametrize("part", [THEME, SMALL, STYLES, "xl/worksheets/sheet3.xml"])
def test_a_bad_crc(tmp_path, part, zipfile_only):
    """A wrong CRC: caught where zipfile reads to a part's end (a small part's prolog read, the reader's read of a
    sheet), unseen where zipfile reads only a head (the theme) — the same row either way."""
    data = _example()
    lh, cd = _members(data)[part]
    crc = struct.pack("<L", struct.unpack("<L", data[cd + 16: cd + 20])[0] ^ 1)
    path = _write(tmp_path, _patched(data, part, {14: crc}, {16: crc}))
    row = _same_row_both_ways(path, zipfile_only)
    if part == THEME:
        assert row["error"] is None
    else:
        assert row["error"] is not None
    if part == SMALL:
        assert row["error"]["code"] == "input.corrupt"


def test_a_damaged_stream_in_a_part_read_only_for_its_prolog(tmp_path, zipfile_only):
    """Bytes past what the prolog read inflates are not looked at, by zipfile or here; bytes inside it are."""
    data = _example()
    lh, _ = _members(data)[THEME]
    name_len, extra_len = struct.unpack("<2H", data[lh + 26: lh + 30])
    start = lh + 30 + name_len + extra_len
    for at in (start + 1300, start + 3):
        buf = bytearray(data)
        buf[at] ^= 0xFF
        _same_row_both_ways(_write(tmp_path, bytes(buf), f"{at}.xlsx"), zipfile_only)


def test_a_local_name_that_differs_from_the_directory(tmp_path, zipfile_only):
    data = _example()
    path = _write(tmp_path, _patched(data, STYLES, {30 + len("xl/"): b"S"}, {}))
    with container.Unzipped(path.read_bytes()) as z:
        assert z.head(STYLES) is None
    row = _same_row_both_ways(path, zipfile_only)
    assert row["error"]["code"] == "input.corrupt"


def test_a_truncated_zip_and_a_member_past_the_end(tmp_path, zipfile_only):
    data = _example()
    lh, cd = _members(data)[THEME]
    far = struct.pack("<L", len(data) + 10)
    _same_row_both_ways(_write(tmp_path, _patched(data, THEME, {}, {42: far}), "far.xlsx"), zipfile_only)
    _same_row_both_ways(_write(tmp_path, data[: len(data) * 3 // 5], "cut.xlsx"), zipfile_only)


def test_a_part_that_does_not_compress_keeps_zipfiles_reading(tmp_path, zipfile_only):
    """The first 4 KB of noise need more than 4 KB of input: zipfile reads on in steps of its own; so does the
    check here (head is None), and a DTD after the noise is found as before."""
    noise = random.Random(7).randbytes(9000)
    for body, unsafe in ((b"<?xml version='1.0'?><!--" + noise.hex().encode() + b"--><a/>", False),
                         (b"<?xml version='1.0'?><!--" + noise + b"--><!DOCTYPE a><a/>", True)):
        buf = io.BytesIO()
        with zipfile.ZipFile(EXAMPLE_XLSX) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                zout.writestr(info.filename, zin.read(info.filename))
            zout.writestr("xl/noise.xml", body)
        path = _write(tmp_path, buf.getvalue(), f"{unsafe}.xlsx")
        row = _same_row_both_ways(path, zipfile_only)
        assert (row["error"] or {}).get("code") == ("input.unsafe_xml" if unsafe else None)


# --- members written by hand: a stream, sizes and CRC as no zip writer would put them --------------------------

def _handmade(members: list[tuple], descriptors: bool = False) -> bytes:
    """A zip of (name, member data as stored, method, declared size, declared CRC[, declared compressed size]),
    written field by field; `descriptors`: sizes and CRC in a data descriptor after the data, zeros before."""
    out, central = bytearray(), bytearray()
    for name, raw, method, size, crc, *packed in members:
        n = name.encode()
        sizes = (crc, packed[0] if packed else len(raw), size)
        fields = (20, 0x08 if descriptors else 0, method, 0, 0x21, *sizes, len(n), 0)
        local = (*fields[:5], 0, 0, 0, *fields[8:]) if descriptors else fields
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, len(out)) + n
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", *local) + n + raw
        if descriptors:
            out += struct.pack("<4s3L", b"PK\x07\x08", *sizes)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), len(out), 0)
    return bytes(out + central + end)


def _example_with(name: str, raw: bytes, method: int, size: int, crc: int, *packed: int) -> bytes:
    """The example's parts (deflated afresh), then one more member as given."""
    with zipfile.ZipFile(EXAMPLE_XLSX) as z:
        members = [(i.filename, _deflate(z.read(i.filename)), zipfile.ZIP_DEFLATED, i.file_size, i.CRC)
                   for i in z.infolist()]
    return _handmade(members + [(name, raw, method, size, crc, *packed)])


def _deflate(data: bytes) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


EXTRA = "xl/extra.xml"    # a part the reader never asks for: only the container's prolog read meets it
BODY = b"<?xml version='1.0'?><a>" + b"<b>text</b>" * 800 + b"</a>"


def test_the_handmade_zip_is_read_as_zipfile_reads_it(tmp_path, zipfile_only):
    data = _example_with(EXTRA, _deflate(BODY), zipfile.ZIP_DEFLATED, len(BODY), zlib.crc32(BODY))
    with container.Unzipped(data) as z:
        assert z.whole(EXTRA) == BODY
    assert _same_row_both_ways(_write(tmp_path, data), zipfile_only) == {**batch.check(EXAMPLE_XLSX),
                                                                          "file": str(tmp_path / "年报.xlsx")}


def _refused_both_ways(tmp_path, data: bytes, zipfile_only, code="input.corrupt") -> None:
    row = _same_row_both_ways(_write(tmp_path, data), zipfile_only)
    assert row["error"]["code"] == code, row["error"]


def test_a_stream_that_ends_at_the_4096th_byte_of_a_longer_part(tmp_path, zipfile_only):
    """zipfile's prolog read meets the stream's end, so checks the CRC (wrong here): the head is not taken."""
    body = BODY[:4096]
    _refused_both_ways(tmp_path, _example_with(EXTRA, _deflate(body), zipfile.ZIP_DEFLATED, 5000,
                                               zlib.crc32(body) ^ 1), zipfile_only)


def test_a_stream_cut_right_after_its_first_4096_bytes(tmp_path, zipfile_only):
    """All input spent on the head, the stream unfinished: zipfile is at the end of the member and checks the CRC."""
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    raw = c.compress(BODY[:4096]) + c.flush(zlib.Z_SYNC_FLUSH)
    _refused_both_ways(tmp_path, _example_with(EXTRA, raw, zipfile.ZIP_DEFLATED, len(BODY), zlib.crc32(BODY)),
                       zipfile_only)


def test_a_noise_part_with_a_wrong_crc(tmp_path, zipfile_only):
    """4 KB of noise take more than 4 KB of input: zipfile's prolog read goes on to the end (6 KB) and checks the
    CRC; a head inflated in one step would stop short of it."""
    body = b"<?xml version='1.0'?><a>" + random.Random(3).randbytes(6000) + b"</a>"
    _refused_both_ways(tmp_path, _example_with(EXTRA, _deflate(body), zipfile.ZIP_DEFLATED, len(body),
                                               zlib.crc32(body) ^ 1), zipfile_only)


def test_a_stored_member_said_to_run_past_the_end_of_the_file(tmp_path, zipfile_only):
    body = b"<a/>"
    _refused_both_ways(tmp_path, _example_with(EXTRA, body, zipfile.ZIP_STORED, 1_000_000, zlib.crc32(body),
                                               1_000_000), zipfile_only)


def test_a_short_stored_member_said_to_be_longer(tmp_path, zipfile_only):
    """Stored, 100 bytes, said to be 5000 (and a wrong CRC): zipfile's prolog read ends at the member's end."""
    body = b"<a>" + b"x" * 93 + b"</a>"
    _refused_both_ways(tmp_path, _example_with(EXTRA, body, zipfile.ZIP_STORED, 5000, zlib.crc32(body) ^ 1),
                       zipfile_only)


def test_a_local_header_without_its_signature(tmp_path, zipfile_only):
    _refused_both_ways(tmp_path, _patched(_example(), THEME, {3: b"\x05"}, {}), zipfile_only)


def test_a_declared_size_one_byte_short(tmp_path, zipfile_only):
    """zipfile gives the declared size and checks the CRC of that: the whole stream's CRC does not pass it."""
    _refused_both_ways(tmp_path, _example_with("docProps/extra.xml", _deflate(b"<a>x</a>"), zipfile.ZIP_DEFLATED,
                                               7, zlib.crc32(b"<a>x</a>")), zipfile_only)


# --- the property: whatever the bytes, a part cut here is the part zipfile gives, without a word -------------

def _zipfile_read(data: bytes, name: str, n: int | None):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z, zipfile.ZipFile.open(z, name) as fh:
            return fh.read(n) if n else fh.read()
    except Exception as e:  # noqa: BLE001 — any error is an outcome to compare
        return type(e)


def _damaged(rng: random.Random, data: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(buf))
        buf[at] = rng.randrange(256)
    return bytes(buf)


@pytest.mark.slow
def test_fast_parts_are_zipfiles_parts_under_random_damage():
    rng = random.Random(11)
    data = _example()
    cut = fast = 0
    for _ in range(400):
        bad = _damaged(rng, data)
        try:
            z = container.Unzipped(bad)
        except Exception:  # noqa: BLE001 — a directory zipfile refuses is zipfile's, before any part
            continue
        with z:
            names = [i.filename for i in z.infolist()]
            for name in rng.sample(names, 4):
                head = z.head(name)
                whole = z.whole(name)               # after the head: inflation goes on from there
                cut += 1
                if head is not None:
                    fast += 1
                    assert head == _zipfile_read(bad, name, container.PROLOG_FIRST)
                if whole is not None:
                    assert whole == _zipfile_read(bad, name, None)
                    assert zlib.crc32(whole) == z.getinfo(name).CRC
    assert fast > cut // 2        # most damage misses a given part: the fast path was exercised, not skipped


# --- parts met before: the cache of inflated members, keyed on their bytes ---------------------------------

def test_a_part_met_before_is_served_from_its_bytes_and_only_from_them(tmp_path, monkeypatch, zipfile_only):
    monkeypatch.setattr(container, "_KNOWN", container.OrderedDict())
    monkeypatch.setattr(container, "_known_size", [0])
    body = BODY.replace(b"text", b"TEXT")[:3000]        # read to its end by the prolog check
    good = _example_with(EXTRA, _deflate(body), zipfile.ZIP_DEFLATED, len(body), zlib.crc32(body))
    with container.Unzipped(good) as z:
        assert z.whole(EXTRA) == body
    key = (zlib.crc32(body), len(body), zipfile.ZIP_DEFLATED)
    assert container._KNOWN[key][1] == body
    with container.Unzipped(good) as z:                        # the same bytes again: the very same part
        assert z.head(EXTRA) == body[:container.PROLOG_FIRST] and z.whole(EXTRA) is container._KNOWN[key][1]
    # other bytes declaring the same size and CRC (a damaged copy): not the part met before; zipfile judges
    raw = bytearray(_deflate(body))
    raw[len(raw) // 2] ^= 0x10
    bad = _example_with(EXTRA, bytes(raw), zipfile.ZIP_DEFLATED, len(body), zlib.crc32(body))
    with container.Unzipped(bad) as z:
        assert z.whole(EXTRA) is None
    assert _same_row_both_ways(_write(tmp_path, bad), zipfile_only)["error"]      # zipfile's words, as before


def test_the_cache_is_bounded_in_bytes_least_recently_used_out(monkeypatch):
    monkeypatch.setattr(container, "_KNOWN", container.OrderedDict())
    monkeypatch.setattr(container, "_known_size", [0])
    monkeypatch.setattr(container, "_KNOWN_MAX", 3 * (6000 + container._KNOWN_ENTRY))   # stored: kept once
    parts = [bytes([65 + i]) * 6000 for i in range(5)]
    zips = [_example_with(EXTRA, p, zipfile.ZIP_STORED, len(p), zlib.crc32(p)) for p in parts]
    for data in zips[:3] + zips[:1] + zips[3:]:               # the first used again: the second goes first
        with container.Unzipped(data) as z:
            z.whole(EXTRA)
    kept = {got[:1] for _, got in container._KNOWN.values() if len(got) == 6000}
    assert kept == {b"A", b"D", b"E"} and container._known_size[0] <= container._KNOWN_MAX


def test_two_encodings_of_one_part_take_one_place(monkeypatch):
    """Deflated at two levels: the same size and CRC, other bytes; the later replaces the earlier, counted once."""
    monkeypatch.setattr(container, "_KNOWN", container.OrderedDict())
    monkeypatch.setattr(container, "_known_size", [0])
    for level in (9, 1):
        c = zlib.compressobj(level, zlib.DEFLATED, -15)
        raw = c.compress(BODY) + c.flush()
        with container.Unzipped(_example_with(EXTRA, raw, zipfile.ZIP_DEFLATED, len(BODY), zlib.crc32(BODY))) as z:
            assert z.whole(EXTRA) == BODY
    assert len(container._KNOWN) == 1 and container._KNOWN[(zlib.crc32(BODY), len(BODY), 8)][0] == raw
    assert container._known_size[0] == sum(container._entry_size(*v) for v in container._KNOWN.values())
