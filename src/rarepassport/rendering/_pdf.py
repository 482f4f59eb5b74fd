"""The ``pdf`` backend: a printable passport on A4, A5 or US Letter (fpdf2).

It draws the blocks of a [`Document`][rarepassport.Document] in order and decides
nothing about content. Every page carries the person's name, date of birth, when the
passport was updated and reviewed, and "Page X of Y", because pages get separated
and photocopied. Each section is a bookmark in the PDF outline. Emergency sections
and alerts are boxed and coloured so they are found first. Long text wraps and flows
onto the next page; tables repeat their header row on each page.

fpdf2 is imported only when a PDF is drawn.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from rarepassport.document import Alert, AlertLevel, Block, Document, Field, Heading, ListBlock, Paragraph, Table
from rarepassport.rendering._shared import (
    EMERGENCY_RED,
    GRAPHIC_GREY,
    ON_EMERGENCY_RED,
    extra_faces,
    viewer_preferences,
)
from rarepassport.rendering._symbols import SYMBOL_PATHS, symbol_svg

if TYPE_CHECKING:
    from fpdf import FPDF

    from rarepassport.rendering._base import Rendered

__all__ = ["PAGE_SIZES", "Style", "document_texts", "render_pdf"]

#: Page sizes users can ask for, and fpdf2's name for each.
#: Page sizes in millimetres (fpdf2 warns on the name "A5" since its sizes were corrected).
PAGE_SIZES: dict[str, tuple[float, float]] = {"a4": (210.0, 297.0), "a5": (148.0, 210.0), "letter": (215.9, 279.4)}

Colour = tuple[int, int, int]


@attrs.frozen(kw_only=True)
class Style:
    """Sizes (points) and colours (RGB) of a rendering; one place for the look."""

    body: float
    small: float
    title: float
    section: float
    heading: float
    line: float  # line height as a multiple of the font size
    margin: float  # mm
    text: Colour = (20, 20, 20)
    muted: Colour = (80, 80, 80)
    rule: Colour = GRAPHIC_GREY
    section_fill: Colour = (230, 236, 245)
    section_text: Colour = (15, 40, 90)
    emergency_fill: Colour = EMERGENCY_RED
    emergency_text: Colour = ON_EMERGENCY_RED
    table_head_fill: Colour = (222, 226, 232)
    emphasis_fill: Colour = (255, 236, 200)
    alert_fill: dict[AlertLevel, Colour] = attrs.field(factory=lambda: {
        AlertLevel.CRITICAL: (253, 226, 226),
        AlertLevel.WARNING: (255, 243, 205),
        AlertLevel.INFO: (226, 238, 252),
    })
    alert_border: dict[AlertLevel, Colour] = attrs.field(factory=lambda: {
        AlertLevel.CRITICAL: EMERGENCY_RED,
        AlertLevel.WARNING: (196, 120, 0),
        AlertLevel.INFO: (40, 90, 170),
    })
    border_width: float = 0.6  # mm
    #: No text is drawn smaller than this (points): 14 in large print, tables and
    #: running headers included.
    floor: float = 0.0

    @classmethod
    def choose(cls, *, size: str, large_print: bool, high_contrast: bool) -> Style:
        """The style for the options a user chose."""
        small_page = size == "a5"
        if large_print:
            # 14 pt body text is the usual floor for "large print" documents.
            style = cls(body=14.5 if not small_page else 14, small=14, title=22, section=18, heading=16,
                        line=1.35, margin=15 if not small_page else 11, floor=14)
        else:
            style = cls(body=10.5 if not small_page else 9.5, small=7.5, title=17, section=13.5, heading=11.5,
                        line=1.3, margin=16 if not small_page else 11)
        if high_contrast:
            black, white, yellow = (0, 0, 0), (255, 255, 255), (255, 246, 150)
            style = attrs.evolve(
                style, text=black, muted=black, rule=black, section_fill=black, section_text=white,
                emergency_fill=black, emergency_text=(255, 230, 0), table_head_fill=black,
                emphasis_fill=yellow, alert_fill=dict.fromkeys(AlertLevel, white),
                alert_border=dict.fromkeys(AlertLevel, black), border_width=1.0,
            )
        return style


def document_texts(document: Document) -> Iterator[str]:
    """Every piece of text a backend may draw, for font choice and coverage checks."""
    yield from (document.title, document.person_name, document.date_of_birth)
    yield from (text for text in (document.updated_on, document.reviewed_on) if text)
    yield from document.phrases.values()
    second = document.second
    if second is not None:
        yield from (second.title, second.date_of_birth, second.updated_on or "", second.reviewed_on or "")
        yield from second.notes.values()
        yield from second.phrases.values()
    for section in document.sections:
        yield section.title
        yield section.second_title or ""
        for block in _with_counterparts(section.blocks):
            if isinstance(block, Heading | Paragraph):
                yield block.text
            elif isinstance(block, Field):
                yield block.label
                yield block.value
            elif isinstance(block, ListBlock):
                yield block.label or ""
                yield from block.items
            elif isinstance(block, Table):
                yield block.caption or ""
                yield from block.columns
                yield from (cell for row in block.rows for cell in row)
            elif isinstance(block, Alert):
                yield block.title or ""
                yield block.text


def _with_counterparts(blocks: Sequence[Block]) -> Iterator[Block]:
    """Each block, then its texts in the second language (a bilingual document)."""
    for block in blocks:
        yield block
        if block.second is not None:
            yield block.second


def _make_pdf_class() -> type[FPDF]:
    from rarepassport.rendering._fonts import pdf_class

    class PassportPDF(pdf_class()):  # type: ignore[misc]
        """An FPDF with the passport's running header and footer."""

        document: Document
        style: Style
        family: str

        def header(self) -> None:
            doc, style = self.document, self.style
            self.set_text_color(*style.muted)
            self.set_draw_color(*style.rule)
            self.set_y(style.margin * 0.5)
            self.set_font(self.family, "B", style.small)
            second = doc.second
            dob = doc.label_value(doc.in_both(doc.phrase("date_of_birth"), doc.second_phrase("date_of_birth")),
                                  doc.in_both(doc.date_of_birth, second.date_of_birth if second else None))
            height = style.small * 0.45
            self.line_of_text(height, f"{doc.person_name}  ·  {dob}")
            self.set_font(self.family, "", style.small)
            # In the first language only: page one gives them in both, and the running
            # header stays two lines.
            dates = "  ·  ".join(text for text in (doc.updated_on, doc.reviewed_on) if text)
            if dates:
                self.line_of_text(height, dates)
            self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
            # Where the running header ends (it wraps in large print or two languages):
            # the read-back leaves out what lies above, and the body starts lower.
            self.header_bottom = max(getattr(self, "header_bottom", 0.0), self.get_y() + 2)
            self.set_y(max(self.get_y() + 4, self.t_margin))
            self.set_text_color(*style.text)

        def line_of_text(self, height: float, text: str) -> None:
            """A line that wraps only when it must (line breaking is slow in fpdf2)."""
            if self.get_string_width(text) <= self.epw - 0.5:
                self.cell(0, height, text, align=_align(text), new_x="LMARGIN", new_y="NEXT")
            else:
                self.wrapped_text(self.epw, height, text, align=_align(text))

        def footer(self) -> None:
            doc, style = self.document, self.style
            self.set_y(-style.margin * 0.85)
            self.set_text_color(*style.muted)
            self.set_font(self.family, "", style.small)
            page = doc.in_both(doc.phrase("page_of", page=self.page_no(), pages=self.str_alias_nb_pages),
                               doc.second_phrase("page_of", page=self.page_no(), pages=self.str_alias_nb_pages))
            self.cell(0, style.small * 0.5, f"{doc.person_name}  ·  {page}", align="R")
            self.set_text_color(*style.text)

    return PassportPDF


class _Drawer:
    """Draws the blocks of one document into one PDF."""

    def __init__(self, pdf: Any, document: Document, style: Style, family: str) -> None:
        self.pdf = pdf
        self.document = document
        self.style = style
        self.family = family
        self.bold_heading = True

    # --- helpers ---------------------------------------------------------------

    def lh(self, size: float | None = None) -> float:
        """Line height in mm for a font size in points."""
        return (size or self.style.body) * self.style.line * 25.4 / 72

    def font(self, bold: bool = False, size: float | None = None) -> None:
        self.pdf.set_font(self.family, "B" if bold else "", size or self.style.body)

    def gap(self, factor: float = 0.5) -> None:
        self.pdf.ln(self.lh() * factor)

    def text(self, width: float, height: float, text: str) -> None:
        """Text from the current x, wrapped within ``width``; then the next line."""
        pdf = self.pdf
        if "\n" not in text and pdf.get_string_width(text) <= width - 0.5:
            # One line: a cell, without fpdf2's line breaking (the slow part).
            pdf.cell(width, height, text, align=_align(text), new_x="LMARGIN", new_y="NEXT")
        else:
            # fpdf2's line breaks, each word measured once (rendering/_fonts.py).
            pdf.wrapped_text(width, height, text, align=_align(text))

    def second_text(self, width: float, text: str | None) -> None:
        """A sentence's second-language counterpart, on the lines beneath it: regular
        weight, grey and a size smaller, so each language's sentence reads whole."""
        if not text:
            return
        pdf, style = self.pdf, self.style
        size = max(style.body * 0.9, style.floor)
        pdf.set_text_color(*style.muted)
        self.font(False, size)
        pdf.set_x(pdf.l_margin + self.width - width)
        self.text(width, self.lh(size), text)
        pdf.set_text_color(*style.text)
        self.font(False)

    def keep_space(self, height: float) -> None:
        """Start a new page when less than ``height`` mm is left (no orphan headings)."""
        pdf = self.pdf
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()

    @property
    def width(self) -> float:
        return float(self.pdf.epw)

    # --- the document ----------------------------------------------------------

    def title_block(self, photo: bytes | None, qr: tuple[str, str] | None) -> None:
        from rarepassport.rendering._qr import draw_qr

        pdf, style, doc = self.pdf, self.style, self.document
        top = pdf.get_y()
        side = 0.0
        box = 32.0 if style.body < 14 else 38.0
        if qr is not None:
            side += box + 3
            draw_qr(pdf, qr[0], pdf.w - pdf.r_margin - box, top, box, title=qr[1])
        if photo is not None:
            side += box * 0.8 + 3
            pdf.image(io.BytesIO(photo), x=pdf.w - pdf.r_margin - side + 3, y=top, w=box * 0.8,
                      h=box, keep_aspect_ratio=True, alt_text=doc.person_name)
        self.font(True, style.title)
        pdf.multi_cell(self.width - side, self.lh(style.title), doc.title, align=_align(doc.title),
                       new_x="LMARGIN", new_y="NEXT")
        second = doc.second
        if second is not None and second.title:
            pdf.set_text_color(*style.muted)
            self.font(False, style.heading)
            pdf.multi_cell(self.width - side, self.lh(style.heading), second.title, align=_align(second.title),
                           new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(*style.text)
        self.gap(0.3)
        self.font(False)
        pdf.set_x(pdf.l_margin)
        self.write_field(doc.in_both(doc.phrase("date_of_birth"), doc.second_phrase("date_of_birth")),
                         doc.in_both(doc.date_of_birth, second.date_of_birth if second else None),
                         width=self.width - side)
        for text, other in ((doc.updated_on, second.updated_on if second else None),
                            (doc.reviewed_on, second.reviewed_on if second else None)):
            if text:
                pdf.multi_cell(self.width - side, self.lh(), text, align=_align(text), new_x="LMARGIN", new_y="NEXT")
                self.second_text(self.width - side, other)
        if qr is not None and qr[1]:
            self.font(False, style.small)
            pdf.set_xy(pdf.w - pdf.r_margin - box, top + box)
            pdf.multi_cell(box, self.lh(style.small), qr[1], align="C", new_x="LMARGIN", new_y="NEXT")
        bottom = top + (box + self.lh(style.small) * 2 if qr is not None or photo is not None else 0)
        pdf.set_y(max(pdf.get_y(), bottom))
        self.gap(0.6)
        if doc.warnings:
            # What a reader must know about the document itself (e.g. an overdue review)
            # comes before its content, as in the other backends.
            notes = doc.second.notes if doc.second else {}
            note = Alert(text="\n".join(f"{text}\n{notes[text]}" if text in notes else text for text in doc.warnings),
                         level=AlertLevel.WARNING,
                         title=doc.in_both(doc.phrase("please_note"), doc.second_phrase("please_note")))
            self.block(note, emergency=False)
            self.gap(0.6)

    def room_to_start(self, blocks: Sequence[Block], index: int = 0) -> float:
        """Height (mm) the start of ``blocks[index]`` needs: a heading is kept with at least this.

        Each block moves to the next page when its own start does not fit (a table
        needs its header row and a row); a heading must reserve as much, or it is
        left alone at the foot of the page. A heading followed by a heading needs
        room for both and the start of what follows them.
        """
        block = blocks[index] if index < len(blocks) else None
        if isinstance(block, Table):
            size = max(self.style.body * (0.95 if len(block.columns) <= 5 else 0.85), self.style.floor)
            # A caption, a header row of up to two lines and two lines of a row.
            return (self.lh() if block.caption else 0.0) + self.lh(size) * 4 + 2 * 1.2 * 2
        if isinstance(block, Alert):
            return self.lh() * 3 + 5.0
        if isinstance(block, Heading):
            return self.heading_height(block) + self.room_to_start(blocks, index + 1)
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if isinstance(block, Paragraph) and isinstance(following, Table) and len(block.text) < 120:
            # A line introducing a table ("Give on time: ...") stays with the table.
            return self.lh() * 1.6 + self.room_to_start(blocks, index + 1)
        return self.lh() * 3

    def section(self, section: Any) -> None:
        pdf, style = self.pdf, self.style
        height = self.lh(style.section) + 2
        # The title bar is the cell height plus 0.5 mm padding above and below.
        self.keep_space(height + 1.0 + self.lh() * 0.4 + self.room_to_start(section.blocks))
        title = self.document.in_both(section.title, section.second_title)
        pdf.start_section(title, level=0)
        fill = style.emergency_fill if section.emergency else style.section_fill
        colour = style.emergency_text if section.emergency else style.section_text
        pdf.set_fill_color(*fill)
        pdf.set_text_color(*colour)
        self.font(True, style.section)
        align = _align(title)
        padding: tuple[float, ...] = (0.5, 2.5)
        if section.symbol in SYMBOL_PATHS:
            # Easy read: the symbol sits before the title, in the title's colour, as tall as a line.
            size, top = height - 1.0, pdf.get_y() + 1.0
            left = pdf.w - pdf.r_margin - 2.5 - size if align == "R" else pdf.l_margin + 2.5
            padding = (0.5, 4.0 + size, 0.5, 2.5) if align == "R" else (0.5, 2.5, 0.5, 4.0 + size)
        pdf.multi_cell(0, height, title, fill=True, padding=padding, align=align,
                       new_x="LMARGIN", new_y="NEXT")
        if section.symbol in SYMBOL_PATHS:
            svg = symbol_svg(section.symbol, colour)
            pdf.image(io.BytesIO(svg.encode("ascii")), x=left, y=top, w=size, h=size)
        pdf.set_text_color(*style.text)
        self.gap(0.4)
        blocks = section.blocks
        for index, block in enumerate(blocks):
            if isinstance(block, Heading):
                self.heading(block, self.room_to_start(blocks, index + 1))
            else:
                self.block(block, emergency=section.emergency)
        self.gap(0.8)

    def block(self, block: Block, *, emergency: bool) -> None:
        if isinstance(block, Heading):
            self.heading(block)
        elif isinstance(block, Paragraph):
            self.font(False)
            self.text(self.width, self.lh(), block.text)
            self.second_text(self.width, block.second.text if block.second else None)
            self.gap(0.3)
        elif isinstance(block, Field):
            both = self.document.in_both
            second = block.second
            self.write_field(both(block.label, second.label if second else None),
                             both(block.value, second.value if second else None), emphasis=block.emphasis)
        elif isinstance(block, ListBlock):
            self.list_block(block)
        elif isinstance(block, Table):
            self.table(block)
        elif isinstance(block, Alert):
            self.alert(block)

    def heading_height(self, block: Heading) -> float:
        """Height of a one-line heading with the gaps `heading` leaves around it."""
        size = self.style.heading if block.level <= 3 else self.style.body
        return self.lh() * 0.45 + self.lh(size)

    def heading(self, block: Heading, following: float | None = None) -> None:
        """A heading, kept on a page with ``following`` mm (the start of what follows)."""
        size = self.style.heading if block.level <= 3 else self.style.body
        self.keep_space(self.heading_height(block) + (self.lh() * 2 if following is None else following))
        self.gap(0.3)
        text = self.document.in_both(block.text, block.second.text if block.second else None)
        self.pdf.start_section(text, level=1, strict=False)
        self.font(True, size)
        self.text(self.width, self.lh(size), text)
        self.gap(0.15)

    def write_field(self, label: str, value: str, *, emphasis: bool = False, width: float | None = None) -> None:
        """A labelled value; the value flows on after the label and wraps freely."""
        pdf, doc = self.pdf, self.document
        # The join is the language's (phrase.label_value): the label part in bold, the value after it.
        lead, tail = doc.label_parts(label)
        if (width is not None and width < self.width) or _align(doc.label_value(label, value)) == "R":
            # Beside the photo or QR code: keep within the narrower column. A field
            # that reads right to left is one right-aligned paragraph.
            self.font(True)
            whole = doc.label_value(label, value)
            if _align(label) == "R" and _align(value) == "L":
                # A left-to-right value after a right-to-left label keeps its own order as
                # one unit (a phone number "07700 900123" is never printed "900123 07700").
                whole = doc.label_value(label, f"\u2068{value}\u2069")
            pdf.multi_cell(width or 0, self.lh(), whole, align=_align(whole), new_x="LMARGIN", new_y="NEXT")
            self.font(False)
            return
        self.font(True)
        lead_width = pdf.get_string_width(lead)
        tail_width = pdf.get_string_width(tail) if tail else 0.0
        self.font(emphasis)
        if "\n" not in value and lead_width + pdf.get_string_width(value) + tail_width <= self.width - 0.5:
            # One line (most fields): two cells, without fpdf2's line breaking.
            self.font(True)
            pdf.set_x(pdf.l_margin)
            pdf.cell(lead_width, self.lh(), lead)
            self.font(emphasis)
            if tail:
                pdf.cell(pdf.get_string_width(value), self.lh(), value)
                self.font(True)
                pdf.cell(0, self.lh(), tail, new_x="LMARGIN", new_y="NEXT")
            else:
                pdf.cell(0, self.lh(), value, new_x="LMARGIN", new_y="NEXT")
            self.font(False)
            return
        self.font(False)
        # Lines drawn as cells, each word measured once (rendering/_fonts.py).
        if pdf.write_runs(self.lh(), [(True, lead), (emphasis, value), (True, tail)]):
            return
        self.font(True)
        pdf.write(self.lh(), lead)
        self.font(emphasis)
        pdf.write(self.lh(), value)
        if tail:
            self.font(True)
            pdf.write(self.lh(), tail)
        pdf.ln(self.lh())
        self.font(False)

    def list_block(self, block: ListBlock) -> None:
        pdf = self.pdf
        second = block.second
        label = self.document.in_both(block.label or "", second.label if second else None)
        if label:
            self.keep_space(self.lh() * 2)
            self.font(True)
            self.text(self.width, self.lh(), label)
        self.font(False)
        indent = 7.0 if block.ordered else 5.0
        others = second.items if second is not None and len(second.items) == len(block.items) else ()
        for number, item in enumerate(block.items, 1):
            self.keep_space(self.lh())
            marker = f"{number}." if block.ordered else "•"
            y = pdf.get_y()
            pdf.set_x(pdf.l_margin)
            pdf.cell(indent, self.lh(), marker)
            pdf.set_xy(pdf.l_margin + indent, y)
            self.font(block.emphasis)
            self.text(self.width - indent, self.lh(), item)
            self.font(False)
            if others:
                self.second_text(self.width - indent, others[number - 1])
        self.gap(0.3)

    def table(self, block: Table) -> None:
        """A table whose rows break across pages, repeating the header row on each page.

        Drawn by hand rather than with fpdf2's ``table()``: each cell is line-broken
        once (``table()`` does it twice), and a row taller than a page is split
        between pages instead of failing.
        """
        pdf, style = self.pdf, self.style
        block = _in_both(self.document, block)
        # Wide tables (medicines with codes and notes) get smaller type so that words
        # are not broken inside narrow columns.
        size = max(style.body * (0.95 if len(block.columns) <= 5 else 0.85), style.floor)
        lh, pad = self.lh(size), 1.2
        if block.caption:
            self.keep_space(self.lh() * 4)
            self.font(True)
            self.text(self.width, self.lh(), block.caption)
        self.font(True, size)
        if _needs_stacking(pdf, block, self.width, pad):
            self.stacked_table(block)
            return
        widths = _column_widths(pdf, block, self.width, pad)
        count = len(block.columns)

        def lines(text: str, width: float) -> list[str]:
            if not text:
                return [""]
            if "\n" not in text and pdf.get_string_width(text) <= width - 2 * pad - 0.5:
                # Most cells fit on one line: skip fpdf2's line breaking, the costly part.
                return [text]
            quick: list[str] | None = pdf.text_lines(text, width - 2 * pad)
            if quick is not None:
                return quick
            # Measuring near the foot of a page would otherwise make fpdf2 try (and
            # undo) a whole page break, running header and footer included.
            pdf.set_auto_page_break(False)
            found = pdf.multi_cell(width - 2 * pad, lh, text, dry_run=True, output="LINES")
            pdf.set_auto_page_break(True, margin=style.margin)
            return list(found) or [""]

        header = [lines(text, width) for text, width in zip(block.columns, widths, strict=True)]
        header_height = max(len(cell) for cell in header) * lh + 2 * pad
        head_text = style.section_text if style.table_head_fill == (0, 0, 0) else style.text

        def draw(cells: list[list[str]], first: int, rows: int, bold: bool, fill: Colour | None,
                 colour: Colour) -> None:
            top, x = pdf.get_y(), pdf.l_margin
            height = rows * lh + 2 * pad
            if fill is not None:
                pdf.set_fill_color(*fill)
                pdf.rect(x, top, sum(widths), height, style="F")
            pdf.set_text_color(*colour)
            self.font(bold, size)
            for cell, width in zip(cells, widths, strict=True):
                for offset, line in enumerate(cell[first:first + rows]):
                    pdf.set_xy(x + pad, top + pad + offset * lh)
                    pdf.cell(width - 2 * pad, lh, line, align=_align(line))
                if style.border_width >= 1:
                    pdf.rect(x, top, width, height)
                x += width
            pdf.set_text_color(*style.text)
            pdf.set_y(top + height)
            pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + sum(widths), pdf.get_y())

        def draw_header() -> None:
            draw(header, 0, max(len(cell) for cell in header), True, style.table_head_fill, head_text)

        pdf.set_draw_color(*style.rule)
        pdf.set_line_width(style.border_width if style.border_width >= 1 else 0.2)
        self.keep_space(header_height + lh * 2 + 2 * pad)
        draw_header()
        for index, row in enumerate(block.rows):
            emphasis = index in block.emphasis_rows
            self.font(emphasis, size)
            cells = [lines(text, width) for text, width in
                     zip([*row[:count], *[""] * (count - len(row))], widths, strict=True)]
            total = max(len(cell) for cell in cells)
            fill = style.emphasis_fill if emphasis else None
            done = 0
            while done < total:
                room = int((pdf.page_break_trigger - pdf.get_y() - 2 * pad) // lh)
                if room < min(total - done, 2):
                    # Not even two lines left on this page: continue on the next one.
                    pdf.add_page()
                    draw_header()
                    continue
                if done == 0 and total <= (pdf.page_break_trigger - pdf.t_margin - header_height) // lh \
                        and room < total:
                    # A row that fits on a page is never split.
                    pdf.add_page()
                    draw_header()
                    continue
                rows = min(room, total - done)
                draw(cells, done, rows, emphasis, fill, style.text)
                done += rows
        pdf.set_line_width(0.2)
        pdf.set_x(pdf.l_margin)
        self.font(False)
        self.gap(0.5)

    def stacked_table(self, block: Table) -> None:
        """A table too wide for the page as one record per row (on A5, a medicines table).

        The first cell (the medicine, the substance) leads each record in bold,
        highlighted when the row is emphasised; the other cells follow, indented, as
        "Column: value" lines.
        Columns squeezed below their longest word would break words into pieces
        ("Ap / ril / 20 / 21"), which no one can read.
        """
        pdf, style = self.pdf, self.style
        count = len(block.columns)
        indent = 4.0
        for index, row in enumerate(block.rows):
            emphasis = index in block.emphasis_rows
            cells = [*row[:count], *[""] * (count - len(row))]
            self.keep_space(self.lh() * 3)
            pdf.set_draw_color(*style.rule)
            pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + self.width, pdf.get_y())
            self.font(True)
            pdf.set_fill_color(*style.emphasis_fill)
            lead = self.document.label_value(block.columns[0], cells[0])
            pdf.multi_cell(0, self.lh(), lead, fill=emphasis, padding=(0.6, 1.2),
                           align=_align(lead), new_x="LMARGIN", new_y="NEXT")
            margin = pdf.l_margin
            pdf.set_left_margin(margin + indent)
            for column, value in zip(block.columns[1:], cells[1:], strict=True):
                if value:
                    self.write_field(column, value, emphasis=emphasis)
            pdf.set_left_margin(margin)
            pdf.set_x(margin)
            self.gap(0.3)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + self.width, pdf.get_y())
        self.font(False)
        self.gap(0.5)

    def alert(self, block: Alert) -> None:
        pdf, style = self.pdf, self.style
        pdf.set_fill_color(*style.alert_fill[block.level])
        pdf.set_draw_color(*style.alert_border[block.level])
        pdf.set_line_width(style.border_width)
        second = block.second
        title = self.document.in_both(block.title or "", second.title if second else None)
        text = block.text
        beneath = second.text if second is not None else ""
        self.keep_space(self.lh() * 3)
        pad = 2.5
        if title:
            self.font(True)
            pdf.multi_cell(0, self.lh(), title, fill=True, border="LTR", padding=(pad, pad, 0.5, pad),
                           align=_align(title), new_x="LMARGIN", new_y="NEXT")
        self.font(block.level is AlertLevel.CRITICAL)
        pdf.multi_cell(0, self.lh(), text, fill=True, border=("LR" if beneath else "LBR") if title else
                       ("LTR" if beneath else 1), padding=(0.5 if title else pad, pad, 0.5 if beneath else pad, pad),
                       align=_align(text), new_x="LMARGIN", new_y="NEXT")
        if beneath:
            # The counterpart beneath, in the same box: its own paragraph, in its own direction.
            size = max(style.body * 0.9, style.floor)
            pdf.set_text_color(*style.muted)
            self.font(False, size)
            pdf.multi_cell(0, self.lh(size), beneath, fill=True, border="LBR", padding=(0.5, pad, pad, pad),
                           align=_align(beneath), new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(*style.text)
        pdf.set_line_width(0.2)
        pdf.set_draw_color(*style.rule)
        self.font(False)
        self.gap(0.5)


def _in_both(document: Document, block: Table) -> Table:
    """A table with each heading and cell followed by its second-language counterpart."""
    second = block.second
    if second is None:
        return block
    both = document.in_both
    rows = block.rows
    if len(second.rows) == len(rows):
        rows = tuple(tuple(both(cell, other) for cell, other in zip(row, others, strict=False)) + row[len(others):]
                     for row, others in zip(rows, second.rows, strict=True))
    return attrs.evolve(block, columns=tuple(both(column, other) for column, other in
                                             zip(block.columns, second.columns, strict=True)),
                        rows=rows, caption=both(block.caption or "", second.caption) or None, second=None)


def _value_after_label(label: str, value: str) -> str:
    """A field's value with its left-to-right runs isolated (`isolate_left_to_right`):
    after a right-to-left label on the same line its leading run too, or the bidi
    algorithm splits that run at its brackets ("deficiency (الحالة الرئيسية); Epilepsy"
    drawn with the brackets and the semicolon at the far end of the line, H138)."""
    from rarepassport.rendering._verify import _has_rtl, isolate_left_to_right

    return isolate_left_to_right(value, leading=_has_rtl(label))


def _align(text: str) -> str:
    """``"R"`` for a paragraph that reads right to left (Arabic, Hebrew), else ``"L"``."""
    from rarepassport.rendering._verify import is_right_to_left

    return "R" if is_right_to_left(text) else "L"


def _needs_stacking(pdf: Any, block: Table, available: float, padding: float) -> bool:
    """Whether the columns' longest words (in the current font) do not fit side by side."""
    if len(block.columns) < 4:
        return False  # two or three columns always get a readable share
    total = 0.0
    for index in range(len(block.columns)):
        cells = [block.columns[index]] + [row[index] for row in block.rows if index < len(row)]
        words = {word for cell in cells for word in cell.split()} or {"-"}
        total += max(pdf.get_string_width(word) for word in words) + 2 * padding + 0.5
    return total > available


def _column_widths(pdf: Any, block: Table, available: float, padding: float) -> tuple[float, ...]:
    """Column widths in mm, the way browsers size automatic tables.

    Every column first gets its longest word (so words are not broken when it can be
    helped); the space left is shared in proportion to how much more each column
    would like (its longest cell, capped so that one long note cannot take the page).
    """
    count = len(block.columns)
    minimum: list[float] = []
    desired: list[float] = []
    for index in range(count):
        cells = [block.columns[index]] + [row[index] for row in block.rows if index < len(row)]
        words = {word for cell in cells for word in cell.split()} or {"-"}
        # Measured in bold: headings and emphasised rows are bold.
        longest_word = max(pdf.get_string_width(word) for word in words)
        longest_cell = max(pdf.get_string_width(cell) for cell in cells)
        minimum.append(longest_word + 2 * padding + 0.5)
        desired.append(min(longest_cell, available * 0.45) + 2 * padding + 0.5)
    total_min = sum(minimum)
    if total_min >= available:
        # Too many columns for unbroken words: some words must break anyway, so give
        # the wordy columns (notes, reasons) a fair share instead of their longest word.
        blended = [(m * d) ** 0.5 for m, d in zip(minimum, desired, strict=True)]
        return tuple(width * available / sum(blended) for width in blended)
    extra = [max(d - m, 0.0) for m, d in zip(minimum, desired, strict=True)]
    spare = available - total_min
    wanted = sum(extra)
    if wanted <= spare:
        # Everything fits on one line: share what is left evenly.
        return tuple(d + (spare - wanted) / count for d in (m + e for m, e in zip(minimum, extra, strict=True)))
    return tuple(m + e * spare / wanted for m, e in zip(minimum, extra, strict=True))


def render_pdf(
    document: Document,
    *,
    size: str = "a4",
    large_print: bool = False,
    high_contrast: bool = False,
    qr: str | None = None,
    fonts: Sequence[str | os.PathLike[str]] = (),
    base_dir: str | os.PathLike[str] | None = None,
    missing_glyphs: str = "error",
) -> Rendered:
    """Draw a document as a printable PDF, then check the drawn text against the document.

    Args:
        document: The laid-out passport.
        size: ``a4``, ``a5`` or ``letter``.
        large_print: Body text of at least 14 pt with bold headings.
        high_contrast: Black on white with yellow highlights and heavy borders.
        qr: ``"emergency"`` (the emergency essentials as text) or
            ``"link:https://..."`` (the digital passport's address); ``None`` for none.
        fonts: Extra fallback font files for scripts DejaVu Sans cannot draw.
        base_dir: Folder a relative photo path is read from (the passport file's folder).
        missing_glyphs: ``"error"`` (default): a character no available font can draw
            is a [`MissingGlyphsError`][rarepassport.errors.MissingGlyphsError]. ``"mark"``: it is
            drawn as a visible marker (U+FFFD) and a warning says where.

    Returns:
        The PDF, with notices (unreadable photo, characters shown as a marker or
        missing from every font, text shaping unavailable), in the document's language.

    Raises:
        rarepassport.rendering.MissingGlyphsError: A character no font can draw.
        rarepassport.rendering.DrawnTextMismatchError: The text read back from the PDF
            is not what the document asked for (names where, never the text).
        rarepassport.rendering.RenderError: For an unknown size, a bad QR option or font.
    """
    from rarepassport.errors import DrawnTextMismatchError, Message, RenderError
    from rarepassport.rendering._base import Rendered
    from rarepassport.rendering._fonts import BUNDLED_FAMILY, install_fonts, pdf_bytes, shaping_available
    from rarepassport.rendering._photo import load_photo, photo_notice
    from rarepassport.rendering._qr import PDF_QR_LIMIT, qr_content
    from rarepassport.rendering._verify import (
        check_glyphs,
        expected_texts,
        isolate_left_to_right,
        map_document_text,
        verify_pdf_text,
    )

    key = size.lower() if isinstance(size, str) else ""
    if key not in PAGE_SIZES:
        raise RenderError(Message("error.render.page-size", "option size must be one of {choices}, not {value}",
                                  choices=", ".join(PAGE_SIZES), value=repr(size)))
    # Easy read is always large print.
    style = Style.choose(size=key, large_print=large_print or document.easy_read, high_contrast=high_contrast)
    faces = extra_faces(fonts)
    document, notices = check_glyphs(document, faces, missing_glyphs=missing_glyphs)
    asked = document
    if shaping_available():
        # Phone numbers and doses inside Arabic or Hebrew text stay left to right.
        document = map_document_text(document, isolate_left_to_right, field_value=_value_after_label)
    qr_spec = None
    if qr is not None:
        content = qr_content(document, qr, PDF_QR_LIMIT)
        notices.extend(content.notices)
        caption = content.caption
        qr_spec = (content.text, caption)
    photo = None
    if document.photo:
        photo, problem = load_photo(document.photo, base_dir)
        if problem:
            notices.append(photo_notice(document, problem))

    pdf: Any = _make_pdf_class()(orientation="P", unit="mm", format=PAGE_SIZES[key])
    pdf.document, pdf.style, pdf.family = document, style, BUNDLED_FAMILY
    notices.extend(install_fonts(pdf, document_texts(document), faces, document=document))
    pdf.set_margins(style.margin, style.margin + style.small * 0.9, style.margin)
    pdf.set_auto_page_break(True, margin=style.margin)
    pdf.set_title(document.title)
    pdf.set_author(document.person_name)
    pdf.set_subject(document.phrase(f"title.{document.view.value}", name=document.person_name))
    pdf.set_lang(document.language)
    # Viewers show the title, not the file name.
    pdf.viewer_preferences = viewer_preferences(document)
    pdf.set_creator("rarepassport")
    pdf.set_display_mode("fullwidth")
    pdf.set_text_color(*style.text)
    pdf.add_page()
    drawer = _Drawer(pdf, document, style, BUNDLED_FAMILY)
    drawer.title_block(photo, qr_spec)
    for section in document.sections:
        drawer.section(section)
    data = pdf_bytes(pdf)
    # Running headers and footers lie outside the body's top and bottom margins.
    top = max(pdf.t_margin - 2, getattr(pdf, "header_bottom", 0.0))
    problems = verify_pdf_text(data, expected_texts(asked), margins=(top, style.margin - 1))
    if problems:
        raise DrawnTextMismatchError(problems)
    return Rendered.drawn(data, "application/pdf", ".pdf", notices)
