"""Points per check: from the command line ('model=3,accuracy=2') or a small TOML or JSON file, 1 by default.

A rubric file is TOML (read with the standard library's tomllib)

    [points]
    model = 3
    accuracy = 2

or the same in JSON: {"points": {"model": 3, "accuracy": 2}}. A top-level `one_penalty = true` makes one
mistake cost one check's points: where grade's diagnosis names a mistake that explains several failed checks
(5 epochs: training, accuracy and loss), only the first of them costs points (default: false).
"""

from __future__ import annotations

import json
import math
import tomllib
from collections.abc import Iterable
from pathlib import Path

from fashion_tools.errors import ToolError, first_line
from fashion_tools.grading.check.result import CHECKS

DEFAULT_POINTS = 1.0


def checked_points(check: str, value: object, where: str) -> float:
    """value as a check's points, or a ToolError naming what is wrong."""
    if check not in CHECKS:
        raise ToolError(f"{where}: unknown check {check!r}; the checks are {', '.join(CHECKS)}")
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise ToolError(f"{where}: {check} = {value!r} is not a number") from None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ToolError(f"{where}: {check} = {value!r} is not a number")
    if not math.isfinite(value) or value < 0:
        raise ToolError(f"{where}: {check} = {value} must be a finite number of points, 0 or more")
    return float(value)


def parse_points(text: str, where: str = "--points") -> dict[str, float]:
    """'model=3,accuracy=2' as {check: points}; an empty text gives {}."""
    points: dict[str, float] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        check, sep, value = (s.strip() for s in item.partition("="))
        if not sep or not check:
            raise ToolError(f"{where}: {item!r} is not CHECK=POINTS (for example model=3,accuracy=2)")
        if check in points:
            raise ToolError(f"{where}: {check} is given twice")
        points[check] = checked_points(check, value, where)
    return points


def load_rubric(path: str | Path) -> dict[str, float]:
    """The [points] table of a TOML file, or the "points" object of a .json file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ToolError(f"rubric {path}: cannot be read ({getattr(exc, 'strerror', None) or first_line(exc)})") \
            from None
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        kind = "JSON" if path.suffix.lower() == ".json" else "TOML"
        raise ToolError(f"rubric {path}: not valid {kind} ({first_line(exc)})") from None
    if not isinstance(data, dict) or not isinstance(data.get("points"), dict):
        raise ToolError(f"rubric {path}: no points table; write [points] then one CHECK = POINTS line per check")
    extra = sorted(set(data) - {"points", "one_penalty"})
    if extra:  # most likely a typo that would otherwise be ignored
        raise ToolError(f"rubric {path}: unknown key {extra[0]!r}; only a points table and one_penalty are read")
    if not isinstance(data.get("one_penalty", False), bool):
        raise ToolError(f"rubric {path}: one_penalty = {data['one_penalty']!r} is not true or false")
    return {check: checked_points(str(check), value, f"rubric {path}") for check, value in data["points"].items()}


def one_penalty(path: str | Path | None) -> bool:
    """Whether the rubric file says one_penalty = true (load_rubric has checked it)."""
    if path is None:
        return False
    text = Path(path).read_text(encoding="utf-8-sig")
    data = json.loads(text) if Path(path).suffix.lower() == ".json" else tomllib.loads(text)
    return data.get("one_penalty", False) is True


def points_for(checks: list[str], given: dict[str, float]) -> dict[str, float]:
    """Each check's points: the given ones, DEFAULT_POINTS for the others."""
    return {check: given.get(check, DEFAULT_POINTS) for check in checks}


def score(results: Iterable, points: dict[str, float], waived: Iterable[str] = ()) -> tuple[float, float]:
    """(earned, maximum) over results (objects with .check and .passed); a check without points is worth 1;
    a waived check's failure costs nothing (one mistake, one penalty)."""
    earned = maximum = 0.0
    waived = set(waived)
    for result in results:
        worth = points.get(result.check, DEFAULT_POINTS)
        maximum += worth
        earned += worth if result.passed or result.check in waived else 0.0
    return earned, maximum
