"""A reference's spread: each seed's numbers summed up (min, max, mean, standard deviation), and its table."""

from __future__ import annotations

import statistics
from typing import Any

from fashion_tools.machine import device_name


def summary(values: list[float]) -> dict[str, Any]:
    return {"values": values, "min": min(values), "max": max(values), "mean": statistics.fmean(values),
            "std": statistics.stdev(values) if len(values) > 1 else 0.0}


def build_reference(results: list[dict], seeds: list[int]) -> dict[str, Any]:
    """The first seed's results.json, with the spread of every seed's numbers added."""
    first = results[0]
    epochs = len(first["training"]["loss"])
    spread = {
        "seeds": seeds,
        "test_accuracy": summary([r["test"]["accuracy"] for r in results]),
        "test_loss": summary([r["test"]["loss"] for r in results]),
        "f1_micro": summary([r["test"]["f1_micro"] for r in results]),
        "training": {key: [summary([r["training"][key][e] for r in results]) for e in range(epochs)]
                     for key in ("loss", "accuracy")},
        "machine": first["run"].get("machine"),
        "machines": [ran_on(r) for r in results],
        "versions": first["run"].get("versions"),
        "seconds_per_seed": summary([r["timings"]["total"] for r in results]),
    }
    return {**first, "spread": spread}


def ran_on(results: dict) -> dict[str, Any]:
    """Where one seed trained: its device line's words, and the cluster worker's host (None: the machine
    that ran reference)."""
    run = results["run"]
    return {"seed": run["seed"], "device": device_name(run.get("machine") or {}),
            "host": (run.get("worker") or {}).get("host")}


TABLE_COLUMNS = (("test_accuracy", "test acc", 8), ("test_loss", "test loss", 9), ("f1_micro", "F1", 6))


def spread_table(spread: dict) -> str:
    """One row per seed, then min / mean / max and the standard deviation."""
    last_epoch = spread["training"]["accuracy"][-1] if spread["training"]["accuracy"] else None

    def row(label: str, pick, tail: str | None = None) -> str:
        cells = [f"{pick(spread[key]):>{width}.4f}" for key, _, width in TABLE_COLUMNS]
        train = f"{pick(last_epoch):>9.4f}" if last_epoch else f"{'-':>9}"
        return "  ".join([f"{label:>12}", *cells, tail or train])

    n = len(spread["seeds"])
    return "\n".join([
        "  ".join([f"{'seed':>12}", *(f"{head:>{width}}" for _, head, width in TABLE_COLUMNS), f"{'train acc':>9}"]),
        *(row(str(seed), lambda stats, i=i: stats["values"][i]) for i, seed in enumerate(spread["seeds"])),
        *(row(stat, lambda stats, stat=stat: stats[stat]) for stat in ("min", "mean", "max")),
        row("std", lambda stats: stats["std"], f"({n} seed{'s' if n != 1 else ''}; train acc: the last epoch)"),
        *machines_note(spread.get("machines") or []),
    ])


def machines_note(machines: list[dict]) -> list[str]:
    """Seeds trained on more than one kind of machine (a cluster's): which on which. Their last digits
    differ, and that is part of the range students get, on their own machines."""
    seeds: dict[str, list[str]] = {}
    for m in machines:
        seeds.setdefault(m["device"], []).append(str(m["seed"]))
    if len(seeds) < 2:
        return []
    return [f"the seeds trained on {len(seeds)} kinds of machine, and the range is theirs together, as students' "
            "machines differ too:",
            *(f"  {device}: seed{'s' * (len(listed) > 1)} {', '.join(listed)}" for device, listed in seeds.items())]
