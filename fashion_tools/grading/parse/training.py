"""Training as it ran: the 'Epoch N/M' headers of each fit() call, an early stop, each epoch's numbers.

A live bar, a redirected log and a notebook's saved bars all print the header 'Epoch N/M'. A new fit()
call shows as the headers starting again (N going back) or another M; Keras' EarlyStopping prints
'Epoch N: early stopping' (Keras 2: 'Epoch 000N: early stopping') when it ends the run before M.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from fashion_tools.grading.parse.textscan import GLUED, MAX_TRIES, matches, starting_line

# (with no space, as a small print's text layer gives it: PDFium joins 'Epoch2/10' at 50 %)
EPOCH_LINE = starting_line("Epoch", r"[ ]*+(\d{1,6})[ ]*+/[ ]*+(\d{1,6})(?!\d)")
EARLY_STOP = starting_line("Epoch", r"[ ]*+(\d{1,6}):[ ]*+early[ ]*+stopping")
# The start of a progress bar's line, '300/300 ━━━', and a metric whose value a printed page may have wrapped
BAR_START = re.compile(r"^[ ]*+(\d{1,9})/(\d{1,9})(?![\d/])", re.MULTILINE)
EPOCH_METRIC = re.compile(r"\b(loss|acc|accuracy):\s{1,4}([-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?)(?!\.?[?\d])" + GLUED)
BAR_WINDOW = 600  # characters of a bar's last line and its wrapped metrics


@dataclass
class EpochNumbers:
    """What one epoch printed at its end: Keras' last progress bar line of the epoch, or this tool's line."""

    epoch: int
    steps: int | None  # the bar's total, the training steps of an epoch ('300/300'); None where no bar shows it
    loss: float | None
    accuracy: float | None


@dataclass
class Fit:
    """One fit() call: the epochs it declared (M) and those whose headers it printed (each N)."""

    declared: int
    epochs: list[int]
    losses: list[float | None] = field(default_factory=list)  # each epoch's training loss at its end

    def continues(self, before: Fit) -> bool:
        """Whether this call trained on the model the call before left: its first epoch's loss already
        as low as that call's last (a model built anew starts from a loss several times higher)."""
        first, last = (self.losses or [None])[0], (before.losses or [None])[-1]
        return first is not None and last is not None and first <= last * 1.25

    def describe(self) -> str:
        seen = self.epochs
        ran = f"epochs {seen[0]}-{seen[-1]}" if len(seen) > 1 else f"epoch {seen[0]}"
        return f"{ran} of {self.declared}"


@dataclass
class Training:
    epochs: list[int]  # every N seen, in order, each once
    declared: int | None  # the last M
    first_header_at: int  # where the first header is (len(text) when none)
    last_header_at: int  # where the last header is (evaluate()'s bar comes after it)
    fits: list[Fit]
    early_stop: int | None  # the epoch EarlyStopping stopped at
    numbers: list[EpochNumbers]  # each epoch's end, in order; a repeated N keeps its last (diagnosis reads it)


def parse_training(text: str) -> Training:
    headers = list(matches(EPOCH_LINE, text))
    ends = [h.start() for h in headers[1:]] + [len(text)] * bool(headers)
    fits: list[Fit] = []
    numbers: dict[int, EpochNumbers] = {}
    for m, end in zip(headers, ends, strict=True):
        n, total = int(m.group(1)), int(m.group(2))
        if not fits or fits[-1].declared != total or n < fits[-1].epochs[-1]:
            fits.append(Fit(total, []))
        numbers[n] = epoch_end(text, m, end)
        if n not in fits[-1].epochs:
            fits[-1].epochs.append(n)
            fits[-1].losses.append(numbers[n].loss)
    stop = EARLY_STOP.search(text)
    return Training(list(dict.fromkeys(int(m.group(1)) for m in headers)),
                    int(headers[-1].group(2)) if headers else None, headers[0].start() if headers else len(text),
                    headers[-1].start() if headers else 0,
                    fits, int(stop.group(1)) if stop else None, list(numbers.values()))


def epoch_end(text: str, header: re.Match, end: int) -> EpochNumbers:
    """An epoch's numbers from its header up to end: the metrics on the header's own line (this tool's
    'Epoch 3/10 - loss: ... - accuracy: ...'), else those of the epoch's first progress bar at its last
    step ('300/300 ...': the steps of an epoch; a later bar with another total is evaluate()'s). A bar
    that never reached its last step gives the steps only: a value from mid-epoch is no epoch's number."""
    line_end = text.find("\n", header.end())
    own = dict(EPOCH_METRIC.findall(text[header.end():end if line_end < 0 else min(line_end, end)]))
    steps, final, after = None, None, end
    for m in itertools.islice(BAR_START.finditer(text, header.end(), end), MAX_TRIES):
        if final is not None and after == end:
            after = m.start()  # the final line's metrics end where the next bar line starts
        if steps is not None and int(m.group(2)) != steps:
            break
        steps = int(m.group(2))
        if int(m.group(1)) == steps:
            final, after = m, end
    window = text[final.start():min(after, final.start() + BAR_WINDOW)] if final else ""
    values = {k: float(v) for k, v in (own or dict(EPOCH_METRIC.findall(window))).items()}
    return EpochNumbers(int(header.group(1)), None if own else steps, values.get("loss"),
                        values.get("accuracy", values.get("acc")))
