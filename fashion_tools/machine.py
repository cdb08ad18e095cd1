"""What machine a run trains on, and the one speed setting decided before TensorFlow starts: oneDNN.

TensorFlow 2.21 turns its oneDNN kernels on by default only on x86 CPUs with AVX512-VNNI,
AVX512-BF16, AVX-VNNI or AMX. On an AVX2-only AMD Zen 3 (2 cores) they made a training step
1.4x faster (benchmarks/README.md), with the same numbers twice, so the tool turns them on for
every x86 CPU with AVX2 and FMA. A TF_ENABLE_ONEDNN_OPTS the user set is never changed.

Nothing here imports TensorFlow except `describe`, which is called after it has started.
"""

from __future__ import annotations

import functools
import os
import platform
from dataclasses import dataclass, field
from pathlib import Path

ONEDNN_VARIABLE = "TF_ENABLE_ONEDNN_OPTS"
SET_BY_TOOL = "FASHION_ITEMS_SET_ONEDNN"  # marks our own setting, so child processes report it as ours
# The flags that decide speed (vector width, fused multiply-add) and which numbers come out (bf16).
SPEED_FLAGS = ("sse4_2", "avx", "fma", "avx2", "avx512f", "avx512_vnni", "avx_vnni", "avx512_bf16",
               "amx_tile", "amx_bf16")
BF16_FLAGS = {"avx512_bf16", "amx_bf16"}


@dataclass
class Cpu:
    model: str
    vendor: str = ""
    flags: set[str] = field(default_factory=set)
    mhz: float = 0.0
    cores: int = 1

    @property
    def vector_level(self) -> str:
        """The widest SIMD the CPU has, as students' spec sheets name it."""
        for flag, name in (("avx512f", "AVX-512"), ("avx2", "AVX2"), ("avx", "AVX"), ("sse4_2", "SSE4.2")):
            if flag in self.flags:
                return name
        return "no AVX" if self.flags else "flags unknown"

    @property
    def has_bf16(self) -> bool:
        return bool(self.flags & BF16_FLAGS)

    def flop_per_cycle(self) -> int:
        """Peak float32 FLOP per cycle of one core: two FMA units of the vector width. AMD's AVX-512
        (Zen 4) runs on 256-bit units, so it counts as AVX2; Intel's has 512-bit units."""
        if "avx512f" in self.flags and self.vendor == "GenuineIntel":
            return 64
        if "avx2" in self.flags and "fma" in self.flags:
            return 32
        return 16 if "avx" in self.flags else 8

    def peak_gflops(self) -> float | None:
        """Float32 GFLOP/s of all cores at the clock /proc/cpuinfo reports; None if it reports none."""
        return self.cores * self.mhz / 1000 * self.flop_per_cycle() if self.mhz else None


def usable_cores() -> int:
    """The cores this process may run on (a container's or taskset's limit, not the host's count)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def read_cpu(cpuinfo: str | None = None, cores: int | None = None) -> Cpu:
    """The CPU from /proc/cpuinfo (Linux; elsewhere only what platform knows) and the usable cores."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text(errors="replace")
        except OSError:
            cpuinfo = ""
    fields: dict[str, str] = {}
    for line in cpuinfo.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() not in fields:  # the first processor's lines
            fields[key.strip()] = value.strip()
    try:
        mhz = float(fields.get("cpu MHz", "0"))
    except ValueError:
        mhz = 0.0
    if cores is None:
        cores = usable_cores()
    return Cpu(model=fields.get("model name") or platform.processor() or platform.machine() or "unknown CPU",
               vendor=fields.get("vendor_id", ""), flags=set(fields.get("flags", "").split()), mhz=mhz, cores=cores)


def has_nvidia_gpu() -> bool:
    """An NVIDIA driver with a GPU, seen without importing TensorFlow."""
    gpus = Path("/proc/driver/nvidia/gpus")
    return gpus.is_dir() and any(gpus.iterdir())


@functools.cache
def this_cpu() -> Cpu:
    """This machine's CPU, /proc/cpuinfo read once a process."""
    return read_cpu()


def onednn_choice(cpu: Cpu, environ: dict[str, str], gpu: bool = False) -> tuple[str | None, str]:
    """The value to give TF_ENABLE_ONEDNN_OPTS (None: leave it as it is) and who decided. Where a GPU
    trains, the CPU's kernels hardly matter: TensorFlow decides."""
    if ONEDNN_VARIABLE in environ:
        return None, "on for AVX2" if environ.get(SET_BY_TOOL) == environ[ONEDNN_VARIABLE] else "set by you"
    if {"avx2", "fma"} <= cpu.flags and not gpu:
        return "1", "on for AVX2"
    return None, "TensorFlow's choice"


def prepare_onednn(environ: dict[str, str] | None = None, cpu: Cpu | None = None) -> str:
    """Set TF_ENABLE_ONEDNN_OPTS where it pays, before TensorFlow is imported; returns who decided."""
    environ = os.environ if environ is None else environ
    value, who = onednn_choice(cpu or this_cpu(), environ, has_nvidia_gpu())
    if value is not None:
        environ[ONEDNN_VARIABLE] = environ[SET_BY_TOOL] = value
    return who


def onednn_enabled() -> bool | None:
    """Whether TensorFlow's oneDNN kernels are on, as TensorFlow itself reports it (None: unknown)."""
    try:
        from tensorflow.python.util import _pywrap_util_port
    except ImportError:
        return None
    return bool(_pywrap_util_port.IsMklEnabled())


def gpu_names() -> list[str]:
    """The names of the GPUs TensorFlow will use ("NVIDIA H100 80GB HBM3"), none on a CPU-only build."""
    import tensorflow as tf

    names = []
    for gpu in tf.config.list_physical_devices("GPU"):
        details = tf.config.experimental.get_device_details(gpu) or {}
        names.append(str(details.get("device_name") or gpu.name))
    return names


def cpu_record(cpu: Cpu) -> dict:
    """The CPU as results.json and the benchmark record it: model, vendor, vector level, the flags
    that matter, cores."""
    return {"cpu": cpu.model, "vendor": cpu.vendor, "vector": cpu.vector_level,
            "flags": [f for f in SPEED_FLAGS if f in cpu.flags], "cores": cpu.cores}


def describe(onednn_by: str = "") -> dict:
    """results.json's run.machine: the CPU, oneDNN as TensorFlow runs it, the GPUs."""
    return {**cpu_record(this_cpu()), "onednn": onednn_enabled(), "onednn_by": onednn_by, "gpus": gpu_names(),
            "os": platform.system(), "arch": platform.machine()}


def device_line(precision: str, machine: dict) -> str:
    """'Training in float32 precision on CPU: AMD EPYC, 2 cores, AVX2, oneDNN on' (or on the GPU)."""
    return f"Training in {precision} precision on {device_name(machine)}"


def device_name(machine: dict) -> str:
    """'CPU: AMD EPYC, 2 cores, AVX2, oneDNN on' or 'GPU: NVIDIA H100 80GB HBM3', from run.machine."""
    gpus = machine.get("gpus")
    if isinstance(gpus, list) and gpus:
        return f"GPU: {', '.join(map(str, gpus))}"
    onednn = {True: "oneDNN on", False: "oneDNN off"}.get(machine.get("onednn"), "oneDNN unknown")
    cores = machine.get("cores", 1)
    return f"CPU: {machine.get('cpu', 'unknown')}, {cores} core{'s' if cores != 1 else ''}, " \
           f"{machine.get('vector', '?')}, {onednn}"
