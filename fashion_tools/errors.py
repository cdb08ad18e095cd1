"""One exception type for every problem the user can fix: main() prints it as one line."""

from __future__ import annotations


class ToolError(Exception):
    """A problem with the user's input or environment, reported without a traceback."""

    def __init__(self, message: str, exit_status: int = 2) -> None:
        super().__init__(message)
        self.exit_status = exit_status
