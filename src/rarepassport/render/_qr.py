"""QR codes for the PDF and card backends: what they say, and the picture.

The text of the QR code is decided here, once, from the laid-out
:class:`~rarepassport.document.Document` (never from the passport), so both backends
print the same code and nothing outside the view can reach it:

* ``qr="link:https://..."``: the address of the person's digital passport;
* ``qr="emergency"``: the emergency essentials as plain text that any phone camera
  shows without a network: the wallet card's essentials (name, date of birth,
  diagnoses, emergency summary, allergies, time-critical medicines, protocol steps,
  what to avoid, a contact and the lead clinician). Too long for the size limit, it is
  shortened (least urgent lines first), ends with "More in the full passport" and a
  warning says so.

segno is imported only when a code is drawn.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from rarepassport.document import Document

if TYPE_CHECKING:
    from fpdf import FPDF

    from rarepassport.essentials import CardItem

__all__ = ["QrContent", "draw_qr", "emergency_qr_text", "qr_content"]

#: Largest emergency text for a full-page passport: a version-25-ish code that a
#: phone still reads from a 35 mm square.
PDF_QR_LIMIT = 900
#: Largest emergency text on a wallet card, where the code is about 18 mm wide.
CARD_QR_LIMIT = 280

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


def _qr_lines(document: Document, items: Sequence[CardItem]) -> list[str]:
    lines: list[str] = []
    heading: tuple[str, str] | None = None
    for item in sorted(items, key=lambda i: i.order):
        if (item.group, item.title) != heading:
            heading = (item.group, item.title)
            section = document.section(item.group)
            title = item.title or (section.title if section is not None else "")
            if title:
                lines.append(f"[{title}]")
        number = f"{item.ordered_number}. " if item.ordered_number is not None else "- "
        lines.append(number + item.text)
    return lines


def emergency_qr_text(document: Document, limit: int) -> QrContent:
    """The emergency essentials of a document as QR text of at most ``limit`` bytes.

    The essentials are the wallet card's (:func:`rarepassport.essentials.card_items`),
    with the same priorities: when the text is too long, the least urgent lines are
    left off first and the text ends with "More in the full passport".

    Args:
        document: The laid-out document (its view decides what may appear).
        limit: Largest size of the text in UTF-8 bytes.

    Returns:
        The text; ``shortened`` is set, and a warning given, when lines were left off.
    """
    from rarepassport.essentials import card_items
    from rarepassport.render._card import keep_by_priority

    more = document.phrase("more_in_full")
    head = [document.person_name, f"{document.phrase('date_of_birth')}: {document.date_of_birth}"]
    items = card_items(document)

    def size(lines: list[str]) -> int:
        return len("\n".join(lines).encode("utf-8"))

    if size(head + _qr_lines(document, items)) <= limit:
        return QrContent(text="\n".join(head + _qr_lines(document, items)), kind="emergency")
    kept = keep_by_priority(items, lambda trial: size([*head, *_qr_lines(document, trial), more]) <= limit)
    text = "\n".join([*head, *_qr_lines(document, kept), more])
    if len(text.encode("utf-8")) > limit:
        # Even the name is too long: cut characters, never fail.
        text = text.encode("utf-8")[:limit].decode("utf-8", "ignore")
    left_off = len(items) - len(kept)
    return QrContent(
        text=text,
        kind="emergency",
        shortened=True,
        warnings=(
            f"the emergency QR code holds at most {limit} bytes: {left_off} item(s) were left off "
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
