"""QR codes for the PDF and card backends: what they say, and the picture.

The text of the QR code is decided here, once, from the laid-out
:class:`~rarepassport.document.Document` (never from the passport), so both backends
print the same code and nothing outside the view can reach it:

* ``qr="link:https://..."``: the address of the person's digital passport;
* ``qr="emergency"``: the emergency essentials as plain text that any phone camera
  shows without a network: name, date of birth, diagnoses, what to do, allergies,
  time-critical medicines and a contact. Too long for the size limit, it is
  shortened (least urgent lines first), ends with "More in the full passport" and a
  warning says so.

segno is imported only when a code is drawn.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import TYPE_CHECKING

import attrs

from rarepassport.document import Alert, Block, Document, Field, Heading, ListBlock, Paragraph, Table

if TYPE_CHECKING:
    from fpdf import FPDF

__all__ = ["QrContent", "draw_qr", "emergency_qr_text", "qr_content"]

#: Largest emergency text for a full-page passport: a version-25-ish code that a
#: phone still reads from a 35 mm square.
PDF_QR_LIMIT = 900
#: Largest emergency text on a wallet card, where the code is about 18 mm wide.
CARD_QR_LIMIT = 280

# The order in which emergency essentials go into the code: what a paramedic needs
# first stays when the code must be shortened.
_EMERGENCY_QR_SECTIONS: tuple[tuple[str, int | None], ...] = (
    ("diagnoses", None),
    ("emergency", None),
    ("allergies", None),
    ("time_critical_medicines", None),
    ("protocols", None),
    ("avoid", None),
    ("contacts", 1),
)


@attrs.frozen
class QrContent:
    """The text of a QR code and what happened to it.

    Attributes:
        text: What the code says.
        kind: ``link`` or ``emergency``.
        shortened: Whether lines were left off to fit the size limit.
        warnings: Messages for the reader (never containing passport values).
    """

    text: str
    kind: str
    shortened: bool = False
    warnings: tuple[str, ...] = ()


def _block_lines(block: Block) -> Iterator[str]:
    """Short plain-text lines for one block."""
    if isinstance(block, Heading | Paragraph):
        yield block.text
    elif isinstance(block, Alert):
        yield f"{block.title}: {block.text}" if block.title else block.text
    elif isinstance(block, Field):
        yield f"{block.label}: {block.value}"
    elif isinstance(block, ListBlock):
        for number, item in enumerate(block.items, 1):
            yield f"{number}. {item}" if block.ordered else f"- {item}"
    elif isinstance(block, Table):
        for row in block.rows:
            yield ", ".join(cell for cell in row if cell)


def emergency_qr_text(document: Document, limit: int) -> QrContent:
    """The emergency essentials of a document as QR text of at most ``limit`` bytes.

    Args:
        document: The laid-out document (its view decides what may appear).
        limit: Largest size of the text in UTF-8 bytes.

    Returns:
        The text; ``shortened`` is set, and a warning given, when lines were left off.
    """
    more = document.phrase("more_in_full")
    head = [document.person_name, f"{document.phrase('date_of_birth')}: {document.date_of_birth}"]
    body: list[str] = []
    for section_id, max_blocks in _EMERGENCY_QR_SECTIONS:
        section = document.section(section_id)
        if section is None:
            continue
        lines = [line for block in section.blocks[:max_blocks] for line in _block_lines(block)]
        if lines:
            body.append(f"[{section.title}]")
            body.extend(lines)

    def size(lines: list[str]) -> int:
        return len("\n".join(lines).encode("utf-8"))

    full = head + body
    if size(full) <= limit:
        return QrContent(text="\n".join(full), kind="emergency")
    kept = list(full)
    while kept and size([*kept, more]) > limit:
        kept.pop()
    if size([*kept, more]) > limit:
        # Even the name is too long: cut characters, never fail.
        text = "\n".join([*head, more]).encode("utf-8")[:limit].decode("utf-8", "ignore")
    else:
        text = "\n".join([*kept, more])
    left_off = len(full) - len(kept)
    return QrContent(
        text=text,
        kind="emergency",
        shortened=True,
        warnings=(
            f"the emergency QR code holds at most {limit} bytes: {left_off} line(s) were left off "
            f"and it ends with '{more}'",
        ),
    )


def qr_content(document: Document, qr: str, limit: int) -> QrContent:
    """Decide what a QR code says from the ``qr=`` option.

    Args:
        document: The laid-out document.
        qr: ``"emergency"`` or ``"link:https://..."``.
        limit: Largest emergency text in bytes (links are never shortened).

    Raises:
        rarepassport.render.RenderError: For any other value, or a link that is not http(s).
    """
    from rarepassport.render import RenderError

    if qr == "emergency":
        return emergency_qr_text(document, limit)
    if qr.startswith("link:"):
        url = qr[len("link:"):].strip()
        if not url.lower().startswith(("https://", "http://")) or len(url) < 10:
            raise RenderError("option qr: a link must start with https:// or http://, e.g. qr='link:https://...'")
        if len(url.encode("utf-8")) > 2000:
            raise RenderError("option qr: the link is longer than 2,000 bytes; use a shorter address")
        return QrContent(text=url, kind="link")
    raise RenderError("option qr must be 'emergency' or 'link:https://...'")


def draw_qr(pdf: FPDF, text: str, x: float, y: float, size: float, *, title: str) -> None:
    """Draw a QR code as an image of ``size`` × ``size`` (in the PDF's unit) at ``x``, ``y``.

    Args:
        pdf: The document.
        text: What the code says.
        x: Left edge.
        y: Top edge.
        size: Width and height, quiet zone included.
        title: Alternative text for screen readers.
    """
    import segno

    code = segno.make(text, error="m", micro=False)
    buffer = io.BytesIO()
    # One pixel per module, no interpolation: the PDF viewer scales it up crisply.
    code.save(buffer, kind="png", scale=4, border=2)
    buffer.seek(0)
    pdf.image(buffer, x=x, y=y, w=size, h=size, alt_text=title)
