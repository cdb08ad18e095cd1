"""Hiding TensorFlow's start-up lines, which its C++ side prints before any log level applies."""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
from collections.abc import Iterator

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
