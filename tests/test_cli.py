"""Command-line pieces: argparse types, the help format, the one --data-dir, the one error form."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest
from conftest import ROOT

from fashion_tools import cli
from fashion_tools.errors import ToolError, first_line


@pytest.mark.parametrize("parse, text, value", [
    (cli.positive_int, "3", 3), (cli.non_negative_int, "0", 0), (cli.seed_value, "4294967295", 2**32 - 1),
    (cli.non_negative_float, "0.02", 0.02), (cli.non_negative_float, "0", 0.0), (cli.positive_int, " 7 ", 7),
])
def test_numbers_in_range_are_taken(parse, text, value):
    assert parse(text) == value


@pytest.mark.parametrize("parse, text, words", [
    (cli.positive_int, "0", "0 is below 1"),
    (cli.positive_int, "2.5", "'2.5' is not a whole number"),
    (cli.non_negative_int, "-1", "-1 is negative"),
    (cli.seed_value, "4294967296", "4294967296 is above 4,294,967,295"),
    (cli.non_negative_float, "-0.1", "-0.1 is negative"),
    (cli.non_negative_float, "nan", "must be finite"),
    (cli.non_negative_float, "inf", "must be finite"),
    (cli.non_negative_float, "lots", "'lots' is not a number"),
])
def test_numbers_out_of_range_are_one_argparse_error(parse, text, words):
    with pytest.raises(argparse.ArgumentTypeError, match=words):
        parse(text)


def test_help_shows_defaults_only_where_there_is_one():
    parser = argparse.ArgumentParser(formatter_class=cli.HelpFormatter)
    parser.add_argument("--epochs", type=int, default=10, help="training epochs")
    parser.add_argument("--show", action="store_true", help="open windows")
    cli.add_data_dir(parser, ", for the test")
    text = parser.format_help()
    assert "training epochs (default: 10)" in text
    assert "open windows\n" in text and "(default: False)" not in text
    assert "for the test; default: /usr/share/datasets/fashion-mnist" in " ".join(text.split())


def test_data_dir_without_a_download():
    parser = argparse.ArgumentParser()
    cli.add_data_dir(parser, download=False)
    assert "download" not in parser.format_help()
    assert parser.parse_args(["--data-dir", "x"]).data_dir == "x"


def test_a_tool_error_is_one_line_and_its_status(capsys):
    def fails() -> int:
        raise ToolError("the data is missing; pass --data-dir", 2)

    assert cli.report_errors("prog", fails) == 2
    assert capsys.readouterr().err == "prog: error: the data is missing; pass --data-dir\n"


def test_ctrl_c_is_one_line_and_130(capsys):
    def interrupted() -> int:
        raise KeyboardInterrupt

    assert cli.report_errors("prog", interrupted, "stopped") == 130
    assert capsys.readouterr().err == "prog: stopped\n"


def test_other_exceptions_are_not_hidden():
    with pytest.raises(ZeroDivisionError):
        cli.report_errors("prog", lambda: 1 // 0)


def test_first_line_of_an_exception():
    assert first_line(ValueError("bad header\nmore detail")) == "bad header"
    assert first_line(KeyError()) == "KeyError"


def leave_in_a_child(before: str) -> subprocess.CompletedProcess:
    """A child that prints without a newline, registers an atexit line, runs `before`, then leave(3)."""
    code = ("import atexit, sys\n"
            "from fashion_tools.cli import leave\n"
            "atexit.register(lambda: print('atexit ran'))\n"
            f"{before}\n"
            "print('written', end='')\n"
            "leave(3)\n")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)


def test_leave_after_tensorflow_skips_the_teardown_but_not_the_output():
    child = leave_in_a_child("sys.modules['tensorflow'] = sys")  # stands for TensorFlow having been imported
    assert (child.returncode, child.stdout, child.stderr) == (3, "written", "")


def test_leave_without_tensorflow_is_a_plain_exit():
    child = leave_in_a_child("")
    assert (child.returncode, child.stdout) == (3, "writtenatexit ran\n")


def test_leave_keeps_the_status_when_the_reader_has_gone():
    child = leave_in_a_child("sys.modules['tensorflow'] = sys\n"
                             "class Gone:\n"
                             "    def write(self, text): return len(text)\n"
                             "    def flush(self): raise BrokenPipeError(32, 'Broken pipe')\n"
                             "sys.stdout = Gone()")
    assert (child.returncode, child.stderr) == (3, "")
