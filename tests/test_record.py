"""The format's value classes without @dataclass: equal by value, hashable unless mutable, readable repr."""
from __future__ import annotations

import pytest

from addin.format import fmt, layout


def test_records_compare_and_hash_by_value_leaving_out_uncompared_fields():
    a = fmt.Rule("B1", "balance", "错误", "t", "s", "e", {"lhs": 1})
    same_but_spec = fmt.Rule("B1", "balance", "错误", "t", "s", "e", {"lhs": 2})
    other = fmt.Rule("B2", "balance", "错误", "t", "s", "e", {"lhs": 1})
    assert a == same_but_spec and hash(a) == hash(same_but_spec)      # spec: compare=False, hash=False as before
    assert a != other and {a, same_but_spec, other} == {a, other}
    assert fmt.Row("R01", ("x",)) != fmt.Column("R01", ("x",))        # another class is never equal


def test_mutable_records_are_equal_by_value_and_never_hashed():
    box = layout.TextBlock("other", "其他", 4, 5, 6, 10)
    assert box == layout.TextBlock("other", "其他", 4, 5, 6, 10, col=1)
    box.last_row = 11
    assert box != layout.TextBlock("other", "其他", 4, 5, 6, 10)
    with pytest.raises(TypeError):
        hash(box)


def test_repr_names_every_field_in_order():
    assert repr(fmt.Column("C1", ("自然人",))) == "Column(id='C1', path=('自然人',))"


def test_the_loaded_format_is_whole():
    f = fmt.load()
    cell = f.cells["t3.R01.C1"]
    assert cell.table.id == "t3" and cell.row.id == "R01" and cell.column.id == "C1"
    assert f.cells["t3.R01.C1"] == f.tables[[t.id for t in f.tables].index("t3")].cells()[0]
    assert layout.load().address("t3.R01.C1") == "表三!D7"
