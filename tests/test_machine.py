"""What trained a run: the CPU as /proc/cpuinfo names it, oneDNN's setting, and the device line."""

from __future__ import annotations

import pytest

from fashion_tools import machine

ZEN3 = ("processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC\ncpu MHz\t\t: 2445.404\n"
        "flags\t\t: fpu sse2 sse4_2 avx fma avx2\n\nprocessor\t: 1\nmodel name\t: ignored\n")
ZEN4 = ZEN3.replace("avx2", "avx2 avx512f avx512_vnni avx512_bf16")
INTEL_AVX512 = ZEN4.replace("AuthenticAMD", "GenuineIntel")
OLD = ZEN3.replace(" fma avx2", "")


def test_the_first_processors_lines_are_read():
    cpu = machine.read_cpu(ZEN3, cores=2)
    assert (cpu.model, cpu.vendor, cpu.mhz, cpu.cores) == ("AMD EPYC", "AuthenticAMD", 2445.404, 2)
    assert cpu.vector_level == "AVX2" and not cpu.has_bf16
    assert machine.read_cpu(ZEN4, cores=2).vector_level == "AVX-512"
    assert machine.read_cpu(ZEN4, cores=2).has_bf16
    assert machine.read_cpu(OLD, cores=2).vector_level == "AVX"
    assert machine.read_cpu("", cores=1).vector_level == "flags unknown"


def test_the_hardware_bound_follows_the_cpu():
    """Two FMA units of the vector width per core: 32 float32 FLOP a cycle with AVX2 and on AMD's
    AVX-512 (256-bit units), 64 on Intel's."""
    assert machine.read_cpu(ZEN3, cores=2).peak_gflops() == pytest.approx(2 * 2.445404 * 32)
    assert machine.read_cpu(ZEN4, cores=2).peak_gflops() == pytest.approx(2 * 2.445404 * 32)
    assert machine.read_cpu(INTEL_AVX512, cores=4).peak_gflops() == pytest.approx(4 * 2.445404 * 64)
    assert machine.read_cpu(ZEN3.replace("cpu MHz", "bogus"), cores=2).peak_gflops() is None


@pytest.mark.parametrize(("cpuinfo", "environ", "value", "who"), [
    (ZEN3, {}, "1", "on for AVX2"),
    (ZEN4, {}, "1", "on for AVX2"),  # TensorFlow turns it on here anyway: the same setting
    (OLD, {}, None, "TensorFlow's choice"),
    ("", {}, None, "TensorFlow's choice"),  # no /proc/cpuinfo (macOS, Windows)
    (ZEN3, {"TF_ENABLE_ONEDNN_OPTS": "0"}, None, "set by you"),
    (ZEN3, {"TF_ENABLE_ONEDNN_OPTS": "1"}, None, "set by you"),
    (ZEN3, {"TF_ENABLE_ONEDNN_OPTS": "1", machine.SET_BY_TOOL: "1"}, None, "on for AVX2"),  # a child process
    (ZEN3, {"TF_ENABLE_ONEDNN_OPTS": "0", machine.SET_BY_TOOL: "1"}, None, "set by you"),
])
def test_onednn_is_turned_on_for_avx2_and_a_users_setting_is_kept(cpuinfo, environ, value, who):
    assert machine.onednn_choice(machine.read_cpu(cpuinfo, cores=2), environ) == (value, who)
    before = dict(environ)
    machine.prepare_onednn(environ, machine.read_cpu(cpuinfo, cores=2))
    if value is None:
        assert environ == before
    else:
        assert environ["TF_ENABLE_ONEDNN_OPTS"] == value


def test_a_gpu_leaves_onednn_to_tensorflow():
    assert machine.onednn_choice(machine.read_cpu(ZEN3, cores=2), {}, gpu=True) == (None, "TensorFlow's choice")


def test_device_line():
    cpu = {"cpu": "AMD EPYC", "cores": 2, "vector": "AVX2", "onednn": True, "gpus": []}
    assert machine.device_line("float32", cpu) == \
        "Training in float32 precision on CPU: AMD EPYC, 2 cores, AVX2, oneDNN on"
    assert machine.device_line("float32", {**cpu, "onednn": False, "cores": 1}).endswith("1 core, AVX2, oneDNN off")
    gpu = {**cpu, "gpus": ["NVIDIA H100 80GB HBM3"]}
    assert machine.device_line("mixed_float16", gpu) == \
        "Training in mixed_float16 precision on GPU: NVIDIA H100 80GB HBM3"


def test_describe_reports_what_tensorflow_runs():
    import tensorflow as tf
    from tensorflow.python.util import _pywrap_util_port

    described = machine.describe("on for AVX2")
    assert described["onednn"] is bool(_pywrap_util_port.IsMklEnabled())
    assert len(described["gpus"]) == len(tf.config.list_physical_devices("GPU"))
    assert described["cores"] >= 1 and described["cpu"]


def test_gpu_names_come_from_tensorflow(monkeypatch):
    import tensorflow as tf

    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: ["/physical_device:GPU:0"])
    monkeypatch.setattr(tf.config.experimental, "get_device_details",
                        lambda device: {"device_name": "NVIDIA H200", "compute_capability": (9, 0)})
    assert machine.gpu_names() == ["NVIDIA H200"]
