"""What a submission may be besides a console log: a notebook (.ipynb), an HTML page (a notebook's
export, a platform's online text), Python source. Each is read into the console text it shows,
or refused with one reason; nothing in it is run."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from fashion_tools.grading.intake.submissions import find_submission, parse_file
from fashion_tools.grading.readers.html_export import html_text
from fashion_tools.grading.readers.notebook import NO_OUTPUTS, NotANotebook, notebook_text

SUBMISSIONS = Path(__file__).parent / "data" / "submissions"
LOG = (SUBMISSIONS / "keras2_tf_keras.txt").read_text()  # a real tf.keras 2.12 run


def split_at_headings(text: str) -> list[str]:
    """The log cut where the lecture's parts print, as the outputs of one cell each."""
    marks = ["\n== DB SHAPING INFO ==", "\n== SAMPLE DATA (RAW) ==", 'Model: "sequential"', "Epoch 1/10",
             "\nKeras CNN model loss", "\n== CONFUSION MATRIX ==", "\nF1 score", "\nPrediction after learning"]
    cuts = sorted(text.index(m) for m in marks)
    return [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]


def code_notebook(outputs: list[list], source: str = "print('...')") -> nbformat.NotebookNode:
    cells = [nbformat.v4.new_markdown_cell("# Lab 3")]
    for i, outs in enumerate(outputs, 1):
        cell = nbformat.v4.new_code_cell(source, execution_count=i)
        cell.outputs = outs
        cells.append(cell)
    return nbformat.v4.new_notebook(cells=cells)


def stream(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("stream", name="stdout", text=text)


def test_a_notebooks_outputs_are_graded_as_its_log(tmp_path):
    nb = code_notebook([[stream(part)] for part in split_at_headings(LOG)])
    path = tmp_path / "lab.ipynb"
    nbformat.write(nb, path)
    log = parse_file(path)
    assert log.problem is None and log.source == "notebook"
    assert log.sections_found == 9
    assert log.accuracy == pytest.approx(0.9121999740600586) and log.prediction == "pullover"


def test_colab_writes_text_as_lists_of_lines_and_an_old_minor_version(tmp_path):
    nb = json.loads(nbformat.writes(code_notebook([[stream(part)] for part in split_at_headings(LOG)])))
    nb["nbformat_minor"] = 0
    nb["metadata"] = {"colab": {"provenance": []}, "kernelspec": {"name": "python3", "display_name": "Python 3"}}
    for cell in nb["cells"]:
        cell.pop("id", None)  # ids came with nbformat 4.5
        for out in cell.get("outputs", []):
            assert isinstance(out["text"], list)  # the file format splits text into lines, as Colab saves it
    path = tmp_path / "Lab3.ipynb"
    path.write_text(json.dumps(nb))
    assert parse_file(path).sections_found == 9


def test_an_old_notebook_version_is_upgraded(tmp_path):
    v3 = nbformat.convert(code_notebook([[stream(LOG)]]), 3)
    path = tmp_path / "old.ipynb"
    path.write_text(nbformat.writes(v3, version=3))
    assert json.loads(path.read_text())["nbformat"] == 3
    assert parse_file(path).sections_found == 9


def test_source_cells_are_not_output(tmp_path):
    """The cells' code prints the headings' text, but only what ran and printed counts."""
    source = "print('\\n== DB SHAPING INFO ==')\nprint('X train shape:', X_train.shape)\n"
    path = tmp_path / "unrun.ipynb"
    nbformat.write(code_notebook([[], []], source=source), path)
    assert parse_file(path).problem == NO_OUTPUTS
    assert NO_OUTPUTS == "the notebook has no outputs: run all cells and save before handing it in"


def test_results_displays_and_errors_are_output():
    error = nbformat.v4.new_output("error", ename="NameError", evalue="name 'confusion_matrx' is not defined",
                                   traceback=["\x1b[0;31mNameError\x1b[0m Traceback (most recent call last)",
                                              "\x1b[0;31mNameError\x1b[0m: name 'confusion_matrx' is not defined"])
    result = nbformat.v4.new_output("execute_result", data={"text/plain": "0.9122", "image/png": "iVBOR"},
                                    execution_count=1)
    display = nbformat.v4.new_output("display_data", data={"text/plain": "<Figure size 640x480 with 1 Axes>"})
    text, _ = notebook_text(nbformat.writes(code_notebook([[result], [display], [error]])))
    assert text.splitlines() == ["0.9122", "<Figure size 640x480 with 1 Axes>",
                                 "\x1b[0;31mNameError\x1b[0m Traceback (most recent call last)",
                                 "\x1b[0;31mNameError\x1b[0m: name 'confusion_matrx' is not defined"]


@pytest.mark.parametrize("text, words", [
    ("{not json", "not valid notebook JSON"),
    ('{"nbformat": 4}', "no cells"),
    ('{"cells": 7, "nbformat": 4, "nbformat_minor": 5, "metadata": {}}', "nbformat can read"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('{"cells": [], "x": ' + "[" * 80 + "]" * 80 + "}", "nested too deeply"),
])
def test_broken_notebooks_are_one_reason(text, words):
    with pytest.raises(NotANotebook, match=words):
        notebook_text(text)


def test_nbconvert_html_keeps_outputs_and_drops_code():
    html = """<!DOCTYPE html><html><head><title>lab</title><style>pre {color: red}</style></head><body>
<div class="jp-Cell jp-CodeCell"><div class="jp-Cell-inputWrapper"><div class="jp-InputArea jp-Cell-inputArea">
<div class="highlight hl-ipython3"><pre><span></span><span class="nb">print</span>(&#39;\\n== DB SHAPING INFO ==&#39;)
</pre></div></div></div>
<div class="jp-Cell-outputWrapper"><div class="jp-OutputArea jp-Cell-outputArea"><div class="jp-OutputArea-child">
<div class="jp-RenderedText jp-OutputArea-output" data-mime-type="text/plain"><pre>
== DB SHAPING INFO ==
X train shape: (60000, 28, 28)
a &lt; b &amp;&amp; c&#x3e;d
</pre></div></div></div></div></div></body></html>"""
    text, is_notebook = html_text(html)
    assert is_notebook
    assert "print" not in text and "pre {" not in text
    assert "\n== DB SHAPING INFO ==\nX train shape: (60000, 28, 28)\na < b && c>d\n" in text
    assert text.count("DB SHAPING INFO") == 1


def test_the_classic_template_is_read_too():
    html = ('<div class="input_area"><pre>print(x)</pre></div><div class="output_subarea output_stream '
            'output_stdout output_text"><pre>Epoch 1/10\n300/300 [====] - loss: 0.5</pre></div>')
    text, is_notebook = html_text(html)
    assert is_notebook and "print(x)" not in text and "Epoch 1/10\n300/300 [====] - loss: 0.5" in text


def test_online_text_keeps_its_lines():
    """Moodle's onlinetext.html: a log pasted into the editor, paragraphs and line breaks."""
    html = "<p>X train shape: (60000, 28, 28)<br>Y train shape: (60000,)</p><p>F1 score:&nbsp;0.9122</p>"
    text, is_notebook = html_text(html)
    assert not is_notebook
    assert text.split() == ["X", "train", "shape:", "(60000,", "28,", "28)", "Y", "train", "shape:", "(60000,)",
                            "F1", "score:", "0.9122"]
    assert "X train shape: (60000, 28, 28)\nY train shape: (60000,)" in text


def test_a_log_pasted_into_html_is_graded(tmp_path):
    lines = "".join(f"{line}<br>\n" for line in LOG.replace("&", "&amp;").replace("<", "&lt;").splitlines())
    path = tmp_path / "onlinetext.html"
    path.write_text(f"<html><body><p>{lines}</p></body></html>")
    log = parse_file(path)
    assert log.source == "HTML page" and log.sections_found == 9


def test_python_source_is_never_graded_as_output(tmp_path):
    script = tmp_path / "lab.py"
    script.write_text((Path(__file__).parent / "data" / "lecture" / "as_printed.py.txt").read_text())
    assert "Python source code, not the output" in parse_file(script).problem
    copied = tmp_path / "output.txt"  # the script pasted where its output belongs
    copied.write_text(script.read_text())
    assert "Python source code, not the output" in parse_file(copied).problem
    folder = tmp_path / "bob"
    folder.mkdir()
    (folder / "lab.py").write_text(script.read_text())
    assert "only Python source in this folder (lab.py)" in find_submission(str(folder)).log.problem


def test_a_folder_grades_its_fullest_file_of_any_kind(tmp_path):
    (tmp_path / "notes.txt").write_text("see the notebook\n")
    nbformat.write(code_notebook([[stream(LOG)]]), tmp_path / "lab.ipynb")
    sub = find_submission(str(tmp_path))
    assert sub.log_path == tmp_path / "lab.ipynb" and sub.log.sections_found == 9


def test_a_notebook_without_cell_ids_grades_with_no_warning_on_the_terminal(tmp_path, capfd):
    """nbformat warns (MissingIDFieldWarning) of a 4.5 notebook whose cells have no ids, as older tools
    save them; that is the student's file, never a line on the instructor's terminal."""
    import fashion_items

    data = Path(__file__).parent / "data"
    nb = json.loads((data / "real" / "jupyterlab.ipynb").read_text())
    for cell in nb["cells"]:
        cell.pop("id", None)
    path = tmp_path / "lab.ipynb"
    path.write_text(json.dumps(nb))
    status = fashion_items.main(["grade", "--expected", str(data / "reference.json"), str(path)])
    out, err = capfd.readouterr()
    assert status == 0 and err == "", err
    assert "10/10 checks passed" in out
