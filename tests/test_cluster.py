"""`--scheduler`: `reference` and `grade` on a real Dask cluster give what they give locally.

A scheduler and two workers run on 127.0.0.1 for the whole module, started with exactly the commands
docs/cluster.md shows (tests/doc_cluster.py reads them from the page), without PYTHONPATH and in a folder
without the project: its code reaches them only as the client ships it. The seeds train 1 epoch on
2,000 real images; screenshots, and a Word report of one, are read on the workers. Faults are real
too: a worker killed while its seed trains or while it reads a picture, Ctrl-C on the client, a port
where no scheduler listens, a worker whose TensorFlow is another version.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT, TOOL, assert_clean_error, lambda_model, run_tool
from doc_cluster import cluster_from_docs, doc_commands, free_port, start, stop

pytest.importorskip("distributed", reason="the cluster tests need requirements-cluster.txt")
import psutil  # noqa: E402  (distributed's own dependency)

from fashion_tools.grading.readers.ocr.screen_ocr import tesseract_ready  # noqa: E402

SEEDS = ["--seeds", "2", "--seed", "7", "--epochs", "1", "--no-figures"]


def is_seed(process: psutil.Process) -> bool:
    try:
        return "--seed" in process.cmdline()
    except psutil.Error:  # it ended meanwhile
        return False


@dataclass
class Cluster:
    address: str
    client: object  # the test's own distributed.Client, to look at the workers
    folder: Path  # where the cluster's commands ran

    def worker_pids(self) -> dict[str, int]:
        return self.client.run(os.getpid)

    def training(self) -> dict[int, list[psutil.Process]]:
        """Each worker process's running seeds (its child processes)."""
        found = {}
        for pid in self.worker_pids().values():
            found[pid] = [p for p in psutil.Process(pid).children() if is_seed(p)]
        return found

    def tasks(self, prefix: str) -> list[str]:
        """The scheduler's tasks whose key starts with prefix."""
        keys = self.client.run_on_scheduler(lambda dask_scheduler: list(map(str, dask_scheduler.tasks)))
        return [key for key in keys if key.startswith(prefix)]

    def wait_until(self, condition, what: str, timeout: float = 120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = condition()
            if value:
                return value
            time.sleep(0.2)
        raise AssertionError(f"waited {timeout} s for {what}")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    from distributed import Client

    folder = tmp_path_factory.mktemp("cluster")
    with cluster_from_docs(folder) as (address, _), Client(address, timeout=60, set_as_default=False) as client:
        # as started, neither the scheduler nor a worker can import the project: the client ships it
        assert set(client.run(importlib.util.find_spec, "fashion_tools").values()) == {None}
        assert client.run_on_scheduler(importlib.util.find_spec, "fashion_tools") is None
        yield Cluster(address, client, folder)


@pytest.fixture(scope="module")
def local_reference(tmp_path_factory, real_subset_dir):
    """The same reference on this machine, the way it ran before clusters: what the cluster must equal."""
    folder = tmp_path_factory.mktemp("local")
    result = run_tool("reference", *SEEDS, "--jobs", "2", "--data-dir", str(real_subset_dir),
                      "--out", str(folder / "ref"), cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder / "ref"


def numbers(path: Path) -> dict:
    """What a reference measured (not its times, nor which host each seed ran on)."""
    ref = json.loads(path.read_text())
    spread = {k: v for k, v in ref["spread"].items() if k not in ("seconds_per_seed", "machines")}
    devices = [m["device"] for m in ref["spread"]["machines"]]
    return {"spread": spread, "devices": devices, "test": ref["test"], "training": ref["training"],
            "prediction": ref["prediction"]}


def seed_lines(stdout: str) -> list[str]:
    return [line.split(":")[0] for line in stdout.splitlines() if line.startswith("seed ")]


def assert_whole(seeds: Path) -> None:
    """Every file in seeds/ finished: no temporary file of an atomic write left behind."""
    assert not [p.name for p in seeds.iterdir() if p.name.startswith(".")]


def test_reference_on_the_cluster_gives_the_local_numbers(cluster, local_reference, real_subset_dir, tmp_path):
    out = tmp_path / "ref"
    result = run_tool("reference", *SEEDS, "--data-dir", str(real_subset_dir), "--out", str(out),
                      "--scheduler", cluster.address, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    threads = sum(cluster.client.nthreads().values())  # `dask worker`: one thread per core
    assert f"on the Dask cluster at {cluster.address}: 2 workers, {threads} threads" in result.stdout
    assert sorted(seed_lines(result.stdout)) == ["seed 7 (1/2)", "seed 8 (2/2)"] or \
        sorted(seed_lines(result.stdout)) == ["seed 7 (2/2)", "seed 8 (1/2)"]
    assert numbers(out / "reference.json") == numbers(local_reference / "reference.json")
    machines = json.loads((out / "reference.json").read_text())["spread"]["machines"]
    assert [m["host"] for m in machines] == [socket.gethostname()] * 2
    for seed in (7, 8):
        worker = json.loads((out / "seeds" / f"seed-{seed}.json").read_text())["run"]["worker"]
        assert worker["address"] in cluster.worker_pids()
        assert "Epoch 1/1" in (out / "seeds" / f"seed-{seed}.log").read_text()
        assert (out / "seeds" / f"seed-{seed}.h5").stat().st_size > 0
    assert_whole(out / "seeds")


def test_grade_on_the_cluster_gives_the_local_report(cluster, local_reference, real_subset_dir, tmp_path):
    folders = []
    for name, model, log in (("s7", 7, 7), ("s8", 8, 8), ("lying", 8, 7), ("hostile", None, 7)):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "console.txt").write_text((local_reference / "seeds" / f"seed-{log}.log").read_text())
        if model is not None:
            shutil.copy(local_reference / "seeds" / f"seed-{model}.h5", folder / "after.h5")
        folders.append(str(folder))
    marker = tmp_path / "lambda-ran"
    lambda_model(tmp_path / "hostile" / "after.h5", marker)
    grade = ["grade", "--expected", str(local_reference / "reference.json"), "--data-dir", str(real_subset_dir),
             "--json", *folders]
    local = run_tool(*grade, cwd=tmp_path)
    remote = run_tool(*grade, "--scheduler", cluster.address, cwd=tmp_path)
    assert local.returncode == remote.returncode == 1, remote.stderr
    assert json.loads(remote.stdout) == json.loads(local.stdout)
    models = {Path(s["submission"]).name: next(c for c in s["checks"] if c["check"] == "model")
              for s in json.loads(remote.stdout)["submissions"]}
    assert [models[name]["verdict"] for name in ("s7", "s8", "lying", "hostile")] == ["PASS", "PASS", "FAIL", "FAIL"]
    assert str(tmp_path / "hostile" / "after.h5") in models["hostile"]["reason"]  # the client's path, not a worker's
    assert not marker.exists()


def test_a_test_set_other_than_the_expected_files_is_one_line_naming_the_clients_folder(
        cluster, local_reference, real_subset_dir, tmp_path):
    """The worker finds it loading the test set; the line names the data as the client passed it."""
    (tmp_path / "s7").mkdir()
    shutil.copy(local_reference / "seeds" / "seed-7.h5", tmp_path / "s7" / "after.h5")
    (tmp_path / "s7" / "console.txt").write_text((local_reference / "seeds" / "seed-7.log").read_text())
    result = run_tool("grade", "--expected", str(ROOT / "tests" / "data" / "expected.json"), "--data-dir",
                      str(real_subset_dir), str(tmp_path / "s7"), "--scheduler", cluster.address, cwd=tmp_path)
    assert_clean_error(result, 2, f"the test set found ({real_subset_dir}) has 500 images", "measured on 10,000")


def test_an_unreachable_scheduler_is_one_line_within_10_seconds(local_reference, real_subset_dir, tmp_path):
    address = f"tcp://127.0.0.1:{free_port()}"  # nothing listens there
    (tmp_path / "s7").mkdir()
    shutil.copy(local_reference / "seeds" / "seed-7.h5", tmp_path / "s7" / "after.h5")
    (tmp_path / "s7" / "console.txt").write_text((local_reference / "seeds" / "seed-7.log").read_text())
    for command in (["reference", *SEEDS, "--data-dir", str(real_subset_dir), "--out", str(tmp_path / "ref")],
                    ["grade", "--expected", str(local_reference / "reference.json"), str(tmp_path / "s7")]):
        started = time.monotonic()
        result = run_tool(*command, "--scheduler", address, cwd=tmp_path)
        assert time.monotonic() - started < 10
        assert_clean_error(result, 2, f"--scheduler {address}: cannot reach the Dask scheduler", "dask scheduler")
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    result = run_tool("reference", *SEEDS, "--data-dir", str(real_subset_dir), "--out", str(tmp_path / "ref"),
                      "--scheduler", "tcp://127.0.0.1:port", cwd=tmp_path)
    assert_clean_error(result, 2, "not a scheduler's address")
    assert not list((tmp_path / "ref" / "seeds").iterdir())
    result = run_tool("reference", *SEEDS, "--jobs", "2", "--out", str(tmp_path / "ref"), "--scheduler", address)
    assert_clean_error(result, 2, "--jobs is for this machine", "dask worker --nthreads")


def test_without_scheduler_no_dask_is_imported(local_reference, real_subset_dir, tmp_path):
    """A finished reference resumed and a log graded, in one process: Dask stays out."""
    out = shutil.copytree(local_reference, tmp_path / "ref")
    code = ("import sys, fashion_items\n"
            f"assert fashion_items.main(['reference', *{SEEDS!r}, '--resume', '--out', {str(out)!r}, "
            f"'--data-dir', {str(real_subset_dir)!r}]) == 0\n"
            f"fashion_items.main(['grade', '--expected', {str(out / 'reference.json')!r}, "
            f"{str(out / 'seeds' / 'seed-7.log')!r}])\n"
            "print(sorted(m for m in ('dask', 'distributed') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def start_tool(args: list[str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(TOOL), *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})


def start_reference(args: list[str], cwd: Path) -> subprocess.Popen:
    return start_tool(["reference", *args], cwd)


def interrupt_once(proc: subprocess.Popen, cluster: Cluster, condition, what: str) -> None:
    """Ctrl-C once condition holds: exit status 130 and the one line, within 60 s."""
    try:
        cluster.wait_until(condition, what)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130, stderr
    assert stderr.strip().splitlines() == ["fashion_items.py: interrupted; no file was left half-written and no "
                                           "earlier one was damaged"]


def test_ctrl_c_cancels_the_clusters_seeds_and_writes_nothing_half(cluster, real_subset_dir, tmp_path):
    out = tmp_path / "ref"
    proc = start_reference([*SEEDS, "--data-dir", str(real_subset_dir), "--out", str(out),
                            "--scheduler", cluster.address], tmp_path)
    interrupt_once(proc, cluster, lambda: sum(map(len, cluster.training().values())) == 2, "both seeds training")
    assert not list((out / "seeds").iterdir())  # no seed finished: none written, and nothing half
    cluster.wait_until(lambda: not any(cluster.training().values()), "the seeds' processes to end", timeout=15)
    assert not cluster.tasks("fashion-seed")


def test_a_worker_killed_mid_seed_and_a_local_reference_resumed_on_the_cluster(cluster, local_reference,
                                                                                real_subset_dir, tmp_path):
    """Seed 7 ran locally; seed 8 trains on the cluster, and its worker is killed while it trains: it
    trains again elsewhere and is written once, with the local run's numbers."""
    out = shutil.copytree(local_reference, tmp_path / "ref")
    (out / "reference.json").unlink()
    for suffix in ("json", "h5", "log"):
        (out / "seeds" / f"seed-8.{suffix}").unlink()
    proc = start_reference([*SEEDS, "--data-dir", str(real_subset_dir), "--out", str(out), "--resume",
                            "--scheduler", cluster.address], tmp_path)
    try:
        training = cluster.wait_until(lambda: {pid: kids for pid, kids in cluster.training().items() if kids},
                                      "a worker training seed 8")
        (worker, (seed_process,)), = training.items()
        os.kill(worker, signal.SIGKILL)
        seed_process.wait(timeout=30)  # the seed's process dies with its worker: nothing trains unseen
        stdout, stderr = proc.communicate(timeout=300)
    finally:
        proc.kill()
    assert proc.returncode == 0, stderr
    assert "Resuming: 1 of 2 seeds already finished (7)" in stdout
    assert seed_lines(stdout) == ["seed 8 (2/2)"]
    assert numbers(out / "reference.json") == numbers(local_reference / "reference.json")
    assert_whole(out / "seeds")


def seed_results(seed: int, cpu: str, host: str | None) -> dict:
    machine = {"cpu": cpu, "cores": 2, "vector": "AVX2", "onednn": True, "gpus": []}
    run = {"seed": seed, "machine": machine, **({"worker": {"host": host, "address": "tcp://10.0.0.9:4000"}}
                                                if host else {})}
    return {"run": run, "test": {"accuracy": 0.9 + seed / 1000, "loss": 0.25, "f1_micro": 0.9},
            "training": {"loss": [0.5], "accuracy": [0.8]}, "timings": {"total": 100.0}}


def test_the_table_says_which_seeds_trained_on_other_kinds_of_machine():
    from fashion_tools.measure.spread import build_reference, spread_table

    one_kind = build_reference([seed_results(s, "AMD EPYC", None) for s in (7, 8)], [7, 8])["spread"]
    assert one_kind["machines"] == [{"seed": 7, "device": "CPU: AMD EPYC, 2 cores, AVX2, oneDNN on", "host": None},
                                    {"seed": 8, "device": "CPU: AMD EPYC, 2 cores, AVX2, oneDNN on", "host": None}]
    assert spread_table(one_kind).splitlines()[-1].split()[0] == "std"  # as before clusters
    mixed = build_reference([seed_results(7, "AMD EPYC", None), seed_results(8, "Intel Xeon", "node-2"),
                             seed_results(9, "AMD EPYC", "node-1")], [7, 8, 9])["spread"]
    assert [m["host"] for m in mixed["machines"]] == [None, "node-2", "node-1"]
    assert spread_table(mixed).splitlines()[-3:] == [
        "the seeds trained on 2 kinds of machine, and the range is theirs together, as students' machines differ too:",
        "  CPU: AMD EPYC, 2 cores, AVX2, oneDNN on: seeds 7, 9",
        "  CPU: Intel Xeon, 2 cores, AVX2, oneDNN on: seed 8"]


# ---- pictures on the cluster ----

needs_tesseract = pytest.mark.skipif(tesseract_ready() is not None, reason=str(tesseract_ready()))
SCREENS = ROOT / "tests" / "data" / "real" / "screens"
EXPECTED = ROOT / "tests" / "data" / "expected.json"  # the default run's: what the screenshots show


def word_report(path: Path, picture: Path) -> Path:
    """A report of a paragraph and one screenshot, as a student pastes it into Word."""
    import docx

    document = docx.Document()
    document.add_paragraph("My run of the lecture:")
    document.add_picture(str(picture))
    document.save(path)
    return path


@pytest.fixture(scope="module")
def pictured_class(tmp_path_factory):
    """Three students who handed in pictures (two overlapping screenshots; the run's end in one; a Word
    report of it) and their grade report made locally: what the cluster must give."""
    folder = tmp_path_factory.mktemp("pictures")
    for name, files in (("two_shots", ["dark_11/shot_6.png", "dark_11/shot_7.png"]),
                        ("one_shot", ["end_light_11.png"]), ("report", [])):
        (folder / name).mkdir()
        for file in files:
            shutil.copy(SCREENS / file, folder / name / Path(file).name)
    word_report(folder / "report" / "report.docx", SCREENS / "end_dark_14.png")
    students = [str(folder / name) for name in ("two_shots", "one_shot", "report")]
    local = run_tool("grade", "--expected", str(EXPECTED), "--json", *students, cwd=folder)
    assert local.returncode == 3, local.stderr  # no FAIL; what the end shots do not show: REVIEW
    return students, json.loads(local.stdout)


def pictures_read(cluster: Cluster) -> dict[int, int]:
    """Each worker process's pictures being read now: the bounded children it forked to read them (Tesseract
    runs in them), which have the worker's command line."""
    found = {}
    for pid in cluster.worker_pids().values():
        try:
            worker = psutil.Process(pid)
            found[pid] = sum(p.cmdline() == worker.cmdline() for p in worker.children(recursive=True))
        except psutil.Error:
            found[pid] = 0
    return found


@needs_tesseract
def test_pictures_are_read_on_the_workers_with_the_local_verdicts(cluster, pictured_class, tmp_path):
    """The client runs without Tesseract's model (TESSDATA_PREFIX names an empty folder): every picture it
    graded was read on a worker."""
    students, local = pictured_class
    remote = run_tool("grade", "--expected", str(EXPECTED), "--json", *students, "--scheduler", cluster.address,
                      cwd=tmp_path, env={"TESSDATA_PREFIX": str(tmp_path)})
    assert remote.returncode == 3, remote.stderr
    assert json.loads(remote.stdout) == local
    checks = {Path(s["submission"]).name: {c["check"]: c["verdict"] for c in s["checks"]}
              for s in local["submissions"]}
    assert checks["two_shots"]["confusion_matrix"] == checks["report"]["evaluation"] == "PASS"


@needs_tesseract
def test_a_worker_killed_while_it_reads_a_picture(cluster, pictured_class, tmp_path):
    """Its reading runs again on the other worker; the report is the local one."""
    students, local = pictured_class
    proc = start_tool(["grade", "--expected", str(EXPECTED), "--json", *students, "--scheduler", cluster.address],
                      tmp_path)
    try:
        reading = cluster.wait_until(lambda: [pid for pid, n in pictures_read(cluster).items() if n],
                                     "a worker reading a picture")
        os.kill(reading[0], signal.SIGKILL)
        stdout, stderr = proc.communicate(timeout=300)
    finally:
        proc.kill()
    assert proc.returncode == 3, stderr
    assert json.loads(stdout) == local
    cluster.wait_until(lambda: len(cluster.worker_pids()) == 2, "the nanny to start its worker again")


@needs_tesseract
def test_ctrl_c_while_pictures_are_read_cancels_their_tasks(cluster, pictured_class, tmp_path):
    students, _ = pictured_class
    proc = start_tool(["grade", "--expected", str(EXPECTED), *students, "--scheduler", cluster.address], tmp_path)
    interrupt_once(proc, cluster, lambda: any(pictures_read(cluster).values()), "a worker reading a picture")
    cluster.wait_until(lambda: not cluster.tasks("fashion-read"), "the readings' tasks to be forgotten", timeout=15)


# ---- environments that differ ----

def test_a_worker_with_another_tensorflow_is_one_line_before_any_work(cluster, real_subset_dir, tmp_path):
    """A third worker, started as the docs say, in an environment whose TensorFlow says 2.20.0 (a
    package's metadata ahead of the venv's on its path: what `pip install tensorflow-cpu==2.20.0` would
    leave there for Dask's version check)."""
    fake = tmp_path / "site" / "tensorflow_cpu-2.20.0.dist-info"
    fake.mkdir(parents=True)
    (fake / "METADATA").write_text("Metadata-Version: 2.1\nName: tensorflow-cpu\nVersion: 2.20.0\n")
    command = doc_commands()["worker"].replace("10.0.0.5:8786", cluster.address.split("//")[1])
    other = start(command, cluster.folder, env={"PYTHONPATH": str(tmp_path / "site")})
    try:
        cluster.wait_until(lambda: len(cluster.worker_pids()) == 3, "the third worker")
        odd = next(w for w, v in cluster.client.get_versions(packages=["tensorflow-cpu"])["workers"].items()
                   if v["packages"]["tensorflow-cpu"] == "2.20.0")
        out = tmp_path / "ref"
        result = run_tool("reference", *SEEDS, "--data-dir", str(real_subset_dir), "--out", str(out),
                          "--scheduler", cluster.address, cwd=tmp_path)
    finally:
        stop(other)
    assert_clean_error(result, 2, f"worker {odd} has tensorflow 2.20.0, this client tensorflow 2.21.0",
                       "requirements-cluster.txt")
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not list((out / "seeds").iterdir())  # nothing was sent: no seed trained, none written
    cluster.wait_until(lambda: len(cluster.worker_pids()) == 2, "the third worker gone")


def test_what_differs_is_named_and_tensorflows_names_are_one_package():
    from fashion_tools.measure.cluster.versions import difference, pinned

    assert {"dask", "distributed", "tensorflow-cpu", "numpy", "threadpoolctl"} <= set(pinned())
    client = {"python": "3.11.7", "tensorflow-cpu": "2.21.0", "numpy": "2.4.6"}
    # another micro version of Python, TensorFlow under requirements-gpu.txt's name: the same environment
    assert difference(client, {"python": "3.11.9", "tensorflow": "2.21.0", "numpy": "2.4.6"}, "worker w") is None
    assert difference(client, {"python": "3.12.1", "tensorflow-cpu": "2.21.0", "numpy": "2.4.6"}, "worker w") == \
        "worker w has Python 3.12, this client Python 3.11"
    assert difference(client, {"python": "3.11.7", "tensorflow-cpu": "2.21.0"}, "the scheduler") == \
        "the scheduler has no numpy, this client numpy 2.4.6"


def test_the_shipped_code_replaces_what_a_process_had_loaded_of_other_code(tmp_path):
    """What a worker's plugin does, in a process of its own: the modules of other code (here this checkout's,
    imported first) are forgotten and imported again from the unpacked zip; a second install of the same
    code keeps them (a client's second session does not cost the workers their loaded test set)."""
    code = f"""
import sys
import fashion_tools.errors as before
from fashion_tools.measure.cluster.code import code_files, digest_of, install, packed
files = code_files()
folder = install({str(tmp_path)!r}, digest_of(files), packed(files))
assert 'fashion_tools.errors' not in sys.modules and sys.path[0] == folder, sys.path[:2]
import fashion_tools.errors as after
assert after.__file__.startswith(folder + '/') and after is not before, after.__file__
install({str(tmp_path)!r}, digest_of(files), packed(files))
assert sys.modules['fashion_tools.errors'] is after
print(folder)
"""
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    folder = Path(proc.stdout.strip())
    assert folder.parent == tmp_path and folder.name.startswith("fashion-items-")
    assert (folder / "fashion_items.py").read_bytes() == TOOL.read_bytes()
