"""The lock screen in a right-to-left language: every line right-aligned, read back.

Issue 12 point 6: an Arabic lock screen drew every line from the left edge, and each
paragraph run by run, so a bold Arabic label landed *left* of its value ("البنسلين
(Anaphylaxis,الحساسية:") and a step's number on the left of right-to-left text. The
positions are read back from the real output: the one-page PDF (``lockscreen-pdf``)
with poppler's ``pdftotext -bbox-layout``, and the PNG (``lockscreen``) as ink per
line of pixels; the texts themselves are checked with pypdf.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import shutil
import subprocess
from collections.abc import Iterator
from typing import NamedTuple

import pypdf
import pypdfium2 as pdfium  # type: ignore[import-untyped,unused-ignore]
import pytest
from PIL import Image

from helpers.scripts import script_passport
from rarepassport import render_rendered
from rarepassport.rendering import _fonts
from rarepassport.rendering._lockscreen import PRESETS
from rarepassport.rendering._verify import skeleton

TODAY = dt.date(2026, 11, 27)
SCREEN = PRESETS["iphone-15"]
MARGIN = 20.0  # CSS pixels left and right of the text (the module's _SIDE_MARGIN)
#: How far a line's ink may stand from its edge, in CSS pixels: fpdf2's cell margin
#: (2.835 pt, on both sides of every line) plus a glyph's side bearing.
SLACK = 6.0
#: The QR code's quiet zone on this screen, in device pixels: four modules of 4 pixels.
QUIET = 16


@pytest.fixture(autouse=True)
def system_fonts(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The fallback fonts this machine has (the Noto fonts on CI)."""
    monkeypatch.delenv(_fonts.SYSTEM_FONTS_ENV, raising=False)
    _fonts.system_fallback_fonts.cache_clear()
    if not any(ord("ل") in _fonts._coverage(face.regular, face.collection_index)
               for face in _fonts.system_fallback_fonts()):
        pytest.skip("no font on this machine draws Arabic (install Debian's fonts-noto-core to run this)")
    if shutil.which("pdftotext") is None:  # pragma: no cover - poppler-utils is installed in CI
        pytest.skip("poppler's pdftotext is not installed")
    yield
    _fonts.system_fallback_fonts.cache_clear()


class Line(NamedTuple):
    left: float
    right: float
    top: float
    words: list[tuple[float, float, str]]  # (left, right, skeleton of the word as extracted)


def lines_of(data: bytes) -> list[Line]:
    """The page's lines of visible characters as PDFium reads them, in PDF points (= CSS pixels).

    Each character's own box (poppler's word boxes also take in the invisible
    directional isolates around a phone number, which have an advance but no ink).
    """
    pdf = pdfium.PdfDocument(data)
    try:
        page = pdf[0]
        height = page.get_height()
        textpage = page.get_textpage()
        chars = []
        for index in range(textpage.count_chars()):
            char = textpage.get_text_range(index, 1)
            left, low, right, high = textpage.get_charbox(index, loose=True)
            if char.isspace() or not skeleton(char) or high <= low:
                chars.append(None)  # a word ends here
                continue
            chars.append((char, left, right, height - high))
    finally:
        pdf.close()
    found: list[Line] = []
    word: list[tuple[str, float, float, float]] = []
    for char in [*chars, None]:
        if char is not None and word and abs(char[3] - word[-1][3]) > 6:
            found = _add_word(found, word)
            word = []
        if char is None:
            found = _add_word(found, word)
            word = []
        else:
            word.append(char)
    return found


def _add_word(lines: list[Line], word: list[tuple[str, float, float, float]]) -> list[Line]:
    if not word:
        return lines
    left, right = min(char[1] for char in word), max(char[2] for char in word)
    top = min(char[3] for char in word)
    entry = (left, right, skeleton("".join(char[0] for char in word)))
    for number, line in enumerate(lines):
        if abs(line.top - top) < 6:
            lines[number] = Line(min(line.left, left), max(line.right, right), min(line.top, top),
                                 [*line.words, entry])
            return lines
    return [*lines, Line(left, right, top, [entry])]


def poppler_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def qr_columns(png: bytes) -> tuple[int, int]:
    """The leftmost and rightmost pixel columns of the QR code (its pure black modules)."""
    with Image.open(io.BytesIO(png)) as image:
        black = Image.eval(image.convert("L"), lambda value: 255 if value == 0 else 0)
        box = black.getbbox()
    assert box is not None, "no QR code on the screen"
    return box[0], box[2]


def ink_lines(png: bytes, top: int, bottom: int, right: int | None = None) -> list[tuple[int, int]]:
    """(leftmost, rightmost) ink column of each line of text between rows ``top`` and ``bottom``.

    Light theme: the background is white; the band is left out by the caller's rows.
    """
    with Image.open(io.BytesIO(png)) as image:
        grey = image.convert("L")
        width = grey.width if right is None else right
        pixels = grey.load()
        assert pixels is not None
        spans: list[tuple[int, int]] = []
        current: list[int] | None = None
        blank = 0
        for y in range(top, bottom):
            columns = [x for x in range(0, width, 2) if int(pixels[x, y]) < 160]
            if columns:
                blank = 0
                current = [min(columns), max(columns)] if current is None else \
                    [min(current[0], min(columns)), max(current[1], max(columns))]
                continue
            blank += 1
            # A line ends after a few blank rows: a dot or vowel mark above or below a
            # letter, with a row or two of its own, belongs to its line.
            if current is not None and blank >= 6:
                spans.append((current[0], current[1]))
                current = None
        if current is not None:
            spans.append((current[0], current[1]))
    return spans


def words_at(lines: list[Line], wanted: str) -> tuple[Line, float]:
    """The line holding a word (as written or, right to left, reversed) and its left edge."""
    key = skeleton(wanted)
    for line in lines:
        for left, _right, text in line.words:
            if key in text or key[::-1] in text:
                return line, left
    raise AssertionError(f"{wanted!r} is not on the page")


@functools.cache
def render(language: str, format: str) -> bytes:
    return render_rendered(script_passport(language), format, "emergency", language, today=TODAY).data


def test_every_line_of_an_arabic_lock_screen_ends_at_the_right_edge_of_its_column() -> None:
    data = render("ar", "lockscreen-pdf")
    width = float(pypdf.PdfReader(io.BytesIO(data)).pages[0].mediabox.width)
    lines = lines_of(data)
    band_pad = 24.0 * 0.5  # half the largest body size: the band's padding
    qr_left = qr_columns(render("ar", "lockscreen"))[0] / SCREEN.density
    beside_qr = [line for line in lines if line.right < qr_left]
    above = [line for line in lines if line not in beside_qr]
    assert len(above) >= 8 and len(beside_qr) >= 4
    for line in above:
        # The band's heading and name end at the band's padding; the essentials at the margin.
        assert width - MARGIN - band_pad - SLACK <= line.right <= width - MARGIN + 0.5, line
    # Beside the QR code (on the right), the caption and the dates end against the code.
    assert max(line.right for line in beside_qr) - min(line.right for line in beside_qr) < 1.0
    code_edge = qr_left - QUIET / SCREEN.density  # the code's white square, quiet zone included
    assert code_edge - 10.0 - SLACK <= beside_qr[0].right <= code_edge - 10.0


def test_an_arabic_label_is_drawn_right_of_its_value_and_a_step_number_right_of_its_step() -> None:
    lines = lines_of(render("ar", "lockscreen-pdf"))
    label_line, label = words_at(lines, "الحساسية")
    value_line, value = words_at(lines, "البنسلين")
    reaction_line, reaction = words_at(lines, "Anaphylaxis")
    assert label_line == value_line == reaction_line
    assert reaction < value < label  # read from the right: label, substance, (reaction)
    step_line, number = words_at(lines, "1.")
    _, step_word = words_at(lines, "أعط")
    assert step_line.top == pytest.approx(words_at(lines, "أعط")[0].top)
    assert number > step_word
    # The phone number stays left to right, whole, after the contact's label.
    data = render("ar", "lockscreen-pdf")
    for text in (pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text() or "", poppler_text(data)):
        assert "+44 20 7946 0000" in text.replace("\u00a0", " ")


def test_the_png_of_an_arabic_lock_screen_has_its_ink_against_the_right_margin_and_the_code_on_the_right() -> None:
    png = render("ar", "lockscreen")
    density = SCREEN.density
    qr_left, qr_right = qr_columns(png)
    assert qr_left > SCREEN.width / 2
    assert qr_right == pytest.approx(SCREEN.width - MARGIN * density - QUIET, abs=density)
    lines = lines_of(render("ar", "lockscreen-pdf"))
    band_bottom = words_at(lines, "ليلى")[0].top + 40  # below the name, past the band's padding
    qr_top = min(line.top for line in lines if line.right < qr_left / density)
    spans = ink_lines(png, round(band_bottom * density), round((qr_top - 4) * density))
    assert len(spans) >= 6
    for left, right in spans:
        assert SCREEN.width - (MARGIN + SLACK) * density <= right <= SCREEN.width - MARGIN * density + 2, \
            (left, right)


def test_an_english_lock_screen_stays_left_aligned_with_its_code_on_the_left() -> None:
    png = render("en", "lockscreen")
    density = SCREEN.density
    qr_left, _qr_right = qr_columns(png)
    assert qr_left == pytest.approx(MARGIN * density + QUIET, abs=density)
    lines = lines_of(render("en", "lockscreen-pdf"))
    band_bottom = words_at(lines, "Hassan")[0].top + 40
    qr_top = min(line.top for line in lines if line.left > qr_left / density + 50)
    spans = ink_lines(png, round(band_bottom * density), round((qr_top - 4) * density))
    assert len(spans) >= 6
    for left, right in spans:
        assert MARGIN * density - 2 <= left <= (MARGIN + SLACK) * density, (left, right)
    for line in lines:
        if line.top > band_bottom and line.top < qr_top:
            assert line.left <= MARGIN + SLACK, line
