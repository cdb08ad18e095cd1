"""The training batches, fed to Keras as a tf.data pipeline with its autotuning off.

Why not `model.fit(x, y, batch_size=...)` as the lecture does: Keras then builds its own
pipeline with tf.data's autotuning on, and on the project's 2-core machine that made a third
to a half of the epochs, at random, take up to twice as long: the two compute threads took
turns instead of working together (one core idle, the same CPU seconds). With autotuning off,
none did (benchmarks/pipelines.py measures it; benchmarks/README.md has the numbers).

The batches are what Keras makes: the training set reshuffled every epoch, cut into batches
of `batch_size` with the remainder last. Gathering 200 images costs far less than a training
step, so nothing needs to be prefetched.
"""

from __future__ import annotations

import numpy as np


def training_batches(x: np.ndarray, y: np.ndarray, batch_size: int, seed: int):
    """A tf.data.Dataset of (images, one-hot labels) batches, reshuffled each epoch from `seed`."""
    import tensorflow as tf

    order = (tf.data.Dataset.range(len(x))
             .shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
             .batch(batch_size))
    arrays = tf.data.Dataset.from_tensors((x, y)).repeat()  # one copy of the arrays, not one per batch

    def gather(indices, xy):
        return tf.gather(xy[0], indices), tf.gather(xy[1], indices)

    options = tf.data.Options()
    options.autotune.enabled = False
    # No static graph rewrites, as in Keras's own pipeline: they serialise the pipeline's graph, training
    # set included (0.1 s more for the first epoch here), and gain nothing on a gather and a batch.
    options.experimental_optimization.apply_default_optimizations = False
    return tf.data.Dataset.zip(order, arrays).map(gather).with_options(options)
