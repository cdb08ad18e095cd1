#!/usr/bin/env python3
"""The cluster's overhead on one machine: `reference` and `grade` locally and through `--scheduler`.

Starts `dask scheduler` and two `dask worker` processes (one thread each) on 127.0.0.1, then times, in
one invocation and one after the other: `reference --seeds S --epochs E` locally with `--jobs 2` and
on the two workers; and `grade` of N folders (each a seed's log and model) locally and on the workers.
Both sides use the same cores, so the ratio is the cluster's cost, not its gain (benchmarks/README.md).

    python benchmarks/cluster.py                       # 4 seeds of 2 epochs, 100 models, real data
    python benchmarks/cluster.py --seeds 2 --epochs 1 --models 10 --data-dir DIR
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fashion_tools.cluster import cluster_here  # noqa: E402
from fashion_tools.machine import cpu_record, this_cpu  # noqa: E402

TOOL = ROOT / "fashion_items.py"


def timed(args: list[str], cwd: Path, stdout: Path | None = None) -> float:
    """Seconds of `python fashion_items.py ARGS`, start to exit (its output kept in stdout); its failure
    ends the benchmark."""
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, str(TOOL), *args], cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode not in (0, 1):  # grade's 1: some check failed, still graded
        sys.exit(f"{' '.join(args[:1])} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    if stdout is not None:
        stdout.write_text(proc.stdout)
    return seconds


def measured(path: Path) -> dict:
    """What a reference measured, without its times and without where each seed ran."""
    ref = json.loads(path.read_text())
    return {"spread": {k: v for k, v in ref["spread"].items() if k not in ("seconds_per_seed", "machines")},
            **{key: ref[key] for key in ("test", "training", "prediction")}}


def model_folders(reference: Path, count: int, seeds: list[int], into: Path) -> list[str]:
    """count submissions, each a seed's console log and model, the seeds in turn."""
    folders = []
    for i in range(count):
        seed, folder = seeds[i % len(seeds)], into / f"student-{i:04d}"
        folder.mkdir(parents=True)
        shutil.copy(reference / "seeds" / f"seed-{seed}.log", folder / "console.txt")
        shutil.copy(reference / "seeds" / f"seed-{seed}.h5", folder / "after.h5")
        folders.append(str(folder))
    return folders


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--models", type=int, default=100)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--json", metavar="PATH", help="also write the numbers as JSON")
    args = parser.parse_args()
    data = ["--data-dir", args.data_dir] if args.data_dir else []
    reference = ["reference", "--seeds", str(args.seeds), "--epochs", str(args.epochs), "--no-figures", *data]
    times = {}
    with tempfile.TemporaryDirectory(prefix="cluster-bench-") as tmp:
        work = Path(tmp)
        with cluster_here(work / "cluster") as (address, _):
            times["reference local"] = timed([*reference, "--jobs", "2", "--out", str(work / "local")], work)
            times["reference cluster"] = timed([*reference, "--scheduler", address, "--out", str(work / "remote")],
                                               work)
            seeds = json.loads((work / "local" / "reference.json").read_text())["spread"]["seeds"]
            folders = model_folders(work / "local", args.models, seeds, work / "class")
            grade = ["grade", "--expected", str(work / "local" / "reference.json"), *data, "--json", *folders]
            times["grade local"] = timed(grade, work, work / "local.json")
            times["grade cluster"] = timed([*grade, "--scheduler", address], work, work / "cluster.json")
            same = {"reference": measured(work / "local" / "reference.json")
                    == measured(work / "remote" / "reference.json"),
                    "grade": (work / "local.json").read_text() == (work / "cluster.json").read_text()}
    cpu = cpu_record(this_cpu())
    print(f"CPU: {cpu['cpu']}, {cpu['cores']} cores, {cpu['vector']}; 2 workers x 1 thread on this machine")
    for what in ("reference", "grade"):
        local, remote = times[f"{what} local"], times[f"{what} cluster"]
        print(f"{what:>9}: local {local:7.1f} s, cluster {remote:7.1f} s, cluster/local {remote / local:.2f}, "
              f"the same {'numbers' if what == 'reference' else 'report'}: {'yes' if same[what] else 'NO'}")
    if args.json:
        Path(args.json).write_text(json.dumps({"cpu": cpu, "options": vars(args), "seconds": times, "same": same},
                                              indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
