"""The three severities of the rules, named once for code; their Chinese names and meanings are data
(schema/rules-*.json "severities", in order: the one that blocks, the one that needs an explanation, the one
that informs)."""
from __future__ import annotations

from addin.format import fmt as fmtmod

SEVERITIES: tuple[str, ...] = tuple(fmtmod.load().severities)
ERROR, EXPLAIN, INFO = SEVERITIES   # 错误 blocks export; 需说明 passes only when explained; 提示 informs
