"""A Word report (.docx): the text Word shows, its paragraphs, line breaks, tables and pictures in
document order; a picture (a screenshot of the output) is read by OCR (pictures.py), pictures that
follow each other joined at their overlaps.

word/document.xml is read with lxml (no DTD, no entities, no network), as Word shows the final
text: tracked insertions kept and deletions left out, content controls (w:sdt), simple and complex
fields' shown results, text boxes (once, though Word stores each twice, for new and old readers),
and parts pasted in as altChunk (HTML or plain text; another kind is said, not guessed at).
python-docx, read before, skipped all of these: a report made of them read as empty.
Text a person does not see (w:vanish, white without a background, 2 pt or smaller), directly or by
its style, is left out and said (Reading.hidden).

A .docx is a zip of XML parts. Before any is read, the sizes its zip directory declares are checked
(Python's zipfile never inflates an entry past its declared size, so a zip bomb stops there); the
parsing runs in a child process with time and memory limits (bounded). Macros, fields and links are
text at most: nothing is run or fetched.
"""

from __future__ import annotations

import posixpath
import zipfile

from fashion_tools.grading.readers import Reading, concatenate
from fashion_tools.grading.readers.bounded import Refused, run_bounded
from fashion_tools.grading.readers.ocr.pictures import MAX_PICTURES, join_shots, read_shot

MAX_ENTRIES = 2000
MAX_PART_BYTES = 64 << 20  # word/document.xml of a long report is a few MB
MAX_TOTAL_BYTES = 512 << 20
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
EMBED = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"
RID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
TXBX = W + "txbxContent"
SKIPPED = {W + name for name in ("del", "moveFrom", "pPr", "rPr", "delText", "instrText", "sectPr", "tblPr",
                                 "tblGrid", "trPr", "tcPr", "fldData")}
TINY = 4  # half-points: text of 2 pt or smaller cannot be read on the page
HIDDEN_SHOWN = 200  # characters of hidden text quoted in the report


def check_zip(path: str) -> None:
    """Refused when the file is no zip or declares more than a report ever holds."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise Refused(f"not a Word file that can be opened ({exc})") from None
    if len(infos) > MAX_ENTRIES:
        raise Refused(f"a Word file of {len(infos):,} parts, more than a report holds")
    if "word/document.xml" not in {info.filename for info in infos}:
        raise Refused("a zip without word/document.xml, so not a Word document")
    big = max(infos, key=lambda info: info.file_size)
    if big.file_size > MAX_PART_BYTES or sum(info.file_size for info in infos) > MAX_TOTAL_BYTES:
        raise Refused(f"its part {big.filename} unpacks to {big.file_size >> 20} MB, more than a report holds")


def parse_xml(data: bytes):
    import lxml.etree

    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                                  remove_comments=True, remove_pis=True)
    return lxml.etree.fromstring(data, parser=parser)


def on(element) -> bool:
    """A Word on/off property present and not turned off (<w:vanish/>, <w:vanish w:val="1"/>)."""
    return element is not None and element.get(W + "val", "true").lower() not in ("0", "false", "off")


def shading(properties) -> bool:
    """Whether paragraph or cell properties give a background other than white."""
    shade = properties.find(W + "shd") if properties is not None else None
    return shade is not None and (shade.get(W + "fill") or "auto").lower() not in ("auto", "ffffff")


def hiding(rpr) -> str | None:
    """How run properties hide text from a reader: None when they do not."""
    if rpr is None:
        return None
    if on(rpr.find(W + "vanish")) or on(rpr.find(W + "specVanish")):
        return "w:vanish"
    color = rpr.find(W + "color")
    mark = rpr.find(W + "highlight")
    background = shading(rpr) or (mark is not None and mark.get(W + "val", "none") not in ("none", "white"))
    if color is not None and (color.get(W + "val") or "").lower() == "ffffff" and not background:
        return "white on white"
    size = rpr.find(W + "sz")
    if size is not None and (size.get(W + "val") or "").isdigit() and int(size.get(W + "val")) <= TINY:
        return f"{int(size.get(W + 'val')) / 2:g}-pt"
    return None


class Document:
    """One reading of word/document.xml: its blocks in order, the hidden text, what was not read."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.rels = self.relationships("word/_rels/document.xml.rels")
        self.styles = self.hiding_styles()
        self.blocks: list[tuple[str, str | bytes]] = []
        self.hidden: list[tuple[str, str]] = []  # (how, text)
        self.unread: list[str] = []
        self.counts = {"paragraph": 0, "table": 0, "picture": 0}
        self.shaded = False  # inside a table cell with a background

    def relationships(self, name: str) -> dict[str, str]:
        try:
            root = parse_xml(self.archive.read(name))
        except (KeyError, Exception):  # no relationships, or a damaged part: no pictures found through it
            return {}
        return {rel.get("Id"): posixpath.normpath(posixpath.join("word", rel.get("Target") or ""))
                for rel in root.iter(REL) if rel.get("TargetMode") != "External"}

    def hiding_styles(self) -> dict[str, str]:
        """Style id -> how it hides its text (itself or a style it is based on); the document's default
        paragraph style and defaults under ''."""
        try:
            root = parse_xml(self.archive.read("word/styles.xml"))
        except (KeyError, Exception):
            return {}
        own: dict[str, str | None] = {}
        based: dict[str, str | None] = {}
        default = None
        for style in root.iter(W + "style"):
            sid = style.get(W + "styleId") or ""
            own[sid] = hiding(style.find(W + "rPr"))
            parent = style.find(W + "basedOn")
            based[sid] = parent.get(W + "val") if parent is not None else None
            if style.get(W + "default") in ("1", "true") and style.get(W + "type") == "paragraph":
                default = sid

        def resolve(sid: str | None) -> str | None:
            seen = set()
            while sid and sid not in seen:  # a loop of basedOn in a hostile file ends here
                seen.add(sid)
                if own.get(sid):
                    return own[sid]
                sid = based.get(sid)
            return None

        out = {sid: how for sid in own if (how := resolve(sid))}
        fallback = resolve(default) or hiding(root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr"))
        if fallback:
            out[""] = fallback
        return out

    def run_hidden(self, run, paragraph_style: str, shaded: bool) -> str | None:
        """How a run is hidden (its own properties, its style, its paragraph's, the defaults); white text
        on a shaded paragraph or cell (a terminal's look: white on black) is not."""
        rpr = run.find(W + "rPr")
        style = rpr.find(W + "rStyle") if rpr is not None else None
        how = hiding(rpr) or (self.styles.get(style.get(W + "val", "")) if style is not None else None) or \
            self.styles.get(paragraph_style) or self.styles.get("")
        return None if how == "white on white" and shaded else how

    def block(self, element) -> None:
        """A block-level element: a paragraph, a table, or a container of them."""
        tag = element.tag
        if tag == W + "p":
            self.paragraph(element)
        elif tag == W + "tbl":
            self.counts["table"] += 1
            rows, paragraphs = [], self.counts["paragraph"]  # a cell's paragraphs are the table's, not counted
            for row in (r for r in element.iter(W + "tr") if next(r.iterancestors(W + "tbl")) is element):
                cells = []
                for cell in (c for c in row.iter(W + "tc") if next(c.iterancestors(W + "tr")) is row):
                    saved, self.blocks = self.blocks, []
                    outer, self.shaded = self.shaded, self.shaded or shading(cell.find(W + "tcPr"))
                    for child in cell:
                        self.block(child)
                    cells.append(" ".join(text for _, text in self.blocks if isinstance(text, str)).replace("\n", " "))
                    pictures = [b for b in self.blocks if isinstance(b[1], bytes)]
                    self.blocks, self.shaded = saved + pictures, outer
                rows.append("  ".join(cells))
            self.counts["paragraph"] = paragraphs
            self.blocks.append((f"table {self.counts['table']}", "\n".join(rows)))
        elif tag == W + "altChunk":
            self.alt_chunk(element.get(RID, ""))
        elif tag in (W + "sdt", W + "customXml", W + "sdtContent", W + "body", TXBX) or tag == MC + "AlternateContent":
            for child in self.children(element):
                self.block(child)

    def children(self, element):
        """Its children as Word shows them: of an mc:AlternateContent only its first choice (a text box
        is stored twice, for new and old readers); of a content control its content."""
        if element.tag == MC + "AlternateContent":
            choice = element.find(MC + "Choice")
            return list(choice if choice is not None else element.find(MC + "Fallback") or [])
        if element.tag == W + "sdt":
            content = element.find(W + "sdtContent")
            return list(content) if content is not None else []
        return [child for child in element if child.tag not in SKIPPED]

    def paragraph(self, p) -> None:
        self.counts["paragraph"] += 1
        where = f"paragraph {self.counts['paragraph']}"
        ppr = p.find(W + "pPr")
        shaded = self.shaded or shading(ppr)
        pstyle = ppr.find(W + "pStyle") if ppr is not None else None
        style = pstyle.get(W + "val", "") if pstyle is not None else ""
        text: list[str] = []
        after: list[tuple[str, str | bytes]] = []  # pictures and text boxes, after the paragraph's own text
        stack = list(reversed(self.children(p)))
        while stack:  # an explicit stack: no recursion, whatever the nesting
            node = stack.pop()
            if node.tag == W + "r":
                how = self.run_hidden(node, style, shaded)
                shown = self.run_text(node, after)
                if how and shown.strip():
                    self.hidden.append((how, shown))
                elif not how:
                    text.append(shown)
            elif node.tag not in SKIPPED and isinstance(node.tag, str):
                stack.extend(reversed(self.children(node)))  # w:ins, w:hyperlink, w:fldSimple, w:smartTag, ...
        self.blocks.append((where, "".join(text)))
        self.blocks.extend(after)

    def run_text(self, run, after: list) -> str:
        """A run's text; its pictures and text boxes (read as blocks) go to after."""
        out = []
        stack = [run]
        while stack:
            node = stack.pop()
            tag = node.tag
            if tag == W + "t":
                out.append(node.text or "")
            elif tag == W + "tab":
                out.append("\t")
            elif tag in (W + "br", W + "cr"):
                out.append("\n")
            elif tag == W + "noBreakHyphen":
                out.append("-")
            elif tag == BLIP:
                self.counts["picture"] += 1
                name = self.rels.get(node.get(EMBED, ""))
                data = b""
                if name and self.counts["picture"] <= MAX_PICTURES:
                    try:
                        data = self.archive.read(name)
                    except KeyError:
                        pass
                after.append((f"picture {self.counts['picture']}", data))
            elif tag == TXBX:
                saved, self.blocks = self.blocks, []
                self.block(node)
                after.extend(self.blocks)
                self.blocks = saved
            elif tag == W + "object":
                self.unread.append("an embedded object")
            elif isinstance(tag, str) and tag not in SKIPPED and tag != MC + "Fallback":
                kids = self.children(node) if tag == MC + "AlternateContent" else list(node)
                stack.extend(reversed(kids))
        return "".join(out)

    def alt_chunk(self, rid: str) -> None:
        """A part pasted in whole (Word shows it as if typed there): HTML and text read; others said."""
        from fashion_tools.grading.readers.html_export import html_text

        name = self.rels.get(rid)
        try:
            data = self.archive.read(name) if name else None
        except KeyError:
            data = None
        if data is None:
            self.unread.append("a pasted-in part (altChunk) that is missing")
            return
        suffix = posixpath.splitext(name)[1].lower()
        if suffix in (".htm", ".html", ".xhtml", ".mht", ".mhtml"):
            text, _ = html_text(data.decode("utf-8", "replace"))
        elif suffix in (".txt", ".text", ".csv"):
            text = data.decode("utf-8", "replace")
        else:
            self.unread.append(f"a pasted-in part (altChunk) of a kind not read here ({posixpath.basename(name)})")
            return
        self.counts["paragraph"] += 1
        self.blocks.append((f"pasted-in part {posixpath.basename(name)}", text))


def document_text(path: str) -> tuple[list[tuple[str, str | bytes]], list[tuple[str, str]], list[str]]:
    """([(where, text or a picture's bytes)] in order, [(how hidden, text)], [what was not read]); in the
    bounded child."""
    check_zip(path)
    try:
        with zipfile.ZipFile(path) as archive:
            root = parse_xml(archive.read("word/document.xml"))
            doc = Document(archive)
            body = root.find(W + "body")
            if body is None:
                raise Refused("its word/document.xml has no body")
            for child in doc.children(body):
                doc.block(child)
    except Refused:
        raise
    except Exception as exc:  # a damaged package or XML: one reason for the report
        raise Refused(f"not a Word document that can be read ({type(exc).__name__}: {str(exc)[:120]})") from None
    return doc.blocks, doc.hidden, doc.unread


def hidden_words(hidden: list[tuple[str, str]]) -> str | None:
    """The hidden text said: how it was hidden and the first of what it says."""
    if not hidden:
        return None
    hows = ", ".join(dict.fromkeys(how for how, _ in hidden))
    said = " ".join(" ".join(text.split()) for _, text in hidden)
    size = sum(len(text) for _, text in hidden)
    return f"{size:,} characters of text hidden in it ({hows}) left out: " \
           f"{said[:HIDDEN_SHOWN]!r}" + ("..." if len(said) > HIDDEN_SHOWN else "")


def read_docx(path: str) -> Reading:
    try:
        blocks, hidden, not_read = run_bounded(document_text, str(path))
    except Refused as exc:
        return Reading(None, "Word document", problem=f"a Word file that could not be read: {exc}", review=True)
    pieces, shots = [], []
    for where, content in [*blocks, ("end", "")]:
        if isinstance(content, bytes):
            shots.append(read_shot(content, where) if content else None)
            continue
        if shots and (content.strip() or where == "end"):  # pictures one after the other: one run of screenshots
            read = [s for s in shots if s is not None]
            pieces.append(join_shots(read, "pictures") if read else Reading("", "pictures"))
            shots = []
        if content:
            pieces.append(Reading(content + "\n", "text", parts=[(0, where)]))
    reading = concatenate(pieces, "Word document")
    count = sum(isinstance(c, bytes) for _, c in blocks)
    unread = [p.unread for p in pieces if p.unread] + [p.problem for p in pieces if p.problem] + \
        list(dict.fromkeys(not_read))
    if count > MAX_PICTURES:
        unread.append(f"{count - MAX_PICTURES} of its {count} pictures not read")
    reading.hidden = hidden_words(hidden)
    if reading.hidden:
        unread.append(reading.hidden)
    reading.unread = "; ".join(unread) or None
    reading.note = f"{count} picture{'s' * (count != 1)} in it read by OCR" if reading.pictures else None
    if not reading.text.strip():
        if count or unread:
            what = f"{count} picture{'s' * (count != 1)} that could not be read" if count else "no text shown"
            return Reading(None, "Word document", review=True, hidden=reading.hidden,
                           problem=f"a Word document with no text it shows and {what} ({reading.unread}): look at it")
        return Reading(None, "Word document", problem="an empty Word document")
    return reading
