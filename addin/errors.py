"""Errors meant for staff: a Chinese message and an exit code, never a traceback."""
from __future__ import annotations


class UserError(Exception):
    """Input the tool cannot work with (exit 2) or a refused action; the message says what to do."""

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
