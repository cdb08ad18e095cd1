"""Python source handed in instead of what it printed: recognised, never graded as output, never run."""

from __future__ import annotations

import re

SOURCE_SUFFIXES = (".py",)
SOURCE_PROBLEM = ("this is Python source code, not the output of running it: run the script and hand in what it "
                  "prints (python lab.py > output.txt), or the notebook saved after running all its cells")
# Lines only source code starts with: imports, definitions, the lecture's model-building calls.
CODE_LINE = re.compile(r"^(?:import [\w.]+|from [\w.]+ import |def \w+\(|class \w+|model\.(?:add|compile|fit)\()",
                       re.MULTILINE)
MIN_CODE_LINES = 5


def looks_like_source(text: str) -> bool:
    """True when the text reads as a Python script: several lines that only source code starts with."""
    count = 0
    for _ in CODE_LINE.finditer(text):
        count += 1
        if count >= MIN_CODE_LINES:
            return True
    return False
