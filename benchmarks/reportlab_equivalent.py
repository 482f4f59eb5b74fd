"""A fair ReportLab platypus equivalent of the rarepassport PDF and wallet card.

It draws the *same laid-out document* (``rarepassport.layouts``: the same sections,
headings, fields, lists, tables and alerts, in the same order) with the same bundled
DejaVu Sans faces embedded as subsets, on A4 with the same kind of styles. What it does
not do, and rarepassport does: check every character against the fonts before drawing,
read the finished PDF back and compare it with what was asked (render/_verify.py), draw
the QR code and the emergency box layout. So it is a floor for a platypus document of
this content, not a feature-for-feature copy. Bench-only: ``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import io
from html import escape
from typing import Any

from rarepassport.document import Alert, Document, Field, Heading, ListBlock, Paragraph, Table
from rarepassport.rendering._fonts import bundled_font

_REGISTERED: list[bool] = []


def _register_fonts() -> None:
    if _REGISTERED:
        return
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    face = bundled_font()
    pdfmetrics.registerFont(TTFont("RPSans", str(face.regular)))
    pdfmetrics.registerFont(TTFont("RPSans-Bold", str(face.bold)))
    addMapping("RPSans", 0, 0, "RPSans")
    addMapping("RPSans", 1, 0, "RPSans-Bold")
    _REGISTERED.append(True)


def _styles(base: float) -> dict[str, Any]:
    from reportlab.lib.styles import ParagraphStyle

    body = ParagraphStyle("body", fontName="RPSans", fontSize=base, leading=base * 1.3)
    return {
        "body": body,
        "title": ParagraphStyle("title", parent=body, fontName="RPSans-Bold", fontSize=base * 1.8,
                                leading=base * 2.2),
        "section": ParagraphStyle("section", parent=body, fontName="RPSans-Bold", fontSize=base * 1.35,
                                  leading=base * 1.7, spaceBefore=base * 0.8),
        "heading": ParagraphStyle("heading", parent=body, fontName="RPSans-Bold", fontSize=base * 1.1,
                                  leading=base * 1.4, spaceBefore=base * 0.5),
        "cell": ParagraphStyle("cell", parent=body, fontSize=base * 0.9, leading=base * 1.15),
    }


def _text(value: str) -> str:
    return escape(value).replace("\n", "<br/>")


def _flowables(document: Document, base: float, width: float) -> list[Any]:
    from reportlab.lib import colors
    from reportlab.platypus import ListFlowable, ListItem, Spacer, TableStyle
    from reportlab.platypus import Paragraph as RLParagraph
    from reportlab.platypus import Table as RLTable

    styles = _styles(base)
    story: list[Any] = [
        RLParagraph(_text(document.title), styles["title"]),
        RLParagraph(f"<b>{_text(document.person_name)}</b> · {_text(document.date_of_birth)}", styles["body"]),
    ]
    for section in document.sections:
        story.append(RLParagraph(_text(section.title), styles["section"]))
        for block in section.blocks:
            if isinstance(block, Heading):
                story.append(RLParagraph(_text(block.text), styles["heading"]))
            elif isinstance(block, Paragraph):
                story.append(RLParagraph(_text(block.text), styles["body"]))
            elif isinstance(block, Field):
                story.append(RLParagraph(f"<b>{_text(block.label)}:</b> {_text(block.value)}", styles["body"]))
            elif isinstance(block, ListBlock):
                if block.label:
                    story.append(RLParagraph(f"<b>{_text(block.label)}</b>", styles["body"]))
                story.append(ListFlowable(
                    [ListItem(RLParagraph(_text(item), styles["body"])) for item in block.items],
                    bulletType="1" if block.ordered else "bullet", bulletFontName="RPSans"))
            elif isinstance(block, Table):
                if block.caption:
                    story.append(RLParagraph(f"<b>{_text(block.caption)}</b>", styles["body"]))
                rows = [[RLParagraph(f"<b>{_text(c)}</b>", styles["cell"]) for c in block.columns]]
                rows += [[RLParagraph(_text(c), styles["cell"]) for c in row] for row in block.rows]
                columns = max(len(block.columns), 1)
                table = RLTable(rows, colWidths=[width / columns] * columns, repeatRows=1)
                table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                                           ("VALIGN", (0, 0), (-1, -1), "TOP")]))
                story.append(table)
            elif isinstance(block, Alert):
                title = f"<b>{_text(block.title)}</b> " if block.title else ""
                box = RLTable([[RLParagraph(title + _text(block.text), styles["body"])]], colWidths=[width])
                box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.2, colors.red),
                                         ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#fff0f0"))]))
                story.append(box)
            story.append(Spacer(1, base * 0.3))
    return story


def reportlab_pdf(document: Document) -> bytes:
    """The document as an A4 platypus PDF (DejaVu Sans embedded as subsets)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    _register_fonts()
    out = io.BytesIO()
    template = SimpleDocTemplate(out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm,
                                 topMargin=15 * mm, bottomMargin=15 * mm, title=document.title)
    template.build(_flowables(document, 10, A4[0] - 30 * mm))
    return out.getvalue()


def reportlab_card(texts: list[str]) -> bytes:
    """A two-sided ID-1 card (85.6 × 54 mm) of ``texts`` in 6 pt platypus paragraphs."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph as RLParagraph
    from reportlab.platypus import SimpleDocTemplate

    _register_fonts()
    style = _styles(6)["cell"]
    out = io.BytesIO()
    template = SimpleDocTemplate(out, pagesize=(85.6 * mm, 54 * mm), leftMargin=3 * mm, rightMargin=3 * mm,
                                 topMargin=3 * mm, bottomMargin=3 * mm)
    template.build([RLParagraph(_text(text), style) for text in texts if text])
    return out.getvalue()
