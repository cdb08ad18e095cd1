"""The holes check of the screenshot reader (issue 31): a digit's name that its glyph's holes deny is not taken.

Tried on every monospace font this machine's fontconfig knows (Debian's fonts-dejavu-core at least), each digit
drawn by FreeType at the sizes screenshots show: no real digit may be denied (a denied digit becomes a doubt,
so a wrong denial costs a person's look, never a verdict, but it must not happen on plain digits).
"""

from __future__ import annotations

import re
import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from fashion_tools.grading.readers.ocr.glyphs import glyph
from fashion_tools.grading.readers.ocr.shapes import (
    HOLED_HEIGHT,
    MEET_HEIGHT,
    bracket_or_paren,
    by_shape,
    dotted,
    holes,
    pinched,
    serifed,
    shape_allows,
    shape_digit,
    slashed,
    striped,
    waisted,
)

SIZES = range(9, 31, 3)  # pixels per em: 9 pt at 100 % to 16 pt at 150 % and more


def mono_fonts() -> list[str]:
    if shutil.which("fc-list") is None:
        pytest.skip("fontconfig's fc-list is not installed")
    listed = subprocess.run(["fc-list", ":spacing=mono", "file"], capture_output=True, text=True, check=True)
    paths = (line.strip().rstrip(":") for line in listed.stdout.splitlines())  # "/usr/share/fonts/...ttf: "
    return sorted(path for path in paths if path.endswith((".ttf", ".otf")))


def drawn(char: str, font: ImageFont.FreeTypeFont) -> np.ndarray:
    """The character as the reader sees a cell of it: light ink on dark, cropped by the reader's own glyph()."""
    left, top, right, bottom = font.getbbox(char)
    picture = Image.new("L", (right + 6, bottom + 6))
    ImageDraw.Draw(picture).text((3, 3), char, fill=255, font=font)
    return glyph(np.asarray(picture))


PIXEL_FONT = re.compile(r"(\d+)x(\d+)$")  # a bitmap design named by its cell (Spleen 8x16)


def sizes(font_path: str) -> list[int]:
    """The sizes a terminal shows a font at: any for an outline font; a pixel font's cell height and its
    multiples (at a fraction of it its pixels blur into each other, as no terminal draws it)."""
    cell = PIXEL_FONT.search(ImageFont.truetype(font_path, 10).getname()[0])
    if cell is None:
        return list(SIZES)
    return [k * int(cell[2]) for k in range(1, 5) if k * int(cell[2]) <= 48]


HAIRLINE = re.compile(r"Thin|UltraLight|ExtraLight|Hairline")  # weights no terminal or notebook prints output in


def test_every_digit_of_every_monospace_font_is_allowed_by_its_holes():
    """No digit of a regular or italic face is denied. A bold face's hook may close on its bowl in a pixel's hole
    (Anonymous Pro Bold's '6' at 18 px: a hole of 3 % above its loop, as a slashed zero's upper hole): such a
    digit becomes a doubt, a person's look, and is rare (at most one glyph in a thousand). A hairline face's
    loops break at the picture's pixels (League Mono Thin's '8'): not asked of the holes. An eight whose holes no
    stroke parts needs its waist (a JPEG's slashed zero blurred into an oval, read '8'): IBM 3270 Condensed's
    9-px '8', one small hole and straight sides, is denied, the only regular glyph of over ten thousand."""
    fonts = mono_fonts()
    assert any("DejaVuSansMono" in path for path in fonts), fonts
    drawn_digits = [(font, size, digit, g) for path in fonts for size in sizes(path)
                    if not HAIRLINE.search((font := ImageFont.truetype(path, size)).getname()[1])
                    for digit in "0123456789" if (g := drawn(digit, font)) is not None]
    denied = [(font.getname(), size, digit, holes(g)) for font, size, digit, g in drawn_digits
              if not shape_allows(digit, g)]
    regular = [d for d in denied if not re.search("Bold|Black|Heavy", d[0][1])]
    assert [d for d in regular if d[0][0] != "IBM 3270 Condensed" or d[2] != "8"] == [] and len(regular) <= 1
    assert len(denied) * 1000 <= len(drawn_digits), denied


SMALL_SIZES = range(7, 13)  # pixels per em: a page zoomed out to 80 %, digits 5-8 px tall


def all_sizes(font_path: str) -> list[int]:
    """sizes(), and an outline font's small sizes too."""
    return sorted({*sizes(font_path), *(SMALL_SIZES if sizes(font_path) == list(SIZES) else [])})


def test_the_holes_name_no_digit_but_a_slashed_zero():
    """shape_digit names '0' only for two holes side by side in height; no other digit of any font is named, nor
    at the small sizes of a page zoomed out (holes that meet tell a slashed zero from 7 px tall: MEET_HEIGHT),
    nor as a lossless picture's glyph, whose holes that meet need the upper one only SLASH_MAYBE left."""
    named = [(path.rsplit("/", 1)[1], size, digit) for path in mono_fonts() for size in all_sizes(path)
             for digit in "123456789"
             if (g := drawn(digit, ImageFont.truetype(path, size))) is not None and shape_digit(g, lossless=True)]
    assert named == []


def test_a_dot_inside_a_glyph_is_a_dotted_zeros_and_no_eights():
    """A dotted zero's dot is ink apart from its outline, inside it; an eight's middle stroke joins its sides.
    No '8' of any monospace font at any size here shows such a dot (shapes.dotted denies it '8': JupyterLab's
    DejaVu Sans Mono zero at 80 %, read '8'), and DejaVu Sans Mono's own zeros do from 12 px."""
    eights = [(path.rsplit("/", 1)[1], size) for path in mono_fonts() for size in all_sizes(path)
              if (g := drawn("8", ImageFont.truetype(path, size))) is not None and dotted(g)]
    assert eights == []
    (dejavu,) = [path for path in mono_fonts() if path.endswith("/DejaVuSansMono.ttf")]
    assert all(dotted(drawn("0", ImageFont.truetype(dejavu, size))) for size in range(12, 31, 3))


def slashed_zero(height: int) -> np.ndarray:
    """A zero drawn as Roboto Mono's: an oval parted by a stroke from its lower left to its upper right."""
    width = round(height * 0.6)
    picture = Image.new("L", (width + 4, height + 4))
    draw = ImageDraw.Draw(picture)
    stroke = max(1, height // 9)
    draw.ellipse((2, 2, width + 1, height + 1), outline=255, width=stroke)
    draw.line((3, height, width, 3), fill=255, width=stroke)
    return glyph(np.asarray(picture))


@pytest.mark.parametrize("height", [13, 17, 24, 36])
def test_a_slashed_zero_misnamed_six_or_eight_is_its_holes_zero(height):
    """Colab's slashed zero at 14 px was read '6' by Tesseract everywhere: its two holes, side by side in
    height, deny '6', '8' and '9' and name it '0'."""
    g = slashed_zero(height)
    assert len(holes(g)) == 2, holes(g)
    for wrong in "4689":  # (no '4' has two holes: Terminus's slashed zero was read '4' in '300/300')
        assert not shape_allows(wrong, g)
        assert by_shape(wrong, g) == "0"
    assert by_shape("0", g) == "0"


def test_a_group_of_cells_is_named_as_nearly_all_its_members_holes_say():
    """A JPEG's cluster of slashed zeros that Tesseract read '8', '6' and '@', never '0' (Colab's Roboto Mono at
    100 %), is '0' when nearly all its cells show the slashed zero's holes; a cluster only some of whose cells
    deny its name keeps it (each cell is judged by its own holes), and one whose cells deny it but show no
    slashed zero is unknown."""
    from fashion_tools.grading.readers.ocr.clusters import by_members

    zero, nine = slashed_zero(13), drawn("9", ImageFont.truetype(mono_fonts()[0], 18))
    ring = Image.new("L", (10, 15))
    ImageDraw.Draw(ring).ellipse((1, 1, 8, 13), outline=255, width=2)
    ring = glyph(np.asarray(ring))  # one hole in its middle: no "7", no slashed zero
    assert by_members("8", [zero] * 9 + [None]) == "0"
    assert by_members("6", [zero] * 7 + [nine]) == "0"
    assert by_members("9", [zero] * 3 + [nine] * 2) == "9"
    assert by_members("7", [ring] * 4) == "?"
    assert by_members("0", [zero] * 4) == "0" and by_members("x", [zero] * 4) == "x"  # only a digit's name
    assert by_members("8", [g[:HOLED_HEIGHT - 1] for g in [zero] * 4]) == "8"  # too small to tell


def test_groups_alike_join_the_group_they_are_alike_with_and_never_two_digits():
    """Groups of reads whose mean glyphs are alike are joined, through one another too (zeros read '0', '©' and
    'Q'), and each joins the group it is alike with: the merge once gave a group the label of whichever read
    had its index (JupyterLab's ']' reads joined the sixes, whose mean, so blurred, drew the zeros and eights
    into one group of split reads: seven zeros read a sure '9' or '8'). Two digits' groups are never one, not
    even through a look-alike of both ('@' alike with the zeros and with the eights)."""
    from fashion_tools.grading.readers.ocr.clusters import joined

    usual = ["6", "0", "©", "Q", "[", "]", "@", "8"]
    alike = np.zeros((8, 8), dtype=bool)
    for a, b in [(1, 2), (2, 3), (4, 5), (1, 6), (6, 7)]:
        alike[a, b] = True
    label = joined(alike, usual)
    groups = {tuple(c for c, g in zip(usual, label, strict=True) if g == root) for root in set(label)}
    assert groups == {("6",), ("0", "©", "Q", "@"), ("[", "]"), ("8",)}
    assert label[5] == label[4] != label[0]  # ']' into '[', not into the sixes (read 0's group)


def test_a_group_of_waisted_glyphs_and_unwaisted_ones_is_two_groups():
    """Iosevka's narrow zero and eight at 13 px in a JPEG lie as near each other as two zeros do, and Tesseract
    reads both '8': with every line's cells taken on its digits' baseline they fell in one group, named '0' by
    its slashed zeros' holes, and every eight in it was a doubt. An eight is waisted and a zero is not: such a
    group is two; a group of one glyph stays one, and a group with too few of either is left whole."""
    from fashion_tools.grading.readers.ocr.clusters import split_by_waist

    font = ImageFont.truetype(next(p for p in mono_fonts() if p.endswith("DejaVuSansMono.ttf")), 18)
    eight, zero = drawn("8", font), drawn("0", font)
    assert waisted(eight) and not waisted(zero)
    mixed = {k: eight if k % 3 == 0 else zero for k in range(9)}
    member = split_by_waist(list(range(9)), np.zeros(9, dtype=int), ["8"] * 9, mixed)
    assert len(set(member)) == 2 and {int(member[k]) for k in range(0, 9, 3)} != {int(member[1])}
    assert len({int(member[k]) for k in range(0, 9, 3)}) == 1 and len({int(member[k]) for k in (1, 2, 4, 5)}) == 1
    for one in ({k: eight for k in range(6)}, {k: zero for k in range(6)}, {0: eight, 1: zero, 2: zero, 3: zero}):
        assert set(split_by_waist(list(one), np.zeros(len(one), dtype=int), ["8"] * len(one), one)) == {0}
    assert set(split_by_waist(list(mixed), np.zeros(9, dtype=int), ["Q"] * 9, mixed)) == {0}  # a digit's only


def test_holes_that_meet_are_a_slashed_zeros_when_the_upper_lies_left():
    """WebKitGTK's Roboto Mono zero at 14 px (10 px tall): its slash drawn nearly flat, its holes meet at one row,
    the upper one left of the lower; in a JPEG only a little left, which an eight's may be too: maybe (no '8', and
    not named '0'). An eight's holes apart, or an italic eight's meeting with the upper one to the right: no."""
    hole = (0.25, 0.1, 0.5, 0.14)  # (middle, first row, row after the last, area), then the middle column
    assert slashed([(*hole, 0.4), (0.67, 0.5, 0.9, 0.13, 0.5)], 10)
    assert slashed([(*hole, 0.4), (0.67, 0.5, 0.9, 0.13, 0.5)], HOLED_HEIGHT - 1)  # Roboto Mono at 80 %: 8 px
    assert not slashed([(*hole, 0.4), (0.67, 0.5, 0.9, 0.13, 0.5)], MEET_HEIGHT - 1)  # too small to tell
    pixel = (0.36, 0.29, 0.43, 0.04, 0.38)  # a small six's hook closed on its bowl in one pixel: no slashed zero
    assert not slashed([pixel, (0.6, 0.43, 0.86, 0.18, 0.53)], HOLED_HEIGHT - 1)
    jpeg = [(*hole, 0.44), (0.67, 0.5, 0.9, 0.13, 0.5)]
    assert not slashed(jpeg, 10) and slashed(jpeg, 10, maybe=True)
    # in a PNG, as drawn: Iosevka's narrow zero at 13 px (10x5 px), its slash moving its holes 0.08 of its width
    iosevka = [(0.22, 0.1, 0.5, 0.16, 0.42), (0.65, 0.5, 0.9, 0.2, 0.5)]
    assert slashed(iosevka, 10, lossless=True) and not slashed(iosevka, 10)
    italic_eight = [(*hole, 0.6), (0.67, 0.5, 0.9, 0.13, 0.45)]
    eight = [(0.21, 0.1, 0.4, 0.11, 0.48), (0.7, 0.6, 0.9, 0.13, 0.5)]
    for not_zero in (italic_eight, eight):
        assert not slashed(not_zero, 10, maybe=True) and not slashed(not_zero, 10, lossless=True)


def test_a_hole_where_a_digit_has_none_is_a_doubt_not_another_digit():
    """An 'o'-like ring misnamed '7': denied, and its single hole names no digit (a person looks)."""
    picture = Image.new("L", (14, 20))
    ImageDraw.Draw(picture).ellipse((1, 1, 12, 18), outline=255, width=2)
    g = glyph(np.asarray(picture))
    assert by_shape("7", g) == "?"
    assert by_shape("0", g) == "0" and by_shape("x", g) == "x" and by_shape(None, g) is None


def test_no_zero_with_a_hole_is_allowed_as_a_six_and_no_eight_without_one():
    """A dotted zero at 13 px read '6' (JupyterLab's DejaVu Sans Mono): a zero's hole reaches its top, a six's
    does not; and a '3' read '8' on a second look (Colab at 150 %) has no hole, which every eight 9 px tall or
    more shows."""
    fonts = mono_fonts()
    zeros = [(path.rsplit("/", 1)[1], size, g) for path in fonts for size in sizes(path)
             if (g := drawn("0", ImageFont.truetype(path, size))) is not None and holes(g)]
    sixes = [(name, size, g.shape[0]) for name, size, g in zeros if shape_allows("6", g)]
    # an italic or bold zero may begin its hole as low as a six (Anonymous Pro Minus Italic's at 12 px, Monoid
    # Bold's at 15): the holes then do not deny '6', and Tesseract's name stands; rare, never in a regular face
    # HOLED_HEIGHT tall (under it a slashed zero may keep only its lower hole: PT Mono's at 9 px, 7 px tall)
    assert not [(name, size) for name, size, height in sixes
                if not re.search(r"Italic|Oblique|Bold| B?I\.", name) and height >= HOLED_HEIGHT], sixes
    assert len(sixes) * 100 <= len(zeros), sixes
    threes = [(path.rsplit("/", 1)[1], size, g) for path in fonts for size in sizes(path)
              if (g := drawn("3", ImageFont.truetype(path, size))) is not None and g.shape[0] >= HOLED_HEIGHT]
    assert len(threes) > len(fonts) * 5  # below 9 px tall an eight's holes may close: no rule there
    # a scanline font's three is no solid glyph: its holes cannot be told (the scanline test below)
    assert [(name, size) for name, size, g in threes if shape_allows("8", g) and not striped(g)] == []


def test_a_slash_is_no_seven():
    """IBM 3270's flat '/' in '313/313' was read '7' among digits, sure and wrong: a '7' has a stroke across its
    top, which no slash has. Of every monospace font's '/' 9 px tall or more (not scanlines), at least 95 % are
    denied '7' (League Mono's thin faces at 12-15 px, antialiased into a bar, are not); DejaVu's at every size."""
    slashes = [(path.rsplit("/", 1)[1], size, g) for path in mono_fonts() for size in sizes(path)
               if (g := drawn("/", ImageFont.truetype(path, size))) is not None and g.shape[0] >= HOLED_HEIGHT
               and not striped(g)]
    allowed = [(name, size) for name, size, g in slashes if shape_allows("7", g)]
    assert len(allowed) * 20 <= len(slashes), allowed
    assert not [(name, size) for name, size in allowed if name.startswith("DejaVu")], allowed


def test_a_thin_bracket_is_told_from_a_parenthesis_by_its_serifs():
    """Tlwg Mono's '[' at 20 px: its upright stroke one pixel wide, drawn between two pixel columns at half
    strength each, so no column is a straight stroke, and Tesseract's '(' stood (st's matrix read '((840 ...')).
    Its serifs span its width; no parenthesis's ends of any monospace font here do."""
    thin = np.zeros((14, 4))
    thin[:, 1] = thin[:, 2] = np.maximum(thin[:, 1], 0.45)  # the stroke, antialiased across two columns
    thin[0, 1:] = thin[-1, 1:] = 1.0
    assert bracket_or_paren("(", thin) == "[" and bracket_or_paren(")", thin[:, ::-1]) == "]"
    parens = [(path.rsplit("/", 1)[1], size, c) for path in mono_fonts() for size in sizes(path) for c in "()"
              if (g := drawn(c, ImageFont.truetype(path, size))) is not None and serifed(g)]
    assert parens == []


def test_a_scanline_fonts_eight_is_not_denied_and_a_solid_three_still_is():
    """A CRT-look font (Glass TTY VT220) draws each glyph in scanlines, rows of no ink between: its loops are
    never holes, so the holes deny it nothing; the same three drawn solid is still no eight."""
    font = ImageFont.truetype(next(p for p in mono_fonts() if "DejaVuSansMono.ttf" in p), 24)
    eight, three = drawn("8", font), drawn("3", font)
    assert shape_allows("8", eight) and not shape_allows("8", three)
    for g in (eight, three):
        lined = g.copy()
        lined[1::2] = 0  # every other row dark, as the font draws it
        assert shape_allows("8", lined)


def test_an_eight_whose_holes_no_stroke_parts_needs_a_waist():
    """A JPEG blurs a small slashed zero into an oval with one hole, or two that meet (Iosevka's at quality 76):
    no '8' (it was read so, sure). An eight whose crossing the blur opened keeps its pinched outline: an '8'. In
    a JPEG, holes meeting with the upper one a little left (SLASH_MAYBE) in an oval are a slashed zero's."""
    oval = Image.new("L", (14, 20))
    ImageDraw.Draw(oval).ellipse((1, 1, 12, 18), outline=255, width=2)
    pinched = Image.new("L", (14, 20))
    draw = ImageDraw.Draw(pinched)
    draw.ellipse((2, 1, 11, 10), outline=255, width=2)
    draw.ellipse((1, 9, 12, 18), outline=255, width=2)
    draw.rectangle((5, 9, 8, 10), fill=0)  # the crossing opened: one hole
    oval_g, pinched_g = glyph(np.asarray(oval)), glyph(np.asarray(pinched))
    assert len(holes(oval_g)) == 1 and len(holes(pinched_g)) == 1
    assert not waisted(oval_g) and waisted(pinched_g)
    assert not shape_allows("8", oval_g) and shape_allows("8", pinched_g) and shape_allows("0", oval_g)
    meeting = [(0.25, 0.1, 0.5, 0.14, 0.46), (0.67, 0.5, 0.9, 0.13, 0.5)]  # 0.04 of the width apart
    assert slashed(meeting, 10, waist=False) and not slashed(meeting, 10, waist=True)


def test_an_eights_holes_and_waist_deny_a_zero_and_no_zeros_do():
    """A JPEG's eight among slashed zeros (Colab's Roboto Mono at quality 96, '0.911899983882904') lay nearest
    the eights, the zeros and the threes nearly as near: a doubt, though its two holes one above the other, a
    stroke across between them, and its outline pinched on both sides between them are an eight's, which no
    zero has. Most eights of the monospace fonts show that (an italic or a slab eight, its sides straight, may
    not: its holes then do not deny '0'); no zero of any face does (the first test above: a bold slashed zero's
    thick slash parts its hole in two, but its outline narrows, if at all, by its slant, on one side)."""
    eights = [(path.rsplit("/", 1)[1], size, g) for path in mono_fonts() for size in sizes(path)
              if (g := drawn("8", ImageFont.truetype(path, size))) is not None and g.shape[0] >= HOLED_HEIGHT]
    denied = [name for name, _, g in eights if not shape_allows("0", g)]
    assert len(denied) * 5 >= len(eights) * 4, (len(denied), len(eights))
    (dejavu,) = [path for path in mono_fonts() if path.endswith("/DejaVuSansMono.ttf")]
    for size in range(15, 31, 3):  # (at 12 px its eight is 9x6 px: its waist a fraction of a pixel)
        eight, zero = drawn("8", ImageFont.truetype(dejavu, size)), drawn("0", ImageFont.truetype(dejavu, size))
        assert pinched(eight) and not shape_allows("0", eight) and not pinched(zero) and shape_allows("0", zero)
    slanted = Image.new("L", (16, 20))  # an oval leaning right, its hole parted by a thick flat stroke
    draw = ImageDraw.Draw(slanted)
    draw.polygon([(5, 1), (14, 1), (10, 18), (1, 18)], outline=255, width=2)
    draw.line((3, 10, 12, 9), fill=255, width=3)
    g = glyph(np.asarray(slanted))
    assert len(holes(g)) == 2 and not pinched(g) and shape_allows("0", g)
