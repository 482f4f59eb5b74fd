"""One-page PDFs drawn with plain fpdf2, for the read-back tests (test_verify_*)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fpdf import FPDF

from rarepassport.rendering import _fonts

MISSING = "the PDF does not show this text as written"


def font_for(char: str) -> str:
    """A system font file that draws ``char`` (the test is skipped when there is none)."""
    for face in _fonts.system_fallback_fonts():
        if ord(char) in _fonts._coverage(face.regular, face.collection_index):
            return str(face.regular)
    pytest.skip(f"no font on this machine draws U+{ord(char):04X} "
                "(install Debian's fonts-noto-core and fonts-noto-cjk to run this)")


def drawn(draw: Callable[[FPDF], object], *, fallback: str | None = None, shaping: bool = False) -> bytes:
    """A one-page A4 PDF drawn by ``draw`` in DejaVu Sans 12 pt (and a fallback font)."""
    pdf = FPDF()
    pdf.add_font("main", "", str(_fonts.bundled_font().regular))
    if fallback is not None:
        pdf.add_font("fallback", "", fallback)
        pdf.set_fallback_fonts(["fallback"], exact_match=False)
    if shaping:
        pdf.set_text_shaping(True)
    pdf.add_page()
    pdf.set_font("main", "", 12)
    draw(pdf)
    return bytes(pdf.output())
