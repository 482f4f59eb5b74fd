"""Helpers the backends that draw with fpdf2 (pdf, card, lock screen) share."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any

from rarepassport.errors import PassportError, RenderError
from rarepassport.rendering._fonts import FontFace, font_face

__all__ = [
    "EMERGENCY_RED",
    "GRAPHIC_GREY",
    "NO_BREAK",
    "ON_EMERGENCY_RED",
    "Colour",
    "css_colour",
    "extra_faces",
    "unbroken",
    "viewer_preferences",
]

Colour = tuple[int, int, int]

# The palette every backend shares, so the card, the PDF, the lock screen and the HTML
# page show the same emergency red. Contrasts (WCAG 2.2) are checked in tests/test_contrast.py.
#: The emergency red: bands, emergency section titles, notices. White text on it is
#: 9.1 : 1 (AAA asks for 7 : 1), and it is 9.1 : 1 as text on white.
EMERGENCY_RED: Colour = (150, 0, 0)
#: Text drawn on the emergency red.
ON_EMERGENCY_RED: Colour = (255, 255, 255)
#: Rules, borders, fold lines: 4.5 : 1 on white (graphics need 3 : 1).
GRAPHIC_GREY: Colour = (118, 118, 118)


def css_colour(colour: Colour) -> str:
    """``colour`` as a CSS hex colour, e.g. ``#960000``."""
    return "#{:02x}{:02x}{:02x}".format(*colour)

# A phone number or a dose broken across two lines is easily misread: their spaces
# are drawn as no-break spaces, so a line breaks before or after them, never inside.
_PHONE = re.compile(r"\+?\(?\d[\d ()-]{4,}\d")
_DOSE = re.compile(r"(\d) (?=(mg|mcg|µg|g|kg|ml|mL|units?|IU|mmol|%)\b)")
NO_BREAK = "\u00a0"


def unbroken(text: str) -> str:
    """``text`` with the spaces inside phone numbers and doses made no-break spaces."""
    text = _PHONE.sub(lambda match: match.group(0).replace(" ", NO_BREAK), text)
    return _DOSE.sub(lambda match: match.group(1) + NO_BREAK, text)


def extra_faces(fonts: str | os.PathLike[str] | Sequence[str | os.PathLike[str]]) -> list[FontFace]:
    """The font files given with ``fonts=`` (``--font``), each checked and parsed."""
    if isinstance(fonts, str | os.PathLike):
        fonts = [fonts]
    faces = []
    for path in fonts:
        try:
            faces.append(font_face(path))
        except PassportError as exc:
            raise RenderError(f"font file (fonts= option, --font on the command line): {exc}") from exc
    return faces


def viewer_preferences(document: object) -> Any:
    """``/ViewerPreferences``: viewers show the document title, not the file name.

    (fpdf2 2.8 writes ``/Direction`` without its leading slash, an invalid PDF, so the
    right-to-left reading order of Arabic documents is not declared there.)
    """
    from fpdf import ViewerPreferences

    return ViewerPreferences(display_doc_title=True)
