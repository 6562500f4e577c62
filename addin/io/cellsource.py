"""The small cell-access protocol the reader's helpers, the marks and the live book share: what the shared code
needs to see of a workbook (an openpyxl file or the live xlwings book). A module of its own so that typing,
which Protocol needs, stays off the path of `nianbao validate`."""
from __future__ import annotations

from typing import Protocol


class CellSource(Protocol):
    def sheet_names(self) -> list[str]: ...

    def grid(self, sheet: str, max_rows: int | None = None, max_cols: int | None = None) -> list[list]:
        """Values from A1 to the last used cell (rows × columns, None for blank)."""
