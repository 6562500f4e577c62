"""A base for the format's small value classes (a row, a cell, a rule, a label span): what @dataclass gave
them — equality, a hash, a readable repr — without it. @dataclass writes each class's methods as source text and
exec()s them (≈0.5 ms a class, a dozen classes on every start of the command), and importing it brings inspect."""
from __future__ import annotations


class Record:
    """Fields are the class's __slots__, in order (subclasses set them in __init__). `_uncompared` names fields
    left out of equality and the hash, as dataclasses' field(compare=False, hash=False)."""
    __slots__ = ()
    _uncompared: tuple[str, ...] = ()

    def _key(self) -> tuple:
        return tuple(getattr(self, n) for n in self.__slots__ if n not in self._uncompared)

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{n}={getattr(self, n)!r}' for n in self.__slots__)})"


class MutableRecord(Record):
    """A record whose fields change after it is made (a layout being built): equal by value, never hashed."""
    __slots__ = ()
    __hash__ = None
