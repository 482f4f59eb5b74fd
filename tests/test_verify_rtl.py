"""The read-back of text with right-to-left letters: strict enough to catch a changed dose.

Text with Arabic letters cannot be looked for whole: extractors give the runs of such a
line in logical or in visual order, reverse Arabic-Indic digits, move neutral signs and
mirror brackets. So it is looked for in parts: each left-to-right run ("100 mg", a
phone number) whole and in order, each Arabic word whole, all at word boundaries and
near one another. Each test renders a real Arabic passport with this machine's Noto
fonts, checks with pypdf and poppler what the page shows, and then checks the PDF
against a document that asked for something else: a dose, a phone number or a word that
differs from what was drawn is reported, naming where it is.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import attrs
import pytest

import rarepassport as rp
from helpers.pdftext import poppler_text, pypdf_text
from helpers.scripts import script_passport, system_fonts  # noqa: F401 (system_fonts: an autouse fixture)
from rarepassport.rendering import _fonts
from rarepassport.rendering._verify import expected_texts, skeleton, verify_pdf_text

TODAY = dt.date(2026, 11, 27)
MISSING = "the PDF does not show this text as written"
STEP_MISSING = [f"section 'protocols', block 2 (list), item 1: {MISSING}"]
STEP = "أعط 100 mg هيدروكورتيزون فورا"  # the protocol step of the Arabic script_passport


@pytest.fixture(autouse=True)
def arabic_fonts() -> None:
    if not any(ord("ل") in _fonts._coverage(face.regular, face.collection_index)
               for face in _fonts.system_fallback_fonts()):
        pytest.skip("no font on this machine draws Arabic (install Debian's fonts-noto-core to run this)")
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler's pdftotext is not installed (Debian: poppler-utils)")


def with_step(passport: rp.Passport, step: str) -> rp.Passport:
    protocol = attrs.evolve(passport.emergency.protocols[0], steps=(step,))
    return attrs.evolve(passport, emergency=attrs.evolve(passport.emergency, protocols=(protocol,)))


def arabic(**changes: object) -> rp.Passport:
    """The Arabic passport, in Arabic, with a second medicine whose dose is 100 micrograms."""
    passport = script_passport("ar")
    medications = (*passport.medications, rp.Medication(name="Fludrocortisone", dose="100 micrograms"))
    return attrs.evolve(passport, medications=medications, **changes)


def shows(pdf: bytes, text: str) -> bool:
    """Both pypdf and poppler read ``text`` (whitespace aside) in the PDF, in either order."""
    wanted = skeleton(text)
    return all(wanted in skeleton(read) or wanted[::-1] in skeleton(read)
               for read in (pypdf_text(pdf), poppler_text(pdf)))


def problems(pdf: bytes, asked: rp.Passport, view: str = "full") -> list[str]:
    """The PDF checked against the texts of ``asked`` laid out (what the PDF should show)."""
    return verify_pdf_text(pdf, expected_texts(rp.layout(asked, view, today=TODAY)))


def pdf_of(passport: rp.Passport) -> bytes:
    return rp.render_rendered(passport, "pdf", today=TODAY).data


def test_the_arabic_passport_as_drawn_is_found() -> None:
    passport = arabic()
    pdf = pdf_of(passport)
    assert problems(pdf, passport) == []


def test_a_dose_inside_an_arabic_step_must_be_found_whole_there_not_elsewhere_on_the_page() -> None:
    # Drawn "10 mg"; the document asks for "100 mg". "100" (the other medicine's
    # "100 micrograms") and "mg" are both on the page, but not together in the step.
    passport = arabic()
    pdf = pdf_of(with_step(passport, "أعط 10 mg هيدروكورتيزون فورا"))
    assert shows(pdf, "10 mg") and shows(pdf, "100 micrograms")
    assert problems(pdf, with_step(passport, STEP)) == STEP_MISSING


def test_a_dose_is_not_found_inside_a_longer_number_or_word() -> None:
    passport = arabic()
    pdf = pdf_of(passport)
    assert shows(pdf, "100 mg")
    for asked in ("أعط 10 mg هيدروكورتيزون فورا", "أعط 00 mg هيدروكورتيزون فورا", "أعط 100 m هيدروكورتيزون فورا"):
        assert problems(pdf, with_step(passport, asked)) == STEP_MISSING, asked


def test_a_phone_number_with_a_digit_more_or_less_beside_an_arabic_label_is_reported() -> None:
    drawn = "اتصل على +966 50 123 4567"
    passport = arabic()
    pdf = pdf_of(with_step(passport, drawn))
    assert shows(pdf, "+966 50 123 4567")
    assert problems(pdf, with_step(passport, drawn)) == []
    for asked in ("اتصل على +966 50 123 456", "اتصل على +966 50 123 45678", "اتصل على +966 5 123 4567",
                  "اتصل على +966 50 123 4568"):
        assert problems(pdf, with_step(passport, asked)) == STEP_MISSING, asked


def test_a_word_from_another_part_of_the_page_does_not_complete_a_text() -> None:
    # "مؤكد" (confirmed) is on the page, in the diagnoses section, not in the step.
    passport = arabic()
    pdf = pdf_of(passport)
    assert shows(pdf, "مؤكد")
    assert problems(pdf, with_step(passport, "أعط 100 mg هيدروكورتيزون مؤكد")) == STEP_MISSING


def test_an_arabic_word_is_not_found_as_a_piece_of_a_longer_word() -> None:
    # Drawn "حسنين"; the document asks for "حسن", which is only a piece of it.
    passport = arabic()
    drawn_person = attrs.evolve(passport.person, name="ليلى حسنين")
    contacts = (attrs.evolve(passport.contacts[0], name="ليلى حسنين"),)
    pdf = pdf_of(attrs.evolve(passport, person=drawn_person, contacts=contacts))
    assert shows(pdf, "حسنين")
    found = problems(pdf, passport)
    assert found and all(MISSING in problem for problem in found)
    assert any("$.person.name" in problem for problem in found)


def test_a_left_to_right_value_in_an_arabic_document_is_found_at_word_boundaries() -> None:
    # A table cell without Arabic letters: drawn "5 mg", asked "5 m".
    passport = arabic()
    pdf = pdf_of(passport)
    asked = attrs.evolve(passport, medications=(attrs.evolve(passport.medications[0], dose="5 m"),
                                                *passport.medications[1:]))
    assert problems(pdf, asked) == [
        f"section 'emergency', block 3 (field essentials.time-critical), value: {MISSING}",
        f"section 'time_critical_medicines', block 2 (table), row 1, column 2 (الجرعة): {MISSING}"]


def test_an_english_allergy_after_an_arabic_label_on_the_card_keeps_its_substance_first() -> None:
    # "Latex (Hives and wheeze, شديدة)" after "الحساسية:": its leading English run was
    # not isolated, so the bidi algorithm split it at the bracket and printed "Hives and
    # wheeze) Latex", the reaction where the substance belongs. The strict read-back
    # found it (the run not whole); the run is now isolated and the card drawn.
    from pathlib import Path

    example = Path(__file__).resolve().parent.parent / "examples" / "adult-several-conditions.yaml"
    data = rp.render_rendered(rp.load(example), "card", language="ar",
                              plugins=rp.make_plugin_manager(entry_points=False), today=TODAY).data
    line = next(line for line in poppler_text(data).splitlines() if "Latex" in line)
    assert skeleton("Latex (Hives and wheeze") in skeleton(line)
    assert skeleton("Latex (Hives and wheeze") in skeleton(pypdf_text(data))


@pytest.mark.parametrize("example", ["conditions/dravet-syndrome.json", "adult-undiagnosed.json"])
def test_real_arabic_outputs_with_marks_and_wrapped_english_runs_verify(example: str) -> None:
    # A tanween after a word's last letter ("عادةً"), and an English diagnosis wrapped over
    # lines with its bracket moved where the line breaks: both are drawn as written.
    from pathlib import Path

    source = Path(__file__).resolve().parent.parent / "examples" / example
    rendered = rp.render_rendered(rp.load(source), "pdf", "emergency", language="ar",
                                  plugins=rp.make_plugin_manager(entry_points=False), today=TODAY)
    assert shows(rendered.data, "Type 2 diabetes") or shows(rendered.data, "عادة")


EXAMPLE = Path(__file__).parent.parent / "examples" / "child-several-diagnoses.json"


def test_an_english_value_after_an_arabic_label_keeps_its_brackets_and_signs_in_the_pdf() -> None:
    # The diagnoses of an English passport on an Arabic easy-read page: "Medium-chain ...
    # deficiency (الحالة الرئيسية); Epilepsy (...)" after the Arabic label, wrapped.
    # The value's leading English run was not isolated, so the bidi algorithm split it
    # at its brackets and the wrapped line was drawn "); Epilepsy (generalised
    # tonic-clonicالحالة الرئيسيةdeficiency (": brackets and semicolon at the far end.
    passport = rp.load(EXAMPLE)
    pdf = rp.render_rendered(passport, "pdf", language="ar", today=TODAY, easy_read=True,
                             plugins=rp.make_plugin_manager(entry_points=False)).data
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler's pdftotext is not installed")
    layout_text = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", "-", "-"], input=pdf,
                                 capture_output=True, check=True).stdout.decode("utf-8")
    lines = [line for line in layout_text.splitlines() if "Epilepsy (generalised" in line]
    assert lines, "the wrapped diagnosis line is on page 1"
    visible = lines[0].strip().lstrip("\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u200e\u200f").lstrip()
    assert visible.startswith("Epilepsy"), visible


def test_arabic_words_either_side_of_a_slash_are_found_and_a_changed_one_is_not() -> None:
    # "مستوى العامل الأساسي (وحدة دولية/دسل)", the haemophilia plugin's Arabic label for the
    # baseline factor level: WeasyPrint draws each side of the slash as a piece of its
    # own, in visual order, so "دولية/دسل" is never one piece; the accessible PDF was
    # refused. Each side is now a word of its own, the slash a sign near them.
    pytest.importorskip("weasyprint")
    source = Path(__file__).resolve().parent.parent / "examples" / "conditions" / "haemophilia.json"
    document = rp.layout(rp.load(source), "emergency", language="ar", today=TODAY)
    pdf = rp.render_document(document, "accessible-pdf").data  # refused before
    [label] = [text for where, text in expected_texts(document) if "baseline_factor_level" in where
               and where.endswith("label")]
    assert "/" in label
    assert verify_pdf_text(pdf, [("label", label)]) == []
    # A unit changed on one side of the slash is still reported.
    changed = label.replace("دسل", "لتر")
    assert verify_pdf_text(pdf, [("label", changed)]) == [f"label: {MISSING}"]
