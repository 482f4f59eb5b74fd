"""The ``card`` backend: a wallet card (ISO/IEC 7810 ID-1, 85.60 × 53.98 mm), front and back.

The card carries the document's emergency essentials
([`essentials`][rarepassport.Document], built by layout in the clinical
priority order of [`rarepassport.essentials`][]); this module only fits them onto the
two sides and draws them. Both sides carry the person's name and date of birth, so a
back is never mistaken for a sibling's; the front says when the passport was updated
and when it is due for review, and says plainly when the review is overdue.

A card is small. Text is first shrunk, down to `MIN_FONT_SIZE`; what still does
not fit is left off by clinical priority (see [`rarepassport.essentials.fit`][]): the
first class that cannot be shown whole says how many of its items are missing
("Allergies: Penicillin (anaphylaxis) +2 more — see passport"), nothing less urgent is
drawn after it, and the side ends with "More in the full passport". A long name wraps
in the band, never cut off.

With ``sheet=True`` front and back are placed side by side on an A4 page with cut
marks and a fold line, for printing at home.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from rarepassport.document import Document
from rarepassport.essentials import BACK, FRONT, EssentialGroup, Essentials, fit, left_off, lines
from rarepassport.rendering._shared import NO_BREAK, extra_faces, unbroken

if TYPE_CHECKING:
    from rarepassport.rendering._base import Rendered

__all__ = ["CARD_HEIGHT_MM", "CARD_WIDTH_MM", "MAX_FONT_SIZE", "MIN_FONT_SIZE", "render_card"]

#: ISO/IEC 7810 ID-1, the size of a bank card.
CARD_WIDTH_MM = 85.60
CARD_HEIGHT_MM = 53.98
#: Largest and smallest body text on the card, in points. Below 6 pt print is hard to
#: read for many people, so text is left off (saying so) rather than shrunk further;
#: a card with little on it is printed larger rather than left half empty.
MAX_FONT_SIZE = 8.5
MIN_FONT_SIZE = 6.0
#: Largest size of the name in the coloured band, in points.
BAND_FONT_SIZE = 9.0

_MARGIN = 2.8
_BAND_PADDING = 1.6  # above and below the name in the band
_QR_SIZE = 17.0
_RED = (178, 24, 24)
_TEXT = (15, 15, 15)

# A card side holds about 1,300 characters at 6 pt: longer text cannot fit, so it is
# not measured (measuring a 5,000-character protocol step at every size is slow).
_MAX_CARD_CHARACTERS = 1600
_CANNOT_FIT = 10_000


_BREAKS = re.compile(r"[ \t\n]+")


class _Segment(NamedTuple):
    text: str
    bold: bool
    path: str


@functools.lru_cache(maxsize=4096)  # the plan builds the same paragraphs at every size it tries
def _segment(text: str, bold: bool, path: str) -> _Segment:
    from rarepassport.rendering._verify import isolate_left_to_right

    # Phone numbers and doses inside Arabic or Hebrew text stay left to right.
    return _Segment(isolate_left_to_right(unbroken(text)), bold, path)


class _Paragraph(NamedTuple):
    segments: tuple[_Segment, ...]
    number: str = ""  # a protocol step: the text hangs beside its number
    colour: tuple[int, int, int] = _TEXT


def _paragraphs(groups: Sequence[EssentialGroup], *, ending: str) -> list[_Paragraph]:
    """The paragraphs that draw ``groups``, in order: the words are
    [`essentials.lines`][rarepassport.essentials.lines]'."""
    paragraphs = []
    for line in lines(groups, ending):
        segments = [_segment(span.text, span.strong, span.path) for span in line.spans]
        # fpdf2 may break a line at the start of a write() call, inside the next word
        # ("S / tart"): a space that ends a bold label starts the next segment instead.
        for index in range(len(segments) - 1):
            if segments[index].text.endswith(" "):
                segments[index] = segments[index]._replace(text=segments[index].text.rstrip(" "))
                segments[index + 1] = segments[index + 1]._replace(text=" " + segments[index + 1].text)
        paragraphs.append(_Paragraph(tuple(segments), number=line.number, colour=_RED if line.alert else _TEXT))
    return paragraphs


#: Font size at which words are measured once (then scaled to the size tried).
_MEASURE_SIZE = 10.0


class _CardDrawer:
    """Lays out and draws card sides on one FPDF."""

    def __init__(self, pdf: Any, document: Document, essentials: Essentials, family: str) -> None:
        self.pdf = pdf
        self.document = document
        self.essentials = essentials
        self.family = family
        self.qr_caption = ""  # what the words beside the QR code say (rarepassport.rendering._qr)
        self._measured: dict[tuple[_Paragraph, float, float], int] = {}
        # Width of each distinct word at 1 pt, per weight: a width is proportional to the
        # font size, so each word is measured once however many sizes the plan tries.
        self._unit_widths: dict[tuple[bool, str], float] = {}
        #: Every text drawn, with the JSON path it came from, for verification.
        self.drawn: list[tuple[str, str]] = []

    def lh(self, size: float) -> float:
        return size * 1.18 * 25.4 / 72

    # -- measuring --

    def _wrapped_lines(self, segments: Sequence[_Segment], width: float, size: float) -> int:
        """Lines that ``write()`` needs for the segments, each in its own weight."""
        words: list[tuple[float, bool]] = []  # width, and whether a space comes before it
        for segment in segments:
            text = segment.text
            for index, word in enumerate(w for w in _BREAKS.split(text) if w):
                spaced = index > 0 or text[:1] in " \t\n"
                words.append((self._unit_width(word, segment.bold) * size, spaced))
        space = self._unit_width(" ", False) * size
        self.pdf.set_font(self.family, "", size)
        width *= 0.98  # fpdf2 keeps a hair of room at the margin
        lines, used = 1, 0.0
        for word, spaced in words:
            gap = space if spaced else 0.0
            if used == 0.0:
                used = word
            elif used + gap + word <= width:
                used += gap + word
            else:
                lines, used = lines + 1, word
            while used > width:  # a word longer than the line is broken
                lines, used = lines + 1, used - width
        return lines

    def _unit_width(self, word: str, bold: bool) -> float:
        key = (bold, word)
        width = self._unit_widths.get(key)
        if width is None:
            pdf, style = self.pdf, "B" if bold else ""
            if (pdf.font_family, pdf.font_style, pdf.font_size_pt) != (self.family, style, _MEASURE_SIZE):
                pdf.set_font(self.family, style, _MEASURE_SIZE)
            width = self._unit_widths[key] = pdf.get_string_width(word) / _MEASURE_SIZE
        return width

    def _lines(self, paragraph: _Paragraph, size: float, width: float) -> int:
        key = (paragraph, size, width)
        count = self._measured.get(key)
        if count is None:
            if sum(len(segment.text) for segment in paragraph.segments) > _MAX_CARD_CHARACTERS:
                count = _CANNOT_FIT
            elif paragraph.number:
                self.pdf.set_font(self.family, "B" if paragraph.segments[0].bold else "", size)
                count = len(self.pdf.multi_cell(width - 3.0, self.lh(size), paragraph.segments[0].text,
                                                dry_run=True, output="LINES"))
            else:
                count = self._wrapped_lines(paragraph.segments, width, size)
            self._measured[key] = count
        return count

    def height(self, paragraphs: Sequence[_Paragraph], size: float, width: float,
               limit: float = float("inf")) -> float:
        """Height the paragraphs need at ``size``, measured the way `draw` draws them."""
        total = 0.0
        for paragraph in paragraphs:
            total += self._lines(paragraph, size, width) * self.lh(size) + 0.4
            if total > limit:
                return total  # already too tall: no need to measure the rest
        return total

    def band_lines(self, size: float) -> int:
        return self._wrapped_lines((_Segment(self.essentials.name, True, "$.person.name"),),
                                   CARD_WIDTH_MM - 2 * _MARGIN, size)

    def band(self) -> tuple[float, float]:
        """The name's size in the band, and the band's height: shrink, then wrap, never cut."""
        size = BAND_FONT_SIZE
        while size > MIN_FONT_SIZE and self.band_lines(size) > 1:
            size -= 0.5
        return size, self.band_lines(size) * self.lh(size) + 2 * _BAND_PADDING

    def head(self, side: str) -> list[_Paragraph]:
        """What starts each side under the band: date of birth; on the front, the dates."""
        essentials = self.essentials
        paragraphs = []
        if essentials.date_of_birth:
            paragraphs.append(_Paragraph((_segment(f"{essentials.date_of_birth_label}: {essentials.date_of_birth}",
                                                    True, "$.person.date_of_birth"),)))
        for notice in essentials.notices:
            paragraphs.append(_Paragraph((_segment(notice, True, "$"),), colour=_RED))
        if side == FRONT:
            if essentials.overdue:
                paragraphs.append(_Paragraph((_segment(essentials.overdue, True, "$.review.next_review_due"),),
                                             colour=_RED))
            dates = " · ".join(line for line in (essentials.updated_on, essentials.review_due) if line)
            if dates:
                paragraphs.append(_Paragraph((_segment(dates, False, "$.review"),)))
            if essentials.trust:
                # Who checked it, as verified when laid out; in red when a signed check no longer applies.
                paragraphs.append(_Paragraph((_segment(essentials.trust, essentials.trust_alarming, "$.attestations"),),
                                             colour=_RED if essentials.trust_alarming else _TEXT))
        return paragraphs

    # -- drawing --

    def draw(self, x0: float, y0: float, side: str, paragraphs: Sequence[_Paragraph], size: float,
             width: float, band: tuple[float, float], qr: str | None) -> None:
        from rarepassport.rendering._qr import draw_qr

        pdf = self.pdf
        band_size, band_height = band
        pdf.set_fill_color(*_RED)
        pdf.rect(x0, y0, CARD_WIDTH_MM, band_height, style="F")
        pdf.set_text_color(255, 255, 255)
        pdf.set_font(self.family, "B", band_size)
        pdf.set_xy(x0 + _MARGIN, y0 + _BAND_PADDING)
        pdf.multi_cell(CARD_WIDTH_MM - 2 * _MARGIN, self.lh(band_size), self.essentials.name, align="L")
        self.drawn.append(("$.person.name", self.essentials.name))
        pdf.set_text_color(*_TEXT)
        y = y0 + band_height + 1.0
        left = x0 + _MARGIN
        for paragraph in paragraphs:
            pdf.set_xy(left, y)
            pdf.set_text_color(*paragraph.colour)
            if paragraph.number:
                segment = paragraph.segments[0]
                pdf.set_font(self.family, "B", size)
                pdf.cell(3.0, self.lh(size), paragraph.number)
                pdf.set_font(self.family, "B" if segment.bold else "", size)
                pdf.set_xy(left + 3.0, y)
                pdf.multi_cell(width - 3.0, self.lh(size), segment.text, align="L")
            else:
                # Segments flowing one into the next, each in its weight, wrapped in the column.
                pdf.set_left_margin(left)
                pdf.set_right_margin(pdf.w - left - width)
                for segment in paragraph.segments:
                    pdf.set_font(self.family, "B" if segment.bold else "", size)
                    pdf.write(self.lh(size), segment.text)
                pdf.ln(self.lh(size))
                pdf.set_margins(0, 0, 0)
            self.drawn.extend((segment.path, segment.text.replace(NO_BREAK, " ").strip())
                              for segment in paragraph.segments)
            pdf.set_text_color(*_TEXT)
            y = pdf.get_y() + 0.4
        if qr is not None:
            draw_qr(pdf, qr, x0 + CARD_WIDTH_MM - _MARGIN - _QR_SIZE + 1, y0 + CARD_HEIGHT_MM - _QR_SIZE - 1,
                    _QR_SIZE, title=self.qr_caption)


def _sizes() -> list[float]:
    """Font sizes to try, largest first, in quarter points."""
    count = round((MAX_FONT_SIZE - MIN_FONT_SIZE) / 0.25)
    return [MAX_FONT_SIZE - 0.25 * step for step in range(count + 1)]


def _largest_size(fits: Callable[[float], bool]) -> float | None:
    """The largest of `_sizes` at which ``fits``, or ``None``.

    Text only gets taller as it gets larger, so a binary search finds it with a few
    measurements instead of one per size (measuring is what makes cards slow).
    """
    sizes = _sizes()  # largest first
    if not fits(sizes[-1]):
        return None
    low, high = 0, len(sizes) - 1  # sizes[high] fits
    while low < high:
        middle = (low + high) // 2
        if fits(sizes[middle]):
            high = middle
        else:
            low = middle + 1
    return sizes[high]


class _Plan(NamedTuple):
    paragraphs: list[_Paragraph]
    size: float
    width: float
    left_off: dict[str, int]


def _plan_side(drawer: _CardDrawer, side: str, room: float, width: float) -> _Plan:
    """What one side shows and at which size: shrink first, then leave off by clinical priority."""
    essentials = drawer.essentials
    groups = list(essentials.side(side))
    head = drawer.head(side)

    if not groups and side == BACK:
        # An empty back would look like a printing fault; say why it is empty.
        empty = _segment(drawer.document.phrase("card_no_emergency_details"), False, "$.emergency")
        head = [*head, _Paragraph((empty,))]

    def paragraphs(shown: Sequence[EssentialGroup], ending: str) -> list[_Paragraph]:
        return head + _paragraphs(shown, ending=ending)

    def fits_at(shown: Sequence[EssentialGroup], size: float) -> str | None:
        """The most informative ending with which ``shown`` fits at ``size``, or None."""
        for ending in essentials.endings(groups, shown):
            if drawer.height(paragraphs(shown, ending), size, width, limit=room) <= room:
                return ending
        return None

    size = _largest_size(lambda size: fits_at(groups, size) is not None)
    if size is not None:
        return _Plan(paragraphs(groups, ""), size, width, {})
    shown = fit(groups, lambda trial: fits_at(trial, MIN_FONT_SIZE) is not None)
    # What was kept may leave room: use it for larger type rather than empty card.
    size = _largest_size(lambda size: fits_at(shown, size) is not None) or MIN_FONT_SIZE
    ending = fits_at(shown, size)
    return _Plan(paragraphs(shown, essentials.more_in_full if ending is None else ending), size, width,
                 left_off(groups, shown))


def render_card(
    document: Document,
    *,
    sheet: bool = False,
    qr: str | None = None,
    fonts: Sequence[str | os.PathLike[str]] = (),
    missing_glyphs: str = "error",
) -> Rendered:
    """Draw the emergency essentials of a document as a two-sided wallet card.

    Every character is checked before drawing (a character no font can draw is a
    [`MissingGlyphsError`][rarepassport.errors.MissingGlyphsError] naming its field, unless
    ``missing_glyphs="mark"``), and the drawn card is read back and compared with what
    was asked for ([`DrawnTextMismatchError`][rarepassport.errors.DrawnTextMismatchError]).

    Args:
        document: The laid-out passport, normally for the ``emergency`` view.
        sheet: Put front and back on one A4 page with cut marks and a fold line.
        qr: ``"emergency"`` or ``"link:https://..."`` for a QR code on the back.
        fonts: Extra fallback font files for scripts DejaVu Sans cannot draw.
        missing_glyphs: ``"error"`` (default) or ``"mark"`` (draw U+FFFD and warn).

    Returns:
        The PDF. What did not fit is said on the card itself, class by class.
    """
    from rarepassport.errors import DrawnTextMismatchError, RenderError
    from rarepassport.rendering._base import Rendered
    from rarepassport.rendering._fonts import BUNDLED_FAMILY, install_fonts, pdf_bytes, pdf_class
    from rarepassport.rendering._qr import CARD_QR_LIMIT, qr_content
    from rarepassport.rendering._shared import viewer_preferences
    from rarepassport.rendering._verify import verify_pdf_text

    essentials = document.essentials
    if essentials is None:
        raise RenderError("the card needs a document laid out by rarepassport.layout() (it has no essentials)")
    extra = extra_faces(fonts)
    essentials, warnings = _check_glyphs(document, essentials, extra, missing_glyphs)
    FPDF = pdf_class()
    qr_text, qr_caption = None, ""
    if qr is not None:
        content = qr_content(document, qr, CARD_QR_LIMIT)
        warnings.extend(content.warnings)
        qr_text, qr_caption = content.text, content.caption
    if sheet:
        pdf = FPDF(orientation="P", unit="mm", format="A4")
    else:
        pdf = FPDF(orientation="L", unit="mm", format=(CARD_HEIGHT_MM, CARD_WIDTH_MM))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    card_texts = [text for _where, text in _essentials_texts(essentials)]
    warnings.extend(install_fonts(pdf, [*document.phrases.values(), *card_texts], extra))
    pdf.set_title(document.title)
    pdf.set_author(document.person_name)
    pdf.set_subject(document.phrase("title.emergency", name=document.person_name))
    pdf.set_lang(document.language)
    # Viewers show the title, not the file name.
    pdf.viewer_preferences = viewer_preferences(document)
    pdf.set_creator("rarepassport")
    drawer = _CardDrawer(pdf, document, essentials, BUNDLED_FAMILY)
    drawer.qr_caption = qr_caption
    pdf.add_page()  # fpdf2 measures text on a page: the front (or the sheet) is it

    band = drawer.band()
    full_width = CARD_WIDTH_MM - 2 * _MARGIN
    room = CARD_HEIGHT_MM - band[1] - 1.0 - _MARGIN
    plans = {}
    for side in (FRONT, BACK):
        width = full_width - (_QR_SIZE + 0.5 if side == BACK and qr_text is not None else 0)
        plans[side] = _plan_side(drawer, side, room, width)

    if sheet:
        x0, y0 = (pdf.w - 2 * CARD_WIDTH_MM) / 2, 25.0
        for side, x in ((FRONT, x0), (BACK, x0 + CARD_WIDTH_MM)):
            plan = plans[side]
            drawer.draw(x, y0, side, plan.paragraphs, plan.size, plan.width, band,
                        qr_text if side == BACK else None)
        _cut_marks(pdf, x0, y0)
        pdf.set_font(BUNDLED_FAMILY, "", 9)
        pdf.set_text_color(*_TEXT)
        pdf.set_xy(x0, y0 + CARD_HEIGHT_MM + 12)
        pdf.multi_cell(2 * CARD_WIDTH_MM, 4.5, document.phrase("card_sheet_help"), align="L")
    else:
        for side in (FRONT, BACK):
            if side == BACK:
                pdf.add_page()
            plan = plans[side]
            drawer.draw(0, 0, side, plan.paragraphs, plan.size, plan.width, band,
                        qr_text if side == BACK else None)
    data = pdf_bytes(pdf)
    problems = verify_pdf_text(data, drawer.drawn)
    if problems:
        raise DrawnTextMismatchError(problems)
    return Rendered(data=data, media_type="application/pdf", suffix=".pdf", warnings=warnings)


def _essentials_texts(essentials: Essentials) -> list[tuple[str, str]]:
    """Every text of the essentials a card may draw, with where it comes from."""
    texts = [("$.person.name", essentials.name), ("$.person.date_of_birth", essentials.date_of_birth),
             ("$.review", " ".join(essentials.currency_lines)),
             ("essentials", essentials.more_in_full), ("essentials", essentials.also_in_full)]
    for group in essentials.groups:
        texts.append((f"essentials.{group.key}", f"{group.title} {group.more_template}"))
        texts += [(item.path, f"{item.lead} {item.text}") for item in group.items]
    return texts


def _check_glyphs(document: Document, essentials: Essentials, extra: Sequence[Any],
                  missing_glyphs: str) -> tuple[Essentials, list[str]]:
    """The essentials to draw, with a marker for each character no font can draw (or an error)."""
    import attrs

    from rarepassport.errors import MissingGlyphsError, RenderError
    from rarepassport.rendering._fonts import describe_characters, undrawable_characters
    from rarepassport.rendering._verify import MISSING_GLYPH_MARKER, MISSING_GLYPHS_OPTIONS

    if missing_glyphs not in MISSING_GLYPHS_OPTIONS:
        raise RenderError(f"option missing_glyphs must be one of {', '.join(MISSING_GLYPHS_OPTIONS)}, "
                          f"not {missing_glyphs!r}")
    texts = _essentials_texts(essentials)
    missing = undrawable_characters((text for _where, text in texts), extra)
    if not missing:
        return essentials, []
    places = [(where, tuple(sorted({c for c in text if c in missing}))) for where, text in texts]
    places = [(where, chars) for where, chars in places if chars]
    if missing_glyphs == "error":
        raise MissingGlyphsError(places)

    def mark(text: str) -> str:
        return "".join(MISSING_GLYPH_MARKER if char in missing else char for char in text)

    groups = [
        attrs.evolve(group, title=mark(group.title),
                     items=[attrs.evolve(item, text=mark(item.text), lead=mark(item.lead)) for item in group.items])
        for group in essentials.groups
    ]
    marked = attrs.evolve(essentials, name=mark(essentials.name), groups=groups)
    where = "; ".join(where for where, _chars in places[:6]) + ("; ..." if len(places) > 6 else "")
    return marked, [f"no available font can draw {len(missing)} character(s): {describe_characters(sorted(missing))}; "
                    f"each is shown as {MISSING_GLYPH_MARKER} (U+FFFD) on the card in: {where}"]


def _cut_marks(pdf: Any, x0: float, y0: float) -> None:
    """Cut marks at the outer corners, a dashed fold line between front and back."""
    width, height, mark, gap = 2 * CARD_WIDTH_MM, CARD_HEIGHT_MM, 6.0, 2.0
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.2)
    for x in (x0, x0 + width):
        for y in (y0, y0 + height):
            dx = -1 if x == x0 else 1
            dy = -1 if y == y0 else 1
            pdf.line(x + dx * gap, y, x + dx * (gap + mark), y)
            pdf.line(x, y + dy * gap, x, y + dy * (gap + mark))
    fold = x0 + CARD_WIDTH_MM
    pdf.line(fold, y0 - gap - mark, fold, y0 - gap)
    pdf.line(fold, y0 + height + gap, fold, y0 + height + gap + mark)
    # Mid grey, 4.5 : 1 on white: faint beside the black marks, still visible (WCAG 1.4.11).
    pdf.set_draw_color(118, 118, 118)
    pdf.set_dash_pattern(dash=1.5, gap=1.5)
    pdf.line(fold, y0, fold, y0 + height)
    pdf.set_dash_pattern()
    # A faint outline shows where the card ends when the marks are cut off.
    pdf.rect(x0, y0, width, height)
