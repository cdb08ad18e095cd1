"""Python source handed in: never run, never graded as output; what a student pasted into it (a
docstring or # comments holding the run's output) is read as that output.

The source is cut into tokens by the standard library's tokenize, a lexer: nothing is imported,
compiled or run. Only string literals of several lines and runs of comment lines are kept.
"""

from __future__ import annotations

import io
import re
import tokenize

from fashion_tools.grading.readers import Reading

SOURCE_SUFFIXES = (".py",)
SOURCE_PROBLEM = ("this is Python source code, not the output of running it: run the script and hand in what it "
                  "prints (python lab.py > output.txt), or the notebook saved after running all its cells")
# Lines only source code starts with: imports, definitions, the lecture's model-building calls.
CODE_LINE = re.compile(r"^(?:import [\w.]+|from [\w.]+ import |def \w+\(|class \w+|model\.(?:add|compile|fit)\()",
                       re.MULTILINE)
MIN_CODE_LINES = 5
MIN_PASTED_LINES = 3  # a short comment or docstring is the author's words, not output
# A line of output a student pasted alone ('# Test accuracy: 0.911'), not the author's words
OUTPUT_LINE = re.compile(r"^[ ]*[^\n()=:]{1,60}?[ ]*[:=][ \t]*[-+]?\d")
STRING_PREFIX = re.compile(r"^[rRuUbBfF]{0,2}('''|\"\"\")")


def looks_like_source(text: str) -> bool:
    """True when the text reads as a Python script: several lines that only source code starts with."""
    count = 0
    for _ in CODE_LINE.finditer(text):
        count += 1
        if count >= MIN_CODE_LINES:
            return True
    return False


def pasted_blocks(text: str) -> list[tuple[str, str]]:
    """(how it was pasted, its text) for each triple-quoted string and each run of comment lines of
    several lines, in the file's order. A file the lexer cannot finish yields what came before."""
    blocks: list[tuple[str, str]] = []
    comments: list[str] = []
    last_comment_row = 0

    def flush() -> None:
        lines = sum(bool(line.strip()) for line in comments)
        if lines >= MIN_PASTED_LINES or lines and any(OUTPUT_LINE.match(line) for line in comments):
            blocks.append(("comments", "\n".join(comments) + "\n"))
        comments.clear()

    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                if comments:  # blank lines inside a run of comments are the output's own (an editor's Ctrl+/)
                    comments.extend([""] * (token.start[0] - last_comment_row - 1))
                body = token.string[1:]
                comments.append(body[1:] if body.startswith(" ") else body)
                last_comment_row = token.start[0]
            elif token.type == tokenize.STRING:
                m = STRING_PREFIX.match(token.string)
                if m and token.string.count("\n") >= MIN_PASTED_LINES:
                    flush()
                    blocks.append(("a docstring", token.string[m.end():-3]))
            elif token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
                flush()
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass  # an unfinished string or bracket: keep the blocks read so far
    flush()
    return blocks


def read_source(text: str) -> Reading:
    """The output pasted into the source, or the source problem when there is none."""
    blocks = pasted_blocks(text)
    if not blocks:
        return Reading(None, "Python source", problem=SOURCE_PROBLEM)
    size: dict[str, int] = {}
    for kind, body in blocks:
        size[kind] = size.get(kind, 0) + len(body)
    most = max(size, key=size.__getitem__)  # the script's own comments are short beside the pasted output
    return Reading("".join(body for _, body in blocks), "Python source",
                   note=f"output pasted into the source as {most}; graded from what was pasted")
