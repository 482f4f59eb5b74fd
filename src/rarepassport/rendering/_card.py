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

With ``large_print=True`` the card is a folded A6 card (`LARGE_PRINT`: two panels of
105 × 148 mm, the size of a postcard, folded to one) on which no text is smaller than
`LARGE_PRINT_MIN_FONT_SIZE` (14 pt, the large-print PDF's minimum): a bank-card-sized
card holds only a few lines at 14 pt. What does not fit is left off by clinical priority,
saying so, exactly as on the wallet card.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import attrs

from rarepassport.document import Document, RenderNotice
from rarepassport.essentials import BACK, FRONT, EssentialGroup, Essentials, fit, left_off, lines
from rarepassport.rendering._shared import (
    EMERGENCY_RED,
    GRAPHIC_GREY,
    NO_BREAK,
    ON_EMERGENCY_RED,
    align_for,
    extra_faces,
    isolated_runs,
    item_without_joiner,
    items_on_own_lines,
    marked_bold,
    unbroken,
)
from rarepassport.rendering._verify import is_right_to_left

if TYPE_CHECKING:
    from rarepassport.rendering._base import Rendered

__all__ = [
    "CARD_HEIGHT_MM",
    "CARD_WIDTH_MM",
    "LARGE_PRINT",
    "LARGE_PRINT_MIN_FONT_SIZE",
    "MAX_FONT_SIZE",
    "MIN_FONT_SIZE",
    "WALLET",
    "CardFormat",
    "render_card",
]

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

#: Smallest text on a large-print card, in points: the large-print PDF's minimum.
LARGE_PRINT_MIN_FONT_SIZE = 14.0


@attrs.frozen(kw_only=True)
class CardFormat:
    """The size of a card and of its text.

    Attributes:
        name: ``wallet`` or ``large-print``.
        width: Width of one side, mm.
        height: Height of one side, mm.
        max_size: Largest body text, points.
        min_size: Smallest text of any kind, points: nothing is drawn smaller.
        band_size: Largest size of the name in the band, points.
        margin: Margin around each side, mm.
        band_padding: Above and below the name in the band, mm.
        qr_size: Side of the QR code, mm.
        number_width: Room for a protocol step's number, mm per point of text (at
            least 3 mm).
        qr_below: The QR code sits under the text, across the foot of the back (else
            beside the text, in a narrower column).
        sheet_landscape: The A4 sheet with both sides is landscape (else portrait).
        sheet_help_size: Size of the printing help under the sheet, points.
    """

    name: str
    width: float
    height: float
    max_size: float
    min_size: float
    band_size: float
    margin: float
    band_padding: float
    qr_size: float
    number_width: float
    qr_below: bool
    sheet_landscape: bool
    sheet_help_size: float

    def sizes(self) -> list[float]:
        """Font sizes to try, largest first, in quarter points."""
        count = round((self.max_size - self.min_size) / 0.25)
        return [self.max_size - 0.25 * step for step in range(count + 1)]


#: The wallet card: ISO/IEC 7810 ID-1, text from `MAX_FONT_SIZE` down to `MIN_FONT_SIZE`.
WALLET = CardFormat(name="wallet", width=CARD_WIDTH_MM, height=CARD_HEIGHT_MM, max_size=MAX_FONT_SIZE,
                    min_size=MIN_FONT_SIZE, band_size=BAND_FONT_SIZE, margin=2.8, band_padding=1.6,
                    qr_size=17.0, number_width=0.0, qr_below=False, sheet_landscape=False,
                    sheet_help_size=9.0)
#: The large-print card: a folded A6 card, two panels of 105 × 148 mm (portrait) that
#: fold to one, body text from 18 pt down to 14 pt and never smaller; the name in the
#: band up to 20 pt. It fits a handbag or a coat pocket, not a wallet.
LARGE_PRINT = CardFormat(name="large-print", width=105.0, height=148.0, max_size=18.0,
                         min_size=LARGE_PRINT_MIN_FONT_SIZE, band_size=20.0, margin=6.0, band_padding=3.0,
                         qr_size=32.0, number_width=0.5, qr_below=True, sheet_landscape=True,
                         sheet_help_size=LARGE_PRINT_MIN_FONT_SIZE)

#: The smallest QR module on a card, mm: the wallet card's 280-byte code (73 modules,
#: quiet zone included) in its 17 mm. A longer code is drawn larger, never finer.
CARD_QR_MODULE = WALLET.qr_size / 73
#: The largest code a card draws at that module size: 93 modules (version 17 with its
#: quiet zone, 500 bytes of emergency text), 21.7 mm on the wallet card.
CARD_QR_MOST_MODULES = 93

_RED = EMERGENCY_RED
_TEXT = (15, 15, 15)

# A card side holds about 1,300 characters at 6 pt: longer text cannot fit, so it is
# not measured (measuring a 5,000-character protocol step at every size is slow).
_MAX_CARD_CHARACTERS = 1600
_CANNOT_FIT = 10_000


# Between the updated and review dates: the one text a card draws that is not the
# essentials' nor a phrase (install_fonts is given it too).
_DATES_SEPARATOR = " · "


class _Segment(NamedTuple):
    text: str
    bold: bool
    path: str
    starts: bool = False  # begins a further item of a run-on group (`Span.starts_item`)


@functools.lru_cache(maxsize=4096)  # the plan builds the same paragraphs at every size it tries
def _segment(text: str, bold: bool, path: str, starts: bool = False) -> _Segment:
    from rarepassport.rendering._verify import isolate_left_to_right

    # Phone numbers and doses inside Arabic or Hebrew text stay left to right.
    return _Segment(_wide_breaks(isolate_left_to_right(unbroken(text))), bold, path, starts)


# A Chinese, Japanese or Korean character (or full-width sign) directly before a group
# kept on one line with no-break spaces (`unbroken`: a phone number, a dose).
_WIDE = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_WIDE_BOUNDARY = re.compile(f"(?<=[{_WIDE}])(?=[^{_WIDE} \\t\\n\u200b\u00a0]+\u00a0)")


def _wide_breaks(text: str) -> str:
    """``text`` with a zero-width space where Chinese, Japanese or Korean text meets a
    number kept on one line: a place to break the line before it.

    Such text has no spaces, so "王小明：+44 20 7946 0000" (the phone's spaces no-break,
    `unbroken`) was one word; too long for the rest of a line, fpdf2 broke it where it
    overflowed, inside the number: "+44 20 7946 000" on one line, "0" on the next
    (H173). With a break before the number, the number moves to the next line whole.
    The zero-width space has no width and no text of its own in the read-back; it is
    put only there, so that elsewhere the text reads back and copies as written.
    """
    if text.isascii():
        return text
    return _WIDE_BOUNDARY.sub("\u200b", text)


# A word as the card measures it: between spaces, tabs, new lines and the breaks of
# `_wide_breaks`.
_WORD_RUN = re.compile(r"[^ \t\n\u200b]+")


def _after_each(matches: Iterator[re.Match[str]]) -> Iterator[tuple[int, re.Match[str]]]:
    """Each match with where the one before it ended (0 for the first)."""
    previous = 0
    for match in matches:
        yield previous, match
        previous = match.end()


class _Paragraph(NamedTuple):
    segments: tuple[_Segment, ...]
    number: str = ""  # a protocol step: the text hangs beside its number
    colour: tuple[int, int, int] = _TEXT


def _paragraphs(groups: Sequence[EssentialGroup], *, ending: str) -> list[_Paragraph]:
    """The paragraphs that draw ``groups``, in order: the words are
    [`essentials.lines`][rarepassport.essentials.lines]'."""
    paragraphs = []
    for line in lines(groups, ending):
        segments = [_segment(span.text, span.strong, span.path, span.starts_item) for span in line.spans]
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
# Width at 1 pt of words measured with the bundled face, shared by every card of the
# process (see _CardDrawer._unit_width); from U+0590 on, a word may need shaping.
_UNIT_WIDTHS: dict[tuple[bool, str], float] = {}
# The same for whole texts (a label, a heading, an ending): split and measured once.
_SEGMENT_WORDS: dict[tuple[bool, str], tuple[tuple[float, bool], ...]] = {}
_UNIT_WIDTHS_LIMIT = 100_000
_SHAPED_FROM = "\u0590"


def _bundled_family() -> str:
    from rarepassport.rendering._fonts import BUNDLED_FAMILY

    return BUNDLED_FAMILY


class _CardDrawer:
    """Lays out and draws card sides on one FPDF."""

    def __init__(self, pdf: Any, document: Document, essentials: Essentials, family: str,
                 card: CardFormat = WALLET) -> None:
        self.pdf = pdf
        self.card = card
        self.document = document
        self.essentials = essentials
        self.family = family
        self.qr_caption = ""  # what the words beside the QR code say (rarepassport.rendering._qr)
        # Lines a paragraph needs at a size and width, keyed by the paragraph's identity (a
        # paragraph's hash walks all its texts, and the plan asks thousands of times); the
        # paragraph is kept beside its count so that its id cannot be reused.
        self._measured: dict[tuple[int, float, float], tuple[_Paragraph, int]] = {}
        # Each group's paragraphs and each ending's, made once however many fits are tried.
        self._group_paragraphs: dict[int, tuple[EssentialGroup, list[_Paragraph]]] = {}
        self._ending_paragraphs: dict[str, list[_Paragraph]] = {}
        # Width of each distinct word at 1 pt, per weight: a width is proportional to the
        # font size, so each word is measured once however many sizes the plan tries.
        self._unit_widths: dict[tuple[bool, str], float] = {}
        self._widths_shared = family == _bundled_family()
        self._words: dict[tuple[_Segment, ...], list[tuple[float, bool]]] = {}
        #: Every text drawn, with the JSON path it came from, for verification.
        self.drawn: list[tuple[str, str]] = []

    def lh(self, size: float) -> float:
        return size * 1.18 * 25.4 / 72

    def number_width(self, size: float) -> float:
        """Room for a protocol step's number beside its text, mm."""
        return max(3.0, round(self.card.number_width * size, 2))

    # -- measuring --

    def _wrapped_lines(self, segments: Sequence[_Segment], width: float, size: float) -> int:
        """Lines that ``write()`` needs for the segments, each in its own weight."""
        space = self._unit_width(" ", False) * size
        width *= 0.98  # fpdf2 keeps a hair of room at the margin
        lines, used = 1, 0.0
        for unit, spaced in self._unit_words(tuple(segments)):
            word = unit * size
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

    def _unit_words(self, segments: tuple[_Segment, ...]) -> list[tuple[float, bool]]:
        """Each word's width at 1 pt, and whether a space comes before it: split once, not at every size tried."""
        words = self._words.get(segments)
        if words is None:
            words = self._words[segments] = []
            for segment in segments:
                words += self._segment_words(segment.text, segment.bold)
        return words

    def _segment_words(self, text: str, bold: bool) -> tuple[tuple[float, bool], ...]:
        """``_unit_words`` of one text: kept for the process when the bundled face draws it all."""
        key = (bold, text)
        words = _SEGMENT_WORDS.get(key)
        if words is None:
            # A space before a word, or only a break (the zero-width space of `_wide_breaks`).
            words = tuple((self._unit_width(match.group(), bold),
                           bool(text[previous:match.start()].strip("\u200b")))
                          for previous, match in _after_each(_WORD_RUN.finditer(text)))
            if self._widths_shared and max(text, default=" ") < _SHAPED_FROM \
                    and self.pdf.main_face_characters.issuperset(text):
                if len(_SEGMENT_WORDS) >= _UNIT_WIDTHS_LIMIT:
                    _SEGMENT_WORDS.clear()
                _SEGMENT_WORDS[key] = words
        return words

    def _unit_width(self, word: str, bold: bool) -> float:
        key = (bold, word)
        width = self._unit_widths.get(key)
        if width is None:
            # A word drawn wholly with the bundled face, unshaped, measures the same on
            # every card: kept for the process (labels, medicines and units recur).
            shared = self._widths_shared and max(word, default=" ") < _SHAPED_FROM \
                and self.pdf.main_face_characters.issuperset(word)
            width = _UNIT_WIDTHS.get(key) if shared else None
            if width is None:
                pdf, style = self.pdf, "B" if bold else ""
                if (pdf.font_family, pdf.font_style, pdf.font_size_pt) != (self.family, style, _MEASURE_SIZE):
                    pdf.set_font(self.family, style, _MEASURE_SIZE)
                width = pdf.get_string_width(word) / _MEASURE_SIZE
                if shared:
                    if len(_UNIT_WIDTHS) >= _UNIT_WIDTHS_LIMIT:
                        _UNIT_WIDTHS.clear()
                    _UNIT_WIDTHS[key] = width
            self._unit_widths[key] = width
        return width

    def paragraphs(self, groups: Sequence[EssentialGroup], ending: str) -> list[_Paragraph]:
        """``_paragraphs(groups, ending=ending)``, each group's and the ending's made once."""
        found: list[_Paragraph] = []
        for group in groups:
            made = self._group_paragraphs.get(id(group))
            if made is None or made[0] is not group:
                made = self._group_paragraphs[id(group)] = (group, _paragraphs([group], ending=""))
            found += made[1]
        if ending:
            last = self._ending_paragraphs.get(ending)
            if last is None:
                last = self._ending_paragraphs[ending] = _paragraphs([], ending=ending)
            found += last
        return found

    def _lines(self, paragraph: _Paragraph, size: float, width: float) -> int:
        key = (id(paragraph), size, width)
        known = self._measured.get(key)
        if known is not None and known[0] is paragraph:
            return known[1]
        if sum(len(segment.text) for segment in paragraph.segments) > _MAX_CARD_CHARACTERS:
            count = _CANNOT_FIT
        elif (rtl := self._right_to_left(paragraph)) is not None:
            text, markdown, bold = rtl
            self.pdf.set_font(self.family, "B" if bold else "", size)
            count = len(self.pdf.multi_cell(width, self.lh(size), text, markdown=markdown, dry_run=True,
                                            output="LINES"))
        elif paragraph.number:
            self.pdf.set_font(self.family, "B" if paragraph.segments[0].bold else "", size)
            text, room = paragraph.segments[0].text, width - self.number_width(size)
            quick = self.pdf.text_lines(text, room)
            count = len(quick) if quick is not None else \
                len(self.pdf.multi_cell(room, self.lh(size), text, dry_run=True, output="LINES"))
        else:
            count = self._wrapped_lines(paragraph.segments, width, size)
        self._measured[key] = (paragraph, count)
        return count

    @staticmethod
    def _right_to_left(paragraph: _Paragraph) -> tuple[str, bool, bool] | None:
        """A right-to-left paragraph (not a step) as one text for fpdf2: ``(text, markdown, bold)``.

        Drawn segment by segment, each would be laid out left to right (the bold Arabic
        label left of its value); drawn as one bidi paragraph, right-aligned, it reads
        as written.
        """
        return _CardDrawer._marked(paragraph, _CardDrawer._right_to_left_runs(paragraph))

    @staticmethod
    def _marked(paragraph: _Paragraph, runs: list[str] | None) -> tuple[str, bool, bool] | None:
        """The runs of `_right_to_left_runs` as one text for fpdf2 (`marked_bold`)."""
        if runs is None:
            return None
        return marked_bold([(segment.bold, text) for segment, text in zip(paragraph.segments, runs, strict=True)])

    @staticmethod
    def _right_to_left_runs(paragraph: _Paragraph) -> list[str] | None:
        """The runs of a right-to-left paragraph (not a step) as drawn: isolated, each
        further list item on a new line (`items_on_own_lines`); ``None`` for any other."""
        texts = [segment.text for segment in paragraph.segments]
        if paragraph.number or not is_right_to_left("".join(texts)):
            return None
        return items_on_own_lines(isolated_runs(texts), [segment.starts for segment in paragraph.segments])

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
                                   self.card.width - 2 * self.card.margin, size)

    def band(self) -> tuple[float, float]:
        """The name's size in the band, and the band's height: shrink, then wrap, never cut."""
        card = self.card
        size = card.band_size
        while size > card.min_size and self.band_lines(size) > 1:
            size -= 0.5
        return size, self.band_lines(size) * self.lh(size) + 2 * card.band_padding

    def head(self, side: str) -> list[_Paragraph]:
        """What starts each side under the band: date of birth; on the front, the dates."""
        essentials = self.essentials
        paragraphs = []
        if essentials.date_of_birth:
            paragraphs.append(_Paragraph((_segment(essentials.date_of_birth_line, True, "$.person.date_of_birth"),)))
        for notice in essentials.notices:
            paragraphs.append(_Paragraph((_segment(notice, True, "$"),), colour=_RED))
        if side == FRONT:
            if essentials.overdue:
                paragraphs.append(_Paragraph((_segment(essentials.overdue, True, "$.review.next_review_due"),),
                                             colour=_RED))
            dates = _DATES_SEPARATOR.join(line for line in (essentials.updated_on, essentials.review_due) if line)
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
        from rarepassport.rendering._fonts import needs_text_shaping
        from rarepassport.rendering._qr import draw_qr

        pdf, card = self.pdf, self.card
        band_size, band_height = band
        pdf.set_fill_color(*_RED)
        pdf.rect(x0, y0, card.width, band_height, style="F")
        pdf.set_text_color(*ON_EMERGENCY_RED)
        pdf.set_font(self.family, "B", band_size)
        pdf.set_xy(x0 + card.margin, y0 + card.band_padding)
        name = self.essentials.name
        if "\n" not in name and needs_text_shaping((name,)) and self.band_lines(band_size) == 1:
            # A name the band holds on one line, as one cell: fpdf2's multi_cell would shape
            # the whole line and place each of its glyphs on its own (a third of a Hindi
            # or Arabic card's drawing, and as much again to read back); a cell shapes only
            # the words that need it (`_shaped_runs`). Drawn as a space, as multi_cell
            # draws a no-break space.
            pdf.cell(card.width - 2 * card.margin, self.lh(band_size), name.replace(NO_BREAK, " "),
                     align=align_for(name), new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.multi_cell(card.width - 2 * card.margin, self.lh(band_size), name, align=align_for(name))
        self.drawn.append(("$.person.name", self.essentials.name))
        pdf.set_text_color(*_TEXT)
        y = y0 + band_height + 1.0
        left = x0 + card.margin
        number_width = self.number_width(size)
        for paragraph in paragraphs:
            pdf.set_xy(left, y)
            pdf.set_text_color(*paragraph.colour)
            rtl_runs = self._right_to_left_runs(paragraph)
            rtl = self._marked(paragraph, rtl_runs)
            if paragraph.number:
                segment = paragraph.segments[0]
                # A right-to-left step has its number on the right.
                align = align_for(segment.text)
                pdf.set_font(self.family, "B", size)
                if align == "R":
                    pdf.set_xy(left + width - number_width, y)
                pdf.cell(number_width, self.lh(size), paragraph.number, align=align)
                pdf.set_font(self.family, "B" if segment.bold else "", size)
                pdf.set_xy(left if align == "R" else left + number_width, y)
                pdf.wrapped_text(width - number_width, self.lh(size), segment.text, align=align)
            elif rtl is not None:
                text, markdown, bold = rtl
                pdf.set_font(self.family, "B" if bold else "", size)
                pdf.multi_cell(width, self.lh(size), text, align="R", markdown=markdown,
                               new_x="LMARGIN", new_y="NEXT")
            else:
                # Segments flowing one into the next, each in its weight, wrapped in the column.
                pdf.set_left_margin(left)
                pdf.set_right_margin(pdf.w - left - width)
                pdf.set_font(self.family, "", size)
                runs = [(segment.bold, segment.text) for segment in paragraph.segments]
                if not pdf.write_runs(self.lh(size), runs):
                    for segment in paragraph.segments:
                        pdf.set_font(self.family, "B" if segment.bold else "", size)
                        pdf.write(self.lh(size), segment.text)
                    pdf.ln(self.lh(size))
                pdf.set_margins(0, 0, 0)
            self.drawn.extend((segment.path, (item_without_joiner(segment.text) if rtl_runs is not None
                                              and rtl_runs[index].startswith("\n") else segment.text)
                               .replace(NO_BREAK, " ").strip())
                              for index, segment in enumerate(paragraph.segments))
            pdf.set_text_color(*_TEXT)
            y = pdf.get_y() + 0.4
        if qr is not None:
            draw_qr(pdf, qr, x0 + card.width - card.margin - card.qr_size + 1, y0 + card.height - card.qr_size - 1,
                    card.qr_size, title=self.qr_caption)


def _largest_size(card: CardFormat, fits: Callable[[float], bool]) -> float | None:
    """The largest of the card's sizes at which ``fits``, or ``None``.

    Text only gets taller as it gets larger, so a binary search finds it with a few
    measurements instead of one per size (measuring is what makes cards slow).
    """
    sizes = card.sizes()  # largest first
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
        return head + drawer.paragraphs(shown, ending)

    # The endings offered depend only on what is shown, not on the size tried.
    offered: dict[tuple[int, ...], tuple[Sequence[EssentialGroup], tuple[str, ...]]] = {}

    def endings(shown: Sequence[EssentialGroup]) -> tuple[str, ...]:
        key = tuple(map(id, shown))
        known = offered.get(key)
        if known is None or any(kept is not group for kept, group in zip(known[0], shown, strict=True)):
            known = offered[key] = (list(shown), essentials.endings(groups, shown))
        return known[1]

    def fits_at(shown: Sequence[EssentialGroup], size: float) -> str | None:
        """The most informative ending with which ``shown`` fits at ``size``, or None."""
        for ending in endings(shown):
            if drawer.height(paragraphs(shown, ending), size, width, limit=room) <= room:
                return ending
        return None

    card = drawer.card
    size = _largest_size(card, lambda size: fits_at(groups, size) is not None)
    if size is not None:
        return _Plan(paragraphs(groups, ""), size, width, {})
    shown = fit(groups, lambda trial: fits_at(trial, card.min_size) is not None)
    # What was kept may leave room: use it for larger type rather than empty card.
    size = _largest_size(card, lambda size: fits_at(shown, size) is not None) or card.min_size
    ending = fits_at(shown, size)
    return _Plan(paragraphs(shown, essentials.more_in_full if ending is None else ending), size, width,
                 left_off(groups, shown))


def render_card(
    document: Document,
    *,
    sheet: bool = False,
    large_print: bool = False,
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
        large_print: A folded A6 card (`LARGE_PRINT`) with no text under 14 pt,
            instead of the wallet card. An easy-read document (`Document.easy_read`)
            is always drawn so.
        qr: ``"emergency"`` or ``"link:https://..."`` for a QR code on the back.
        fonts: Extra fallback font files for scripts DejaVu Sans cannot draw.
        missing_glyphs: ``"error"`` (default) or ``"mark"`` (draw U+FFFD and warn).

    Returns:
        The PDF. What did not fit is said on the card itself, class by class.
    """
    from rarepassport.errors import DrawnTextMismatchError, RenderError
    from rarepassport.rendering._base import Rendered
    from rarepassport.rendering._fonts import BUNDLED_FAMILY, install_fonts, pdf_bytes, pdf_class
    from rarepassport.rendering._qr import CARD_QR_BYTES, CARD_QR_LIMIT, qr_content, qr_modules
    from rarepassport.rendering._shared import viewer_preferences
    from rarepassport.rendering._verify import verify_pdf_text

    essentials = document.essentials
    if essentials is None:
        raise RenderError("the card needs a document laid out by rarepassport.layout() (it has no essentials)")
    extra = extra_faces(fonts)
    essentials, notices = _check_glyphs(document, essentials, extra, missing_glyphs)
    FPDF = pdf_class()
    qr_text, qr_caption = None, ""
    if qr is not None:
        content = qr_content(document, qr, CARD_QR_LIMIT, most_bytes=CARD_QR_BYTES)
        notices.extend(content.notices)
        qr_text, qr_caption = content.text, content.caption
    # Easy read is always large print: the folded card.
    card = LARGE_PRINT if large_print or document.easy_read else WALLET
    if qr_text is not None and qr_modules(qr_text) * CARD_QR_MODULE > card.qr_size:
        # A longer code (three bytes a character in Hindi and Chinese) grows, its
        # modules the same size, rather than shrinking them below what a phone reads;
        # up to the size of the longest emergency text (a long link beyond that is
        # drawn finer, as before, rather than crowding out the card's text).
        modules = min(qr_modules(qr_text), CARD_QR_MOST_MODULES)
        card = attrs.evolve(card, qr_size=max(card.qr_size, round(modules * CARD_QR_MODULE, 2)))
    if sheet:
        pdf = FPDF(orientation="L" if card.sheet_landscape else "P", unit="mm", format="A4")
    else:
        pdf = FPDF(orientation="L" if card.width > card.height else "P", unit="mm",
                   format=(min(card.width, card.height), max(card.width, card.height)))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    card_texts = [text for _where, text in _essentials_texts(essentials)]
    # Everything the card draws is in these texts, so its faces need no base set of
    # symbols beside them (smaller faces to parse and subset in every card).
    notices.extend(install_fonts(pdf, [*document.phrases.values(), *card_texts, _DATES_SEPARATOR], extra,
                                 document=document, small_base=True))
    pdf.set_title(document.title)
    pdf.set_author(document.person_name)
    pdf.set_subject(document.phrase("title.emergency", name=document.person_name))
    pdf.set_lang(document.language)
    # Viewers show the title, not the file name.
    pdf.viewer_preferences = viewer_preferences(document)
    pdf.set_creator("rarepassport")
    drawer = _CardDrawer(pdf, document, essentials, BUNDLED_FAMILY, card)
    drawer.qr_caption = qr_caption
    pdf.add_page()  # fpdf2 measures text on a page: the front (or the sheet) is it

    band = drawer.band()
    full_width = card.width - 2 * card.margin
    room = card.height - band[1] - 1.0 - card.margin
    plans = {}
    for side in (FRONT, BACK):
        with_qr = side == BACK and qr_text is not None
        width = full_width - (card.qr_size + 0.5 if with_qr and not card.qr_below else 0)
        plans[side] = _plan_side(drawer, side, room - (card.qr_size + 1.0 if with_qr and card.qr_below else 0),
                                 width)

    if sheet:
        x0 = (pdf.w - 2 * card.width) / 2
        y0 = 25.0 if not card.sheet_landscape else (pdf.h - card.height) / 2 - 12
        for side, x in ((FRONT, x0), (BACK, x0 + card.width)):
            plan = plans[side]
            drawer.draw(x, y0, side, plan.paragraphs, plan.size, plan.width, band,
                        qr_text if side == BACK else None)
        _cut_marks(pdf, x0, y0, card)
        pdf.set_font(BUNDLED_FAMILY, "", card.sheet_help_size)
        pdf.set_text_color(*_TEXT)
        pdf.set_xy(x0, y0 + card.height + 12)
        help_text = document.phrase("card_sheet_help")
        pdf.multi_cell(2 * card.width, card.sheet_help_size * 0.5, help_text, align="L")
        drawer.drawn.append(("card_sheet_help", help_text))
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
    return Rendered.drawn(data, "application/pdf", ".pdf", notices)


def _essentials_texts(essentials: Essentials) -> list[tuple[str, str]]:
    """Every text of the essentials a card may draw, with where it comes from."""
    texts = [("$.person.name", essentials.name), ("$.person.date_of_birth", essentials.date_of_birth_line),
             ("$.review", " ".join(essentials.currency_lines)),
             ("essentials", essentials.more_in_full), ("essentials", essentials.also_in_full),
             ("essentials", essentials.also_in_full_and_more)]
    if essentials.trust:
        texts.append(("$.attestations", essentials.trust))
    for group in essentials.groups:
        texts.append((f"essentials.{group.key}", f"{group.title} {group.more_template}"))
        texts += [(item.path, f"{item.lead} {item.text}") for item in group.items]
    return texts


def _check_glyphs(document: Document, essentials: Essentials, extra: Sequence[Any],
                  missing_glyphs: str) -> tuple[Essentials, list[RenderNotice]]:
    """The essentials to draw, with a marker for each character no font can draw (or an error)."""
    import attrs

    from rarepassport.errors import MissingGlyphsError
    from rarepassport.rendering._fonts import undrawable_characters
    from rarepassport.rendering._verify import (
        MISSING_GLYPH_MARKER,
        check_missing_glyphs_option,
        missing_glyphs_notice,
    )

    check_missing_glyphs_option(missing_glyphs)
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
    marked = attrs.evolve(essentials, name=mark(essentials.name), groups=groups,
                          trust=mark(essentials.trust) if essentials.trust else essentials.trust)
    return marked, [missing_glyphs_notice(document, sorted(missing), places)]


def _cut_marks(pdf: Any, x0: float, y0: float, card: CardFormat) -> None:
    """Cut marks at the outer corners, a dashed fold line between front and back."""
    width, height, mark, gap = 2 * card.width, card.height, 6.0, 2.0
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.2)
    for x in (x0, x0 + width):
        for y in (y0, y0 + height):
            dx = -1 if x == x0 else 1
            dy = -1 if y == y0 else 1
            pdf.line(x + dx * gap, y, x + dx * (gap + mark), y)
            pdf.line(x, y + dy * gap, x, y + dy * (gap + mark))
    fold = x0 + card.width
    pdf.line(fold, y0 - gap - mark, fold, y0 - gap)
    pdf.line(fold, y0 + height + gap, fold, y0 + height + gap + mark)
    # Mid grey, 4.5 : 1 on white: faint beside the black marks, still visible (WCAG 1.4.11).
    pdf.set_draw_color(*GRAPHIC_GREY)
    pdf.set_dash_pattern(dash=1.5, gap=1.5)
    pdf.line(fold, y0, fold, y0 + height)
    pdf.set_dash_pattern()
    # A faint outline shows where the card ends when the marks are cut off.
    pdf.rect(x0, y0, width, height)
