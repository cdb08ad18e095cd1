"""`python fashion_items.py reference`: the lecture's numbers as a measured range over seeds.

The lecture sets no seed, so what a student's run prints is one draw from a distribution. This
trains the lecture's model once per seed (SEED, SEED+1, ...), each as the default run in a process
of its own, and writes the expected file `grade` reads: the first seed's results.json plus a
`spread` section (per-seed values, min, max, mean and standard deviation).

Each finished seed is written at once (the run writes its results.json atomically), so an
interrupted or killed reference keeps what it finished and `--resume` goes on from there.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from fashion_tools import data as fashion_data
from fashion_tools import mistakes
from fashion_tools.atomic import atomic_write_text, make_folder
from fashion_tools.cli import add_scheduler, bounded, positive_int
from fashion_tools.errors import ToolError
from fashion_tools.machine import usable_cores
from fashion_tools.measure.seeds import SAME_OPTIONS, Seed, read_seed, train_all
from fashion_tools.measure.spread import build_reference, spread_table

TAKES_TRAINING_OPTIONS = True  # fashion_items.py adds --epochs, --seed, --data-dir, ... to this subcommand
MAX_SEEDS = 1000
MAX_SEED = 2**32 - 1
# How many seeds train side by side by default: one per core. Measured on a 2-core AMD EPYC (AVX2),
# 2 seeds of 2 epochs on the real data: 101 s one after the other, 82 s side by side (docs/reference.md).
CORES = usable_cores()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seeds", type=lambda t: bounded(t, int, 1, MAX_SEEDS), default=5,
                        help="how many seeds to train: --seed, --seed + 1, ...")
    parser.add_argument("--jobs", type=positive_int, default=None,
                        help=f"seeds trained side by side, the cores shared between them "
                             f"(default: one per core, at most --seeds; this machine: {CORES} cores)")
    parser.add_argument("--out", metavar="DIR", default="reference",
                        help="folder for reference.json (the expected file for grade), the seeds' own results, "
                             "models and logs (seeds/), and figures/spread.png")
    parser.add_argument("--resume", action="store_true",
                        help="keep the seeds a previous (interrupted) reference in --out finished; train the rest")
    add_scheduler(parser, "each seed as a task (each worker trains as many seeds at once as it has threads)")


def run(args: argparse.Namespace) -> int:
    args.epochs, args.batch_size = mistakes.apply_to_options(args.mistake, args.epochs, args.batch_size)
    seeds = seed_list(args.seed, args.seeds)
    files = data_files(args.data_dir, args.sample)
    data_dir = str(Path(files["train_images"]).resolve().parent)
    out = make_folder(args.out, "--out", "reference.json")
    seeds_dir = make_folder(out / "seeds", "--out", f"seed-{seeds[0]}.json")
    figures = None if args.no_figures else make_folder(out / "figures", "--out", "spread.png")
    runs = [Seed(s, seeds_dir) for s in seeds]
    finished = {r.seed: read_seed(r.results) for r in runs if r.results.exists()}
    if finished and not args.resume:
        raise ToolError(f"--out {out} already holds finished seeds ({', '.join(map(str, sorted(finished)))}); "
                        "pass --resume to keep them and train the rest, or choose another --out")
    digests = fashion_data.file_digests(files) if finished else {}
    for seed, results in finished.items():
        check_same_options(seed, results, args)
        check_same_data(seed, results, digests)
    todo = [r for r in runs if r.seed not in finished]
    if args.scheduler and args.jobs:
        raise ToolError("--jobs is for this machine; on a cluster each worker trains as many seeds at once as it "
                        "has threads (dask worker --nthreads)")
    if finished:
        print(f"Resuming: {len(finished)} of {len(runs)} seeds already finished "
              f"({', '.join(map(str, sorted(finished)))})")
    if args.scheduler and todo:
        from fashion_tools.measure.cluster.seeds import train_seeds

        train_seeds(args.scheduler, todo, args, files, done=len(finished), total=len(runs))
    else:
        jobs = min(args.jobs or CORES, max(len(todo), 1))
        print(f"Training {len(todo)} seed(s) of {len(runs)}, {jobs} at a time, {args.epochs} epochs each; "
              f"one line per finished seed (logs in {seeds_dir})", flush=True)
        train_all(todo, args, data_dir, jobs, done=len(finished), total=len(runs))
    results = [read_seed(r.results) for r in runs]
    reference = build_reference(results, seeds)
    path = out / "reference.json"
    atomic_write_text(path, json.dumps(reference, indent=1) + "\n")
    print()
    print(spread_table(reference["spread"]))
    print(f"\nSaved expected results: {path}  (python fashion_items.py grade --expected {path} LOG ...)")
    if figures is not None:
        from fashion_tools.figures import draw_spread

        print(f"Saved figure: {draw_spread(figures, reference['spread'])}")
    return 0


def seed_list(first: int, count: int) -> list[int]:
    if first + count - 1 > MAX_SEED:
        raise ToolError(f"--seed {first} with --seeds {count} goes past the largest seed, {MAX_SEED}; "
                        "choose a smaller --seed")
    return [first + i for i in range(count)]


def data_files(data_dir: str | None, sample: int) -> dict[str, Path]:
    """The four files every seed reads, checked once here; downloaded once if need be."""
    files = fashion_data.locate(data_dir)
    if files is None:
        files = fashion_data.download()
    count = fashion_data.check(files)["train"]
    if not 0 <= sample < count:
        raise ToolError(f"argument --sample: {sample} is outside the training set (0 to {count - 1})")
    return files

def check_same_options(seed: int, results: dict, args: argparse.Namespace) -> None:
    options = results["run"]["options"]
    for name in SAME_OPTIONS:
        if options.get(name) != getattr(args, name):
            flag = "--" + name.replace("_", "-")
            raise ToolError(f"seed {seed} in --out was trained with {flag} {options.get(name)}, this run asks for "
                            f"{getattr(args, name)}; use another --out, or the same options")


def check_same_data(seed: int, results: dict, digests: dict[str, str]) -> None:
    """A seed resumed must have trained on these very files: a reference of two data sets is no reference."""
    data = results["run"].get("data")
    data = data if isinstance(data, dict) else {}
    if data.get("sha256") != digests:
        raise ToolError(f"seed {seed} in --out was trained on other data files "
                        f"({data.get('source') or 'unknown'}) than this run's; "
                        "use another --out, or the same --data-dir")
