"""QR codes for the PDF and card backends: what they say, and the picture.

The text of the QR code comes from the document's emergency essentials
([`essentials`][rarepassport.Document], built by layout from the passport
for the document's view), so every backend prints the same code, in the same clinical
priority order as the wallet card, and nothing outside the view can reach it:

* ``qr="link:https://..."``: the address of the person's digital passport;
* ``qr="emergency"``: the emergency essentials as plain text that any phone camera
  shows without a network. Every line is labelled (``Allergies: ...``,
  ``Emergency contact: ...``), label and value joined as the document's language writes
  it (``phrase.label_value``: ``Allergies : ...`` in French). Too long for the size limit, it is shortened by
  [`rarepassport.essentials.fit`][] — the first class that does not fit whole says
  how many of its items are missing, nothing less urgent follows, and the text ends
  with "More in the full passport".

Codes are UTF-8 with an ECI header, so standard readers show "50 µg" and "≥ 38 °C" as
written instead of guessing another character set. segno is imported only when a code
is drawn.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from rarepassport.document import Document, RenderNotice
from rarepassport.essentials import EssentialGroup, Essentials, fit, join_label

if TYPE_CHECKING:
    import segno
    from fpdf import FPDF

__all__ = [
    "CARD_QR_BYTES",
    "CARD_QR_LIMIT",
    "PDF_QR_LIMIT",
    "QrContent",
    "draw_qr",
    "emergency_qr_text",
    "qr_content",
    "qr_image",
    "qr_modules",
]

#: Largest emergency text for a full-page passport, in UTF-8 bytes: a code that a
#: phone still reads from a 35 mm square.
PDF_QR_LIMIT = 900
#: Largest emergency text on a wallet card, in characters: for English (one byte a
#: character) a code of 73 modules (version 12, quiet zone included), 17 mm wide.
CARD_QR_LIMIT = 280
#: Largest emergency text on a wallet card, in UTF-8 bytes: a code of 93 modules
#: (version 17), which at the 17-mm code's module size (0.23 mm) is 21.7 mm wide, the
#: largest the back of the card holds beside readable text. Devanagari and Chinese take
#: three bytes a character, so a Hindi passport's name and dates alone took more than
#: 280 bytes and no code could be made; the code grows instead, its modules the same
#: size, as on the lock screen.
CARD_QR_BYTES = 500


@attrs.frozen
class QrContent:
    """The text of a QR code and what happened to it.

    Attributes:
        text: What the code says.
        kind: ``link`` or ``emergency``.
        shortened: Whether lines were left off to fit the size limit.
        notices: Notices for the reader (never containing passport values).
        caption: What the words beside the code say it holds ("Scan for the full
            passport" for a link, "Scan for emergency details" otherwise), chosen here
            once for every backend.
    """

    text: str
    kind: str
    shortened: bool = False
    notices: tuple[RenderNotice, ...] = ()
    caption: str = ""


def _group_lines(group: EssentialGroup) -> list[str]:
    # Labels and values are joined as the language writes it (phrase.label_value).
    join = group.label_value
    if group.run_on:
        text = group.text()
        return [join_label(join, group.title, text) if group.title else text]
    lines = [join_label(join, group.title, "").strip()] if group.title else []
    for item in group.items:
        if item.number is not None:
            lines.append(f"{item.number}. {item.text}")
        else:
            lines.append(join_label(join, item.lead, item.text) if item.lead else item.text)
    if group.more:
        lines.append(group.more)
    return lines


def _fits(text: str, limit: int, most_bytes: int | None) -> bool:
    """Whether ``text`` fits a code of ``limit`` bytes, or of ``limit`` characters in at most ``most_bytes``."""
    size = len(text.encode("utf-8"))
    return size <= limit if most_bytes is None else len(text) <= limit and size <= most_bytes


def _text(essentials: Essentials, groups: Sequence[EssentialGroup], shown: Sequence[EssentialGroup],
          limit: int, most_bytes: int | None = None) -> str:
    """The text for ``shown``, ending with the most informative ending line that fits."""
    lines = [*essentials.identity_lines, *essentials.currency_lines]
    for group in shown:
        lines += _group_lines(group)
    texts = ["\n".join([*lines, ending] if ending else lines) for ending in essentials.endings(groups, shown)]
    # The plain "More in the full passport" only when no ending that names what is left off fits.
    return next((text for text in texts if _fits(text, limit, most_bytes)), "\n".join([*lines, essentials.more_in_full])
                if texts[-1] != "\n".join(lines) else texts[-1])


def emergency_qr_text(document: Document, limit: int, *, most_bytes: int | None = None) -> QrContent:
    """The emergency essentials of a document as QR text of at most ``limit`` bytes.

    Args:
        document: The laid-out document (its view decides what may appear).
        limit: Largest size of the text in UTF-8 bytes; with ``most_bytes``, in characters.
        most_bytes: With it, the text may hold ``limit`` characters as long as they take
            at most this many UTF-8 bytes: a code that grows (module size unchanged) for
            a script of three bytes a character (Devanagari, Chinese), so that a Hindi
            passport's code holds as much as an English one's, not a third of it.

    Returns:
        The text; ``shortened`` is set when lines were left off (the text says so).
    """
    from rarepassport.errors import Message, RenderError

    essentials = document.essentials
    if essentials is None:
        raise RenderError("an emergency QR code needs a document laid out by rarepassport.layout()")
    groups = list(essentials.groups)

    def fits(shown: Sequence[EssentialGroup]) -> bool:
        return _fits(_text(essentials, groups, shown, limit, most_bytes), limit, most_bytes)

    if fits(groups):
        return QrContent(text=_text(essentials, groups, groups, limit, most_bytes), kind="emergency")
    shown = fit(groups, fits)
    text = _text(essentials, groups, shown, limit, most_bytes)
    if not _fits(text, limit, most_bytes):
        # Even the name and the dates are too long for the code: refuse rather than
        # print a code that cuts a name or a date in half.
        if most_bytes is None:
            raise RenderError(Message(
                "error.render.qr-too-long.bytes", "option qr: the person's name and dates alone are longer than the "
                "{limit} bytes a QR code of this size holds; use qr='link:https://...' instead", limit=limit))
        raise RenderError(Message(
            "error.render.qr-too-long.characters", "option qr: the person's name and dates alone are longer than the "
            "{limit} characters a QR code of this size holds; use qr='link:https://...' instead", limit=limit))
    return QrContent(text=text, kind="emergency", shortened=True)


def qr_content(document: Document, qr: str, limit: int, *, most_bytes: int | None = None) -> QrContent:
    """Decide what a QR code says from the ``qr=`` option.

    Args:
        document: The laid-out document.
        qr: ``"emergency"`` or ``"link:https://..."``.
        limit: Largest emergency text in bytes (links are never shortened).
        most_bytes: As for `emergency_qr_text`: ``limit`` counts characters, the text
            taking at most this many bytes.

    Raises:
        rarepassport.rendering.RenderError: For any other value, or a link that is not http(s).
    """
    from rarepassport.errors import Message, RenderError

    if qr == "emergency":
        content = emergency_qr_text(document, limit, most_bytes=most_bytes)
        return attrs.evolve(content, caption=document.phrase("scan_for_emergency"))
    if qr.startswith("link:"):
        url = qr[len("link:"):].strip()
        if not url.lower().startswith(("https://", "http://")) or len(url) < 10:
            raise RenderError(Message("error.render.qr-link-scheme",
                                      "option qr: a link must start with https:// or http://, e.g. qr='link:https://...'"))
        if len(url.encode("utf-8")) > 2000:
            raise RenderError(Message("error.render.qr-link-length",
                                      "option qr: the link is longer than 2,000 bytes; use a shorter address"))
        return QrContent(text=url, kind="link", caption=document.phrase("scan_for_more"))
    raise RenderError(Message("error.render.qr-option", "option qr must be 'emergency' or 'link:https://...'"))


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
    pdf.image(qr_image(text), x=x, y=y, w=size, h=size, alt_text=title)


def _make(text: str) -> segno.QRCode:
    import segno

    # ECI 26 (UTF-8) tells the reader the character set; without it many readers take
    # the bytes as Shift JIS or Latin-1 and show "50 ﾂｵg" for "50 µg".
    return segno.make(text, error="m", micro=False, encoding="utf-8", eci=True)


def qr_modules(text: str) -> int:
    """The side of the code for ``text`` in modules, its quiet zone (4 modules a side) included."""
    width, _height = _make(text).symbol_size(scale=1, border=4)
    return int(width)


def qr_image(text: str, *, scale: int = 4) -> io.BytesIO:
    """A PNG of the QR code for ``text``: UTF-8 with an ECI header, error correction M.

    Args:
        text: What the code says.
        scale: Pixels per module.
    """
    code = _make(text)
    buffer = io.BytesIO()
    # Few pixels per module, no interpolation: the PDF viewer scales it up crisply.
    code.save(buffer, kind="png", scale=scale, border=4)
    buffer.seek(0)
    return buffer
