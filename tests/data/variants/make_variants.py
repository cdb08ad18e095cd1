"""Make the hand-in variants of issue 30 from real runs: how students print the lecture's values
another way, each a real run's output with the cell's source and its output changed together.

Nothing is trained here. Every number comes from a real run in tests/data/real/:
- `jupyterlab.ipynb` (the Keras 3 script run by a Jupyter kernel: test accuracy 0.9143, loss 0.2409);
- `keras3.log` (the same script in a terminal: 0.9135, 0.2367);
- `mistakes/sgd.log.gz` (Adam left out for SGD: 0.8259, 0.4850), `mistakes/epochs5.log.gz` (5 epochs:
  0.8989, 0.2774), `mistakes/no_softmax.log.gz` (0.1024, 6.4472).
What a student changes (a print, the cell's last expression, the heading's language, a heatmap for the
printed matrix) is applied to the source, and the output is what that source prints for those numbers:
a DataFrame's text is pandas' own, a classification report is scikit-learn's own (from the matrix's
counts), a heatmap is a real matplotlib/seaborn PNG, the HTML exports are real `jupyter nbconvert`.
Notebooks are saved as JupyterLab saves them (each cell's streams joined, each progress bar in its
last state, its colours kept) in the shapes Colab, Kaggle and VS Code give their files.

    pip install nbformat==5.11.1 nbconvert==7.17.2 pandas==3.1.1 matplotlib==3.11.2 seaborn==0.13.2 \
        scikit-learn==1.9.1 numpy==2.4.6          # a separate venv: none of these is the tool's
    python tests/data/variants/make_variants.py   # writes tests/data/variants/handins/

The instructor's verdicts are in verdicts.json beside this file, written by hand from each file.
"""

from __future__ import annotations

import copy
import gzip
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import nbformat
import numpy as np

HERE = Path(__file__).resolve().parent
REAL = HERE.parent / "real"
OUT = HERE / "handins"

LABELS = ["t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle-boot"]
ANSI = re.compile(r"\x1b\[[0-9;]*m")
CR_PAT = re.compile(r".*\r(?=[^\n])")  # nbconvert's CoalesceStreamsPreprocessor, as JupyterLab saves


# ---------------------------------------------------------------- the real runs, read once

def coalesced(path: Path) -> nbformat.NotebookNode:
    """The real notebook as JupyterLab saves it: one stream per name and cell, bars in their last state."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        joined: list = []
        for out in cell.outputs:
            if (out.output_type == "stream" and joined and joined[-1].output_type == "stream"
                    and joined[-1].name == out.name):
                joined[-1].text += out.text
            else:
                joined.append(copy.deepcopy(out))
        for out in joined:
            if out.output_type == "stream":
                out.text = CR_PAT.sub("", out.text)
                while "\b" in out.text:  # a bar's backspaces before its last redraw
                    out.text = re.sub(r"[^\n]?\x08", "", out.text)
        cell.outputs = joined
    return nb


def terminal_copy(raw: str) -> str:
    """What a terminal shows of a redirected Keras 3 log, as a student copies it: each line's last state."""
    text = ANSI.sub("", raw.replace("\r\n", "\n"))
    lines = []
    for line in text.split("\n"):
        line = line.split("\r")[-1].replace("\b", "")
        lines.append(line.rstrip())
    return "\n".join(lines)


def log_text(name: str) -> str:
    path = REAL / name
    raw = gzip.decompress(path.read_bytes()) if name.endswith(".gz") else path.read_bytes()
    return terminal_copy(raw.decode("utf-8"))


BASE = coalesced(REAL / "jupyterlab.ipynb")
SCRIPT = (REAL / "pasted_comments.py").read_text().split("\n# WARNING: All log messages")[0].rstrip() + "\n"


def cell_index(nb: nbformat.NotebookNode, marker: str) -> int:
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and marker in cell.source:
            return i
    raise KeyError(marker)


def stdout_of(nb: nbformat.NotebookNode, marker: str) -> str:
    cell = nb.cells[cell_index(nb, marker)]
    return "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")


FIT_TEXT = stdout_of(BASE, "model.fit(")                      # Epoch 1/10 ... each bar's last state
EVAL_TEXT = stdout_of(BASE, "model.evaluate(")
EVAL_BAR = EVAL_TEXT.split("\n")[0]                          # 313/313 ... accuracy: 0.9143 - loss: 0.2409
LOSS = float(re.search(r"model loss =  (\S+)", EVAL_TEXT).group(1))          # 0.2409101128578186
ACC = float(re.search(r"model accuracy =  (\S+)", EVAL_TEXT).group(1))       # 0.9143000245094299
MATRIX_TEXT = stdout_of(BASE, "== CONFUSION MATRIX ==")
PREDICT_BAR = MATRIX_TEXT.split("\n")[0]                     # 313/313 ... 2s 6ms/step
CM = np.array([[int(v) for v in row.split()] for row in
               re.findall(r"\[([\d ]+)\]", MATRIX_TEXT.split("== CONFUSION MATRIX ==")[1])])
assert CM.shape == (10, 10) and CM.trace() == round(ACC * 10000)


def bars_of(fit_text: str) -> list[str]:
    """Each epoch's last bar line, in order."""
    return [line for line in fit_text.split("\n") if "/300" in line]


# ---------------------------------------------------------------- editing a notebook

def out_stream(text: str, name: str = "stdout") -> nbformat.NotebookNode:
    return nbformat.v4.new_output("stream", name=name, text=text)


def out_result(count: int, plain: str, html: str | None = None) -> nbformat.NotebookNode:
    data = {"text/plain": plain}
    if html is not None:
        data = {"text/html": html, "text/plain": plain}
    return nbformat.v4.new_output("execute_result", data=data, execution_count=count)


def edit(nb: nbformat.NotebookNode, marker: str, source: str, outputs: list | None = None) -> None:
    """Give the code cell holding `marker` a new source and, if given, new outputs."""
    cell = nb.cells[cell_index(nb, marker)]
    cell.source = source
    if outputs is not None:
        for out in outputs:
            if out.output_type == "execute_result":
                out.execution_count = cell.execution_count
        cell.outputs = outputs


def replace_all(nb: nbformat.NotebookNode, pairs: list[tuple[str, str]]) -> None:
    """A renaming a student makes everywhere (source and the text it printed)."""
    for cell in nb.cells:
        for old, new in pairs:
            cell.source = cell.source.replace(old, new)


def insert_code(nb: nbformat.NotebookNode, before: str | None, source: str, outputs: list) -> None:
    """A new code cell, run, before the cell holding `before` (at the end if None); the counts renumbered
    as a Run All gives them."""
    cell = nbformat.v4.new_code_cell(source)
    cell.outputs = outputs
    cell.execution_count = 0
    nb.cells.insert(len(nb.cells) if before is None else cell_index(nb, before), cell)
    n = 0
    for c in nb.cells:
        if c.cell_type == "code" and c.execution_count is not None:
            n += 1
            c.execution_count = n
            for out in c.outputs:
                if out.output_type == "execute_result":
                    out.execution_count = n


def unrun(nb: nbformat.NotebookNode, source: str) -> None:
    """A cell the student wrote and never ran: no count, no outputs."""
    cell = nbformat.v4.new_code_cell(source)
    cell.execution_count = None
    nb.cells.append(cell)


def set_markdown(nb: nbformat.NotebookNode, text: str) -> None:
    nb.cells[0].source = text


def fresh() -> nbformat.NotebookNode:
    return copy.deepcopy(BASE)


def sid(*parts: str) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()


# ---------------------------------------------------------------- the platforms' file shapes

KERAS_SITE = "/tmp/fixvenv/lib/python3.11/site-packages/keras"


def repath(nb: nbformat.NotebookNode, site: str) -> None:
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                out.text = out.text.replace(KERAS_SITE, site)


def save_jupyter(nb: nbformat.NotebookNode, name: str) -> Path:
    path = OUT / name
    for i, cell in enumerate(nb.cells):
        cell.id = sid(name, str(i))[:8]
    nbformat.validate(nb)
    path.write_text(nbformat.writes(nb) + "\n")
    return path


def save_colab(nb: nbformat.NotebookNode, name: str, gpu: bool = False) -> Path:
    """Colab's download: nbformat 4.0, ids in each cell's metadata, one line a list item, a T4 runtime."""
    repath(nb, "/usr/local/lib/python3.11/dist-packages/keras")
    nb.metadata = {"colab": {"provenance": [], "gpuType": "T4"} if gpu else {"provenance": []},
                   "kernelspec": {"name": "python3", "display_name": "Python 3"},
                   "language_info": {"name": "python"}}
    if gpu:
        nb.metadata["accelerator"] = "GPU"
    cells = []
    for i, cell in enumerate(nb.cells):
        d = {"cell_type": cell.cell_type, "source": cell.source.splitlines(keepends=True),
             "metadata": {"id": sid(name, "cell", str(i))[:12]}}
        if cell.cell_type == "code":
            if cell.outputs:
                d["metadata"]["colab"] = {"base_uri": "https://localhost:8080/"}
                if any(o.output_type == "display_data" for o in cell.outputs):
                    d["metadata"]["colab"]["height"] = 696
                d["metadata"]["outputId"] = "-".join([sid(name, "out", str(i))[k:k + n]
                                                      for k, n in ((0, 8), (8, 4), (12, 4), (16, 4), (20, 12))])
            d["execution_count"] = cell.execution_count
            outs = []
            for out in cell.outputs:
                o = {k: v for k, v in out.items()}
                if "text" in o:
                    o["text"] = o["text"].splitlines(keepends=True)
                if "data" in o:
                    o["data"] = {k: (v.splitlines(keepends=True) if k.startswith("text/") else v)
                                 for k, v in o["data"].items()}
                outs.append(o)
            d["outputs"] = outs
        cells.append(d)
    doc = {"nbformat": 4, "nbformat_minor": 0, "metadata": nb.metadata, "cells": cells}
    nbformat.validate(nbformat.from_dict(copy.deepcopy(doc)))
    path = OUT / name
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    return path


def save_kaggle(nb: nbformat.NotebookNode, name: str) -> Path:
    """Kaggle's "Save Version" (papermill ran it): kaggle metadata, papermill timings per cell."""
    repath(nb, "/usr/local/lib/python3.11/dist-packages/keras")
    nb.metadata = {
        "kaggle": {"accelerator": "none", "dataSources": [{"datasetId": 2243, "sourceId": 9243,
                                                           "sourceType": "datasetVersion"}],
                   "dockerImageVersionId": 31089, "isGpuEnabled": False, "isInternetEnabled": True,
                   "language": "python", "sourceType": "notebook"},
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
                          "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
                          "pygments_lexer": "ipython3", "version": "3.11.13"},
        "papermill": {"default_parameters": {}, "duration": 623.41, "end_time": "2026-12-02T10:21:07.310921",
                      "environment_variables": {}, "exception": None,
                      "input_path": "__notebook__.ipynb", "output_path": "__notebook__.ipynb",
                      "parameters": {}, "start_time": "2026-12-02T10:10:43.900213", "version": "2.6.0"},
    }
    for i, cell in enumerate(nb.cells):
        cell.metadata = {"papermill": {"duration": 0.01 + i / 10, "end_time": None, "exception": False,
                                       "start_time": None, "status": "completed"}, "tags": []}
        if cell.cell_type == "code":
            cell.metadata["execution"] = {"iopub.execute_input": f"2026-12-02T10:1{i // 6}:{10 + i:02d}.1Z",
                                          "iopub.status.busy": f"2026-12-02T10:1{i // 6}:{10 + i:02d}.0Z",
                                          "iopub.status.idle": f"2026-12-02T10:1{i // 6}:{11 + i:02d}.0Z",
                                          "shell.execute_reply": f"2026-12-02T10:1{i // 6}:{11 + i:02d}.0Z"}
    return save_jupyter(nb, name)


def save_vscode(nb: nbformat.NotebookNode, name: str) -> Path:
    """VS Code's Jupyter extension on Windows: its interpreter's hash, the venv's Windows paths."""
    repath(nb, "c:\\Users\\student\\Documents\\lab3\\.venv\\Lib\\site-packages\\keras")
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                out.text = out.text.replace("keras\\src/layers/core/input_layer.py",
                                            "keras\\src\\layers\\core\\input_layer.py")
    nb.metadata = {
        "kernelspec": {"display_name": ".venv", "language": "python", "name": "python3"},
        "language_info": {"codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
                          "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
                          "pygments_lexer": "ipython3", "version": "3.11.7"},
        "vscode": {"interpreter": {"hash": sid(name, "interpreter")}},
    }
    nb.nbformat_minor = 2
    for cell in nb.cells:
        cell.pop("id", None)
    nbformat.validate(nb)
    path = OUT / name
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    return path


def to_html(notebook: Path, name: str) -> Path:
    """`jupyter nbconvert --to html` (the lab template), as a student's File > Download as HTML."""
    jupyter = Path(sys.executable).parent / "jupyter"
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([str(jupyter), "nbconvert", "--to", "html", "--output-dir", tmp,
                        "--output", Path(name).stem, str(notebook)], check=True, capture_output=True)
        shutil.move(str(Path(tmp) / name), OUT / name)
    return OUT / name


# ---------------------------------------------------------------- pictures, reports, frames

def heatmap_png(cm: np.ndarray) -> tuple[bytes, str]:
    """A seaborn heatmap of the matrix as Jupyter's inline backend saves it: PNG and its text/plain."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import seaborn as sns

    fig = plt.figure(figsize=(10, 8), dpi=72)
    sns.heatmap(cm, annot=True, fmt="d", cmap="Blues", xticklabels=LABELS, yticklabels=LABELS)
    plt.xlabel("Predicted label")
    plt.ylabel("True label")
    plt.title("Confusion Matrix")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight", metadata={"Software": None})
    text = repr(fig).replace("Figure(", "<Figure size ").replace(")", " with 2 Axes>")
    plt.close(fig)
    return buf.getvalue(), text


def classification_report_text(cm: np.ndarray, digits: int) -> str:
    """scikit-learn's own report for these counts: y_true and y_pred rebuilt from the matrix."""
    from sklearn.metrics import classification_report

    y_true = np.repeat(np.repeat(np.arange(10), 10), cm.ravel())
    y_pred = np.repeat(np.tile(np.arange(10), 10), cm.ravel())
    return classification_report(y_true, y_pred, target_names=LABELS, digits=digits)


def dataframe_text(cm: np.ndarray, index: list[str], columns: list[str], width: int | None) -> tuple[str, str]:
    import pandas as pd

    with pd.option_context("display.width", width or 80, "display.max_columns", None):
        frame = pd.DataFrame(cm, index=index, columns=columns)
        return frame.to_string() if width is None else str(frame), frame._repr_html_()


def bare_matrix_lines(cm: np.ndarray) -> str:
    return np.array2string(cm) + "\n"


# ---------------------------------------------------------------- the variants

def eval_cell(prints: str, printed: str, src_extra: str = "") -> tuple[str, list]:
    source = "# model evaluation\nscore = model.evaluate(X_test, Y_test, verbose = 1)\n" + src_extra + prints
    return source, [out_stream(EVAL_BAR + "\n" + printed)]


def v_colab_test_accuracy() -> Path:
    nb = fresh()
    src, outs = eval_cell("print('Test loss:', score[0])\nprint('Test accuracy:', score[1])\n",
                          f"Test loss: {LOSS}\nTest accuracy: {ACC}\n")
    edit(nb, "model.evaluate(", src, outs)
    unrun(nb, "# from google.colab import drive\n# drive.mount('/content/drive')\n"
              "model.save('/content/drive/MyDrive/lab3/after.h5')")
    return save_colab(nb, "colab_test_accuracy.ipynb", gpu=True)


def v_jupyter_evaluate_list() -> Path:
    nb = fresh()
    edit(nb, "model.evaluate(", "# model evaluation\nmodel.evaluate(X_test, Y_test)\n",
         [out_stream(EVAL_BAR + "\n"), out_result(0, f"[{LOSS}, {ACC}]")])
    return save_jupyter(nb, "jupyter_evaluate_list.ipynb")


KAGGLE_LOAD = """# load DB from the Kaggle dataset (the original idx files) and split into train vs. test
def load_idx(path):
    with open(path, 'rb') as f:
        data = np.frombuffer(f.read(), dtype=np.uint8)
    return data[16:].reshape(-1, 28, 28) if 'images' in path else data[8:]

DB = '/kaggle/input/fashionmnist/'
X_train, Y_train = load_idx(DB + 'train-images-idx3-ubyte'), load_idx(DB + 'train-labels-idx1-ubyte')
X_test, Y_test = load_idx(DB + 't10k-images-idx3-ubyte'), load_idx(DB + 't10k-labels-idx1-ubyte')
"""
KAGGLE_FIRST = ("# This Python 3 environment comes with many helpful analytics libraries installed\n"
                "import numpy as np # linear algebra\nimport pandas as pd # data processing, CSV file I/O\n"
                "import os\nfor dirname, _, filenames in os.walk('/kaggle/input'):\n"
                "    for filename in filenames:\n        print(os.path.join(dirname, filename))\n")
KAGGLE_FILES = "".join(f"/kaggle/input/fashionmnist/{f}\n" for f in (
    "t10k-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "fashion-mnist_test.csv", "fashion-mnist_train.csv",
    "train-labels-idx1-ubyte", "train-images-idx3-ubyte"))


def kaggle_notebook() -> nbformat.NotebookNode:
    nb = fresh()
    cell = nb.cells[cell_index(nb, "fashion_mnist.load_data()")]
    cell.source = cell.source.replace(
        "# load DB and split into train vs. test\n# fasion MNIST data is 28x28 gray-scale image\n"
        "(X_train, Y_train), (X_test, Y_test) = fashion_mnist.load_data()\n", KAGGLE_LOAD)
    replace_all(nb, [("model.save('after.h5')", "model.save('/kaggle/working/after.h5')")])
    insert_code(nb, "# import packages", KAGGLE_FIRST, [out_stream(KAGGLE_FILES)])
    return nb


def v_kaggle_percent() -> Path:
    nb = kaggle_notebook()
    src, outs = eval_cell("print(f'LOSS = {score[0]:.4f}')\nprint(f'ACCURACY = {score[1]*100:.3f}%')\n",
                          f"LOSS = {LOSS:.4f}\nACCURACY = {ACC * 100:.3f}%\n")
    edit(nb, "model.evaluate(", src, outs)
    return save_kaggle(nb, "kaggle_percent.ipynb")


def v_jupyter_lowercase_shapes() -> Path:
    nb = fresh()
    replace_all(nb, [("X_train", "x_train"), ("Y_train", "y_train"), ("X_test", "x_test"), ("Y_test", "y_test")])
    edit(nb, "fashion_mnist.load_data()",
         "# load DB and split into train vs. test\n"
         "(x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()\n"
         "print('x_train shape:', x_train.shape, 'y_train shape:', y_train.shape)\n"
         "print('x_test shape:', x_test.shape, 'y_test shape:', y_test.shape)\n",
         [out_stream("x_train shape: (60000, 28, 28) y_train shape: (60000,)\n"
                     "x_test shape: (10000, 28, 28) y_test shape: (10000,)\n")])
    return save_jupyter(nb, "jupyter_lowercase_shapes.ipynb")


def v_jupyter_print_shape() -> Path:
    nb = fresh()
    edit(nb, "fashion_mnist.load_data()",
         "(X_train, Y_train), (X_test, Y_test) = fashion_mnist.load_data()\n"
         "print(X_train.shape)\nprint(Y_train.shape)\nprint(X_test.shape)\nprint(Y_test.shape)\n",
         [out_stream("(60000, 28, 28)\n(60000,)\n(10000, 28, 28)\n(10000,)\n")])
    return save_jupyter(nb, "jupyter_print_shape.ipynb")


def v_colab_korean_matrix() -> Path:
    nb = fresh()
    set_markdown(nb, "# 실습 3: Fashion-MNIST CNN")
    cell = nb.cells[cell_index(nb, "== CONFUSION MATRIX ==")]
    cell.source = cell.source.replace("# display confusion matrix", "# 혼동 행렬 출력").replace(
        "print('\\n== CONFUSION MATRIX ==')", "print('\\n혼동 행렬:')")
    cell.outputs[0].text = cell.outputs[0].text.replace("== CONFUSION MATRIX ==", "혼동 행렬:")
    return save_colab(nb, "colab_korean_matrix.ipynb")


def v_dataframe_7_blocks() -> Path:
    """A terminal copy of keras3.log's run whose matrix is a DataFrame printed at a narrow width."""
    text = log_text("keras3.log")
    cm = parse_matrix(text)
    for width in range(40, 15, -1):
        frame, _ = dataframe_text(cm, LABELS, LABELS, width)
        if frame.count("\\\n") + 1 == 7:
            break
    assert frame.count("\\\n") + 1 == 7 and len(frame.splitlines()) > 80, width
    text = replace_matrix(text, "== CONFUSION MATRIX ==\n" + frame + "\n")
    return write(text, "terminal_dataframe_7_blocks.txt")


def v_jupyter_heatmap(save: Callable = save_jupyter, name: str = "jupyter_heatmap.ipynb") -> Path:
    nb = fresh()
    png, plain = heatmap_png(CM)
    import base64
    edit(nb, "== CONFUSION MATRIX ==",
         "# display confusion matrix\nfrom sklearn.metrics import confusion_matrix\nimport seaborn as sns\n"
         "answer = np.argmax(Y_test, axis = 1)\n\npred = model.predict(X_test)\npred = np.argmax(pred, axis = 1)\n\n"
         "cm = confusion_matrix(answer, pred)\nplt.figure(figsize=(10, 8))\n"
         "sns.heatmap(cm, annot=True, fmt='d', cmap='Blues', xticklabels=labels, yticklabels=labels)\n"
         "plt.xlabel('Predicted label')\nplt.ylabel('True label')\nplt.title('Confusion Matrix')\nplt.show()\n",
         [out_stream(PREDICT_BAR + "\n"),
          nbformat.v4.new_output("display_data", data={"image/png": base64.b64encode(png).decode(),
                                                       "text/plain": plain})])
    return save(nb, name)


def report_notebook(digits: int, f1_line: bool) -> nbformat.NotebookNode:
    nb = fresh()
    report = classification_report_text(CM, digits)
    src = ("# calculate F1 score using confusion matrix\nfrom sklearn.metrics import classification_report"
           + (", f1_score" if f1_line else "") + "\n"
           + "print(classification_report(answer, pred, target_names = labels"
           + (f", digits = {digits}" if digits != 2 else "") + "))\n")
    printed = report + "\n"
    if f1_line:
        src += "print(\"F1 score:\", f1_score(answer, pred, average = 'micro'))\n"
        printed += f"F1 score: {ACC:.4f}\n"
    edit(nb, "f1_score(answer", src, [out_stream(printed)])
    return nb


def v_vscode_report_and_f1() -> Path:
    nb = report_notebook(4, True)
    src, outs = eval_cell("print(f'Test Loss: {score[0]:.4f}')\nprint(f'Test Accuracy: {score[1]:.4f}')\n",
                          f"Test Loss: {LOSS:.4f}\nTest Accuracy: {ACC:.4f}\n")
    edit(nb, "model.evaluate(", src, outs)
    return save_vscode(nb, "vscode_report_and_f1.ipynb")


def v_jupyter_report_only() -> Path:
    return save_jupyter(report_notebook(4, False), "jupyter_classification_report.ipynb")


def v_early_stopping() -> Path:
    """The 5-epoch run of mistakes/epochs5.log.gz as EarlyStopping stopped it: Epoch N/50, 'Epoch 5: early
    stopping' (min_delta 0.025, patience 1 on its training losses 0.5399, 0.3425, 0.2980, 0.2696, 0.2466
    stop it at epoch 5, whose improvement is 0.0230)."""
    text = log_text("mistakes/epochs5.log.gz")
    text = re.sub(r"Epoch (\d+)/5\n", r"Epoch \1/50\n", text)
    last = [m for m in re.finditer(r"300/300 .*\n", text)][-1]
    text = text[:last.end()] + "Epoch 5: early stopping\n" + text[last.end():]
    return write(text, "terminal_early_stopping.txt")


def v_jupyter_two_fits() -> Path:
    """fit() in two calls of 5 epochs on the same model (the real run's epochs 1-5, then 6-10)."""
    nb = fresh()
    lines = FIT_TEXT.split("\n")
    bars = bars_of(FIT_TEXT)
    first = "".join(f"Epoch {i + 1}/5\n{b}\n" for i, b in enumerate(bars[:5]))
    second = "".join(f"Epoch {i + 1}/5\n{b}\n" for i, b in enumerate(bars[5:]))
    assert len(lines) > 10
    cell = nb.cells[cell_index(nb, "model.fit(")]
    warn = [o for o in cell.outputs if o.output_type == "stream" and o.name == "stderr"]
    edit(nb, "model.fit(",
         "# model training: 5 epochs first, to see it learns\n"
         "model.compile(optimizer = 'adam', loss = 'categorical_crossentropy', metrics = ['accuracy'])\n"
         "model.fit(X_train, Y_train, epochs = 5, batch_size = MY_BATCH, verbose = 1)\n",
         [out_stream(first)])
    insert_code(nb, "model.evaluate(",
                "# 5 more epochs on the same model: 10 in all, as MY_EPOCH says\n"
                "model.fit(X_train, Y_train, epochs = 5, batch_size = MY_BATCH, verbose = 1)\n"
                "model.save('after.h5')\n", [out_stream(second)] + warn)
    return save_jupyter(nb, "jupyter_two_fits.ipynb")


def pasted_py(source: str, output: str, name: str, docstring: bool = False) -> Path:
    if docstring:
        return write(source + '\n"""\n' + output.rstrip() + '\n"""\n', name)
    body = "\n".join(("# " + line) if line.strip() else "" for line in output.rstrip().split("\n"))
    return write(source + "\n" + body + "\n", name)


def lecture_prints(text: str, old: list[str], new: list[str]) -> str:
    for o, n in zip(old, new, strict=True):
        assert o in text, o
        text = text.replace(o, n)
    return text


EVAL_SRC = ("print('\\nKeras CNN model loss = ', score[0])\n"
            "print('Keras CNN model accuracy = ', score[1])\n")


def eval_lines(text: str) -> tuple[str, float, float]:
    m = re.search(r"\nKeras CNN model loss =  (\S+)\nKeras CNN model accuracy =  (\S+)\n", text)
    return m.group(0), float(m.group(1)), float(m.group(2))


def v_py_test_score() -> Path:
    out = log_text("keras3.log")
    old, loss, acc = eval_lines(out)
    out = out.replace(old, f"\nTest score: {round(loss, 4)}\nTest accuracy: {round(acc, 4)}\n")
    src = SCRIPT.replace(EVAL_SRC, "print('\\nTest score:', round(score[0], 4))\n"
                                   "print('Test accuracy:', round(score[1], 4))\n")
    assert src != SCRIPT
    return pasted_py(src, out, "pasted_test_score.py")


def v_train_and_test_accuracy() -> Path:
    out = log_text("keras3.log")
    old, loss, acc = eval_lines(out)
    train = float(re.findall(r"accuracy: (\S+) - loss", out.split("Epoch 10/10")[1])[0])
    out = out.replace(old, f"\nTrain accuracy: {train}\nTest accuracy: {round(acc, 4)}\n"
                           f"Test loss: {round(loss, 4)}\n")
    return write(out, "terminal_train_and_test_accuracy.txt")


def v_sgd_wrong() -> Path:
    out = log_text("mistakes/sgd.log.gz")
    old, loss, acc = eval_lines(out)
    out = out.replace(old, f"\nTest loss: {loss:.4f}\nTest accuracy: {acc:.4f}\n")
    return write(out, "terminal_sgd_test_accuracy.txt")


# ------------------------------------------------ held out: wordings, languages and shapes the fit set lacks

def v_vscode_testing_accuracy() -> Path:
    nb = fresh()
    src, outs = eval_cell("print('Testing Loss', round(score[0], 4))\n"
                          "print('Testing Accuracy {:.2f}%'.format(score[1] * 100))\n",
                          f"Testing Loss {round(LOSS, 4)}\nTesting Accuracy {ACC * 100:.2f}%\n")
    edit(nb, "model.evaluate(", src, outs)
    return save_vscode(nb, "vscode_testing_accuracy.ipynb")


def v_shapes_tuple_result() -> Path:
    nb = fresh()
    edit(nb, "fashion_mnist.load_data()",
         "(X_train, Y_train), (X_test, Y_test) = fashion_mnist.load_data()\n"
         "X_train.shape, Y_train.shape, X_test.shape, Y_test.shape\n",
         [out_result(0, "((60000, 28, 28), (60000,), (10000, 28, 28), (10000,))")])
    return save_jupyter(nb, "jupyter_shapes_tuple.ipynb")


def v_colab_spanish() -> Path:
    nb = fresh()
    set_markdown(nb, "# Práctica 3: CNN con Fashion-MNIST")
    edit(nb, "fashion_mnist.load_data()",
         "# cargar la base de datos\n(X_train, Y_train), (X_test, Y_test) = fashion_mnist.load_data()\n\n"
         "print('\\n== FORMA DE LOS DATOS ==')\n"
         "print('Forma de X_train:', X_train.shape)\nprint('Forma de Y_train:', Y_train.shape)\n"
         "print('Forma de X_test:', X_test.shape)\nprint('Forma de Y_test:', Y_test.shape)\n",
         [out_stream("\n== FORMA DE LOS DATOS ==\nForma de X_train: (60000, 28, 28)\nForma de Y_train: (60000,)\n"
                     "Forma de X_test: (10000, 28, 28)\nForma de Y_test: (10000,)\n")])
    src, outs = eval_cell("print('\\nPérdida en test:', score[0])\nprint('Exactitud en test:', score[1])\n",
                          f"\nPérdida en test: {LOSS}\nExactitud en test: {ACC}\n")
    edit(nb, "model.evaluate(", src, outs)
    cell = nb.cells[cell_index(nb, "== CONFUSION MATRIX ==")]
    cell.source = cell.source.replace("print('\\n== CONFUSION MATRIX ==')", "print('\\nMatriz de confusión:')")
    cell.outputs[0].text = cell.outputs[0].text.replace("== CONFUSION MATRIX ==", "Matriz de confusión:")
    edit(nb, "f1_score(answer",
         "# puntuación F1\nfrom sklearn.metrics import f1_score\n"
         "print('\\nPuntuación F1:', f1_score(answer, pred, average = 'micro'))\n",
         [out_stream(f"\nPuntuación F1: {ACC:.4f}\n")])
    cell = nb.cells[cell_index(nb, "Prediction after learning")]
    cell.source = cell.source.replace('"\\nPrediction after learning:"', '"\\nPredicción después del entrenamiento:"')
    for out in cell.outputs:
        out.text = out.text.replace("Prediction after learning:", "Predicción después del entrenamiento:")
    return save_colab(nb, "colab_spanish.ipynb", gpu=True)


def v_kaggle_korean() -> Path:
    nb = kaggle_notebook()
    set_markdown(nb, "# 패션 MNIST CNN 분류")
    src, outs = eval_cell("print('테스트 손실:', round(score[0], 4))\nprint('테스트 정확도:', round(score[1], 4))\n",
                          f"테스트 손실: {round(LOSS, 4)}\n테스트 정확도: {round(ACC, 4)}\n")
    edit(nb, "model.evaluate(", src, outs)
    edit(nb, "f1_score(answer",
         "# F1 점수\nfrom sklearn.metrics import f1_score\n"
         "print('F1 점수:', round(f1_score(answer, pred, average = 'micro'), 4))\n",
         [out_stream(f"F1 점수: {round(ACC, 4)}\n")])
    return save_kaggle(nb, "kaggle_korean.ipynb")


def v_vscode_report_digits2() -> Path:
    return save_vscode(report_notebook(2, False), "vscode_classification_report.ipynb")


def v_epochs5_test_loss() -> Path:
    out = log_text("mistakes/epochs5.log.gz")
    old, loss, acc = eval_lines(out)
    out = out.replace(old, f"\nTest Loss: {loss:.4f}\nTest Accuracy: {acc:.4f}\n")
    return write(out, "terminal_epochs5.txt")


def v_no_softmax_docstring() -> Path:
    out = log_text("mistakes/no_softmax.log.gz")
    old, loss, acc = eval_lines(out)
    out = out.replace(old, f"\nLoss: {loss:.4f}\nAccuracy: {acc:.2%}\n")
    src = SCRIPT.replace(EVAL_SRC, "print(f'\\nLoss: {score[0]:.4f}')\nprint(f'Accuracy: {score[1]:.2%}')\n")
    src = src.replace("model.add(Dense(TOTAL_CLASS, activation = 'softmax'))", "model.add(Dense(TOTAL_CLASS))")
    return pasted_py(src, out, "pasted_docstring_percent.py", docstring=True)


def v_dataframe_long_labels() -> Path:
    """A Jupyter cell ending in a DataFrame with long labels: text/plain as pandas wraps it at width 80."""
    nb = fresh()
    long = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
    plain, html = dataframe_text(CM, ["Actual " + x for x in long], ["Predicted " + x for x in long], 80)
    edit(nb, "== CONFUSION MATRIX ==",
         "# display confusion matrix\nfrom sklearn.metrics import confusion_matrix\nimport pandas as pd\n"
         "answer = np.argmax(Y_test, axis = 1)\npred = np.argmax(model.predict(X_test), axis = 1)\n"
         "class_names = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',\n"
         "               'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']\n"
         "pd.DataFrame(confusion_matrix(answer, pred),\n"
         "             index=['Actual ' + c for c in class_names],\n"
         "             columns=['Predicted ' + c for c in class_names])\n",
         [out_stream(PREDICT_BAR + "\n"), out_result(0, plain, html)])
    return save_jupyter(nb, "jupyter_dataframe_long_labels.ipynb")


def v_train_vs_test_percent() -> Path:
    """The last epoch's training accuracy (history's, 0.9394 as the bar shows it) printed above the test one."""
    nb = fresh()
    train = float(re.findall(r"accuracy: (\S+) - loss", FIT_TEXT)[-1])
    replace_all(nb, [("model.fit(X_train", "history = model.fit(X_train")])
    src, outs = eval_cell("print(f\"Final training accuracy: {history.history['accuracy'][-1]:.2%}\")\n"
                          "print(f'Accuracy on test set: {score[1]:.2%}')\n"
                          "print(f'Loss on test set: {score[0]:.4f}')\n",
                          f"Final training accuracy: {train:.2%}\nAccuracy on test set: {ACC:.2%}\n"
                          f"Loss on test set: {LOSS:.4f}\n")
    edit(nb, "model.evaluate(", src, outs)
    return save_jupyter(nb, "jupyter_train_vs_test_percent.ipynb")


def v_dataframe_abridged() -> Path:
    """keras3.log's run with the matrix as a DataFrame printed in an 80-column terminal: pandas abridges
    the middle columns with '...' (display.max_columns 0 fits the frame to the terminal)."""
    import pandas as pd

    text = log_text("keras3.log")
    with pd.option_context("display.width", 80, "display.max_columns", 0):
        frame = str(pd.DataFrame(parse_matrix(text), index=LABELS, columns=LABELS))
    assert "..." in frame
    return write(replace_matrix(text, "== CONFUSION MATRIX ==\n" + frame + "\n"), "terminal_dataframe_abridged.txt")


def v_interrupted() -> Path:
    """epochs = 15, stopped with the kernel's Interrupt during epoch 11, then the cells below run on the model
    as it was. Epoch 11's last bar is the real run's epoch-10 bar at step 102 (the state it showed then); the
    traceback is the real Keras/TensorFlow stack of ctrl_c.log (a SIGINT during fit) as IPython shows it."""
    nb = fresh()
    raw = "".join(o.text for o in nbformat.read(REAL / "jupyterlab.ipynb", as_version=4).cells[
        cell_index(BASE, "model.fit(")].outputs if o.output_type == "stream" and o.name == "stdout")
    states = [s.split("\b")[0] for s in raw.split("Epoch 10/10")[1].split("\r")]
    partial = next(s for s in states if s.startswith("\x1b[1m102/300"))
    fit = re.sub(r"Epoch (\d+)/10\n", r"Epoch \1/15\n", FIT_TEXT) + "Epoch 11/15\n" + partial
    frames = log_text("ctrl_c.log").split("Traceback (most recent call last):\n")[1].split("KeyboardInterrupt")[0]
    frames = frames.split("\n", 2)[2]  # the script's own frame: a notebook shows its cell instead
    red, green, cyan, reset = "\x1b[31m", "\x1b[32m", "\x1b[36m", "\x1b[39m"
    tb = [f"{red}---------------------------------------------------------------------------{reset}",
          f"{red}KeyboardInterrupt{reset}                         Traceback (most recent call last)",
          f"{cyan}Cell{reset}{cyan} {green}In[12], line 3{reset}\n      1 # model training and saving\n"
          "      2 model.compile(optimizer = 'adam', loss = 'categorical_crossentropy', metrics = ['accuracy'])\n"
          f"{green}----> 3{reset} model.fit(X_train, Y_train, epochs = 15, batch_size = MY_BATCH, verbose = 1)\n"
          "      4 model.save('after.h5')\n"]
    for frame in re.findall(r'  File "([^"]+)", line (\d+), in (\S+)\n    (.*)\n', frames):
        path, line, func, code = frame
        tb.append(f"{cyan}File {reset}{green}{path}:{line}{reset}, in {cyan}{func}{reset}\n"
                  f"{green}--> {line}{reset} {code}\n")
    tb.append(f"{red}KeyboardInterrupt{reset}: ")
    edit(nb, "model.fit(",
         "# model training and saving\n"
         "model.compile(optimizer = 'adam', loss = 'categorical_crossentropy', metrics = ['accuracy'])\n"
         "model.fit(X_train, Y_train, epochs = 15, batch_size = MY_BATCH, verbose = 1)\nmodel.save('after.h5')\n",
         [out_stream(fit), nbformat.v4.new_output("error", ename="KeyboardInterrupt", evalue="", traceback=tb)])
    warn = [o for o in BASE.cells[cell_index(BASE, "model.fit(")].outputs if o.output_type == "stream"
            and o.name == "stderr"]
    insert_code(nb, "model.evaluate(", "# training took too long: keep the model as it is\nmodel.save('after.h5')\n",
                copy.deepcopy(warn))
    return save_jupyter(nb, "jupyter_interrupted.ipynb")


# ---------------------------------------------------------------- plumbing

def parse_matrix(text: str) -> np.ndarray:
    block = text.split("== CONFUSION MATRIX ==\n")[1].split("]]")[0]
    return np.array([[int(v) for v in row.split()] for row in re.findall(r"\[*([\d ]+)\]?", block) if row.strip()])


def replace_matrix(text: str, new: str) -> str:
    start = text.index("== CONFUSION MATRIX ==\n")
    end = text.index("]]", start) + 3
    return text[:start] + new + text[end:]


def write(text: str, name: str) -> Path:
    path = OUT / name
    path.write_text(text)
    return path


FIT = [v_colab_test_accuracy, v_jupyter_evaluate_list, v_kaggle_percent, v_jupyter_lowercase_shapes,
       v_jupyter_print_shape, v_colab_korean_matrix, v_dataframe_7_blocks, v_jupyter_heatmap,
       v_vscode_report_and_f1, v_jupyter_report_only, v_early_stopping, v_jupyter_two_fits, v_py_test_score,
       v_train_and_test_accuracy, v_sgd_wrong]
HELD_OUT = [v_vscode_testing_accuracy, v_shapes_tuple_result, v_colab_spanish, v_kaggle_korean,
            v_vscode_report_digits2, v_epochs5_test_loss, v_no_softmax_docstring, v_dataframe_long_labels,
            v_train_vs_test_percent, v_dataframe_abridged, v_interrupted]


def main() -> None:
    OUT.mkdir(exist_ok=True)
    made = [f() for f in FIT + HELD_OUT]
    made.append(to_html(OUT / "kaggle_percent.ipynb", "kaggle_percent.html"))
    made.append(to_html(v_jupyter_heatmap(save_colab, "colab_heatmap.ipynb"), "colab_heatmap.html"))
    (OUT / "colab_heatmap.ipynb").unlink()  # only its HTML export is a hand-in
    for path in made:
        print(f"{path.stat().st_size:>9,}  {path.relative_to(HERE)}")


if __name__ == "__main__":
    main()
