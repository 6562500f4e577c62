"""Every malformed or hostile input of the corpus gets its exit code and its clear Chinese message.

The inputs are hashed around each run: no command may change a file it reads.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from addin.cli import build_parser, main
from addin.errors import UserError

from .badcorpus import CASES, inputs_of, markdown
from .helpers import ROOT


def digest(paths):
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case, tmp_path, capsys):
    args = case.build(tmp_path)
    before = digest(inputs_of(args))
    code = main(args)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "内部错误" not in err
    assert code == case.exit, (case.id, code, err[-500:])
    if case.exit == 2:
        assert err.strip(), "a refusal must say why"
        parsed = build_parser().parse_args(args)
        with pytest.raises(UserError) as e:
            parsed.run(parsed)
        assert e.value.code == case.expect[0], e.value.message
        assert case.said in e.value.message
        if not e.value.code.startswith(("args.", "addin.")):   # argument and platform refusals name no file
            stems = {Path(a).stem for a in args if "/" in a}
            assert any(st in e.value.message for st in stems), "the message names the file"
    else:
        report = json.loads(out)
        rules = {f["rule"] for f in report["findings"]}
        assert set(case.expect) <= rules, (case.id, rules)
    assert digest(inputs_of(args)) == before, "the input file was changed"


def test_corpus_has_at_least_50_cases_with_unique_ids():
    ids = [c.id for c in CASES]
    assert len(ids) >= 50 and len(ids) == len(set(ids))


def test_docs_table_is_current():
    committed = (ROOT / "docs" / "bad-input.md").read_text(encoding="utf-8")
    assert committed == markdown(), "run: python scripts/bad_input_doc.py"


def test_readme_states_the_limits_in_force():
    from addin.io import container, document

    readme = (ROOT / "README.md").read_text(encoding="utf-8").replace("\n", "")
    for phrase in (f"文件不超过 {container.MAX_FILE_BYTES // 2**20} MB", f"部件不超过 {container.MAX_ENTRIES} 个",
                   f"解压后合计不超过{container.MAX_UNCOMPRESSED // 2**20} MB", f"压缩比不超过 {container.MAX_RATIO}",
                   f"JSON 数据文档不超过 {document.MAX_JSON_BYTES // 2**20} MB", "docs/bad-input.md"):
        assert phrase in readme, phrase


def test_every_refusal_in_the_package_has_a_message_id():
    """UserError(…, code=…) everywhere: the corpus and `--json` rely on stable message ids."""
    import ast

    missing = []
    for path in (ROOT / "addin").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "UserError":
                if not any(k.arg == "code" for k in node.keywords):
                    missing.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not missing, missing


def test_the_xml_parser_is_the_second_wall(tmp_path, monkeypatch):
    """With the DOCTYPE pre-check switched off, the parser still neither expands entities nor reads files."""
    from addin.io import container, reader

    from .badcorpus import CASES

    monkeypatch.setattr(container, "_prolog_declares_dtd", lambda head: False)
    for case_id in ("billion-laughs", "external-entity"):
        d = tmp_path / case_id
        d.mkdir()
        path = Path(next(c for c in CASES if c.id == case_id).build(d)[1])
        try:
            r = reader.read(path)
        except UserError as e:                      # refused by defusedxml, or unreadable: fine either way
            assert e.code in ("input.unsafe_xml", "input.corrupt"), e.code
            continue
        text = json.dumps(r.document, ensure_ascii=False)
        assert "lollollol" not in text and "root:" not in text    # nothing expanded, /etc/passwd not read


def test_schema_errors_are_translated_not_leaked_in_english(tmp_path):
    """jsonschema's English ('is not of type', 'Additional properties', 'is a required property') never reaches staff."""
    from .badcorpus import CASES

    for case in [c for c in CASES if c.id.startswith("json-") and c.expect == ["json.schema"]]:
        d = tmp_path / case.id
        d.mkdir()
        parsed = build_parser().parse_args(case.build(d))
        with pytest.raises(UserError) as e:
            parsed.run(parsed)
        for english in ("is not", "property", "properties", "Additional", "required", "expected"):
            assert english not in e.value.message, (case.id, e.value.message)
