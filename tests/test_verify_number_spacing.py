"""The read-back compares how digits are grouped (H172).

The read-back ignores whitespace inside a text (extractors add spaces from glyph
positions and wrap lines), so a dose "100 mg" drawn "10 0 mg", or a phone number
"0121 496 0500" drawn "01214 960500", once matched. Between two digits a space (or no
space) in the text must now be whitespace (or none) in what the extractor read.

Each test renders a real passport whose text says the wrong thing, checks with pypdf
and poppler that the page shows it so, and then checks that PDF against the texts of
the passport that says the right thing (as tests/test_verify_rtl.py does): the place is
reported. The passports as drawn still pass.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import unicodedata

import attrs
import pytest

import rarepassport as rp
from helpers.pdftext import poppler_text, pypdf_text
from helpers.scripts import script_passport, system_fonts  # noqa: F401 (system_fonts: an autouse fixture)
from rarepassport.rendering import _fonts
from rarepassport.rendering._verify import _Spaced, expected_texts, not_drawn, verify_pdf_text

TODAY = dt.date(2026, 11, 27)
STEP_PLACE = "section 'protocols', block 2 (list), item 1"
MISSING = "the PDF does not show this text as written"
PHONE = "0121 496 0500"

STEPS = {
    "en": "Give 100 mg hydrocortisone at once, then call {phone}",
    "ar": "أعط 100 mg هيدروكورتيزون فورا ثم اتصل على {phone}",
}


@pytest.fixture(autouse=True)
def readers_and_fonts() -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler's pdftotext is not installed (Debian: poppler-utils)")
    if not any(ord("ل") in _fonts._coverage(face.regular, face.collection_index)
               for face in _fonts.system_fallback_fonts()):
        pytest.skip("no font on this machine draws Arabic (install Debian's fonts-noto-core to run this)")


def passport(language: str, *, dose: str = "100 mg", phone: str = PHONE, contact: str | None = None) -> rp.Passport:
    """The script passport in ``language`` whose protocol step gives ``dose`` and says to
    call ``phone``; its contact's phone is ``contact`` (the passport's own by default)."""
    base = script_passport(language)
    step = STEPS[language].replace("100 mg", dose).format(phone=phone)
    protocol = attrs.evolve(base.emergency.protocols[0], steps=(step,))
    contacts = base.contacts if contact is None else (attrs.evolve(base.contacts[0], phone=contact),)
    return attrs.evolve(base, emergency=attrs.evolve(base.emergency, protocols=(protocol,)), contacts=contacts)


def render(asked: rp.Passport, backend: str = "pdf") -> bytes:
    return rp.render_rendered(asked, backend, today=TODAY).data


def problems(pdf: bytes, asked: rp.Passport, view: str = "full") -> list[str]:
    """The PDF checked against the texts of ``asked`` laid out (what the PDF should show)."""
    return verify_pdf_text(pdf, expected_texts(rp.layout(asked, view, today=TODAY)))


def shows(pdf: bytes, drawn: str) -> bool:
    """Both pypdf and poppler read ``drawn`` with its spaces (any whitespace; format
    characters aside; or all reversed: pypdf may give Arabic-Indic digits so)."""
    wanted = re.compile(r"\s+".join(re.escape(group) for group in drawn.split()))
    backwards = re.compile(r"\s+".join(re.escape(group[::-1]) for group in reversed(drawn.split())))
    reads = ["".join(char for char in read if unicodedata.category(char) != "Cf")  # isolates, marks
             for read in (pypdf_text(pdf), poppler_text(pdf))]
    return all(wanted.search(read) or backwards.search(read) for read in reads)


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("backend", ["pdf", "card"])
def test_correctly_grouped_numbers_pass(language: str, backend: str) -> None:
    # Rendering checks the card's own texts (it raises when one is not found); the
    # PDF is checked here against every text of its layout too.
    asked = passport(language)
    pdf = render(asked, backend)
    assert shows(pdf, "100 mg") and shows(pdf, "+44 20 7946 0000")
    assert verify_pdf_text(pdf, [("phone", "+44 20 7946 0000")]) == []
    if backend == "pdf":
        assert shows(pdf, PHONE)
        assert problems(pdf, asked) == []


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_dose_with_a_space_inside_its_number_is_reported(language: str) -> None:
    drawn = passport(language, dose="10 0 mg")
    pdf = render(drawn)
    assert shows(pdf, "10 0 mg")
    assert problems(pdf, drawn) == []
    assert problems(pdf, passport(language)) == [f"{STEP_PLACE}: {MISSING}"]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_dose_whose_space_was_dropped_is_reported(language: str) -> None:
    # Asked "10 0 mg" (two numbers), drawn "100 mg".
    pdf = render(passport(language))
    assert problems(pdf, passport(language, dose="10 0 mg")) == [f"{STEP_PLACE}: {MISSING}"]


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("regrouped", ["01214 960500", "0121 4960 500", "01214960500", "0 121 496 0500"])
def test_a_phone_number_regrouped_in_a_step_is_reported(language: str, regrouped: str) -> None:
    drawn = passport(language, phone=regrouped)
    pdf = render(drawn)
    assert shows(pdf, regrouped)
    assert problems(pdf, drawn) == []
    assert problems(pdf, passport(language)) == [f"{STEP_PLACE}: {MISSING}"]


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("backend", ["pdf", "card"])
def test_a_contact_s_phone_number_regrouped_is_reported_wherever_it_is_drawn(language: str, backend: str) -> None:
    # The contact's phone: a table cell and the emergency summary in the PDF, a line of
    # the card; drawn with no-break spaces (never split over lines).
    drawn = passport(language, contact="+44 207 946 0000")
    pdf = render(drawn, backend)
    assert shows(pdf, "+44 207 946 0000")
    assert verify_pdf_text(pdf, [("phone", "+44 207 946 0000")]) == []
    assert verify_pdf_text(pdf, [("phone", "+44 20 7946 0000")]) == [f"phone: {MISSING}"]
    if backend == "pdf":
        assert problems(pdf, drawn) == []
        asked = passport(language)  # "+44 20 7946 0000"
        expected = [not_drawn(where) for where, text in expected_texts(rp.layout(asked, "full", today=TODAY))
                    if "7946" in text]
        assert len(expected) >= 2 and problems(pdf, asked) == expected


def test_arabic_indic_digits_regrouped_are_reported() -> None:
    # pypdf gives Arabic-Indic digits reversed, each group a word of its own; a group
    # joined to the next was already not found at a word boundary, a group split in two
    # is found only with the spaces compared.
    asked = passport("ar", phone="٠١٢١٤٩٦٠٥٠٠")
    drawn = passport("ar", phone="٠١٢١٤٩٦ ٠٥٠٠")
    pdf = render(drawn)
    assert shows(pdf, "٠١٢١٤٩٦ ٠٥٠٠")
    assert problems(pdf, drawn) == []
    assert problems(pdf, asked) == [f"{STEP_PLACE}: {MISSING}"]
    assert problems(render(asked), asked) == []


def test_a_number_read_as_pieces_or_wrapped_may_be_either_at_that_place_only() -> None:
    # Where one drawn piece ends and the next begins with no whitespace read between
    # them, the extractor does not say whether the glyphs were apart; where a line
    # breaks inside a number (the Chinese card wraps a contact's phone number after its
    # last group's third digit) the digits are drawn in order. Either is accepted
    # there. Whitespace read on a line, or none inside a piece, is compared.
    assert _Spaced.of(["Call 0121 496 050\r\n0"]).find(PHONE, 0, 99, strict=True) is not None
    assert _Spaced.of(["Call 0121\n496 0500"]).find(PHONE, 0, 99, strict=True) is not None
    assert _Spaced.of(["Call 0121 496 050\n0", " 0121 4960 500"]).find(PHONE, 0, 99, strict=True) == (4, 15)
    assert _Spaced.of(["Call 0121", "496 0500"]).find(PHONE, 0, 99, strict=True) is not None
    assert _Spaced.of(["Call 012", "1 496 0500"]).find(PHONE, 0, 99, strict=True) is not None
    assert _Spaced.of(["Call 0121", " ", "496\u00a00500"]).find(PHONE, 0, 99, strict=True) is not None
    assert _Spaced.of(["Call 0121 4960 500"]).find(PHONE, 0, 99, strict=True) is None
    assert _Spaced.of(["Call 012", " ", "1 496 0500"]).find(PHONE, 0, 99, strict=True) is None
    # Format characters (isolates, direction marks) between digits are no space.
    assert _Spaced.of(["Call 0121\u2069\u2066496 0500"]).find(PHONE, 0, 99, strict=True) is None
    assert _Spaced.of(["Call \u20660121\u00a0496\u00a00500\u2069"]).find(PHONE, 0, 99, strict=True) is not None
