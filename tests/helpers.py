"""Test helpers (plain functions and paths); fixtures live in conftest.py. Import as `from .helpers import …`."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_JSON = ROOT / "examples" / "zhongwei-ports-office-2022.json"
EXAMPLE_XLSX = ROOT / "examples" / "zhongwei-ports-office-2022.xlsx"


def shared_dir() -> Path:
    env = os.environ.get("NIANBAO_SHARED")
    return Path(env) if env else ROOT.parent / "shared"


def balanced_doc(doc: dict) -> dict:
    """The example with non-zero, balanced figures in 表三 and 表四 (for rules that need numbers)."""
    c = doc["cells"]
    # 自然人: 10 new + 2 carried = 7 open + 2 partial + 1 其他处理3 (=10 总计) + 2 next year
    # 商业企业: 3 new = 1 open + 1 不掌握 + 1 重复申请 (=3 总计)
    rows = {"R01": (10, 3), "R02": (2, 0), "R03": (7, 1), "R04": (2, 0), "R13": (0, 1), "R17": (0, 1),
            "R23": (1, 0), "R24": (10, 3), "R25": (2, 0)}
    for r, (c1, c2) in rows.items():
        c[f"t3.{r}.C1"], c[f"t3.{r}.C2"], c[f"t3.{r}.CT"] = c1, c2, c1 + c2
    for g, vals in {"review": (1, 1, 0, 1), "suit_direct": (1, 0, 0, 0), "suit_after": (0, 0, 1, 0)}.items():
        for k, v in zip(("upheld", "corrected", "other", "pending"), vals):
            c[f"t4.{g}.{k}"] = v
        c[f"t4.{g}.total"] = sum(vals)
    c["t2.normative.issued"], c["t2.normative.in_force"], c["t2.fees.amount"] = 3, 12, 1.2345
    # the example's narrative says "no applications, no cases": make it say what these tables hold (rules T*)
    for k, text in doc["texts"].items():
        doc["texts"][k] = (text.replace("未收到政府信息公开申请", "收到政府信息公开申请13件")
                           .replace("未发生因信息公开引起的行政复议申请、行政诉讼等情况", "发生行政复议3件、行政诉讼2件"))
    return doc
