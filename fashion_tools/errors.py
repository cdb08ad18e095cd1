"""One exception type for every problem the user can fix: main() prints it as one line."""

from __future__ import annotations


class ToolError(Exception):
    """A problem with the user's input or environment, reported without a traceback."""

    def __init__(self, message: str, exit_status: int = 2) -> None:
        super().__init__(message)
        self.exit_status = exit_status

    def __reduce__(self):  # pickled whole, exit status included: a cluster's worker raises it to the client
        return type(self), (str(self), self.exit_status)


def first_line(exc: BaseException) -> str:
    """An exception's message cut to its first line, or its type's name when it has none: how a
    library's error is quoted inside one of our lines."""
    return (str(exc).splitlines() or [type(exc).__name__])[0]
