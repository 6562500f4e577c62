"""Write docs/bad-input.md from the corpus in tests/badcorpus.py."""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.badcorpus import markdown  # noqa: E402

(ROOT / "docs" / "bad-input.md").write_text(markdown(), encoding="utf-8")
print("docs/bad-input.md written")
