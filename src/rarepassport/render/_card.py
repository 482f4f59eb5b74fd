"""The ``card`` backend: a wallet card (ISO/IEC 7810 ID-1, 85.60 × 53.98 mm), front and back.

The card carries what a paramedic needs in the first minutes, from the ``emergency``
view of the document. *What* goes on it, on which side and how urgent each line is, is
decided by :mod:`rarepassport.essentials` (a layout step); this module only fits those
lines onto the two sides and draws them.

A card is small. Text is first shrunk, down to :data:`MIN_FONT_SIZE`; what still does
not fit is left off by priority (least urgent first), the card says "More in the
full passport", and :attr:`Rendered.warnings` lists which sections lost lines. Nothing
is dropped silently.

With ``sheet=True`` front and back are placed side by side on an A4 page with cut
marks and a fold line, for printing at home.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from rarepassport.document import Document
from rarepassport.essentials import BACK, FRONT, CardItem, card_items

if TYPE_CHECKING:
    from rarepassport.render import Rendered

__all__ = ["CARD_HEIGHT_MM", "CARD_WIDTH_MM", "MAX_FONT_SIZE", "MIN_FONT_SIZE", "render_card"]

#: ISO/IEC 7810 ID-1, the size of a bank card.
CARD_WIDTH_MM = 85.60
CARD_HEIGHT_MM = 53.98
#: Largest and smallest body text on the card, in points. Below 6 pt print is hard to
#: read for many people, so text is left off (with a note) rather than shrunk further;
#: a card with little on it is printed larger rather than left half empty.
MAX_FONT_SIZE = 8.5
MIN_FONT_SIZE = 6.0

_MARGIN = 2.8
_BAND = 7.0  # height of the coloured band at the top of each side
_QR_SIZE = 17.0
_RED = (178, 24, 24)
_TEXT = (15, 15, 15)

# A card side holds about 1,300 characters at 6 pt: longer text cannot fit, so it is
# not measured (measuring a 5,000-character protocol step at every size is slow).
_MAX_CARD_CHARACTERS = 1600
_CANNOT_FIT = 10_000


class _Paragraph(NamedTuple):
    lead: str  # bold lead-in
    text: str
    numbered: bool  # a protocol step: the text hangs beside its number
    strong: bool = False  # the text in bold too


class _CardDrawer:
    """Lays out and draws card sides on one FPDF."""

    def __init__(self, pdf: Any, document: Document, family: str) -> None:
        self.pdf = pdf
        self.document = document
        self.family = family
        self._measured: dict[tuple[str, str, bool, bool, float, float], int] = {}

    def lh(self, size: float) -> float:
        return size * 1.18 * 25.4 / 72

    def _groups(self, items: Sequence[CardItem]) -> list[list[CardItem]]:
        groups: list[list[CardItem]] = []
        for item in sorted(items, key=lambda i: i.order):
            if groups and groups[-1][0].group == item.group and groups[-1][0].title == item.title:
                groups[-1].append(item)
            else:
                groups.append([item])
        return groups

    def _paragraphs(self, items: Sequence[CardItem]) -> list[_Paragraph]:
        """The paragraphs of a side, in order."""
        paragraphs: list[_Paragraph] = []
        for group in self._groups(items):
            title = group[0].title
            if group[0].ordered_number is not None or group[0].lead:
                # Steps and plugin fields: the title on a line, then one item a line.
                if title:
                    paragraphs.append(_Paragraph(title, "", False))
                paragraphs.extend(
                    _Paragraph(f"{item.ordered_number}.", item.text, True) if item.ordered_number is not None
                    else _Paragraph(item.lead, item.text, False, item.strong)
                    for item in group
                )
            else:
                lead = f"{title}: " if title else ""
                paragraphs.append(_Paragraph(lead, "; ".join(item.text for item in group), False))
        return paragraphs

    def _date_of_birth(self) -> str:
        return f"{self.document.phrase('date_of_birth')}: {self.document.date_of_birth}"

    def _wrapped_lines(self, lead: str, text: str, width: float, size: float, strong: bool = False) -> int:
        """Lines that ``write()`` needs for a bold lead-in followed by regular text."""
        pdf = self.pdf
        words: list[float] = []
        for style, part in (("B", lead), ("B" if strong else "", text)):
            pdf.set_font(self.family, style, size)
            words += [pdf.get_string_width(word) for word in part.split()]
        pdf.set_font(self.family, "", size)
        space = pdf.get_string_width(" ")
        width *= 0.98  # fpdf2 keeps a hair of room at the margin
        lines, used = 1, 0.0
        for word in words:
            if used == 0.0:
                used = word
            elif used + space + word <= width:
                used += space + word
            else:
                lines, used = lines + 1, word
            while used > width:  # a word longer than the line is broken
                lines, used = lines + 1, used - width
        return lines

    def height(self, items: Sequence[CardItem], size: float, width: float, more: bool,
               limit: float = float("inf"), *, front: bool = False) -> float:
        """Height the items need at ``size``, measured the way :meth:`draw` draws them.

        With ``front`` the date of birth line that starts the front is counted too.
        """
        pdf = self.pdf
        total = 0.0
        if front:
            total += self._wrapped_lines(self._date_of_birth(), "", width, size) * self.lh(size) + 0.4
        for lead, text, numbered, strong in self._paragraphs(items):
            # Fitting tries many combinations of the same paragraphs: measure each once.
            key = (lead, text, numbered, strong, size, width)
            count = self._measured.get(key)
            if count is None and len(lead) + len(text) > _MAX_CARD_CHARACTERS:
                count = _CANNOT_FIT
            if count is None:
                if numbered and text:
                    pdf.set_font(self.family, "", size)
                    count = len(pdf.multi_cell(width - 3.0, self.lh(size), text, dry_run=True, output="LINES"))
                else:
                    count = self._wrapped_lines(lead, text, width, size, strong)
                self._measured[key] = count
            total += count * self.lh(size) + 0.4
            if total > limit:
                return total  # already too tall: no need to measure the rest
        if more:
            pdf.set_font(self.family, "B", size)
            more_text = self.document.phrase("more_in_full")
            total += len(pdf.multi_cell(width, self.lh(size), more_text, dry_run=True, output="LINES")) * self.lh(size)
        return total

    def draw(self, x0: float, y0: float, side: str, items: Sequence[CardItem], size: float, width: float,
             more: bool, qr: str | None) -> None:
        from rarepassport.render._qr import draw_qr

        pdf, doc = self.pdf, self.document
        pdf.set_fill_color(*_RED)
        pdf.rect(x0, y0, CARD_WIDTH_MM, _BAND, style="F")
        pdf.set_text_color(255, 255, 255)
        if side == FRONT:
            band_text = doc.person_name
        else:
            emergency = doc.section("emergency")
            band_text = emergency.title if emergency is not None else doc.phrase("card_back_title")
        band_size = 9.0
        pdf.set_font(self.family, "B", band_size)
        while band_size > 6 and pdf.get_string_width(band_text) > CARD_WIDTH_MM - 2 * _MARGIN:
            band_size -= 0.5
            pdf.set_font(self.family, "B", band_size)
        pdf.set_xy(x0 + _MARGIN, y0)
        pdf.cell(CARD_WIDTH_MM - 2 * _MARGIN, _BAND, band_text, align="L")
        pdf.set_text_color(*_TEXT)
        y = y0 + _BAND + 1.0
        left = x0 + _MARGIN
        if side == FRONT:
            pdf.set_font(self.family, "B", size)
            pdf.set_xy(left, y)
            pdf.multi_cell(width, self.lh(size), self._date_of_birth(), align="L")
            y = pdf.get_y() + 0.4
        elif not items and not more:
            # An empty back would look like a printing fault; say why it is empty.
            pdf.set_font(self.family, "", size)
            pdf.set_xy(left, y)
            pdf.multi_cell(width, self.lh(size), doc.phrase("card_no_emergency_details"), align="L")
            y = pdf.get_y() + 0.4
        for lead, text, numbered, strong in self._paragraphs(items):
            pdf.set_xy(left, y)
            if numbered and text:
                pdf.set_font(self.family, "B", size)
                pdf.cell(3.0, self.lh(size), lead)
                pdf.set_font(self.family, "", size)
                pdf.set_xy(left + 3.0, y)
                pdf.multi_cell(width - 3.0, self.lh(size), text, align="L")
            else:
                # A bold lead-in flowing into regular text, wrapped inside the column.
                pdf.set_left_margin(left)
                pdf.set_right_margin(pdf.w - left - width)
                pdf.set_font(self.family, "B", size)
                if lead:
                    pdf.write(self.lh(size), lead)
                pdf.set_font(self.family, "B" if strong else "", size)
                if text:
                    pdf.write(self.lh(size), text)
                pdf.ln(self.lh(size))
                pdf.set_margins(0, 0, 0)
            y = pdf.get_y() + 0.4
        if more:
            pdf.set_xy(left, y)
            pdf.set_font(self.family, "B", size)
            pdf.set_text_color(*_RED)
            pdf.multi_cell(width, self.lh(size), doc.phrase("more_in_full"), align="L")
            pdf.set_text_color(*_TEXT)
        if qr is not None:
            draw_qr(pdf, qr, x0 + CARD_WIDTH_MM - _MARGIN - _QR_SIZE + 1, y0 + CARD_HEIGHT_MM - _QR_SIZE - 1,
                    _QR_SIZE, title=doc.phrase("scan_for_more"))


def _sizes() -> list[float]:
    """Font sizes to try, largest first, in quarter points."""
    count = round((MAX_FONT_SIZE - MIN_FONT_SIZE) / 0.25)
    return [MAX_FONT_SIZE - 0.25 * step for step in range(count + 1)]


def _largest_size(fits: Callable[[float], bool]) -> float | None:
    """The largest of :func:`_sizes` at which ``fits``, or ``None``.

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


def _fit(drawer: _CardDrawer, items: list[CardItem], room: float, width: float,
         *, front: bool = False) -> tuple[list[CardItem], float]:
    """The items that fit in ``room`` mm and the font size: shrink first, then leave off."""
    size = _largest_size(lambda size: drawer.height(items, size, width, more=False, limit=room, front=front) <= room)
    if size is not None:
        return items, size
    # Greedy by urgency: an item that cannot fit (a very long step) is left off, but
    # shorter, less urgent ones after it still get their place.
    kept = keep_by_priority(items, lambda trial: drawer.height(trial, MIN_FONT_SIZE, width, more=True,
                                                                limit=room, front=front) <= room)
    # What was kept may leave room (a long item went): use it for larger type
    # rather than leaving the bottom of the card empty.
    size = _largest_size(lambda size: drawer.height(kept, size, width, more=True, limit=room, front=front) <= room)
    return kept, MIN_FONT_SIZE if size is None else size


def keep_by_priority(items: Sequence[CardItem], fits: Callable[[list[CardItem]], bool]) -> list[CardItem]:
    """The items to keep when not all fit: most urgent first, each only if it still fits.

    A protocol's steps stay a run from step 1: once a step is left off, the later steps
    of that protocol are too, so no one follows step 6 without having seen step 5.
    """
    kept: list[CardItem] = []
    broken: set[tuple[str, str]] = set()
    for item in sorted(items, key=lambda i: (i.priority, i.order)):
        sequence = (item.group, item.title)
        if item.ordered_number is not None and sequence in broken:
            continue
        if fits([*kept, item]):
            kept.append(item)
        elif item.ordered_number is not None:
            broken.add(sequence)
    return kept


def _left_off_warning(document: Document, dropped: Sequence[CardItem]) -> str:
    counts: dict[str, int] = {}
    for item in dropped:
        section = document.section(item.group)
        name = section.title if section is not None else item.group
        counts[name] = counts.get(name, 0) + 1
    listed = ", ".join(f"{name} ({count} line{'s' if count != 1 else ''})" for name, count in counts.items())
    return f"the wallet card is full: left off {listed}; the card says '{document.phrase('more_in_full')}'"


def render_card(
    document: Document,
    *,
    sheet: bool = False,
    qr: str | None = None,
    fonts: Sequence[str | os.PathLike[str]] = (),
) -> Rendered:
    """Draw the emergency essentials of a document as a two-sided wallet card.

    Args:
        document: The laid-out passport, normally for the ``emergency`` view.
        sheet: Put front and back on one A4 page with cut marks and a fold line.
        qr: ``"emergency"`` or ``"link:https://..."`` for a QR code on the back.
        fonts: Extra fallback font files for scripts DejaVu Sans cannot draw.

    Returns:
        The PDF; its warnings say what was left off the card, if anything.
    """
    from fpdf import FPDF

    from rarepassport.render import Rendered
    from rarepassport.render._fonts import BUNDLED_FAMILY, install_fonts, pdf_bytes
    from rarepassport.render._pdf import _extra_faces, document_texts
    from rarepassport.render._qr import CARD_QR_LIMIT, qr_content

    warnings: list[str] = []
    qr_text = None
    if qr is not None:
        content = qr_content(document, qr, CARD_QR_LIMIT)
        warnings.extend(content.warnings)
        qr_text = content.text
    if sheet:
        pdf = FPDF(orientation="P", unit="mm", format="A4")
    else:
        pdf = FPDF(orientation="L", unit="mm", format=(CARD_HEIGHT_MM, CARD_WIDTH_MM))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    warnings.extend(install_fonts(pdf, document_texts(document), _extra_faces(fonts)))
    pdf.set_title(document.title)
    pdf.set_author(document.person_name)
    pdf.set_subject(document.phrase("title.emergency", name=document.person_name))
    pdf.set_lang(document.language)
    pdf.set_creator("rarepassport")
    drawer = _CardDrawer(pdf, document, BUNDLED_FAMILY)
    pdf.add_page()  # fpdf2 measures text on a page: the front (or the sheet) is it

    items = card_items(document)
    full_width = CARD_WIDTH_MM - 2 * _MARGIN
    room = CARD_HEIGHT_MM - _BAND - 1.0 - _MARGIN
    plan: dict[str, tuple[list[CardItem], float, float, bool]] = {}
    dropped: list[CardItem] = []
    for side in (FRONT, BACK):
        side_items = [item for item in items if item.side == side]
        width = full_width - (_QR_SIZE + 0.5 if side == BACK and qr_text is not None else 0)
        kept, size = _fit(drawer, side_items, room, width, front=side == FRONT)
        lost = [item for item in side_items if item not in kept]
        dropped.extend(lost)
        plan[side] = (kept, size, width, bool(lost))
    if dropped:
        warnings.append(_left_off_warning(document, dropped))

    if sheet:
        x0, y0 = (pdf.w - 2 * CARD_WIDTH_MM) / 2, 25.0
        for side, x in ((FRONT, x0), (BACK, x0 + CARD_WIDTH_MM)):
            kept, size, width, more = plan[side]
            drawer.draw(x, y0, side, kept, size, width, more, qr_text if side == BACK else None)
        _cut_marks(pdf, x0, y0)
        pdf.set_font(BUNDLED_FAMILY, "", 9)
        pdf.set_text_color(*_TEXT)
        pdf.set_xy(x0, y0 + CARD_HEIGHT_MM + 12)
        pdf.multi_cell(2 * CARD_WIDTH_MM, 4.5, document.phrase("card_sheet_help"), align="L")
    else:
        for side in (FRONT, BACK):
            if side == BACK:
                pdf.add_page()
            kept, size, width, more = plan[side]
            drawer.draw(0, 0, side, kept, size, width, more, qr_text if side == BACK else None)
    return Rendered(data=pdf_bytes(pdf), media_type="application/pdf", suffix=".pdf", warnings=warnings)


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
    pdf.set_draw_color(170, 170, 170)
    pdf.set_dash_pattern(dash=1.5, gap=1.5)
    pdf.line(fold, y0, fold, y0 + height)
    pdf.set_dash_pattern()
    # A faint outline shows where the card ends when the marks are cut off.
    pdf.rect(x0, y0, width, height)
