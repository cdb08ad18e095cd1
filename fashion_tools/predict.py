"""`fashion_items.py predict`: classify image files or test-set items with a trained model.

A photo is prepared the way Fashion-MNIST was made: grayscale, fitted into 28x28 without
stretching, light object on a dark background. Then it is scaled exactly as in training.
All inputs go to the model in one batch; an input that cannot be read is reported on its
own line and skipped, and the exit status is 1 at the end.
"""

from __future__ import annotations

import argparse
import json
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from fashion_tools import data as fashion_data
from fashion_tools.atomic import atomic_write, make_folder
from fashion_tools.cli import add_data_dir, non_negative_int, print_error
from fashion_tools.errors import ToolError, first_line
from fashion_tools.network import LABELS, TOTAL_CLASS, scale_images

SIZE = 28
TOP = 3


@dataclass
class Item:
    """One input ready for the model: its name, the 28x28 image and, for a test item, its true label."""

    name: str
    image: np.ndarray
    test_index: int | None = None
    true_label: int | None = None
    source: Path | None = None  # the image file, for a file input


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="*", metavar="INPUT",
                        help="image files (PNG, JPEG, BMP, GIF, ...; any size, colour or grayscale)")
    parser.add_argument("--test-index", dest="test_indices", type=test_index, nargs="+", action="extend",
                        default=[], metavar="N", help="Fashion-MNIST test images to classify, by index")
    parser.add_argument("--model", default="after.h5", metavar="PATH", help="the trained model (HDF5 or .keras)")
    add_data_dir(parser, ", for --test-index")
    parser.add_argument("--json", action="store_true", help="print the predictions as a JSON list")
    parser.add_argument("--save-inputs", metavar="DIR", default=None,
                        help="also write the 28x28 images the model saw as PNG files in DIR")


def test_index(text: str) -> int:
    """argparse type: an index into the test set; a file name here means it followed --test-index."""
    try:
        return non_negative_int(text)
    except argparse.ArgumentTypeError as exc:
        raise argparse.ArgumentTypeError(f"{exc} (put image files before --test-index, or after --)") from None


def run(args: argparse.Namespace) -> int:
    if not args.inputs and not args.test_indices:
        raise ToolError("nothing to predict: give image files and/or --test-index N")
    out_dir = make_folder(args.save_inputs, "--save-inputs", "*.png") if args.save_inputs else None
    items = load_test_items(args.test_indices, args.data_dir) if args.test_indices else []
    model = load_model(args.model)
    failed = 0
    for name in args.inputs:
        try:
            items.append(Item(name, read_image(Path(name)), source=Path(name)))
        except ToolError as exc:
            failed += 1
            print_error(exc)
    probs = predict(model, items)
    saved = save_inputs(items, out_dir) if out_dir else [None] * len(items)
    results = [describe(item, p, path) for item, p, path in zip(items, probs, saved, strict=True)]
    print_results(results, args.json, out_dir)
    return 1 if failed else 0


def load_model(path: str):
    """The lecture's after.h5, refused before loading if it could run code from the file."""
    from fashion_tools.models import load_model_safely

    return load_model_safely(path)


# Test-set items: found as the training run finds the data
def load_test_items(indices: list[int], data_dir: str | None) -> list[Item]:
    d = fashion_data.load(fashion_data.locate(data_dir))
    outside = [str(i) for i in indices if i >= len(d.x_test)]
    if outside:
        raise ToolError(f"--test-index {', '.join(outside)}: outside the test set, which has "
                        f"{len(d.x_test)} images (0 to {len(d.x_test) - 1})")
    return [Item(f"test[{i}]", d.x_test[i], test_index=i, true_label=int(d.y_test[i])) for i in indices]


# Image files: read with Pillow, one clear reason per unreadable file
def read_image(path: Path) -> np.ndarray:
    """The 28x28 image the model sees for one file; ToolError naming the file if it cannot be read."""
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its pixel limit and twice that; refuse those too
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                img.load()
                return prepare_image(img)
    except FileNotFoundError:
        raise ToolError(f"{path}: no such file; check the name") from None
    except IsADirectoryError:
        raise ToolError(f"{path}: is a folder, not an image file") from None
    except PermissionError:
        raise ToolError(f"{path}: permission denied; make the file readable") from None
    except UnidentifiedImageError:
        raise ToolError(f"{path}: not an image Pillow can read; use PNG, JPEG, BMP or GIF") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ToolError(f"{path}: refused, the image is too large ({exc}); scale it down first") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ToolError(f"{path}: corrupt or truncated image ({first_line(exc)[:200]}); "
                        "save or copy it again") from None


def prepare_image(img: Image.Image) -> np.ndarray:
    """A picture as Fashion-MNIST shows items: 28x28 uint8, light object on a dark background.

    Upright as the camera meant (EXIF), grayscale, inverted when the background is light,
    then fitted into 28x28 keeping its aspect ratio and padded with black, centred.
    A 28x28 image with a dark background comes back unchanged.
    """
    img = ImageOps.exif_transpose(img)
    gray = to_grayscale(img)
    if background_is_light(gray):
        gray = ImageOps.invert(gray)
    fitted = ImageOps.pad(gray, (SIZE, SIZE), method=Image.Resampling.LANCZOS, color=0)
    return np.asarray(fitted, dtype=np.uint8)


def to_grayscale(img: Image.Image) -> Image.Image:
    """8-bit grayscale; transparent parts become white paper, 16-bit levels are scaled, not clipped."""
    if img.mode in ("I", "I;16", "I;16L", "I;16B", "F"):
        levels = np.asarray(img, dtype=np.float64) / 257.0
        return Image.fromarray(np.clip(np.round(levels), 0, 255).astype(np.uint8))
    if img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info:
        rgba = img.convert("RGBA")
        img = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba)
    return ImageOps.grayscale(img)


def background_is_light(gray: Image.Image) -> bool:
    """The border pixels' median: the background of a photo of one object is what touches its edges."""
    pixels = np.asarray(gray)
    border = np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])
    return float(np.median(border)) > 127


# The model, once for all inputs
def predict(model, items: list[Item]) -> np.ndarray:
    """The ten class probabilities of each item, in one batch, scaled exactly as in training."""
    if not items:
        return np.zeros((0, TOTAL_CLASS), dtype=np.float32)
    batch = scale_images(np.stack([item.image for item in items]))
    return model.predict(batch, verbose=0)


def describe(item: Item, probs: np.ndarray, saved_as: Path | None) -> dict:
    """One prediction as plain data: the same content for the text and the JSON output."""
    order = np.argsort(probs)[::-1]
    result: dict = {
        "input": item.name,
        "label": LABELS[int(order[0])],
        "top3": [{"label": LABELS[int(k)], "probability": float(probs[k])} for k in order[:TOP]],
        "probabilities": {label: float(p) for label, p in zip(LABELS, probs, strict=True)},
    }
    if item.test_index is not None and item.true_label is not None:
        result["test_index"] = item.test_index
        result["true_label"] = LABELS[item.true_label]
        result["correct"] = result["label"] == result["true_label"]
    if saved_as is not None:
        result["saved_as"] = str(saved_as)
    return result


def print_results(results: list[dict], as_json: bool, out_dir: Path | None) -> None:
    if as_json:
        print(json.dumps(results, indent=2))
        return
    width = max((len(r["input"]) for r in results), default=0) + 1
    for r in results:
        top = ", ".join(f"{t['label']} {t['probability']:.3f}" for t in r["top3"])
        line = f"{r['input'] + ':':<{width}} {r['label']:<10}  top 3: {top}"
        if "true_label" in r:
            line += f"  (true: {r['true_label']}, {'right' if r['correct'] else 'wrong'})"
        print(line)
    if out_dir is not None and results:
        print(f"The 28x28 images the model saw are in {out_dir}/")


# --save-inputs
def save_inputs(items: list[Item], folder: Path) -> list[Path]:
    """Each item's 28x28 image as NAME.28x28.png; never over an input file, never twice the same name."""
    taken = {item.source.resolve() for item in items if item.source is not None}
    paths = []
    for item in items:
        stem = f"test-{item.test_index}" if item.test_index is not None else Path(item.name).stem
        path = unique_path(folder, stem, taken)
        taken.add(path.resolve())
        write_png(path, item.image)
        paths.append(path)
    return paths


def unique_path(folder: Path, stem: str, taken: set[Path]) -> Path:
    path, n = folder / f"{stem}.28x28.png", 1
    while path.resolve() in taken:
        n += 1
        path = folder / f"{stem}-{n}.28x28.png"
    return path


def write_png(path: Path, image: np.ndarray) -> None:
    try:
        atomic_write(path, lambda tmp: Image.fromarray(image).save(tmp, format="PNG"))
    except OSError as exc:
        raise ToolError(f"--save-inputs: cannot write {path} ({exc.strerror or exc})") from None
