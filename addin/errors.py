"""Errors meant for staff: a Chinese message, a stable message id and an exit code — never a traceback."""
from __future__ import annotations


class UserError(Exception):
    """Input the tool cannot work with (exit 2) or a refused action; the message says what to do.

    `code` is a stable message id (e.g. "input.empty", "output.exists") for machines and for the
    bad-input corpus (docs/bad-input.md); the message is for people.
    """

    def __init__(self, message: str, exit_code: int = 2, code: str = "input.unreadable"):
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.code = code
