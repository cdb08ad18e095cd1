"""benchmarks/pipelines.py: a real run of its four variants on the synthetic data, and its slow-epoch count.

Timings never pass or fail a test: these check that every variant trains and is reported, and that
the slow epochs are counted from the measured numbers.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conftest import load_script

SCRIPT = Path(__file__).parent.parent / "benchmarks" / "pipelines.py"
pipelines = load_script(SCRIPT)


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL)


def test_every_variant_trains_and_is_reported(synthetic_dir):
    result = run("--data-dir", str(synthetic_dir), "--images", "600", "--epochs", "2", "--repeat", "1")
    assert result.returncode == 0, result.stderr
    for name in pipelines.VARIANTS:
        # one counted epoch each (the first is not counted), three steps of 200 images
        assert re.search(rf"^{re.escape(name)} +[01] of 1 ", result.stdout, re.MULTILINE), result.stdout
        progress = re.search(rf"run 1/1 {re.escape(name)}: ([\d.]+)$", result.stderr, re.MULTILINE)
        assert progress and float(progress.group(1)) > 0


def test_slow_epochs_are_counted_against_the_runs_fastest():
    # the fastest epochs of the three runs are 10, 12 and 20 ms: their median 12, slow above 18
    text = pipelines.table({"a": [[10.0, 10.0, 30.0]], "b": [[12.0, 18.0], [20.0, 21.0]]})
    assert "over 18.0 ms a step" in text
    assert re.search(r"^a +1 of 3 +10\.0 \[10\.0-10\.0\] +30\.0 \[30\.0-30\.0\]$", text, re.MULTILINE)
    assert re.search(r"^b +2 of 4 +15\.0 \[12\.0-18\.0\] +20\.5 \[20\.0-21\.0\]$", text, re.MULTILINE)


def test_one_counted_epoch_at_least():
    result = run("--epochs", "1")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "pipelines.py: error: --epochs must be at least 2: the first epoch is not counted")
    assert "Traceback" not in result.stderr
