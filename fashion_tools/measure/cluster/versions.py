"""The environments of a cluster compared, before any work is sent: Python and every package pinned in
requirements-cluster.txt, on this client, the scheduler and each worker.

A different TensorFlow or NumPy gives other last digits, a different Dask or cloudpickle may not read
the client's tasks: whatever differs is said in one line (what, where, both versions), exit status 2.
The versions are Dask's own (`Client.get_versions`, package metadata: nothing is imported for it).
"""

from __future__ import annotations

import re
from pathlib import Path

from fashion_tools.errors import ToolError
from fashion_tools.measure.cluster.code import ROOT

REQUIREMENTS = ROOT / "requirements-cluster.txt"
# One package under several names: requirements.txt pins tensorflow-cpu on Linux x86-64, tensorflow
# elsewhere, requirements-gpu.txt tensorflow[and-cuda]; a machine has one of them, each the same TensorFlow.
SAME_PACKAGE = {"tensorflow-cpu": "tensorflow"}
PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*==")


def pinned(path: Path = REQUIREMENTS) -> list[str]:
    """The names pinned in a requirements file and the files it includes (-r), in order, once each."""
    names: list[str] = []
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line.startswith("-r "):
            names += [n for n in pinned(path.parent / line[3:].strip()) if n not in names]
        elif PIN.match(line) and PIN.match(line).group(1).lower() not in names:
            names.append(PIN.match(line).group(1).lower())
    return names


def as_found(packages: dict[str, str | None]) -> dict[str, str | None]:
    """{name: version or None (not installed)} with Python's major.minor and the aliases merged."""
    found: dict[str, str | None] = {"Python": ".".join(str(packages.get("python", "")).split(".")[:2])}
    for name, version in packages.items():
        if name == "python":
            continue
        key = SAME_PACKAGE.get(name, name)
        found[key] = found.get(key) or version
    return found


def difference(client: dict, other: dict, where: str) -> str | None:
    """The first package whose version differs between the client and another machine, in words."""
    mine, theirs = as_found(client), as_found(other)
    for name, version in mine.items():
        if version and theirs.get(name) != version:
            has = f"{name} {theirs[name]}" if theirs.get(name) else f"no {name}"
            return f"{where} has {has}, this client {name} {version}"
    return None


def check_versions(client, address: str) -> None:
    """One line, exit status 2, when the scheduler or a worker runs another Python or another version of a
    pinned package than this client; nothing otherwise."""
    try:
        packages = pinned()
    except OSError:  # no requirements file beside the code: Python and Dask's own packages are compared
        packages = []
    versions = client.get_versions(packages=packages)
    mine = versions["client"]["packages"]
    machines = [(f"the scheduler at {address}", versions["scheduler"])]
    machines += sorted((f"worker {worker}", found) for worker, found in versions["workers"].items())
    for where, found in machines:
        if not isinstance(found, dict):  # a worker that left meanwhile
            continue
        different = difference(mine, found.get("packages", {}), where)
        if different:
            raise ToolError(f"{different}: install requirements-cluster.txt there and here with the same Python, "
                            "then start it again (docs/cluster.md#what-the-workers-need)")
