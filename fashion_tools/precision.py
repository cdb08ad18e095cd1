"""The fast modes: bfloat16 mixed precision where the hardware computes it natively, float16 on GPUs."""

from __future__ import annotations

from fashion_tools.machine import read_cpu, this_cpu

PRECISIONS = ("float32", "mixed_bfloat16", "mixed_float16")


def cpu_has_bf16(cpuinfo: str | None = None) -> bool:
    """True when /proc/cpuinfo lists AVX512-BF16 or AMX-BF16 (x86 CPUs that compute bfloat16 natively)."""
    return (this_cpu() if cpuinfo is None else read_cpu(cpuinfo, cores=1)).has_bf16


def choose(requested: str) -> tuple[str, str | None]:
    """The precision that will run, and a note when it is not the one asked for."""
    if requested == "float32":
        return "float32", None
    import tensorflow as tf

    if tf.config.list_physical_devices("GPU"):
        return requested, None
    if requested == "mixed_float16":  # CPUs have no fast float16 arithmetic: it would only be slower
        return "float32", "mixed_float16 is for GPUs and there is none; running in float32"
    if cpu_has_bf16():
        return requested, None
    return "float32", "this CPU has no bfloat16 support (AVX512-BF16 or AMX); running in float32"


def apply(policy: str) -> None:
    import keras

    keras.mixed_precision.set_global_policy(policy)
