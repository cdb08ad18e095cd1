"""How the real submissions in tests/data/real/ were made: real runs of the lecture's script and of
this tool on the real Fashion-MNIST, captured the way students capture them.

Nothing here runs in the tests (it takes about half an hour of training); it is the record of how
each fixture came to be, and it makes them again:

    pip install nbclient==0.11.0 ipykernel==7.4.0 nbconvert==7.17.2   # the notebook cases only
    pip install pandas                                                  # notebook_dataframe only
    python tests/data/lecture/make_submissions.py OUT_DIR [NAME ...]

Each student variant is the lecture's script (as_printed.py.txt beside this file) with the edits a
student makes, applied as text replacements below; each log is the process's own output, as a
redirected console, a terminal or Jupyter kept it. Where two runs share one log (a rerun), the log
is the two runs' outputs one after the other, as one terminal window holds them. The lecture sets
no seed, so every run of it prints other numbers: that is what students hand in.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
DATA = Path("/usr/share/datasets/fashion-mnist")
AS_PRINTED = (HERE / "as_printed.py.txt").read_text()

# The one fix every student on Keras 3 makes: np_utils is gone, to_categorical is in keras.utils.
KERAS3 = [("from keras.utils import np_utils", "from keras.utils import to_categorical"),
          ("np_utils.to_categorical", "to_categorical")]

VARIANTS = {
    "as_printed": [],
    "keras3": KERAS3,
    # a typo in 11/12: NameError after training, at the confusion matrix
    "typo_confusion_matrix": KERAS3 + [("print(confusion_matrix(answer, pred))",
                                        "print(confusion_matrx(answer, pred))")],
    # 3x3 kernels in the first convolution: 320 parameters instead of 160
    "wrong_architecture": KERAS3 + [("model.add(Conv2D(32, kernel_size = (2, 2)",
                                     "model.add(Conv2D(32, kernel_size = (3, 3)")],
    # a typo in 3/12: AttributeError at the first shape line
    "typo_shapes": KERAS3 + [('print("X train shape:", X_train.shape)', 'print("X train shape:", X_train.shap)')],
    # a typo in 4/12: NameError at the sample
    "typo_sample": KERAS3 + [('print("This is a", labels[sample], sample)',
                              'print("This is a", label[sample], sample)')],
    # a typo in 8/12: Keras refuses the activation, before the summary
    "typo_summary": KERAS3 + [("model.add(Dense(128, activation = 'relu'))",
                               "model.add(Dense(128, activation = 'rellu'))")],
    # as the lecture's author's own published version does: the shapes again after reshaping (4-D, one-hot),
    # the images per class, and a prediction before training
    "author_version": KERAS3 + [
        ("Y_test = to_categorical(Y_test, TOTAL_CLASS)\n",
         "Y_test = to_categorical(Y_test, TOTAL_CLASS)\n\nprint('\\n== DB SHAPING INFO ==')\n"
         'print("X train shape:", X_train.shape)\nprint("Y train shape:", Y_train.shape)\n'
         'print("X test shape:", X_test.shape)\nprint("Y test shape:", Y_test.shape)\n'
         'print("images per class:", np.sum(Y_train, axis = 0))\n'),
        ("# model training and saving\n",
         "pred = model.predict(X_train[MY_SAMPLE].reshape(1, 28, 28, 1))\n"
         'print("\\nPrediction before learning:", labels[np.argmax(pred)], "\\n")\n\n# model training and saving\n'),
    ],
    # a public version: shows the label of training image 122 without its pixels, predicts image 123,
    # and prints the first three test images' probabilities under the confusion matrix heading
    "sample_122_debug": KERAS3 + [
        ("MY_SAMPLE = 5", "MY_SAMPLE = 122"),
        ('print(X_train[MY_SAMPLE])\n', ""),
        ("sample = X_train[MY_SAMPLE]\nsample = sample.reshape",
         "sample = X_train[MY_SAMPLE + 1]\nsample = sample.reshape"),
        ("print('\\n== CONFUSION MATRIX ==')\n",
         "print('\\n== CONFUSION MATRIX ==')\nprint(model.predict(X_test[:3]))\n"),
    ],
}

# Students' common mistakes (issue 26), one each on the Keras 3 script, as fashion_tools/mistakes.py names them:
# these runs are the held-out runs of tests/data/real/mistakes/, never used for the signatures.
SCALING = "X_train = X_train / 255.0\nX_test = X_test / 255.0\n"
FIT = "model.fit(X_train, Y_train, epochs = MY_EPOCH, batch_size = MY_BATCH, verbose = 1)"
MISTAKE_EDITS = {
    "unscaled": [(SCALING, "")],
    "batch32": [(FIT, "model.fit(X_train, Y_train, epochs = MY_EPOCH, verbose = 1)")],
    "epochs5": [("MY_EPOCH = 10", "MY_EPOCH = 5")],
    "kernel3": [("kernel_size = (2, 2)", "kernel_size = (3, 3)")],
    "sgd": [("optimizer = 'adam'", "optimizer = 'sgd'")],
    "dense64": [("Dense(128, activation = 'relu')", "Dense(64, activation = 'relu')")],
    "no_softmax": [("Dense(TOTAL_CLASS, activation = 'softmax')", "Dense(TOTAL_CLASS)")],
    # the labels stay numbers: the loss that takes them, and the answers are the labels themselves
    "sparse_labels": [("Y_train = to_categorical(Y_train, TOTAL_CLASS)\nY_test = to_categorical(Y_test, TOTAL_CLASS)\n",
                       ""),
                      ("loss = 'categorical_crossentropy'", "loss = 'sparse_categorical_crossentropy'"),
                      ("answer = np.argmax(Y_test, axis = 1)", "answer = Y_test")],
}
VARIANTS.update({f"mistake_{name}": KERAS3 + edits for name, edits in MISTAKE_EDITS.items()})

# 7/12-8/12 (the model, built and summarised) moved above 3/12 (the data, loaded and its shapes printed), as
# a student does who builds the model first: model.summary() comes before "== DB SHAPING INFO ==".
_MODEL = AS_PRINTED[AS_PRINTED.index("#####\n# MODEL BUILDING AND TRAINING #"):
                    AS_PRINTED.index("# model training and saving")]
VARIANTS["out_of_order"] = KERAS3 + [(_MODEL, ""), ("# load DB and split into train vs. test\n",
                                                    _MODEL + "# load DB and split into train vs. test\n")]

# Notebook cells a student edits (applied to the keras3 script before it is cut into cells): the
# confusion matrix cell ends with the matrix itself, which Jupyter shows as the cell's result
# (numpy's array([[...]]) repr, or pandas' DataFrame: a table in HTML, wrapped text in text/plain).
NOTEBOOK_EDITS = {
    "jupyterlab": [],
    "notebook_matrix_result": [("print('\\n== CONFUSION MATRIX ==')\nprint(confusion_matrix(answer, pred))\n",
                                "cm = confusion_matrix(answer, pred)\ncm\n")],
    "notebook_dataframe": [("print('\\n== CONFUSION MATRIX ==')\nprint(confusion_matrix(answer, pred))\n",
                            "import pandas as pd\ncm = confusion_matrix(answer, pred)\n"
                            "pd.DataFrame(cm, index=labels, columns=labels)\n")],
}


def student_script(name: str) -> str:
    text = AS_PRINTED
    for old, new in VARIANTS[name]:
        assert old in text, (name, old)
        text = text.replace(old, new)
    return text


def env(tmp: Path) -> dict[str, str]:
    """The lecture's fashion_mnist.load_data() reads Keras' cache: Debian's four files, put there.
    oneDNN on, as TensorFlow has it by default on Intel CPUs: the same numbers' kind, a third less time here."""
    cache = tmp / "keras" / "datasets" / "fashion-mnist"
    cache.mkdir(parents=True, exist_ok=True)
    for f in DATA.iterdir():
        if not (cache / f.name).exists():
            shutil.copy(f, cache / f.name)
    return {**os.environ, "KERAS_HOME": str(tmp / "keras"), "MPLBACKEND": "Agg", "PYTHONUNBUFFERED": "1",
            "TF_CPP_MIN_LOG_LEVEL": "0", "TF_ENABLE_ONEDNN_OPTS": "1"}


def run_script(name: str, out: Path, tmp: Path, interrupt_at: str | None = None,
               log_name: str | None = None) -> None:
    """python lab.py > NAME.log 2>&1, in a folder of its own; optionally Ctrl-C once the log shows
    interrupt_at. SIGINT is restored first: a shell's background job starts with it ignored."""
    work = tmp / (log_name or name)
    work.mkdir(parents=True, exist_ok=True)
    (work / "lab.py").write_text(student_script(name))
    with open(work / "console.log", "wb") as log:
        proc = subprocess.Popen([sys.executable, "lab.py"], cwd=work, stdout=log, stderr=subprocess.STDOUT,
                                env=env(tmp), preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        if interrupt_at is not None:
            while proc.poll() is None and interrupt_at.encode() not in (work / "console.log").read_bytes():
                time.sleep(0.5)
            time.sleep(5)  # into that epoch
            proc.send_signal(signal.SIGINT)
        proc.wait()
    shutil.copy(work / "console.log", out / f"{log_name or name}.log")


def run_tool(out: Path, tmp: Path, encoding: str) -> None:
    """python fashion_items.py > log: the default run, its console in UTF-8 or in a legacy Windows
    code page (cp1252), where rich draws the model summary in ASCII."""
    work = tmp / f"tool-{encoding}"
    work.mkdir(parents=True, exist_ok=True)
    with open(work / "console.log", "wb") as log:
        subprocess.run([sys.executable, str(ROOT / "fashion_items.py")], cwd=work, stdout=log,
                       stderr=subprocess.STDOUT, env={**os.environ, "PYTHONIOENCODING": encoding}, check=True)
    shutil.copy(work / "results.json", out / f"tool_{encoding}.results.json")
    shutil.copy(work / "console.log", out / f"tool_{encoding}.log")


def notebook(out: Path, tmp: Path, name: str = "jupyterlab") -> None:
    """The lecture's 12 parts as the cells of a notebook, run top to bottom by a Jupyter kernel
    (nbclient, as JupyterLab's "Run All"), saved, then exported to HTML by nbconvert.

    jupyterlab.ipynb keeps each of the kernel's stream messages as an output of its own (3021 in the
    training cell, every progress bar update). The later notebooks are saved as JupyterLab saves them:
    its output area joins a cell's consecutive stream messages into one output and drops the text
    that carriage returns overwrite (OutputAreaModel, removeOverwrittenChars); nbclient's
    coalesce_streams does the same, so each Keras progress bar keeps its last state."""
    import nbformat
    from nbclient import NotebookClient

    script = student_script("keras3")
    for old, new in NOTEBOOK_EDITS[name]:
        assert old in script, (name, old)
        script = script.replace(old, new)
    parts = [p.strip() + "\n" for p in script.split("\n\n# ") if p.strip()]
    cells = [nbformat.v4.new_code_cell(p if i == 0 else "# " + p) for i, p in enumerate(parts)]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Lab 3: CNN on Fashion-MNIST"), *cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    work = tmp / ("notebook" if name == "jupyterlab" else name)
    work.mkdir(parents=True, exist_ok=True)
    os.environ.update({k: v for k, v in env(tmp).items() if k in ("KERAS_HOME", "MPLBACKEND")})
    NotebookClient(nb, timeout=3600, kernel_name="python3", resources={"metadata": {"path": str(work)}},
                   coalesce_streams=name != "jupyterlab").execute()
    nbformat.write(nb, out / f"{name}.ipynb")
    subprocess.run([sys.executable, "-m", "nbconvert", "--to", "html", "--output-dir", str(out),
                    str(out / f"{name}.ipynb")], check=True)


# name: how the log is made; each writes OUT/NAME.log (the notebooks: jupyterlab.ipynb, NAME.ipynb, and .html)
CASES = {
    **{name: (lambda out, tmp, name=name: run_script(name, out, tmp)) for name in VARIANTS},
    "ctrl_c": lambda out, tmp: run_script("keras3", out, tmp, interrupt_at="Epoch 3/10", log_name="ctrl_c"),
    # the first ctrl_c try, whose SIGINT was ignored (see run_script), ran to the end: a second honest run
    "keras3_second": lambda out, tmp: run_script("keras3", out, tmp, log_name="keras3_second"),
    "tool_utf-8": lambda out, tmp: run_tool(out, tmp, "utf-8"),
    "tool_cp1252": lambda out, tmp: run_tool(out, tmp, "cp1252"),
    "notebook": lambda out, tmp: notebook(out, tmp),
    "notebook_matrix_result": lambda out, tmp: notebook(out, tmp, "notebook_matrix_result"),
    "notebook_dataframe": lambda out, tmp: notebook(out, tmp, "notebook_dataframe"),
}


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    names = sys.argv[2:] or list(CASES)
    tmp = out / ".work"
    for name in names:
        started = time.perf_counter()
        CASES[name](out, tmp)
        print(json.dumps({"case": name, "seconds": round(time.perf_counter() - started, 1)}), flush=True)


if __name__ == "__main__":
    main()
