"""The top-level handlers of cli.main (issue 14): Ctrl-C (130), a closed pipe (141), an internal error
(exit 3 with a Chinese message, or the traceback with --debug). The fuzz tests rely on exit 3."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from addin import cli
from addin.checks import validator

from .helpers import EXAMPLE_XLSX, ROOT


def _raise(exc):
    def boom(*a, **k):
        raise exc
    return boom


def test_ctrl_c_exits_130_with_a_chinese_line(monkeypatch, capsys):
    monkeypatch.setattr(validator, "validate", _raise(KeyboardInterrupt()))
    assert cli.main(["validate", str(EXAMPLE_XLSX)]) == 130
    err = capsys.readouterr().err
    assert err.strip() == "已中断。"


def test_an_internal_error_exits_3_without_a_traceback(monkeypatch, capsys):
    monkeypatch.setattr(validator, "validate", _raise(RuntimeError("坏了")))
    assert cli.main(["validate", str(EXAMPLE_XLSX)]) == cli.EXIT_INTERNAL == 3
    err = capsys.readouterr().err
    assert "内部错误（RuntimeError）：坏了" in err and "--debug" in err and "输入文件没有被修改" in err
    assert "Traceback" not in err


def test_debug_shows_the_internal_error(monkeypatch):
    monkeypatch.setattr(validator, "validate", _raise(RuntimeError("坏了")))
    with pytest.raises(RuntimeError, match="坏了"):
        cli.main(["--debug", "validate", str(EXAMPLE_XLSX)])


def test_no_command_prints_help_and_exits_2(capsys):
    assert cli.main([]) == 2
    assert capsys.readouterr().out.startswith("用法：nianbao")


def test_a_closed_pipe_exits_141_quietly():
    """`nianbao validate … | head`: the reader leaves before we print; no traceback, no 'Exception ignored'."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    p = subprocess.Popen([sys.executable, "-c", "import sys; from addin.cli import main; sys.exit(main(sys.argv[1:]))",
                          "validate", str(EXAMPLE_XLSX)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    p.stdout.close()                          # nobody reads: the first flush raises BrokenPipeError
    err = p.stderr.read().decode("utf-8", "replace")
    assert p.wait(timeout=300) == 141, err
    assert "Traceback" not in err and "Exception ignored" not in err
