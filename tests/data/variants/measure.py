"""How many of the instructor's verdicts in a verdicts.json the grader gives, per split: the measure
issue 30 asks for. Grades every file with `fashion_items.py grade --json` against tests/data/expected.json
and counts a check right when its verdict is the instructor's (and, with --reasons, when its reason also
holds each key word, case aside).

    python tests/data/variants/measure.py                                   # this folder's verdicts.json
    python tests/data/variants/measure.py /work/heldout30/verdicts.json     # files beside that verdicts.json
    python tests/data/variants/measure.py --reasons --wrong                 # key words too; list what differs
"""

from __future__ import annotations

import argparse
import collections
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]


def grade(paths: list[Path]) -> dict[str, dict[str, tuple[str, str]]]:
    """Each file's checks as (verdict, reason), by the path as given."""
    out = subprocess.run([sys.executable, str(ROOT / "fashion_items.py"), "grade", "--expected",
                          str(ROOT / "tests/data/expected.json"), "--json", *map(str, paths)],
                         capture_output=True, text=True, cwd=ROOT)
    return {s["submission"]: {c["check"]: (c["verdict"], c["reason"]) for c in s["checks"]}
            for s in json.loads(out.stdout)["submissions"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("verdicts", nargs="?", type=Path, default=HERE / "verdicts.json")
    parser.add_argument("--reasons", action="store_true", help="a right verdict also needs its key words")
    parser.add_argument("--wrong", action="store_true", help="list each check that differs")
    args = parser.parse_args()
    files = json.loads(args.verdicts.read_text())["files"]
    base = args.verdicts.resolve().parent
    got = grade([base / name for name in files])
    right: collections.Counter = collections.Counter()
    total: collections.Counter = collections.Counter()
    for name, want in files.items():
        split = want.get("split", "held_out")
        checks = got[str(base / name)]
        for check, verdict in want["verdicts"].items():
            have, reason = checks.get(check, ("-", ""))
            words = want.get("reasons", {}).get(check, []) if args.reasons else []
            ok = have == verdict and all(w.lower() in reason.lower() for w in words)
            total[split] += 1
            right[split] += ok
            if not ok and args.wrong:
                print(f"{split:8} {name} {check}: instructor {verdict}, grader {have}: {reason[:120]}")
    for split in sorted(total):
        print(f"{split}: {right[split]}/{total[split]} verdicts right")


if __name__ == "__main__":
    main()
