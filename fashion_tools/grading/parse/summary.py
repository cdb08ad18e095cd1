"""model.summary() as printed: Keras 3's box-drawn table and Keras 2's ruled one, rows maybe wrapped."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fashion_tools.grading.parse.textscan import ascii_int, line_at, lines_after, lines_holding

MAX_SUMMARY_LINES = 500
TOTAL_PARAMS = re.compile(r"Total params:[ ]*+([\d,]{1,20})")
# '____', '====', '├───┼───┤', rich's ASCII '|-----+-----|' (a legacy Windows console), a code-page copy's
# '???????' (Notepad's "Save as ANSI" writes ? for each box character), or blank
RULE = re.compile(r"[ _=+\-─━═┏┓┗┛┡┩╇├┼┤└┴┘┌┐┬┳│┃|¦?]*+")
TRUNCATED = "..."  # marks a layer kind that old Keras cut at its column: 'max_pooling2d_1 (MaxPooling2'
BOX_VERTICALS = str.maketrans({"┃": "│", "║": "│", "|": "│", "¦": "│"})


@dataclass
class SummaryLayer:
    """One row of model.summary(): 'conv2d (Conv2D)  (None, 28, 28, 32)  160'."""

    name: str
    kind: str
    params: int | None


def is_rule(line: str) -> bool:
    """A separator line or a blank one: the end of a table row."""
    return RULE.fullmatch(line) is not None


def summary_cells(header: str):
    """A function that cuts a row into (name cell, params cell), fitted to the header's columns."""
    if header.strip().startswith("?") and header.strip().endswith("?"):  # each box character became a '?'
        verticals = {**BOX_VERTICALS, ord("?"): "│"}
    else:
        verticals = BOX_VERTICALS
    if "│" in header.translate(verticals):
        titles = [c.strip() for c in header.translate(verticals).split("│")]
        col = next((i for i, t in enumerate(titles) if t.startswith("Param")), len(titles) - 2)

        def box_cells(line: str) -> tuple[str, str]:
            cells = line.translate(verticals).split("│", col + 1)
            return (cells[1] if len(cells) > 1 else "", cells[col] if len(cells) > col else "")

        return box_cells
    shape_at, params_at = header.find("Output Shape"), header.find("Param #")
    after = header[params_at + len("Param #"):]
    next_at = params_at + len("Param #") + (len(after) - len(after.lstrip())) if after.strip() else None

    def column_cells(line: str) -> tuple[str, str]:
        tokens = line.split()
        if tokens and ascii_int(tokens[-1]) is not None and len(tokens) >= 3 and tokens[1].startswith("("):
            if ascii_int(line[params_at:next_at]) is None:  # spacing lost (a notebook copy): go by words
                return " ".join(tokens[:2]), tokens[-1]
        return line[:shape_at], line[params_at:next_at]

    return column_cells


def split_name(cell: str) -> tuple[str, str] | None:
    """'max_pooling2d (MaxPooling2D)' -> ('max_pooling2d', 'MaxPooling2D'); a kind cut short by
    old Keras' fixed columns, 'max_pooling2d_1 (MaxPooling2', ends in TRUNCATED."""
    cell = cell.strip()
    open_at = cell.rfind("(")
    if open_at <= 0:
        return None
    kind = cell[open_at + 1:].removesuffix(")").strip()
    if not kind.isidentifier():
        return None
    return cell[:open_at].strip(), kind if cell.endswith(")") else kind + TRUNCATED


def summary_header(text: str) -> int | None:
    """Where the summary's header line 'Layer (type)  Output Shape  Param #' is (a printed page may cut
    it after 'Output Shape')."""
    for at in lines_holding(text, "Layer (type)"):
        if "Param #" in line_at(text, at) or "Output Shape" in line_at(text, at):
            return at
    return None


def clipped(header: str) -> bool:
    """A box-drawn table whose right part is cut off (a notebook's PDF clips wide output at the page's edge):
    its header row does not end with a vertical, or has no 'Param #'."""
    line = header.strip().translate(BOX_VERTICALS)
    return "Param #" not in line or line.startswith("│") and not line.endswith("│")


def parse_layers(text: str) -> list[SummaryLayer] | None:
    """The summary's rows from the header 'Layer (type)' to 'Total params'."""
    header = summary_header(text)
    if header is None:
        return None
    cut = clipped(line_at(text, header))
    cells = summary_cells(line_at(text, header))
    rows: list[list] = []  # [name cell text, params]; a continuation line extends the last one
    open_row = False
    for line in lines_after(text, header, MAX_SUMMARY_LINES):
        if "Total params" in line:
            break
        if is_rule(line):
            open_row = False
            continue
        name, params = cells(line)
        count = ascii_int(params.split(None, 1)[0]) if params.strip() else None
        if count is not None or not open_row:
            rows.append([name.strip(), count])
            open_row = True
        else:
            rows[-1][0] += name.strip()  # Keras wraps a long "name (Kind)" over lines
    layers = []
    for name_cell, count in rows:
        parts = split_name(name_cell)
        if parts:
            layers.append(SummaryLayer(parts[0], parts[1], None if cut else count))
    return layers


def parse_total_params(text: str) -> int | None:
    m = TOTAL_PARAMS.search(text)
    return None if m is None else ascii_int(m.group(1))
