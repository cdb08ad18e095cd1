"""The fast mode: bfloat16 mixed precision, where the hardware computes it natively."""

from __future__ import annotations

from pathlib import Path

PRECISIONS = ("float32", "mixed_bfloat16")
BF16_CPU_FLAGS = {"avx512_bf16", "amx_bf16"}


def cpu_has_bf16(cpuinfo: str | None = None) -> bool:
    """True when /proc/cpuinfo lists AVX512-BF16 or AMX-BF16 (x86 CPUs that compute bfloat16 natively)."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text()
        except OSError:
            return False
    flags = set()
    for line in cpuinfo.splitlines():
        if line.startswith("flags"):
            flags.update(line.split(":", 1)[1].split())
    return bool(flags & BF16_CPU_FLAGS)


def choose(requested: str) -> tuple[str, str | None]:
    """The precision that will run, and a note when it is not the one asked for."""
    if requested == "float32":
        return "float32", None
    import tensorflow as tf

    if tf.config.list_physical_devices("GPU") or cpu_has_bf16():
        return requested, None
    return "float32", "this CPU has no bfloat16 support (AVX512-BF16 or AMX); running in float32"


def apply(policy: str) -> None:
    import keras

    keras.mixed_precision.set_global_policy(policy)
