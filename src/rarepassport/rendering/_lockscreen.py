"""The ``lockscreen`` backends: the emergency essentials as a phone's lock-screen image.

Many people already set a picture of their emergency card as their phone's wallpaper,
so that a paramedic sees it without unlocking the phone. This module draws that
picture from the document's emergency essentials
([`essentials`][rarepassport.Document], in the clinical priority order of
[`rarepassport.essentials`][]): a heading with the person's name, the date of birth
(and plainly when the review is overdue), the essentials in one column, and at the
bottom the QR code with, beside it, what it is for and when the passport was updated
and is due for review.

The page is drawn once, as a one-page PDF with fpdf2, the same way the wallet card is
drawn; its text is read back with PDFium and compared with what was drawn, and the
same page is rasterised with PDFium (``pypdfium2``) to exactly the screen's pixel
size and saved as PNG with Pillow. There is no second layout for the image: the
``lockscreen-pdf`` format returns the very page that ``lockscreen`` rasterises.

Each screen (`PRESETS`, or any ``size="WIDTHxHEIGHT"`` in pixels) keeps two
bands clear: the top, where the lock screen draws the clock, date, widgets, status bar
and camera, and the bottom, where it draws the flashlight and camera buttons, the
home indicator or "swipe up" hint and the fingerprint icon. Nothing is drawn there
but the plain background.

Text is never smaller than `MIN_BODY_SIZE` CSS pixels at 1× (16, the size web
browsers use for body text), i.e. ``16 × density`` device pixels. What does not fit
is left off by clinical priority with [`rarepassport.essentials.fit`][], saying
so on the screen ("Allergies: Penicillin +2 more — see passport", then "Also in the
full passport: ..."), exactly as on the wallet card.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import attrs

from rarepassport.document import Document, RenderNotice
from rarepassport.essentials import EssentialGroup, Essentials, fit
from rarepassport.rendering._shared import (
    EMERGENCY_RED,
    ON_EMERGENCY_RED,
    align_for,
    extra_faces,
    isolated_runs,
    items_on_own_lines,
    marked_bold,
    unbroken,
)
from rarepassport.rendering._verify import is_right_to_left, isolate_left_to_right, missing_in_order

if TYPE_CHECKING:
    from rarepassport.rendering._base import Rendered

__all__ = [
    "LOCKSCREEN_QR_BYTES",
    "LOCKSCREEN_QR_LIMIT",
    "MAX_BODY_SIZE",
    "MIN_BODY_SIZE",
    "PRESETS",
    "THEMES",
    "Screen",
    "Theme",
    "contrast_ratio",
    "render_lockscreen",
    "screen_for",
]


@attrs.frozen(kw_only=True)
class Screen:
    """A phone screen in portrait, and the parts of it the lock screen covers.

    All sizes are device pixels. The page is laid out in CSS pixels at 1× (Apple's
    points, Android's dp): ``width / density`` of them across.

    Attributes:
        name: The preset's name, or ``WIDTHxHEIGHT``.
        width: Width in pixels.
        height: Height in pixels.
        density: Device pixels per CSS pixel (3 for the iPhones listed, 2.625 for a
            420-dpi Android phone).
        top: Pixels kept clear at the top (status bar, camera, clock, date, widgets).
        bottom: Pixels kept clear at the bottom (flashlight and camera buttons, home
            indicator, fingerprint icon, "swipe up to open").
        description: The phones it is for.
    """

    name: str
    width: int
    height: int
    density: float
    top: int
    bottom: int
    description: str = ""

    @property
    def min_body_pixels(self) -> float:
        """The smallest body text in device pixels: `MIN_BODY_SIZE` × density."""
        return MIN_BODY_SIZE * self.density


#: The phone screens with a name, all portrait. iPhones are 3× (460 ppi): 1 CSS pixel
#: is 3 device pixels, so body text is at least 48 pixels high. The iOS lock screen
#: draws the status bar, Dynamic Island, date, clock and a row of widgets in the top
#: 250 points, and the flashlight and camera buttons and the home indicator in the
#: bottom 120. The Android sizes are taken at the densities Android reports for such
#: screens (420 dpi = 2.625×, 560 dpi = 3.5×); their lock screens draw the status bar,
#: the large clock and its date in the top 260 dp and the shortcuts, the fingerprint
#: icon and "swipe up to open" in the bottom 150 dp.
PRESETS: Mapping[str, Screen] = {
    screen.name: screen
    for screen in (
        Screen(name="iphone-15", width=1179, height=2556, density=3.0, top=750, bottom=360,
               description="iPhone 15, 15 Pro, 14 Pro, 16 (393 × 852 points, 3×)"),
        Screen(name="iphone-15-pro-max", width=1290, height=2796, density=3.0, top=750, bottom=360,
               description="iPhone 15 Plus, 15 Pro Max, 14 Pro Max (430 × 932 points, 3×)"),
        Screen(name="iphone-13", width=1170, height=2532, density=3.0, top=750, bottom=360,
               description="iPhone 12, 13, 14, 12 Pro, 13 Pro (390 × 844 points, 3×)"),
        Screen(name="android-fhd", width=1080, height=2400, density=2.625, top=683, bottom=394,
               description="Full HD+ Android phones, e.g. Pixel, Galaxy A (411 × 914 dp, 420 dpi)"),
        Screen(name="android-qhd", width=1440, height=3200, density=3.5, top=910, bottom=525,
               description="Quad HD+ Android phones, e.g. Galaxy S Ultra (411 × 914 dp, 560 dpi)"),
    )
}

#: A ``WIDTHxHEIGHT`` screen is laid out like a phone 390 CSS pixels wide (density =
#: width / 390), keeping the iPhones' 250 points clear at the top and 120 at the bottom.
CUSTOM_WIDTH_CSS = 390.0
CUSTOM_TOP_CSS = 250.0
CUSTOM_BOTTOM_CSS = 120.0
_SIZE = re.compile(r"^\s*(\d{2,5})\s*[x×X]\s*(\d{2,5})\s*$")
_MIN_WIDTH, _MAX_SIDE = 320, 8000

#: Smallest body text, in CSS pixels at 1× (so 48 device pixels at 3×): the size
#: browsers use for body text; text is left off, saying so, rather than drawn smaller.
MIN_BODY_SIZE = 16.0
#: Largest body text, in CSS pixels: a screen with little on it is drawn this large.
MAX_BODY_SIZE = 24.0
#: The name is drawn this much larger than the body text.
NAME_SCALE = 1.35
#: Largest emergency text in the QR code, in characters, as on the wallet card
#: (280 characters there too): for English a code of about 73 modules. The code shares the screen with
#: the text a paramedic reads first, so it is kept small rather than dense.
LOCKSCREEN_QR_LIMIT = 280
#: Largest emergency text in the QR code, in UTF-8 bytes: a code of about 93 modules
#: (about 140 CSS pixels wide at `QR_MODULE_SIZE`). Devanagari and Chinese take three
#: bytes a character, so the name and dates of a Hindi passport alone took more than 280
#: bytes and no code could be made; the code grows instead, its modules the same size.
LOCKSCREEN_QR_BYTES = 500
#: Size of one QR module in CSS pixels, rounded to whole device pixels (4 at 3×, about
#: 0.22 mm on a 460-ppi screen, a code about 16 mm wide, like the wallet card's): what
#: a phone camera reads from another phone's screen at 10 to 15 cm.
QR_MODULE_SIZE = 1.5

_SIDE_MARGIN = 20.0  # CSS pixels left and right of the text
_GAP = 10.0  # CSS pixels between the blocks
_LINE = 1.2  # line height / font size
_QR_SHARE = 0.5  # the QR code is at most this share of the column's width
_NUMBER_INDENT = 1.6  # a protocol step's text hangs this many font sizes from its number


Colour = tuple[int, int, int]


@attrs.frozen(kw_only=True)
class Theme:
    """The colours of a lock screen. Each text colour is ≥ 7:1 against its background.

    Attributes:
        name: ``light``, ``dark`` or ``high-contrast``.
        background: The screen.
        text: Body text on the background.
        alert: Emphasised warnings (an overdue review, "+2 more") on the background.
        band: The heading band behind the name.
        band_text: Text on the band.
    """

    name: str
    background: Colour
    text: Colour
    alert: Colour
    band: Colour
    band_text: Colour

    def pairs(self) -> dict[str, tuple[Colour, Colour]]:
        """Every text colour with the background it is drawn on."""
        return {
            "text": (self.text, self.background),
            "alert": (self.alert, self.background),
            "band_text": (self.band_text, self.band),
        }


#: The colour themes. The QR code is always black on white, whatever the theme: many
#: readers cannot decode a light-on-dark code.
THEMES: Mapping[str, Theme] = {
    theme.name: theme
    for theme in (
        Theme(name="light", background=(255, 255, 255), text=(17, 17, 17), alert=EMERGENCY_RED,
              band=EMERGENCY_RED, band_text=ON_EMERGENCY_RED),
        Theme(name="dark", background=(12, 12, 12), text=(240, 240, 240), alert=(255, 150, 150),
              band=(130, 0, 0), band_text=(255, 255, 255)),
        Theme(name="high-contrast", background=(0, 0, 0), text=(255, 255, 255), alert=(255, 255, 0),
              band=(255, 255, 0), band_text=(0, 0, 0)),
    )
}

_WHITE: Colour = (255, 255, 255)
_BLACK: Colour = (0, 0, 0)


def _linear(channel: int) -> float:
    value = channel / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def _luminance(colour: Colour) -> float:
    red, green, blue = (_linear(channel) for channel in colour)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(foreground: Colour, background: Colour) -> float:
    """The WCAG 2 contrast ratio of two sRGB colours, from 1 to 21.

    Args:
        foreground: Red, green, blue, 0–255.
        background: Red, green, blue, 0–255.
    """
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def screen_for(size: str) -> Screen:
    """The screen for a ``size=`` option: a name from `PRESETS` or ``WIDTHxHEIGHT``.

    Raises:
        rarepassport.rendering.RenderError: For anything else, or a size that is not a
            portrait phone screen.
    """
    from rarepassport.errors import Message, RenderError

    preset = PRESETS.get(size.strip().lower())
    if preset is not None:
        return preset
    match = _SIZE.match(size)
    if match is None:
        names = ", ".join(PRESETS)
        raise RenderError(Message("error.render.lockscreen-size", "option size of a lock screen must be one of "
                                  "{names}, or WIDTHxHEIGHT in pixels (e.g. 1179x2556), not {value}",
                                  names=names, value=repr(size)))
    width, height = int(match.group(1)), int(match.group(2))
    if not (_MIN_WIDTH <= width <= _MAX_SIDE and width <= height <= _MAX_SIDE):
        raise RenderError(Message("error.render.lockscreen-size-bounds", "option size {value}: a lock screen is "
                                  "portrait, {minimum} to {maximum} pixels wide and at least as tall as it is wide "
                                  "(e.g. 1179x2556)", value=repr(size), minimum=_MIN_WIDTH, maximum=_MAX_SIDE))
    density = width / CUSTOM_WIDTH_CSS
    return Screen(name=f"{width}x{height}", width=width, height=height, density=density,
                  top=round(CUSTOM_TOP_CSS * density), bottom=round(CUSTOM_BOTTOM_CSS * density),
                  description="a screen of your own size")


# --- what is drawn -----------------------------------------------------------------


class _Run(NamedTuple):
    text: str
    bold: bool
    path: str
    starts: bool = False  # begins a further item of a run-on group (`Span.starts_item`)


class _Paragraph(NamedTuple):
    runs: tuple[_Run, ...]
    alert: bool = False  # drawn in the theme's alert colour
    number: str = ""  # a protocol step: the text hangs beside its number


def _run(text: str, bold: bool, path: str, starts: bool = False) -> _Run:
    """A run of text as the card draws it: a phone number or a dose is never broken across
    two lines. Left-to-right text inside right-to-left text is isolated when the paragraph
    is drawn (`_Drawer.paragraphs`), over the whole paragraph: a phone number after an
    Arabic label is its own run."""
    return _Run(unbroken(text), bold, path, starts)


def _paragraphs(groups: Sequence[EssentialGroup], ending: str) -> list[_Paragraph]:
    """The paragraphs that draw ``groups`` in one column, then the ending (words from ``essentials.lines``)."""
    from rarepassport.essentials import lines

    return [
        _spaces_forward(_Paragraph(tuple(_run(span.text, span.strong, span.path, span.starts_item)
                                         for span in line.spans),
                                   number=line.number, alert=line.alert))
        for line in lines(groups, ending)
    ]


def _spaces_forward(paragraph: _Paragraph) -> _Paragraph:
    """Move a space that ends a run to the start of the next.

    fpdf2 breaks a line only at a space inside one ``write()``: a run that starts
    with a word too long for the rest of the line would otherwise be broken inside
    that word ("Hydrocortisone" / ": 5 mg").
    """
    runs = list(paragraph.runs)
    for index in range(len(runs) - 1):
        text = runs[index].text
        if text.endswith(" "):
            runs[index] = runs[index]._replace(text=text.rstrip(" "))
            runs[index + 1] = runs[index + 1]._replace(text=" " + runs[index + 1].text.lstrip(" "))
    return paragraph._replace(runs=tuple(runs))


def _head(essentials: Essentials) -> list[_Paragraph]:
    """Under the name: the date of birth and, before anything else is read, what warns.

    In the alert colour, as on the card: the notices about the passport itself (it has
    validation errors), an overdue review, and a signed check that no longer applies or
    cannot be checked ("Changed since checked on ...").
    """
    paragraphs = []
    if essentials.date_of_birth:
        paragraphs.append(_Paragraph((_run(essentials.date_of_birth_line, True, "$.person.date_of_birth"),)))
    for notice in essentials.notices:
        paragraphs.append(_Paragraph((_run(notice, True, "$"),), alert=True))
    if essentials.overdue:
        paragraphs.append(_Paragraph((_run(essentials.overdue, True, "$.review.next_review_due"),), alert=True))
    if essentials.trust and essentials.trust_alarming:
        paragraphs.append(_Paragraph((_run(essentials.trust, True, "$.attestations"),), alert=True))
    return paragraphs


def _foot(essentials: Essentials, caption: str) -> list[tuple[str, bool, str]]:
    """Beside the QR code: what it is for, when the passport was updated and is due for
    review, and who checked it (the short form of the trust statement, verified when the
    document was laid out, as on the card).

    Lines of ``(text, bold, path)``. The dates and the check go here rather than under
    the name so that the room under the name holds the essentials; what warns (an
    overdue review, a check that no longer applies) stays there.
    """
    lines = [(caption, True, "qr")] if caption else []
    if essentials.updated_on:
        lines.append((essentials.updated_on, False, "$.review.updated_on"))
    if essentials.review_due:
        lines.append((essentials.review_due, False, "$.review.next_review_due"))
    if essentials.trust and not essentials.trust_alarming:
        lines.append((essentials.trust, False, "$.attestations"))
    return lines


class _Geometry(NamedTuple):
    """The page in CSS pixels (= PDF points): where text may go, and the QR code."""

    width: float
    height: float
    top: float  # first line may start here
    bottom: float  # nothing below this
    left: float
    column: float  # width of the column
    qr_modules: int  # 0: no QR code
    qr_module: float  # size of one module (a whole number of device pixels)

    @property
    def qr_side(self) -> float:
        return self.qr_modules * self.qr_module

    @property
    def foot_width(self) -> float:
        """Width of the lines beside the QR code (the whole column when there is none)."""
        return self.column - (self.qr_side + _GAP if self.qr_modules else 0.0)


def _geometry(screen: Screen, qr_modules: int) -> _Geometry:
    width, height = screen.width / screen.density, screen.height / screen.density
    column = width - 2 * _SIDE_MARGIN
    module = 0.0
    if qr_modules:
        # Each module a whole number of device pixels, so the image has crisp edges.
        largest = int(column * _QR_SHARE * screen.density) // qr_modules
        pixels = min(max(round(QR_MODULE_SIZE * screen.density), 2), largest)
        module = max(pixels, 1) / screen.density
    return _Geometry(width=width, height=height, top=screen.top / screen.density + _GAP,
                     bottom=(screen.height - screen.bottom) / screen.density - _GAP,
                     left=_SIDE_MARGIN, column=column, qr_modules=qr_modules, qr_module=module)


class _Drawer:
    """Draws the page on an FPDF; the same code measures (on a scratch page) and draws."""

    def __init__(self, pdf: Any, document: Document, essentials: Essentials, theme: Theme,
                 geometry: _Geometry, family: str, foot: Sequence[tuple[str, bool, str]]) -> None:
        self.pdf = pdf
        self.document = document
        self.essentials = essentials
        self.theme = theme
        self.geometry = geometry
        self.family = family
        self.foot = foot
        #: Every text drawn, with the JSON path it came from, for verification.
        self.drawn: list[tuple[str, str]] = []

    def lh(self, size: float) -> float:
        return size * _LINE

    def band(self, size: float, *, paint: bool) -> float:
        """The heading band: what this is, and the name. Returns where it ends."""
        pdf, geometry, theme = self.pdf, self.geometry, self.theme
        pad = size * 0.5
        name_size = size * NAME_SCALE
        heading = self.document.phrase("lockscreen.heading")
        pdf.set_font(self.family, "B", size)
        heading_height = pdf.multi_cell(geometry.column - 2 * pad, self.lh(size), heading,
                                        dry_run=True, output="HEIGHT")
        pdf.set_font(self.family, "B", name_size)
        name_height = pdf.multi_cell(geometry.column - 2 * pad, self.lh(name_size), self.essentials.name,
                                     dry_run=True, output="HEIGHT")
        height = float(2 * pad + heading_height + name_height)
        if paint:
            top = geometry.top
            pdf.set_fill_color(*theme.band)
            pdf.rect(geometry.left, top, geometry.column, height, style="F")
            pdf.set_text_color(*theme.band_text)
            pdf.set_font(self.family, "B", size)
            pdf.set_xy(geometry.left + pad, top + pad)
            pdf.multi_cell(geometry.column - 2 * pad, self.lh(size), heading, align=align_for(heading))
            pdf.set_font(self.family, "B", name_size)
            pdf.set_xy(geometry.left + pad, top + pad + heading_height)
            pdf.multi_cell(geometry.column - 2 * pad, self.lh(name_size), self.essentials.name,
                           align=align_for(self.essentials.name))
            self.drawn += [("lockscreen.heading", heading), ("$.person.name", self.essentials.name)]
        return geometry.top + height

    def paragraphs(self, paragraphs: Sequence[_Paragraph], size: float, y: float,
                   limit: float = float("inf")) -> float:
        """Draw paragraphs from ``y`` down; returns where the last ends (stops past ``limit``)."""
        pdf, geometry, theme = self.pdf, self.geometry, self.theme
        left, column = geometry.left, geometry.column
        lh = self.lh(size)
        for paragraph in paragraphs:
            pdf.set_text_color(*(theme.alert if paragraph.alert else theme.text))
            indent = size * _NUMBER_INDENT if paragraph.number else 0.0
            texts = [run.text for run in paragraph.runs]
            if is_right_to_left("".join(texts)):
                # Right to left: one right-aligned paragraph, its number on the right,
                # its runs in one bidi paragraph (run by run, each would be laid out
                # left to right, the Arabic label left of its value).
                if paragraph.number:
                    pdf.set_font(self.family, "B", size)
                    pdf.set_xy(left + column - indent, y)
                    pdf.cell(indent, lh, paragraph.number, align="R")
                texts = items_on_own_lines(isolated_runs(texts), [run.starts for run in paragraph.runs])
                text, markdown, bold = marked_bold([(run.bold, text) for run, text in
                                                    zip(paragraph.runs, texts, strict=True)])
                pdf.set_font(self.family, "B" if bold else "", size)
                pdf.set_xy(left, y)
                pdf.multi_cell(column - indent, lh, text, align="R", markdown=markdown,
                               new_x="LMARGIN", new_y="NEXT")
            else:
                texts = [isolate_left_to_right(text) for text in texts]
                pdf.set_margins(left + indent, 0, pdf.w - left - column)
                if paragraph.number:
                    pdf.set_font(self.family, "B", size)
                    pdf.set_xy(left, y)
                    pdf.cell(indent, lh, paragraph.number)
                pdf.set_xy(left + indent, y)
                # Runs flow one into the next, each in its weight, wrapped in the column.
                for run, text in zip(paragraph.runs, texts, strict=True):
                    pdf.set_font(self.family, "B" if run.bold else "", size)
                    pdf.write(lh, text)
                pdf.ln(lh)
                pdf.set_margins(0, 0, 0)
            self.drawn.extend((run.path, text.lstrip("\n")) for run, text in zip(paragraph.runs, texts, strict=True))
            y = pdf.get_y() + size * 0.25
            if y > limit:
                break
        return y

    def foot_height(self, size: float) -> float:
        """Height of the block at the bottom: the QR code, or the lines beside it if taller."""
        pdf, geometry = self.pdf, self.geometry
        height = 0.0
        for text, bold, _path in self.foot:
            pdf.set_font(self.family, "B" if bold else "", size)
            height += pdf.multi_cell(geometry.foot_width, self.lh(size), text, dry_run=True, output="HEIGHT")
        return max(float(height), geometry.qr_side)

    def text_bottom(self, size: float) -> float:
        """Where the essentials must end: above the block at the bottom."""
        foot = self.foot_height(size)
        return self.geometry.bottom - (foot + _GAP if foot else 0.0)

    def draw_foot(self, modules: list[list[bool]], size: float) -> None:
        """The QR code, black on white, at the bottom left of the column (right, in a
        right-to-left language); the foot's lines beside it."""
        pdf, geometry, theme = self.pdf, self.geometry, self.theme
        top = geometry.bottom - self.foot_height(size)
        side, module = geometry.qr_side, geometry.qr_module
        mirrored = self.document.direction == "rtl"
        x0 = geometry.left + geometry.column - side if mirrored and modules else geometry.left
        if modules:
            pdf.set_fill_color(*_WHITE)
            pdf.rect(x0, top, side, side, style="F")
            pdf.set_fill_color(*_BLACK)
            # Vector modules (one rectangle per run of dark modules in a row) stay sharp
            # at any size; an embedded bitmap would be smoothed when the page is rasterised.
            for row, cells in enumerate(modules):
                column = 0
                while column < len(cells):
                    if not cells[column]:
                        column += 1
                        continue
                    start = column
                    while column < len(cells) and cells[column]:
                        column += 1
                    pdf.rect(x0 + start * module, top + row * module, (column - start) * module, module, style="F")
            x0 = geometry.left if mirrored else x0 + side + _GAP
        pdf.set_text_color(*theme.text)
        y = top
        for text, bold, path in self.foot:
            pdf.set_font(self.family, "B" if bold else "", size)
            pdf.set_xy(x0, y)
            pdf.multi_cell(geometry.foot_width, self.lh(size), text, align=align_for(text))
            y = pdf.get_y()
            self.drawn.append((path, text))


class _Plan(NamedTuple):
    paragraphs: list[_Paragraph]
    size: float


def _sizes() -> list[float]:
    """Body sizes to try, largest first, in half CSS pixels."""
    count = round((MAX_BODY_SIZE - MIN_BODY_SIZE) / 0.5)
    return [MAX_BODY_SIZE - 0.5 * step for step in range(count + 1)]


def _largest(fits: Callable[[float], bool]) -> float | None:
    """The largest of `_sizes` at which ``fits`` (text only grows with size)."""
    sizes = _sizes()
    if not fits(sizes[-1]):
        return None
    low, high = 0, len(sizes) - 1
    while low < high:
        middle = (low + high) // 2
        if fits(sizes[middle]):
            high = middle
        else:
            low = middle + 1
    return sizes[high]


def _plan(scratch: _Drawer, screen: Screen) -> _Plan:
    """What the page shows and at which size: shrink first, then leave off by clinical priority."""
    from rarepassport.errors import Message, RenderError

    essentials = scratch.essentials
    groups = list(essentials.groups)
    head = _head(essentials)
    limits: dict[float, float] = {}
    scratch.pdf.add_page()  # fpdf2 measures text on a page

    def ends(shown: Sequence[EssentialGroup], ending: str, size: float, limit: float) -> float:
        scratch.pdf.add_page()  # a fresh scratch page per trial; the real page is drawn elsewhere
        y = scratch.band(size, paint=False) + size * 0.4
        return scratch.paragraphs(head + _paragraphs(shown, ending), size, y, limit)

    def fits_at(shown: Sequence[EssentialGroup], size: float) -> str | None:
        """The most informative ending with which ``shown`` fits at ``size``, or None."""
        if size not in limits:
            limits[size] = scratch.text_bottom(size)
        for ending in essentials.endings(groups, shown):
            if ends(shown, ending, size, limits[size]) <= limits[size]:
                return ending
        return None

    size = _largest(lambda size: fits_at(groups, size) is not None)
    if size is not None:
        return _Plan(head + _paragraphs(groups, ""), size)
    if ends([], essentials.more_in_full, MIN_BODY_SIZE, scratch.text_bottom(MIN_BODY_SIZE)) > \
            scratch.text_bottom(MIN_BODY_SIZE):
        raise RenderError(Message(
            "error.render.lockscreen-too-short", "option size {value}: the screen leaves too little room between the "
            "clock and the buttons for the name, date of birth and review dates; choose a taller size",
            value=repr(screen.name)))
    shown = fit(groups, lambda trial: fits_at(trial, MIN_BODY_SIZE) is not None)
    size = _largest(lambda size: fits_at(shown, size) is not None) or MIN_BODY_SIZE
    ending = fits_at(shown, size)
    return _Plan(head + _paragraphs(shown, essentials.more_in_full if ending is None else ending), size)


# --- checks ------------------------------------------------------------------------


def _check_glyphs(texts: Sequence[tuple[str, str]], extra: Sequence[Any]) -> None:
    """Refuse text that no available font can draw: a blank on a lock screen could be a dose."""
    from rarepassport.errors import Message, RenderError
    from rarepassport.rendering._fonts import (
        _coverage,
        _is_invisible,
        bundled_font,
        describe_characters,
        registered_fonts,
        system_fallback_fonts,
    )

    main = bundled_font()
    coverage = set(_coverage(main.regular))
    for face in (*extra, *registered_fonts(), *system_fallback_fonts()):
        coverage |= _coverage(face.regular, face.collection_index)
    for path, text in texts:
        missing = sorted({char for char in text if ord(char) not in coverage and not _is_invisible(char)})
        if missing:
            characters = describe_characters(missing)
            if len(missing) == 1:
                raise RenderError(Message(
                    "error.render.lockscreen-missing-glyphs.one", "{path}: no available font can draw 1 character "
                    "({characters}), so the lock screen would show a blank; install a Noto font for the script, pass "
                    "fonts=[path] (--font on the command line) or call rarepassport.rendering.register_font(path)",
                    path=path, characters=characters))
            raise RenderError(Message(
                "error.render.lockscreen-missing-glyphs.other", "{path}: no available font can draw {count} "
                "characters ({characters}), so the lock screen would show a blank; install a Noto font for the "
                "script, pass fonts=[path] (--font on the command line) or call "
                "rarepassport.rendering.register_font(path)", count=len(missing), path=path, characters=characters))


def _squashed(text: str) -> str:
    # PDFium reads a hyphen that ends a line, where the word goes on, as U+FFFE; the
    # directional isolates around a phone number in Arabic text are not drawn.
    text = text.replace("\u00a0", " ").replace("\u00ad", "").replace("\ufffe", "-")
    return re.sub(r"[\s\u2066-\u2069]+", "", text)


def _verify(data: bytes, drawn: Sequence[tuple[str, str]], geometry: _Geometry, top_clear: float,
            bottom_clear: float) -> None:
    """Read the page back with PDFium: every text drawn, in order, and none in the kept-clear bands."""
    import pypdfium2 as pdfium  # type: ignore[import-untyped,unused-ignore]

    from rarepassport.errors import Message, RenderError
    from rarepassport.rendering._fonts import needs_text_shaping

    pdf = pdfium.PdfDocument(data)
    try:
        page = pdf[0]
        textpage = page.get_textpage()
        page_text = textpage.get_text_range()
        if needs_text_shaping(text for _path, text in drawn):
            _verify_characters(_squashed(page_text), drawn)
        else:
            # Whole, in order, at word boundaries: "10 mg" is not found inside "110 mg".
            path = missing_in_order(page_text, drawn)
            if path is not None:
                raise RenderError(Message("error.render.lockscreen-not-drawn", "{path}: the lock screen's text "
                                          "was not drawn as asked (read back differently)", path=path))
        height = page.get_height()
        for index in range(textpage.count_chars()):
            _left, low, _right, high = textpage.get_charbox(index)
            if high <= low:
                continue  # a space or line break has no box
            # PDF coordinates run upwards from the bottom of the page.
            if height - high < top_clear - 0.5 or height - low > geometry.height - bottom_clear + 0.5:
                raise RenderError(Message("error.render.lockscreen-covered",
                                          "the lock screen drew text where the clock or the buttons cover it"))
    finally:
        pdf.close()


def _verify_characters(extracted: str, drawn: Sequence[tuple[str, str]]) -> None:
    """Every character drawn is on the page, in any order, for bidirectional or shaped text.

    A line that mixes right-to-left and left-to-right text is stored in visual order,
    shaped Arabic reads back as other code points, and brackets are mirrored, so the
    text cannot be compared in order; the characters of the other scripts can be counted.
    """
    from collections import Counter

    from rarepassport.errors import Message, RenderError
    from rarepassport.rendering._fonts import needs_text_shaping

    def countable(char: str) -> bool:
        return char not in "()[]{}<>" and not needs_text_shaping([char])

    have = Counter(char for char in extracted if countable(char))
    for path, text in drawn:
        want = Counter(char for char in _squashed(text) if countable(char))
        if want - have:
            raise RenderError(Message("error.render.lockscreen-not-drawn", "{path}: the lock screen's text was not "
                                          "drawn as asked (read back differently)", path=path))
        have -= want


def _qr_modules(text: str) -> list[list[bool]]:
    """The modules of the QR code for ``text`` (quiet zone included), from `qr_image`."""
    from PIL import Image

    from rarepassport.rendering._qr import qr_image

    with Image.open(qr_image(text, scale=1)) as image:
        grey = image.convert("L")
        width, height = grey.size
        pixels = grey.load()
        assert pixels is not None
        return [[int(pixels[x, y]) < 128 for x in range(width)] for y in range(height)]


def _rasterise(data: bytes, screen: Screen) -> bytes:
    """The page as a PNG of exactly the screen's size."""
    try:
        import pypdfium2 as pdfium  # type: ignore[import-untyped,unused-ignore]
    except ImportError:  # pragma: no cover - pypdfium2 is a dependency
        from rarepassport.errors import Message, RenderError

        raise RenderError(Message("error.render.needs-pypdfium2",
                                  "the lockscreen format needs pypdfium2: pip install pypdfium2")) from None

    pdf = pdfium.PdfDocument(data)
    try:
        page = pdf[0]
        # fpdf2 writes the page size to 1/100 point, so the scale that gives exactly the
        # screen's pixels may be a hair off; render a hair large and crop to the screen.
        scale = max(screen.width / page.get_width(), screen.height / page.get_height())
        image = page.render(scale=scale, no_smoothpath=True).to_pil()
    finally:
        pdf.close()
    if image.size != (screen.width, screen.height):
        image = image.crop((0, 0, screen.width, screen.height))
    buffer = io.BytesIO()
    # No text chunks: the picture carries nothing but its pixels.
    image.convert("RGB").save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


# --- the backend ---------------------------------------------------------------------


def render_lockscreen(
    document: Document,
    *,
    size: str = "iphone-15",
    theme: str = "light",
    qr: str | None = "emergency",
    fonts: Sequence[str | os.PathLike[str]] = (),
    output: str = "png",
) -> Rendered:
    """Draw the emergency essentials of a document as a phone's lock-screen image.

    Lay the passport out for the ``emergency`` view: a lock screen is seen by anyone
    who picks the phone up.

    Args:
        document: The laid-out passport, normally for the ``emergency`` view.
        size: A name from `PRESETS` (``iphone-15``, ``iphone-15-pro-max``,
            ``iphone-13``, ``android-fhd``, ``android-qhd``) or ``WIDTHxHEIGHT`` in pixels.
        theme: ``light``, ``dark`` or ``high-contrast`` (see `THEMES`).
        qr: ``"emergency"`` (the essentials as text, read without a network),
            ``"link:https://..."`` (the address of a digital passport), or ``None``
            (or ``"none"``) for no code.
        fonts: Extra fallback font files for scripts DejaVu Sans cannot draw.
        output: ``png`` for the image, ``pdf`` for the same page as a one-page PDF.

    Returns:
        The PNG (exactly the screen's pixels) or the PDF.

    Raises:
        rarepassport.rendering.RenderError: For an unknown size, theme or QR option, a
            character no available font can draw (naming the field), or a screen too
            small for the name and dates.
    """
    from rarepassport.errors import Message, RenderError
    from rarepassport.rendering._base import Rendered
    from rarepassport.rendering._fonts import BUNDLED_FAMILY, install_fonts, pdf_bytes, pdf_class
    from rarepassport.rendering._qr import qr_content

    essentials = document.essentials
    if essentials is None:
        raise RenderError("the lock screen needs a document laid out by rarepassport.layout() (it has no essentials)")
    if output not in ("png", "pdf"):
        raise RenderError(Message("error.render.lockscreen-output", "option output must be 'png' or 'pdf', not {value}",
                                  value=repr(output)))
    chosen = THEMES.get(theme)
    if chosen is None:
        raise RenderError(Message("error.render.lockscreen-theme", "option theme must be one of {choices}, not {value}",
                                  choices=", ".join(THEMES), value=repr(theme)))
    screen = screen_for(size)
    notices: list[RenderNotice] = []
    modules: list[list[bool]] = []
    caption = ""
    if qr is not None and qr.strip().lower() != "none":
        content = qr_content(document, qr, LOCKSCREEN_QR_LIMIT, most_bytes=LOCKSCREEN_QR_BYTES)
        notices.extend(content.notices)
        modules = _qr_modules(content.text)
        caption = content.caption
    geometry = _geometry(screen, len(modules))
    extra = extra_faces(fonts)

    def new_pdf() -> Any:
        # pdf_class(): plain FPDF draws a line that starts after a fallback-font run with
        # the wrong font's glyph numbers (Latin text after Chinese read back as garbage).
        pdf = pdf_class()(unit="pt", format=(geometry.width, geometry.height))
        pdf.set_auto_page_break(False)
        pdf.set_margins(0, 0, 0)
        return pdf

    # Measured with every text that may be drawn; only what is drawn is checked for glyphs.
    heading = document.phrase("lockscreen.heading")
    foot = _foot(essentials, caption)
    candidates = [heading, essentials.name, essentials.more_in_full, essentials.ending(essentials.groups, ()),
                  essentials.also_in_full_and_more]
    candidates += [text for text, _bold, _path in foot]
    candidates += [run.text for paragraph in _head(essentials) + _paragraphs(essentials.groups, "")
                   for run in paragraph.runs]
    candidates += [group.more_template for group in essentials.groups]
    scratch_pdf = new_pdf()
    install_fonts(scratch_pdf, candidates, extra)
    plan = _plan(_Drawer(scratch_pdf, document, essentials, chosen, geometry, BUNDLED_FAMILY, foot), screen)

    drawn = [("lockscreen.heading", heading), ("$.person.name", essentials.name)]
    drawn += [(run.path, run.text) for paragraph in plan.paragraphs for run in paragraph.runs]
    drawn += [(path, text) for text, _bold, path in foot]
    _check_glyphs(drawn, extra)
    pdf = new_pdf()
    notices.extend(install_fonts(pdf, [text for _path, text in drawn], extra, document=document))
    pdf.set_title(document.phrase("title.emergency", name=document.person_name))
    pdf.set_author(document.person_name)
    pdf.set_lang(document.language)
    pdf.set_creator("rarepassport")
    pdf.add_page()
    pdf.set_fill_color(*chosen.background)
    pdf.rect(0, 0, geometry.width, geometry.height, style="F")
    drawer = _Drawer(pdf, document, essentials, chosen, geometry, BUNDLED_FAMILY, foot)
    y = drawer.band(plan.size, paint=True) + plan.size * 0.4
    if drawer.paragraphs(plan.paragraphs, plan.size, y) > drawer.text_bottom(plan.size) + 0.01:
        # The plan was measured with this very code; text running into the QR code means
        # the measurement and the drawing disagree, and the picture must not be made.
        raise RenderError(Message("error.render.lockscreen-into-qr",
                                  "the lock screen's text ran into the QR code; please report this as a bug"))
    drawer.draw_foot(modules, plan.size)
    data = pdf_bytes(pdf)
    _verify(data, drawer.drawn, geometry, screen.top / screen.density, screen.bottom / screen.density)
    if output == "pdf":
        return Rendered.drawn(data, "application/pdf", ".pdf", notices)
    return Rendered.drawn(_rasterise(data, screen), "image/png", ".png", notices)
