"""The one way a handed-in picture is opened (the OCR reader, the PDF reader's pictures, the report's
previews): refused past MAX_PIXELS before any pixel is decoded, a damaged or unknown file one reason."""

from __future__ import annotations

import io

import numpy as np

MAX_PIXELS = 40_000_000  # an 8K screen is 33 million pixels: a larger picture is no screenshot


class Unreadable(Exception):
    """The picture holds no text that can be read; the message says why, for the report."""


def open_picture(source):
    """A Pillow image opened for decoding (bytes, a path or a file), its size checked against MAX_PIXELS from
    its header only: a decompression bomb is refused before it is decoded."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(source) if isinstance(source, bytes) else source)
        width, height = image.size
    except Image.DecompressionBombError:  # Pillow's own guard, past twice its pixel limit
        raise Unreadable(f"a picture of more than {2 * Image.MAX_IMAGE_PIXELS:,} pixels, larger than any "
                         "screen") from None
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise Unreadable(f"not a picture that can be opened ({type(exc).__name__})") from None
    if width * height > MAX_PIXELS:
        raise Unreadable(f"a picture of {width:,}x{height:,} pixels, larger than any screen")
    return image


LOSSLESS = ("PNG", "BMP", "GIF", "TIFF")  # formats that keep a screen's pixels as they were


def grey_pixels(data: bytes) -> tuple[np.ndarray, bool]:
    """The picture's first frame as greyscale, 0-255 in int16, and whether its format is lossless;
    Unreadable when it cannot be decoded."""
    image = open_picture(data)
    try:
        image.seek(0)
        return np.asarray(image.convert("L"), dtype=np.int16), image.format in LOSSLESS
    except (OSError, ValueError, SyntaxError) as exc:
        raise Unreadable(f"a damaged picture that cannot be decoded ({type(exc).__name__})") from None
