"""Keras on the TensorFlow backend, imported quietly and seeded: the one way every part of the tool
starts it.

TensorFlow's C++ side prints start-up lines before any log level applies; they are not the
lecture, so they are filtered out of stderr while it loads. Nothing here runs at import time:
`--help` and argument errors never wait for TensorFlow.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
import tempfile
from collections.abc import Iterator

from fashion_tools.machine import prepare_onednn

TF_STARTUP_CHATTER = re.compile(
    r"All log messages before absl::InitializeLog|oneDNN custom operations are on|"
    r"cpu_feature_guard|To enable the following instructions|rebuild TensorFlow with the appropriate|"
    r"Unable to register cu(DNN|FFT|BLAS) factory|computation placer already registered|"
    r"could not find cuda drivers|TF-TRT Warning")


@contextlib.contextmanager
def quiet_stderr(noise: re.Pattern) -> Iterator[None]:
    """Send file descriptor 2 to a temporary file, then pass on every line that is not noise."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as capture:
        os.dup2(capture.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            for line in capture.read().decode("utf-8", "replace").splitlines(keepends=True):
                if not noise.search(line):
                    sys.stderr.write(line)
            sys.stderr.flush()


# Who decided whether oneDNN is on (fashion_tools/machine.py), fixed when TensorFlow is imported.
onednn_decided_by = "TensorFlow's choice"


def keras_import():
    """The keras module on the TensorFlow backend, its start-up chatter left out."""
    global onednn_decided_by
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # set it to 0 to see TensorFlow's own log
    if "tensorflow" not in sys.modules:  # TensorFlow reads the variable once, when it starts
        onednn_decided_by = prepare_onednn()
    if "keras" not in sys.modules:
        with quiet_stderr(TF_STARTUP_CHATTER):
            import keras
            import tensorflow  # noqa: F401  (its C++ start-up lines are printed here)
        logging.getLogger("absl").setLevel(logging.ERROR)  # "HDF5 is legacy": the lecture asks for it
    import keras

    return keras


def set_seed(seed: int) -> None:
    """Same seed, same numbers: seeds Python, NumPy and TensorFlow, and asks for deterministic ops."""
    keras = keras_import()
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
