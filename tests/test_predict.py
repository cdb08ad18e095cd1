"""`fashion_items.py predict`: the real command on the synthetic data's trained model, and the
photo preparation (prepare_image) in-process."""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from conftest import TOOL, assert_clean_error, lambda_model, run_tool
from PIL import Image

from fashion_tools import data as fashion_data
from fashion_tools.keras_setup import keras_import
from fashion_tools.network import LABELS
from fashion_tools.predict import prepare_image

ONE_PER_CLASS = [str(i) for i in range(10)]  # the synthetic test labels cycle 0..9


@pytest.fixture(scope="module")
def test_set(synthetic_dir) -> fashion_data.Dataset:
    return fashion_data.load(fashion_data.locate(str(synthetic_dir)))


def predict(*args: str, cwd: Path) -> tuple[int, list[dict], str]:
    """Run `predict --json ARGS`; its exit status, the parsed list and stderr."""
    result = run_tool("predict", "--json", *args, cwd=cwd)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout), result.stderr


def save_png(path: Path, image: np.ndarray) -> Path:
    Image.fromarray(image).save(path)
    return path


def on_white_jpeg(path: Path, image: np.ndarray) -> Path:
    """The item as a photo shows it: dark on white paper, 112x112, colour, JPEG."""
    big = Image.fromarray(255 - image).resize((112, 112), Image.Resampling.BICUBIC)
    big.convert("RGB").save(path, quality=90)
    return path


def png_header_only(path: Path, width: int, height: int) -> Path:
    """A PNG that declares width x height pixels and holds none: what a decompression bomb starts as."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b""))
    return path


# --- the command on good inputs ---

def test_png_files_give_the_arrays_predictions(trained_run, synthetic_dir, test_set, tmp_path):
    files = [str(save_png(tmp_path / f"item{i}.png", test_set.x_test[int(i)])) for i in ONE_PER_CLASS]
    status, results, stderr = predict("--model", str(trained_run.model), "--data-dir", str(synthetic_dir),
                                      *files, "--test-index", *ONE_PER_CLASS, cwd=tmp_path)
    assert status == 0, stderr
    from_indices = [r for r in results if "test_index" in r]
    from_files = [r for r in results if "test_index" not in r]
    assert [r["input"] for r in from_files] == files
    assert [r["test_index"] for r in from_indices] == list(range(10))
    for f, t in zip(from_files, from_indices, strict=True):
        assert f["label"] == t["label"]
        assert list(f["probabilities"]) == list(LABELS)
        np.testing.assert_allclose(list(f["probabilities"].values()), list(t["probabilities"].values()),
                                   rtol=1e-5, atol=1e-6)
        assert t["true_label"] == LABELS[int(test_set.y_test[t["test_index"]])]
        assert t["correct"] == (t["label"] == t["true_label"])
        assert [x["label"] for x in t["top3"]] == sorted(LABELS, key=lambda k: -t["probabilities"][k])[:3]

    # and they are the lecture's own 12/12 prediction of the same arrays
    from fashion_items import predict_sample
    from fashion_tools.models import load_model_safely

    model = load_model_safely(trained_run.model)
    for t in from_indices:
        expected = predict_sample(model, test_set.x_test[t["test_index"]])
        np.testing.assert_allclose(list(t["probabilities"].values()), expected, rtol=1e-5, atol=1e-6)


def test_white_background_jpeg_gets_the_same_label(trained_run, synthetic_dir, test_set, tmp_path):
    """All 200 test items, as arrays and as 112x112 JPEG photos drawn dark on white, in one run: each
    photo, inverted and scaled back to 28x28, gives probabilities within 0.05 of its array's (JPEG
    and resampling move them a little), and so nearly always the same label. The 1-epoch model is
    unsure (top probability ~0.2), so an item on a knife edge may flip: the labels must agree on
    nine items in ten, which a wrong inversion, crop or scaling misses by far."""
    n = len(test_set.x_test)
    photos = [str(on_white_jpeg(tmp_path / f"photo{i:03d}.jpg", test_set.x_test[i])) for i in range(n)]
    status, results, stderr = predict("--model", str(trained_run.model), "--data-dir", str(synthetic_dir),
                                      *photos, "--test-index", *map(str, range(n)), cwd=tmp_path)
    assert status == 0, stderr
    from_photos, from_arrays = results[n:], results[:n]
    assert [r["input"] for r in from_photos] == photos
    for photo, array in zip(from_photos, from_arrays, strict=True):
        diff = max(abs(photo["probabilities"][k] - array["probabilities"][k]) for k in LABELS)
        assert diff < 0.05, (photo["input"], diff)
    same = sum(p["label"] == a["label"] for p, a in zip(from_photos, from_arrays, strict=True))
    assert same >= 0.9 * n, f"{same} of {n} photos got their array's label"


def test_text_output_names_each_input(trained_run, synthetic_dir, test_set, tmp_path):
    photo = on_white_jpeg(tmp_path / "sneaker.jpg", test_set.x_test[7])
    result = run_tool("predict", "--model", str(trained_run.model), "--data-dir", str(synthetic_dir),
                      photo.name, "--test-index", "7", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("test[7]:") and "top 3:" in lines[0] and "(true: sneaker, " in lines[0]
    assert lines[1].startswith("sneaker.jpg:") and "top 3:" in lines[1] and "true" not in lines[1]
    assert len(lines[1].split("top 3:")[1].split(",")) == 3


# --- bad inputs: one line each, the others still predicted, exit 1 ---

def test_each_bad_input_gets_its_line_and_the_rest_are_predicted(trained_run, test_set, tmp_path):
    good = save_png(tmp_path / "good.png", test_set.x_test[0])
    (tmp_path / "notes.png").write_text("not an image at all\n")
    noise = np.random.default_rng(0).integers(0, 256, (112, 112), dtype=np.uint8)
    whole = save_png(tmp_path / "whole.png", noise).read_bytes()
    (tmp_path / "cut.png").write_bytes(whole[: len(whole) // 2])
    buffer = io.BytesIO()
    Image.fromarray(noise).save(buffer, format="JPEG")
    (tmp_path / "cut.jpg").write_bytes(buffer.getvalue()[:400])
    (tmp_path / "folder.png").mkdir()
    png_header_only(tmp_path / "huge.png", 20000, 20000)  # above twice Pillow's limit: its error
    png_header_only(tmp_path / "big.png", 10000, 10000)  # above its limit: only a warning in Pillow
    bad = {"missing.jpg": "no such file", "notes.png": "not an image", "cut.png": "truncated",
           "cut.jpg": "truncated", "folder.png": "folder", "huge.png": "too large", "big.png": "too large"}

    status, results, stderr = predict("--model", str(trained_run.model), *bad, good.name, cwd=tmp_path)
    assert status == 1, stderr
    assert [r["input"] for r in results] == ["good.png"]
    lines = stderr.splitlines()
    assert len(lines) == len(bad), stderr
    for line, (name, reason) in zip(lines, bad.items(), strict=True):
        assert line.startswith(f"fashion_items.py: error: {name}: ") and reason in line, line


def test_only_bad_inputs_exit_1_with_an_empty_list(trained_run, tmp_path):
    status, results, stderr = predict("--model", str(trained_run.model), "missing.png", cwd=tmp_path)
    assert (status, results) == (1, [])
    assert "missing.png: no such file" in stderr


# --- bad models and options: one line, exit 2, nothing predicted ---

def keras_model(inputs_shape: tuple[int, ...], outputs: int):
    keras = keras_import()
    return keras.Sequential([keras.Input(inputs_shape), keras.layers.Flatten(),
                             keras.layers.Dense(outputs, activation="softmax")])


@pytest.mark.parametrize("kind, words", [
    ("missing", ["not found"]),
    ("empty", ["empty", "0 bytes"]),
    ("text", ["not a readable Keras model"]),
    ("wrong-shape", ["(32, 32, 3)", "(28, 28, 1)"]),
])
def test_bad_model_is_one_clear_line(kind, words, test_set, tmp_path):
    model = tmp_path / "after.h5"
    if kind == "empty":
        model.touch()
    elif kind == "text":
        model.write_text("weights, honestly\n")
    elif kind == "wrong-shape":
        keras_model((32, 32, 3), 10).save(model)
    photo = save_png(tmp_path / "good.png", test_set.x_test[0])
    result = run_tool("predict", photo.name, cwd=tmp_path)
    assert_clean_error(result, 2, str(model.name), *words)
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_model_with_a_lambda_is_refused_and_never_run(test_set, tmp_path):
    marker = tmp_path / "lambda-ran"
    model = lambda_model(tmp_path / "evil.h5", marker)

    photo = save_png(tmp_path / "good.png", test_set.x_test[0])
    result = run_tool("predict", "--model", model.name, photo.name, cwd=tmp_path)
    assert_clean_error(result, 2, "evil.h5", "refused", "Lambda")
    assert not marker.exists()


def test_test_index_outside_the_test_set(trained_run, synthetic_dir, tmp_path):
    result = run_tool("predict", "--model", str(trained_run.model), "--data-dir", str(synthetic_dir),
                      "--test-index", "3", "200", "5000", cwd=tmp_path)
    assert_clean_error(result, 2, "--test-index 200, 5000", "outside the test set", "0 to 199")
    assert result.stdout == ""


@pytest.mark.parametrize("args, words", [
    ([], ["nothing to predict"]),
    (["--test-index", "-1"], ["-1 is negative"]),
    (["--test-index", "3", "photo.png"], ["'photo.png' is not a whole number", "after --"]),
])
def test_usage_errors(args, words, tmp_path):
    assert_clean_error(run_tool("predict", *args, cwd=tmp_path), 2, *words)


@pytest.mark.parametrize("command", ["", "predict", "grade", "reference", "examples"])
def test_help_does_not_wait_for_tensorflow(command, tmp_path):
    """`--help` of the real script, every module it imports listed by Python itself (-X importtime)."""
    args = [command, "--help"] if command else ["--help"]
    out = subprocess.run([sys.executable, "-X", "importtime", str(TOOL), *args], cwd=tmp_path, capture_output=True,
                         text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.startswith(f"usage: {' '.join(['fashion_items.py', command]).strip()} ")
    assert "--help" in out.stdout and "Traceback" not in out.stderr
    imported = {line.rsplit("|", 1)[1].strip().split(".")[0] for line in out.stderr.splitlines()
                if line.startswith("import time:") and line.count("|") == 2}
    assert "fashion_tools" in imported  # the listing is there, so the check below means something
    assert not imported & {"tensorflow", "keras", "sklearn", "matplotlib", "h5py"}


# --- --save-inputs ---

def test_save_inputs_writes_the_28x28_images_the_model_saw(trained_run, synthetic_dir, test_set, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    photo = on_white_jpeg(tmp_path / "a" / "shirt.jpg", test_set.x_test[6])
    other = save_png(tmp_path / "b" / "shirt.png", test_set.x_test[16])
    out = tmp_path / "seen" / "today"  # created, parents too
    status, results, stderr = predict("--model", str(trained_run.model), "--data-dir", str(synthetic_dir),
                                      "--save-inputs", str(out), str(photo), str(other), "--test-index", "4",
                                      cwd=tmp_path)
    assert status == 0, stderr
    assert sorted(p.name for p in out.iterdir()) == ["shirt-2.28x28.png", "shirt.28x28.png", "test-4.28x28.png"]
    assert [r["saved_as"] for r in results] == [str(out / n) for n in
                                                ("test-4.28x28.png", "shirt.28x28.png", "shirt-2.28x28.png")]
    for path in out.iterdir():
        with Image.open(path) as img:
            assert (img.format, img.mode, img.size) == ("PNG", "L", (28, 28))
    saved = {p.name: np.asarray(Image.open(p)) for p in out.iterdir()}
    np.testing.assert_array_equal(saved["test-4.28x28.png"], test_set.x_test[4])
    np.testing.assert_array_equal(saved["shirt-2.28x28.png"], test_set.x_test[16])
    np.testing.assert_array_equal(saved["shirt.28x28.png"], prepare_image(Image.open(photo)))


def test_save_inputs_folder_that_cannot_be_created(trained_run, test_set, tmp_path):
    (tmp_path / "plain-file").write_text("x")
    photo = save_png(tmp_path / "good.png", test_set.x_test[0])
    result = run_tool("predict", "--model", str(trained_run.model), "--save-inputs", "plain-file/seen",
                      photo.name, cwd=tmp_path)
    assert_clean_error(result, 2, "--save-inputs plain-file/seen", "cannot create")
    assert result.stdout == ""


# --- prepare_image, in-process ---

def test_a_28x28_dark_background_image_is_unchanged(test_set):
    for image in test_set.x_test[:20]:
        prepared = prepare_image(Image.fromarray(image))
        assert prepared.dtype == np.uint8 and prepared.shape == (28, 28)
        np.testing.assert_array_equal(prepared, image)


def test_a_photo_on_white_becomes_the_item_on_black(test_set, tmp_path):
    for i in range(10):
        prepared = prepare_image(Image.open(on_white_jpeg(tmp_path / f"{i}.jpg", test_set.x_test[i])))
        difference = np.abs(prepared.astype(int) - test_set.x_test[i].astype(int))
        assert difference.mean() < 8, (i, difference.mean())


def test_aspect_ratio_is_kept_and_padded_black():
    wide = np.full((40, 120), 255, dtype=np.uint8)  # white paper...
    wide[10:30, 10:110] = 0  # ...with a black bar, 20 by 100: a light background
    prepared = prepare_image(Image.fromarray(wide))
    rows = np.flatnonzero(prepared.max(axis=1) > 128)
    cols = np.flatnonzero(prepared.max(axis=0) > 128)
    assert 5 <= len(rows) <= 6 and 22 <= len(cols) <= 25  # 100:20 stays about 5:1, inverted to light
    assert rows.mean() == pytest.approx(13.5, abs=1) and cols.mean() == pytest.approx(13.5, abs=1)
    assert prepared[:9].max() == 0 and prepared[-9:].max() == 0  # the padding is black


def test_transparent_background_counts_as_white_paper():
    rgba = np.zeros((56, 56, 4), dtype=np.uint8)  # transparent black everywhere...
    rgba[8:48, 20:36] = (30, 30, 200, 255)  # ...but an opaque dark-blue item
    prepared = prepare_image(Image.fromarray(rgba))
    assert prepared[0, 0] < 10  # background: white paper, inverted
    assert prepared[14, 14] > 150  # the item: dark, inverted to light


def test_camera_orientation_is_applied():
    upright = np.zeros((28, 28), dtype=np.uint8)
    upright[2:8, 10:18] = 255  # a light patch at the top
    stored = Image.fromarray(upright).transpose(Image.Transpose.ROTATE_90)  # as a sideways camera stores it
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 degrees clockwise to display
    buffer = io.BytesIO()
    stored.save(buffer, format="PNG", exif=exif)
    prepared = prepare_image(Image.open(buffer))
    np.testing.assert_array_equal(prepared, upright)


def test_16_bit_grayscale_is_scaled_not_clipped():
    levels = np.zeros((28, 28), dtype=np.uint16)
    levels[10:20, 10:20] = 128 * 257
    prepared = prepare_image(Image.fromarray(levels))
    assert prepared[15, 15] == 128 and prepared[0, 0] == 0
