"""Training progress for a redirected log: exactly one plain line per epoch."""

from __future__ import annotations

import sys
import time

import keras


class EpochTimer(keras.callbacks.Callback):
    """Records each epoch's seconds in `seconds` (epoch hooks only: nothing runs per batch)."""

    def __init__(self) -> None:
        super().__init__()
        self.seconds: list[float] = []
        self.start = 0.0

    def on_epoch_begin(self, epoch: int, logs=None) -> None:
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs=None) -> None:
        self.seconds.append(time.perf_counter() - self.start)


class EpochLines(EpochTimer):
    """Prints 'Epoch 3/10 - loss: 0.2962 - accuracy: 0.8930 - 8.7s', no carriage returns."""

    def __init__(self, epochs: int, stream=None) -> None:
        super().__init__()
        self.epochs = epochs
        self.stream = stream or sys.stdout

    def on_epoch_end(self, epoch: int, logs=None) -> None:
        super().on_epoch_end(epoch, logs)
        logs = logs or {}
        print(f"Epoch {epoch + 1}/{self.epochs} - loss: {logs.get('loss', float('nan')):.4f}"
              f" - accuracy: {logs.get('accuracy', float('nan')):.4f}"
              f" - {self.seconds[-1]:.1f}s", file=self.stream, flush=True)
