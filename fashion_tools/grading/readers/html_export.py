"""An HTML page into the console text it shows: a notebook exported by nbconvert ("Download as
HTML", JupyterLab's or the classic template) or a learning platform's online text (Moodle's
onlinetext.html).

Read with lxml's HTML parser (libxml2), never with patterns over markup: entities are decoded,
tags removed, and line structure kept (a <pre> as it is, a block element or <br> as a line
break). In a notebook export only the output areas count: the code cells' source is not output.
libxml2 reads malformed and hostile pages in linear time (Python's own html.parser is quadratic
on unclosed constructs before 3.11.13) and stops at 256 levels of nesting.
"""

from __future__ import annotations

from fashion_tools.grading.readers import Reading

# The classes nbconvert gives the parts of a cell (lab template first, then the classic one).
OUTPUT_CLASSES = ("jp-OutputArea-output", "output_subarea")
INPUT_CLASSES = ("jp-InputArea", "jp-Cell-inputWrapper", "input_area", "inner_cell")
BLOCKS = frozenset("address article aside blockquote dd div dl dt figcaption figure footer form h1 h2 h3 h4 h5 "
                   "h6 header hr li main nav ol p pre section table tbody tfoot thead tr ul".split())
CELLS = frozenset(("td", "th"))  # a table's row reads on one line, its cells apart, as pandas prints a frame
SKIPPED = frozenset(("script", "style", "head", "title", "template", "noscript"))


def has_class(element, names: tuple[str, ...]) -> bool:
    classes = element.get("class") or ""
    return any(name in classes for name in names)


def hides(element) -> bool:
    """An element a browser does not show, by its own attributes (display:none, visibility:hidden, hidden)."""
    style = "".join((element.get("style") or "").lower().split())
    return "display:none" in style or "visibility:hidden" in style or element.get("hidden") is not None


def element_text(root, hidden: list[str] | None = None) -> str:
    """The text a browser shows for root, with its line breaks; code cells and scripts left out, and
    hidden elements (their text added to hidden). Walked with an explicit stack: no recursion."""
    out: list[str] = []
    stack = [(root, True)]
    while stack:
        node, opening = stack.pop()
        tag = node.tag if isinstance(node.tag, str) else ""
        if opening:
            if tag in SKIPPED or has_class(node, INPUT_CLASSES) or tag and hides(node):
                if tag not in SKIPPED and hidden is not None and hides(node) and node.text_content().strip():
                    hidden.append(node.text_content())
                out.append(node.tail or "")
                continue
            if tag == "tr":  # a row on one line, its cells apart and their spacing collapsed, as a browser shows it
                cells = [" ".join(cell.text_content().split()) for cell in node if cell.tag in CELLS]
                out.append("\n" + "  ".join(cells) + "\n" + (node.tail or ""))
                continue
            if tag == "img":  # a figure where an output shows one: said, as a notebook's text says it
                out.append("\n<Figure: a picture>\n")
            if tag in BLOCKS or tag == "br":
                out.append("\n")
            out.append(node.text or "")
            stack.append((node, False))
            stack.extend((child, True) for child in reversed(node))
        else:
            if tag in BLOCKS:
                out.append("\n")
            if node is not root:
                out.append(node.tail or "")
    return "".join(out)


def html_text(html: str, hidden: list[str] | None = None) -> tuple[str, bool]:
    """(text, is_notebook): a notebook export's output text, or any other page's whole text."""
    import lxml.etree
    import lxml.html

    # The text is decoded already (console_log.decode: UTF-8 first, as browsers do); handed over as UTF-8 with
    # the parser told so, or libxml2 reads a page without <meta charset> as Latin-1 ('â”ƒ' for '┃')
    parser = lxml.html.HTMLParser(recover=True, remove_comments=True, remove_pis=True, no_network=True,
                                  encoding="utf-8")
    try:
        root = lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=parser)
    except (lxml.etree.ParserError, ValueError):  # nothing a browser would show
        return "", False
    outputs = [el for el in root.iter() if isinstance(el.tag, str) and has_class(el, OUTPUT_CLASSES)]
    if not outputs:
        return element_text(root, hidden), False
    outermost = [el for el in outputs if not any(has_class(a, OUTPUT_CLASSES) for a in el.iterancestors())]
    return "".join(element_text(el, hidden) for el in outermost), True


def read_html(html: str) -> Reading:
    hidden: list[str] = []
    text, is_notebook = html_text(html, hidden)
    reading = Reading(text, "notebook's HTML export" if is_notebook else "HTML page")
    if hidden:  # never credited: left out of the text, and said
        said = " ".join(" ".join(hidden).split())[:200]
        reading.hidden = reading.unread = f"text hidden in it (display:none) left out: {said!r}"
    return reading


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:1000].lower()
    return head.startswith(("<!doctype html", "<html")) or "<body" in head
