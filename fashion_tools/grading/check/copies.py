"""Submissions whose runs printed exactly the same numbers: a hint to look closer, not a proof of copying.

Training is random, so two runs agreeing on test loss, accuracy and F1 to the printed digits, and on their
training history, are rare; but a seeded run on the same machine reproduces them, and so does a
log handed in twice under two names. The teacher decides.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable


def groups_of_identical(items: dict[str, Hashable | None]) -> dict[str, list[str]]:
    """For each name, the sorted names of the others with the same key; a None key matches nothing."""
    by_key: dict[Hashable, list[str]] = {}
    for name, key in items.items():
        if key is not None:
            by_key.setdefault(key, []).append(name)
    return {name: sorted(other for other in by_key.get(key, []) if other != name) if key is not None else []
            for name, key in items.items()}


def run_key(log: object, history: Callable[[object], tuple | None] | None = None) -> tuple | None:
    """What identifies a run: its test loss, accuracy and F1, and its training history when history gives
    one; None when the log shows neither loss nor accuracy (nothing to compare)."""
    loss, accuracy = getattr(log, "loss", None), getattr(log, "accuracy", None)
    if loss is None and accuracy is None:
        return None
    return loss, accuracy, getattr(log, "f1", None), history(log) if history else None


def same_runs(logs: dict[str, object], history: Callable[[object], tuple | None] | None = None) \
        -> dict[str, list[str]]:
    """For each submission, the sorted names of the others whose run printed the same numbers (run_key)."""
    return groups_of_identical({name: run_key(log, history) for name, log in logs.items()})
