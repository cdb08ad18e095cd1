"""Small PDF files written byte by byte, for the grader's bounds: a long printed log, and hostile files.

The real renders (Chromium's prints) are in tests/data/real; these are the cases no student makes on
purpose: hundreds of pages, objects nested beyond any parser's stack, a stream that inflates to
gigabytes. The format is PDF 1.4's plainest: a catalog, a page tree, pages whose content stream shows
lines of text in Courier.
"""

from __future__ import annotations

import zlib
from pathlib import Path


def escape(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def write_pdf(path: Path, objects: list[bytes]) -> Path:
    """objects[i] is object i + 1's body; object 1 must be the catalog. Writes the cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % at for at in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def stream(data: bytes, deflate: bool = False) -> bytes:
    if deflate:
        data = zlib.compress(data)
    return (b"<< /Length %d%s >>\nstream\n" % (len(data), b" /Filter /FlateDecode" if deflate else b"")
            + data + b"\nendstream")


def text_pdf(path: Path, pages: list[list[str]]) -> Path:
    """A PDF of these pages, each a list of lines in 7-point Courier."""
    n = len(pages)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(n)).encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>"]
    for i, lines in enumerate(pages):
        content = "BT /F1 7 Tf 8 TL 20 770 Td " + " ".join(f"({escape(line)}) '" for line in lines) + " ET"
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> "
                       b">> /Contents %d 0 R >>" % (5 + 2 * i))
        objects.append(stream(content.encode("latin-1", "replace")))
    return write_pdf(path, objects)


def log_pdf(path: Path, text: str, pages: int) -> Path:
    """The log's lines spread evenly over `pages` pages (at most 90 lines a page)."""
    lines = text.splitlines()
    per_page = -(-len(lines) // pages)
    assert per_page <= 90, "more lines than the pages hold"
    return text_pdf(path, [lines[i * per_page:(i + 1) * per_page] or [f"page {i + 1}"] for i in range(pages)])


def nested_pdf(path: Path, depth: int) -> Path:
    """One page whose resources hold an array nested depth levels deep."""
    return write_pdf(path, [b"<< /Type /Catalog /Pages 2 0 R >>",
                            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                            b"/Resources << /Deep " + b"[" * depth + b"]" * depth + b" >> >>",
                            stream(b"BT ET")])


def bomb_pdf(path: Path, inflated: int) -> Path:
    """One page whose content stream inflates from about a thousandth of `inflated` bytes to all of them."""
    packer = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    packed = b"".join(packer.compress(chunk) for _ in range(inflated >> 20)) + packer.flush()
    body = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"
    return write_pdf(path, [b"<< /Type /Catalog /Pages 2 0 R >>",
                            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
                            body])
