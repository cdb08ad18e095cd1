"""The lecture's pictures as PNG files: the sample, training curves, the confusion matrix,
the feature maps of each layer and a grid of test predictions.

Drawn with matplotlib's non-interactive Agg backend, so no display is ever needed; `--show`
opens them in windows afterwards.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from fashion_tools.atomic import atomic_write
from fashion_tools.network import scale_images

NAMES = ("sample", "training", "confusion_matrix", "feature_maps", "predictions")
MAX_CHANNELS = 16


def pyplot(show: bool = False):
    """matplotlib.pyplot on Agg unless windows were asked for."""
    import matplotlib

    if not show:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save(fig, path: Path) -> None:
    atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=100, bbox_inches="tight"))


def sample_figure(plt, image: np.ndarray, title: str):
    fig, ax = plt.subplots(figsize=(4, 4.3))
    shown = ax.imshow(image, cmap="gray", vmin=0, vmax=255)
    ax.set_title(title)
    ax.set_xlabel("pixel column")
    ax.set_ylabel("pixel row")
    fig.colorbar(shown, ax=ax, fraction=0.046, pad=0.04, label="raw value (0-255)")
    return fig


def training_figure(plt, history: dict[str, list[float]]):
    epochs = np.arange(1, len(history["loss"]) + 1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.plot(epochs, history["loss"], marker="o")
    left.set(title="Training loss", xlabel="epoch", ylabel="categorical cross-entropy")
    right.plot(epochs, history["accuracy"], marker="o", color="tab:green")
    right.set(title="Training accuracy", xlabel="epoch", ylabel="accuracy")
    for ax in (left, right):
        ax.set_xticks(epochs)
        ax.grid(alpha=0.3)
    fig.suptitle("Training per epoch")
    return fig


def confusion_figure(plt, matrix: np.ndarray, labels: list[str], accuracy: float):
    from sklearn.metrics import ConfusionMatrixDisplay

    fig, ax = plt.subplots(figsize=(9, 8))
    ConfusionMatrixDisplay(matrix, display_labels=labels).plot(ax=ax, cmap="Blues", xticks_rotation=45,
                                                               colorbar=True, values_format="d")
    ax.set_title(f"Confusion matrix on the test set (accuracy {accuracy:.4f})")
    return fig


def feature_maps_figure(plt, model, image: np.ndarray, title: str):
    """The sample's activations after each Conv2D and MaxPool2D layer, one panel per channel."""
    import keras

    layers = [layer for layer in model.layers if type(layer).__name__ in ("Conv2D", "MaxPooling2D")]
    probe = keras.Model(inputs=model.inputs, outputs=[layer.output for layer in layers])
    maps = probe.predict(scale_images(image), verbose=0)
    fig, axes = plt.subplots(len(layers), MAX_CHANNELS, figsize=(MAX_CHANNELS * 1.05, len(layers) * 1.35 + 0.6),
                             squeeze=False)
    for row, (layer, fmap) in zip(axes, zip(layers, maps, strict=True), strict=True):
        for channel, ax in enumerate(row):
            ax.imshow(fmap[0, :, :, channel], cmap="viridis")
            ax.set_xticks([])
            ax.set_yticks([])
        row[0].set_ylabel(f"{layer.name}\n{fmap.shape[1]}x{fmap.shape[2]}x{fmap.shape[3]}", rotation=0,
                          ha="right", va="center", fontsize=9)
    fig.suptitle(f"Feature maps of {title} (first {MAX_CHANNELS} channels of each layer)")
    return fig


def predictions_figure(plt, images: np.ndarray, answer: np.ndarray, pred: np.ndarray, labels: list[str]):
    cols = 8
    rows = max(1, min(4, len(images) // cols))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.6, rows * 1.9), squeeze=False)
    for i, ax in enumerate(axes.flat):
        if i >= len(images):
            ax.axis("off")
            continue
        ax.imshow(images[i], cmap="gray_r", vmin=0, vmax=255)
        ax.set_xticks([])
        ax.set_yticks([])
        wrong = pred[i] != answer[i]
        ax.set_title(f"{labels[pred[i]]}\n(true: {labels[answer[i]]})" if wrong else labels[pred[i]],
                     color="red" if wrong else "black", fontsize=9)
        if wrong:
            for spine in ax.spines.values():
                spine.set(color="red", linewidth=2)
    n_wrong = int(np.sum(pred[: rows * cols] != answer[: rows * cols]))
    fig.suptitle(f"Predictions on the first {rows * cols} test images ({n_wrong} wrong, in red)")
    return fig


def draw_all(folder: Path, *, show: bool, image: np.ndarray, sample_title: str, history: dict,
             matrix: np.ndarray, accuracy: float, labels: list[str], model, test_images: np.ndarray,
             answer: np.ndarray, pred: np.ndarray) -> dict[str, str]:
    """Write the five figures into folder; returns name -> path."""
    plt = pyplot(show)
    figures = {
        "sample": sample_figure(plt, image, sample_title),
        "training": training_figure(plt, history),
        "confusion_matrix": confusion_figure(plt, matrix, labels, accuracy),
        "feature_maps": feature_maps_figure(plt, model, image, sample_title),
        "predictions": predictions_figure(plt, test_images, answer, pred, labels),
    }
    written = {}
    for name, fig in figures.items():
        path = folder / f"{name}.png"
        save(fig, path)
        written[name] = str(path)
        if not show:
            plt.close(fig)
    return written


def spread_figure(plt, spread: dict):
    """Test accuracy per seed beside the per-epoch training accuracy of every seed as a band."""
    seeds, accuracy = spread["seeds"], spread["test_accuracy"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    positions = np.arange(len(seeds))
    left.plot(positions, accuracy["values"], "o", color="tab:blue", markersize=8)
    left.axhspan(accuracy["min"], accuracy["max"], color="tab:blue", alpha=0.12, label="range (min to max)")
    left.axhline(accuracy["mean"], color="tab:blue", linestyle="--", linewidth=1, label=f"mean {accuracy['mean']:.4f}")
    left.set_xticks(positions, [str(s) for s in seeds], rotation=45 if len(seeds) > 8 else 0)
    left.set(title=f"Test accuracy of {len(seeds)} seeds", xlabel="seed", ylabel="test accuracy")
    left.margins(y=0.25)  # room for the legend below the lowest seed
    left.legend(loc="lower center", fontsize=9, ncols=2)
    epochs = np.arange(1, len(spread["training"]["accuracy"]) + 1)
    per_epoch = spread["training"]["accuracy"]
    right.fill_between(epochs, [e["min"] for e in per_epoch], [e["max"] for e in per_epoch], color="tab:green",
                       alpha=0.25, label="range over the seeds")
    right.plot(epochs, [e["mean"] for e in per_epoch], marker="o", color="tab:green", label="mean")
    right.set_xticks(epochs)
    right.set(title="Training accuracy per epoch", xlabel="epoch", ylabel="training accuracy")
    right.legend(loc="lower right", fontsize=9)
    for ax in (left, right):
        ax.grid(alpha=0.3)
    fig.suptitle("The lecture's numbers over seeds")
    return fig


def draw_spread(folder: Path, spread: dict) -> str:
    """figures/spread.png of a reference run; returns its path."""
    plt = pyplot()
    fig = spread_figure(plt, spread)
    path = folder / "spread.png"
    save(fig, path)
    plt.close(fig)
    return str(path)
