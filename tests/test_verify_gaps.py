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

import attrs
import pytest
from fpdf import FPDF

import rarepassport as rp
from helpers.drawing import MISSING, drawn, font_for
from helpers.pdftext import poppler_text, pypdf_text
from helpers.scripts import system_fonts  # noqa: F401 (system_fonts: an autouse fixture)
from rarepassport.rendering._verify import expected_texts, isolate_left_to_right, skeleton, verify_pdf_text

TODAY = dt.date(2026, 11, 27)


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


# --- 2. very short texts --------------------------------------------------------------


def table(pdf: FPDF, rows: list[tuple[str, ...]]) -> None:
    for row in rows:
        for cell in row:
            pdf.cell(60, 8, cell)
        pdf.ln()


ROWS = [("Hydrocortisone", "5 mg", "three times a day"), ("Fludrocortisone", "10 mg", "once a day"),
        ("Allergic to latex", "No", "checked today")]


def cells(rows: list[tuple[str, ...]]) -> list[tuple[str, str]]:
    return [(f"row {number}, column {column}", cell)
            for number, row in enumerate(rows, 1) for column, cell in enumerate(row, 1)]


def test_a_short_dose_or_answer_drawn_in_another_row_is_reported() -> None:
    # "5 mg" and "10 mg" swapped between two rows, "No" moved: each is on the page, but
    # not beside the texts drawn next to it.
    pdf = drawn(lambda pdf: table(pdf, ROWS))
    assert verify_pdf_text(pdf, cells(ROWS)) == []
    swapped = [("Hydrocortisone", "10 mg", "three times a day"), ("Fludrocortisone", "5 mg", "once a day"),
               ("Allergic to latex", "checked today", "No")]
    assert verify_pdf_text(pdf, cells(swapped)) == [
        f"row 1, column 2: {MISSING}", f"row 2, column 2: {MISSING}", f"row 3, column 3: {MISSING}"]


def rendered_pdf(passport: rp.Passport, monkeypatch: pytest.MonkeyPatch) -> tuple[bytes, tuple[float, float]]:
    """The pdf backend's PDF of ``passport``, and the header and footer bands its own
    read-back left out (taken from its call of ``verify_pdf_text``)."""
    from rarepassport.rendering import _verify

    bands: list[tuple[float, float]] = []

    def recording(data: bytes, expected: object, *, margins: tuple[float, float]) -> list[str]:
        bands.append(margins)
        return verify_pdf_text(data, expected, margins=margins)  # type: ignore[arg-type]

    monkeypatch.setattr(_verify, "verify_pdf_text", recording)
    pdf = rp.render_rendered(passport, "pdf", today=TODAY, plugins=rp.make_plugin_manager(entry_points=False)).data
    monkeypatch.undo()
    return pdf, bands[0]


def test_a_short_value_is_found_after_its_column_heading_in_a_table_drawn_as_records(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # A table with many columns is drawn one record per row ("Role: GP"): its short cells
    # are found after their own column heading, never after another row's.
    passport = example()
    pdf, margins = rendered_pdf(passport, monkeypatch)
    assert "Role: GP" in pypdf_text(pdf)
    document = rp.layout(passport, "full", today=TODAY)
    care_team = next(section for section in document.sections if section.id == "care_team")
    rows = care_team.blocks[0].rows  # type: ignore[union-attr]
    roles = [row[1] for row in rows]
    assert "GP" in roles and roles.index("GP") > 0
    swapped = list(roles)
    swapped[0], swapped[roles.index("GP")] = "GP", roles[0]
    members = tuple(attrs.evolve(member, role=role) for member, role in zip(passport.care_team, swapped, strict=True))
    changed = attrs.evolve(passport, care_team=members)
    found = verify_pdf_text(pdf, expected_texts(rp.layout(changed, "full", today=TODAY)), margins=margins)
    # Row 1 asks for "GP", drawn in row 4 (the emergency page's specialist contact, which
    # names the role, differs too); row 4's "consultant" is long enough to be anywhere.
    assert f"section 'care_team', block 1 (table), row 1, column 2 (Role): {MISSING}" in found
    assert all("care_team" in problem or "essentials.specialist-contact" in problem for problem in found), found


def test_a_swapped_short_dose_in_a_passport_is_reported_naming_its_row(monkeypatch: pytest.MonkeyPatch) -> None:
    # "5 mg" and "10 mg" are both in the medicines table, each before "by mouth": asked
    # the other way round, neither is beside its own medicine.
    passport = example()
    doses = [medication.dose for medication in passport.medications]
    assert doses[0] == "5 mg" and doses[2] == "10 mg"
    pdf, margins = rendered_pdf(passport, monkeypatch)
    swapped = (attrs.evolve(passport.medications[0], dose="10 mg"), passport.medications[1],
               attrs.evolve(passport.medications[2], dose="5 mg"), *passport.medications[3:])
    found = verify_pdf_text(pdf, expected_texts(rp.layout(attrs.evolve(passport, medications=swapped), "full",
                                                          today=TODAY)), margins=margins)
    assert f"section 'medications', block 1 (table), row 1, column 2 (Dose): {MISSING}" in found
    assert f"section 'medications', block 1 (table), row 3, column 2 (Dose): {MISSING}" in found


# --- 3. brackets around a left-to-right run in right-to-left text -----------------------


def swapped_brackets(text: str) -> str:
    return text.translate(str.maketrans("()[]", ")(]["))


@pytest.mark.parametrize("line", ["الجرعة (10 mg) يوميا", "الجرعة (10 mg)", "اتصل (+44 20 7946 0000) الآن",
                                  "الجرعة [5 mg] و(مساءً)", "الجرعة: (هيدروكورتيزون 10 mg) يوميا",
                                  "أعط (Hydrocortisone 100 mg by mouth) فورا ثم اتصل بالطوارئ على الرقم 999"])
def test_brackets_around_a_dose_or_phone_number_in_an_arabic_line_must_be_on_their_sides(line: str) -> None:
    # Drawn ")10 mg(" (each bracket facing away from the dose) where "(10 mg)" was asked,
    # or the other way round: the brackets are on the page, near the run, but not on
    # its sides. The last line wraps the English run over two lines.
    def draw(text: str) -> bytes:
        return drawn(lambda pdf: pdf.multi_cell(60, 8, isolate_left_to_right(text, leading=True), align="R"),
                     fallback=font_for("ل"), shaping=True)

    assert problems(draw(line), line) == []
    assert problems(draw(swapped_brackets(line)), line) == missing(1)
    assert problems(draw(line), swapped_brackets(line)) == missing(1)


def test_an_arabic_passport_step_with_its_dose_in_brackets_drawn_the_wrong_way_round_is_reported() -> None:
    from helpers.scripts import script_passport

    font_for("ل")
    step = "أعط هيدروكورتيزون (100 mg) فورا"
    passport = script_passport("ar")

    def with_step(text: str) -> rp.Passport:
        protocol = attrs.evolve(passport.emergency.protocols[0], steps=(text,))
        return attrs.evolve(passport, emergency=attrs.evolve(passport.emergency, protocols=(protocol,)))

    def problems_of(drawn_step: str, asked_step: str) -> list[str]:
        pdf = rp.render_rendered(with_step(drawn_step), "pdf", today=TODAY).data
        return verify_pdf_text(pdf, expected_texts(rp.layout(with_step(asked_step), "full", today=TODAY)))

    assert problems_of(step, step) == []
    assert problems_of(swapped_brackets(step), step) == [
        f"section 'protocols', block 2 (list), item 1: {MISSING}"]
