#!/usr/bin/env python3
"""The cluster on one machine: `reference` and `grade` locally and through `--scheduler`.

Starts `dask scheduler` and two `dask worker` processes on 127.0.0.1 with docs/cluster.md's commands
(tests/doc_cluster.py; `dask worker` gives each one thread per core), then times, one after the other:
`reference --seeds S --epochs E` locally with `--jobs 2` and on the two workers; `grade` of N folders
(each a seed's log and model) locally and on the workers; and `grade` of a class of C students who each
handed in three screenshots (the end of the run, tests/data/real/screens/dark_11's last three), locally
(one picture after the other, as grade reads) and on the workers. Both sides use the same cores, so the
ratio is the cluster's cost, or for the pictures the cores grade leaves idle locally, not a cluster's
gain (benchmarks/README.md).

    python benchmarks/cluster.py                       # 4 seeds of 2 epochs, 100 models, 10 students
    python benchmarks/cluster.py --parts pictures --students 8
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
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from doc_cluster import cluster_from_docs  # noqa: E402

from fashion_tools.machine import cpu_record, this_cpu  # noqa: E402

TOOL = ROOT / "fashion_items.py"


def timed(args: list[str], cwd: Path, stdout: Path | None = None) -> float:
    """Seconds of `python fashion_items.py ARGS`, start to exit (its output kept in stdout); its failure
    ends the benchmark."""
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, str(TOOL), *args], cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode not in ((0, 1, 3) if args[0] == "grade" else (0,)):  # grade's 1 and 3: graded all the same
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


SHOTS = [ROOT / "tests" / "data" / "real" / "screens" / "dark_11" / f"shot_{n}.png" for n in (5, 6, 7)]
EXPECTED = ROOT / "tests" / "data" / "expected.json"


def screenshot_class(count: int, into: Path) -> list[str]:
    """count students, each with the same three screenshots of the run's end."""
    folders = []
    for i in range(count):
        folder = into / f"student-{i:04d}"
        folder.mkdir(parents=True)
        for shot in SHOTS:
            shutil.copy(shot, folder / shot.name)
        folders.append(str(folder))
    return folders


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--models", type=int, default=100)
    parser.add_argument("--students", type=int, default=10, help="the class of screenshots: students")
    parser.add_argument("--parts", nargs="+", choices=("reference", "grade", "pictures"),
                        default=["reference", "grade", "pictures"])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--json", metavar="PATH", help="also write the numbers as JSON")
    args = parser.parse_args()
    data = ["--data-dir", args.data_dir] if args.data_dir else []
    reference = ["reference", "--seeds", str(args.seeds), "--epochs", str(args.epochs), "--no-figures", *data]
    times, same = {}, {}
    with tempfile.TemporaryDirectory(prefix="cluster-bench-") as tmp:
        work = Path(tmp)
        with cluster_from_docs(work / "cluster") as (address, _):
            if {"reference", "grade"} & set(args.parts):
                times["reference local"] = timed([*reference, "--jobs", "2", "--out", str(work / "local")], work)
            if "reference" in args.parts:
                times["reference cluster"] = timed([*reference, "--scheduler", address, "--out",
                                                    str(work / "remote")], work)
                same["reference"] = measured(work / "local" / "reference.json") \
                    == measured(work / "remote" / "reference.json")
            if "grade" in args.parts:
                seeds = json.loads((work / "local" / "reference.json").read_text())["spread"]["seeds"]
                folders = model_folders(work / "local", args.models, seeds, work / "class")
                grade = ["grade", "--expected", str(work / "local" / "reference.json"), *data, "--json", *folders]
                times["grade local"] = timed(grade, work, work / "local.json")
                times["grade cluster"] = timed([*grade, "--scheduler", address], work, work / "cluster.json")
                same["grade"] = (work / "local.json").read_text() == (work / "cluster.json").read_text()
            if "pictures" in args.parts:
                folders = screenshot_class(args.students, work / "screens")
                grade = ["grade", "--expected", str(EXPECTED), "--json", *folders]
                times["pictures local"] = timed(grade, work, work / "pictures-local.json")
                times["pictures cluster"] = timed([*grade, "--scheduler", address], work,
                                                  work / "pictures-cluster.json")
                same["pictures"] = (work / "pictures-local.json").read_text() \
                    == (work / "pictures-cluster.json").read_text()
    cpu = cpu_record(this_cpu())
    print(f"CPU: {cpu['cpu']}, {cpu['cores']} cores, {cpu['vector']}; 2 workers as `dask worker` starts them, "
          "on this machine")
    for what in (part for part in ("reference", "grade", "pictures") if f"{part} cluster" in times):
        local, remote = times[f"{what} local"], times[f"{what} cluster"]
        print(f"{what:>9}: local {local:7.1f} s, cluster {remote:7.1f} s, cluster/local {remote / local:.2f}, "
              f"the same {'numbers' if what == 'reference' else 'report'}: {'yes' if same[what] else 'NO'}")
    if args.json:
        Path(args.json).write_text(json.dumps({"cpu": cpu, "options": vars(args), "seconds": times, "same": same},
                                              indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
