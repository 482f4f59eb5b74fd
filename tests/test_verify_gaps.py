"""The read-back's known gaps closed (issue 12): a space moved inside a phone number or
dose, a very short text found anywhere on the page, a bracket around a left-to-right run
inside right-to-left text not on its side.

Each is a clinical hazard (docs/safety.md, H165-H167): "07700 900123" printed
"0770 0900123" dials someone else; a dose "5" printed in the wrong row is a wrong dose.
Each test draws a real PDF (with fpdf2, or a whole passport with the pdf or card
backend), reads it back with the renderers' own check (``verify_pdf_text``) and checks
that what was drawn is found and that a text drawn otherwise is reported, naming where.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import attrs
import pytest
from fpdf import FPDF

import rarepassport as rp
from helpers.pdftext import poppler_text, pypdf_text
from helpers.scripts import system_fonts  # noqa: F401 (system_fonts: an autouse fixture)
from rarepassport.rendering import _fonts
from rarepassport.rendering._verify import expected_texts, isolate_left_to_right, skeleton, verify_pdf_text

TODAY = dt.date(2026, 11, 27)
MISSING = "the PDF does not show this text as written"


def font_for(char: str) -> str:
    for face in _fonts.system_fallback_fonts():
        if ord(char) in _fonts._coverage(face.regular, face.collection_index):
            return str(face.regular)
    pytest.skip(f"no font on this machine draws U+{ord(char):04X} "
                "(install Debian's fonts-noto-core to run this)")


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


def problems(pdf: bytes, *texts: str) -> list[str]:
    return verify_pdf_text(pdf, [(f"text {number}", text) for number, text in enumerate(texts, 1)])


def missing(*numbers: int) -> list[str]:
    return [f"text {number}: {MISSING}" for number in numbers]


# --- 1. spaces inside a drawn text --------------------------------------------------


def test_a_space_moved_added_or_dropped_inside_a_phone_number_or_dose_is_reported() -> None:
    pdf = drawn(lambda pdf: pdf.multi_cell(0, 6, "Call 07700 900123 at once; give 2.5 mg hydrocortisone."))
    assert problems(pdf, "07700 900123", "2.5 mg", "give 2.5 mg hydrocortisone") == []
    assert problems(pdf, "07700900123", "0770 0900123", "07700 9001 23", "2.5mg", "give 2.5 mghydrocortisone") \
        == missing(1, 2, 3, 4, 5)


def test_a_text_wrapped_over_lines_is_still_found_with_its_spaces_at_the_line_breaks() -> None:
    # The space where a line breaks comes back as a line break; a hyphen that ends a
    # line needs no space after it. Neither is a space moved.
    text = "Give hydrocortisone 100 mg by injection into the thigh, then call 999 and say adrenal crisis."
    pdf = drawn(lambda pdf: pdf.multi_cell(45, 6, text + " Long-acting insulin."))
    assert problems(pdf, text, "Long-acting insulin.") == []
    assert problems(pdf, text.replace("thigh, then", "thigh,then"), "Longacting insulin.") == missing(1, 2)


def with_contact_and_dose(passport: rp.Passport, phone: str, dose: str) -> rp.Passport:
    contacts = (attrs.evolve(passport.contacts[0], phone=phone), *passport.contacts[1:])
    medications = (attrs.evolve(passport.medications[0], dose=dose), *passport.medications[1:])
    return attrs.evolve(passport, contacts=contacts, medications=medications)


def example(name: str = "adult-several-conditions.yaml") -> rp.Passport:
    from pathlib import Path

    return rp.load(Path(__file__).resolve().parent.parent / "examples" / name)


@pytest.mark.parametrize("format", ["pdf", "card"])
def test_a_passport_drawn_with_a_phone_number_spaced_otherwise_is_reported(format: str) -> None:
    # The pdf and card backends' own drawing: the emergency contact "07700 900123" and
    # (in the pdf) the dose "2.5 mg" are found as drawn; asked with a space moved, added or dropped,
    # each place is reported.
    passport = with_contact_and_dose(example(), "07700 900123", "2.5 mg")
    pdf = rp.render_rendered(passport, format, today=TODAY, plugins=rp.make_plugin_manager(entry_points=False)).data
    assert "07700 900123" in pypdf_text(pdf) and "07700 900123" in poppler_text(pdf)
    asked = [(where, text) for where, text in expected_texts(rp.layout(passport, "emergency", today=TODAY))
             if "07700 900123" in text or (text == "2.5 mg" and format == "pdf")]  # the card: no doses
    assert len(asked) == (3 if format == "pdf" else 2) and verify_pdf_text(pdf, asked) == []
    for phone, dose in (("0770 0900123", "2.5mg"), ("07700900123", "2. 5 mg"), ("077 00900 123", "2.5 m g")):
        changed = [(where, text.replace("07700 900123", phone).replace("2.5 mg", dose)) for where, text in asked]
        assert verify_pdf_text(pdf, changed) == [f"{where}: {MISSING}" for where, _text in asked], phone


def test_a_phone_number_spaced_otherwise_in_an_arabic_line_is_reported() -> None:
    line = "اتصل على 07700 900123 فورا"
    pdf = drawn(lambda pdf: pdf.multi_cell(0, 8, isolate_left_to_right(line, leading=True), align="R"),
                fallback=font_for("ل"), shaping=True)
    assert skeleton("07700 900123") in skeleton(pypdf_text(pdf))
    assert problems(pdf, line, "07700 900123") == []
    assert problems(pdf, line.replace("07700 900123", "0770 0900123"), "07700900123",
                    line.replace("07700 900123", "07700900123")) == missing(1, 2, 3)
