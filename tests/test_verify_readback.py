"""The renderers' read-back: what PDFium gives differently, and that every gap is still caught.

The pdf and card backends read their own PDF back with PDFium (pypdfium2), and with
pypdf when a text is in a script fpdf2 shapes (Arabic, Hebrew, Devanagari), then check
that every text layout asked for is there as written (``verify_pdf_text``). Each test
draws a real PDF with plain fpdf2 and the bundled DejaVu Sans (the Noto fonts of this
machine for other scripts) and checks it: what PDFium reads its own way must still be
found, and a text drawn wrong must still be reported, naming where it is.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Callable

import pytest
from fpdf import FPDF

from helpers.scripts import system_fonts  # noqa: F401 (system_fonts: an autouse fixture)
from rarepassport.rendering import _fonts
from rarepassport.rendering._verify import (
    _MAYBE_RTL,
    isolate_left_to_right,
    missing_in_order,
    read_pdf_text,
    verify_pdf_text,
)

MISSING = "the PDF does not show this text as written"


def font_for(char: str) -> str:
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


def problems(pdf: bytes, *texts: str, margins: tuple[float, float] | None = None) -> list[str]:
    return verify_pdf_text(pdf, [(f"text {number}", text) for number, text in enumerate(texts, 1)],
                           margins=margins)


def test_a_word_broken_after_its_hyphen_at_the_end_of_a_line_is_found() -> None:
    # PDFium marks a hyphen that ends a line before a letter as a broken word's
    # hyphen and gives it back as a special code, not "-".
    pdf = drawn(lambda pdf: (pdf.cell(0, 6, "long-", new_x="LMARGIN", new_y="NEXT"), pdf.cell(0, 6, "acting")))
    assert problems(pdf, "long-acting") == []
    assert problems(pdf, "longacting") == [f"text 1: {MISSING}"]


def test_a_soft_hyphen_printed_as_a_hyphen_where_the_line_breaks_is_found() -> None:
    pdf = drawn(lambda pdf: pdf.multi_cell(28, 6, "Hydro\u00adcortisone now"))
    assert "Hydro-" in read_pdf_text(pdf)[0].replace("\n", "").replace("\r", "")
    assert problems(pdf, "Hydro\u00adcortisone now") == []
    assert problems(pdf, "Hydro\u00adcortisne now") == [f"text 1: {MISSING}"]


def test_a_changed_digit_or_a_missing_word_is_reported_naming_where() -> None:
    pdf = drawn(lambda pdf: pdf.multi_cell(0, 6, "Give hydrocortisone 100 mg by injection, then call 999."))
    assert problems(pdf, "hydrocortisone 100 mg", "then call 999") == []
    assert problems(pdf, "hydrocortisone 1000 mg", "by intramuscular injection") == [
        f"text 1: {MISSING}", f"text 2: {MISSING}"]


def test_a_dose_whose_words_are_each_elsewhere_on_the_page_is_still_reported() -> None:
    # "10 mg" is not drawn, but "10" (inside "100") and "mg" are, and so is "every 10
    # hours": a left-to-right document's text must be found whole, never word by word.
    pdf = drawn(lambda pdf: pdf.multi_cell(0, 6, "Give hydrocortisone 100 mg by injection every 10 hours."))
    assert problems(pdf, "10 mg", "hydrocortisone 10 mg", "by injection every 100 hours") == [
        f"text 1: {MISSING}", f"text 2: {MISSING}", f"text 3: {MISSING}"]


def test_a_value_drawn_inside_a_longer_number_or_word_is_reported_naming_its_field() -> None:
    # A digit more before or after a value, or a longer word, is another value: "10 mg"
    # is not shown by "110 mg" (nor "100 mg"), a phone number not by one with a digit
    # more at each end, "Latex" not by "Latexes", "5 mg" not by "0.5 mg".
    pdf = drawn(lambda pdf: pdf.multi_cell(0, 6, "Give 110 mg now, or 100 mg. Call 90123 4567. "
                                                "Allergy: Latexes. Then 0.5 mg; at -5 °C stop."))
    dose, phone, allergy = "$.medications[0].dose", "$.contacts[0].phone", "$.allergies[0].substance"
    assert verify_pdf_text(pdf, [(dose, "110 mg"), (phone, "90123 4567"), (allergy, "Latexes"),
                                 ("$.medications[1].dose", "0.5 mg"), ("$.notes", "-5 °C")]) == []
    found = verify_pdf_text(pdf, [(dose, "10 mg"), (phone, "0123 456"), (allergy, "Latex"),
                                  ("$.medications[1].dose", "5 mg"), ("$.notes", "5 °C"),
                                  ("$.medications[2].dose", "0 mg")])
    assert found == [f"{where}: {MISSING}" for where in (dose, phone, allergy, "$.medications[1].dose",
                                                         "$.notes", "$.medications[2].dose")]
    assert not any(value in problem for problem in found for value in ("10 mg", "0123", "Latex", "5 mg"))


def test_a_text_beginning_or_ending_with_a_sign_is_found_beside_other_signs() -> None:
    # The sign at a text's own edge is its boundary: "(8 am)" after "daily", "Na+"
    # before ";", "+44 ..." after "call", a lone "-".
    pdf = drawn(lambda pdf: pdf.multi_cell(0, 6, "Twice daily(8 am), call +44 20 7946 0000; low Na+; "
                                                "tonic-clonic; O'Brien; score: -"))
    assert problems(pdf, "(8 am)", "8 am", "+44 20 7946 0000", "Na+", "Na", "tonic-clonic", "O'Brien", "-",
                    "score:") == []
    # A hyphen or apostrophe between letters is part of the word; a "+" before digits
    # is part of the number.
    assert problems(pdf, "clonic", "Brien", "44 20 7946 0000", "daily(8 am") == [
        f"text 1: {MISSING}", f"text 2: {MISSING}", f"text 3: {MISSING}"]


def test_a_bracket_drawn_the_wrong_way_round_is_reported() -> None:
    pdf = drawn(lambda pdf: pdf.cell(0, 6, "Hydrocortisone 10 mg )8 am( and [noon]"))
    assert problems(pdf, "10 mg )8 am(", "[noon]") == []
    assert problems(pdf, "10 mg (8 am)", "(8 am)", "]noon[") == [
        f"text 1: {MISSING}", f"text 2: {MISSING}", f"text 3: {MISSING}"]


def test_chinese_text_needs_no_word_boundary() -> None:
    # Chinese is written without spaces between words: a name inside a line is found.
    pdf = drawn(lambda pdf: pdf.cell(0, 8, "姓名王小明过敏青霉素, 100 mg"), fallback=font_for("王"))
    assert problems(pdf, "王小明", "小明", "青霉素", "100 mg") == []
    assert problems(pdf, "10 mg", "0 mg") == [f"text 1: {MISSING}", f"text 2: {MISSING}"]


def test_a_long_text_split_by_other_text_is_found_word_by_word_only_at_word_boundaries() -> None:
    # A long text is accepted as its words in order (a table row broken by a page break
    # and the repeated header row): each word whole, so "10" is not found inside "100".
    def draw(pdf: FPDF) -> None:
        for line in ("Give hydrocortisone 100 mg by injection into the", "Medicine Dose Route",
                     "thigh muscle now, then call 999 at once."):
            pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")

    pdf = drawn(draw)
    step = "Give hydrocortisone {dose} by injection into the thigh muscle now, then call 999 at once."
    assert problems(pdf, step.format(dose="100 mg")) == []
    assert problems(pdf, step.format(dose="10 mg")) == [f"text 1: {MISSING}"]
    assert problems(pdf, step.format(dose="100 mg").replace("999", "99")) == [f"text 1: {MISSING}"]


def test_the_lock_screen_read_back_takes_each_text_whole_in_order() -> None:
    # The lock screen's page (PDFium's text) against what it drew, in order.
    pdf = drawn(lambda pdf: pdf.multi_cell(0, 6, "Hydrocortisone 100 mg. Allergies: Latexes. Call 90123 4567"))
    page = read_pdf_text(pdf)[0]
    drawn_texts = [("$.medications[0].name", "Hydrocortisone"), ("$.medications[0].dose", "100 mg"),
                   ("$.allergies[0].substance", "Latexes"), ("$.contacts[0].phone", "90123 4567")]
    assert missing_in_order(page, drawn_texts) is None
    for index, wrong in ((1, "10 mg"), (1, "00 mg"), (2, "Latex"), (3, "0123 456")):
        asked = [*drawn_texts[:index], (drawn_texts[index][0], wrong), *drawn_texts[index + 1:]]
        assert missing_in_order(page, asked) == drawn_texts[index][0], wrong
    # In order: a text drawn before the one before it is not found after it.
    assert missing_in_order(page, [drawn_texts[2], drawn_texts[1]]) == "$.medications[0].dose"


def test_no_break_spaces_and_ligature_characters_are_found_as_written() -> None:
    # PDFium gives "ﬃ" (U+FB03) back as its three letters; a no-break space as a space
    # or as itself. Neither is a difference in what is printed.
    pdf = drawn(lambda pdf: pdf.cell(0, 6, "O\ufb03ce: 50\u00a0mg, +44\u00a020\u00a07946\u00a00000"))
    assert problems(pdf, "O\ufb03ce", "50 mg", "+44 20 7946 0000") == []
    assert problems(pdf, "+44 20 7946 0001") == [f"text 1: {MISSING}"]


def test_text_in_the_header_and_footer_bands_is_left_out_even_between_body_text() -> None:
    def draw(pdf: FPDF) -> None:
        pdf.set_y(40)
        pdf.cell(0, 6, "Body before", new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(5)  # in the top band, drawn between two body lines
        pdf.cell(0, 6, "Running header", new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(60)
        pdf.cell(0, 6, "Body after", new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(-8)
        pdf.cell(0, 6, "Running footer")

    pdf = drawn(draw)
    assert problems(pdf, "Body before", "Running header", "Body after", "Running footer") == []
    assert problems(pdf, "Body before", "Running header", "Body after", "Running footer", margins=(15, 15)) == [
        f"text 2: {MISSING}", f"text 4: {MISSING}"]


def test_a_paragraph_that_flows_onto_the_next_page_is_found_whole_under_the_running_header() -> None:
    class WithHeader(FPDF):
        def header(self) -> None:
            self.set_y(5)
            self.cell(0, 5, "Maisie Thornbury, page header")
            self.set_y(20)

    pdf = WithHeader()
    pdf.add_font("main", "", str(_fonts.bundled_font().regular))
    pdf.set_font("main", "", 12)
    pdf.set_margins(15, 20, 15)
    pdf.add_page()
    pdf.set_y(266)
    step = "Call 999 now if she is vomiting again."
    pdf.multi_cell(25, 6, step)
    data = bytes(pdf.output())
    assert len(read_pdf_text(data)) == 2
    header = "Maisie Thornbury, page header"
    assert problems(data, step, header, margins=(18, 10)) == [f"text 2: {MISSING}"]
    # Read without the bands, the header stands inside the step: a left-to-right text
    # must be found whole, so this reads as a gap (the safe direction; the pdf backend
    # always gives its bands).
    assert problems(data, step, header) == [f"text 1: {MISSING}"]


def test_chinese_text_drawn_with_a_cff_fallback_font_is_read_back() -> None:
    pdf = drawn(lambda pdf: pdf.cell(0, 8, "Name: 王小明, allergy 青霉素"), fallback=font_for("王"))
    assert problems(pdf, "王小明", "青霉素") == []
    assert problems(pdf, "王大明") == [f"text 1: {MISSING}"]


def test_a_devanagari_word_keeps_its_marks_and_one_without_them_is_caught() -> None:
    # Shaped, so read back with pypdf: PDFium reorders some clusters of shaped Devanagari
    # (a table heading of the Hindi passports came back with a mark before its letter).
    pdf = drawn(lambda pdf: pdf.cell(0, 8, "लिंग निदान"), fallback=font_for("अ"), shaping=True)
    assert problems(pdf, "लिंग", "निदान") == []
    assert problems(pdf, "लिग") == [f"text 1: {MISSING}"]


def right_then_left(pdf: FPDF) -> None:
    """Two words drawn right then left: PDFium reads "left right", pypdf "rightleft"."""
    pdf.set_xy(100, 40)
    pdf.cell(30, 8, "right")
    pdf.set_xy(10, 40)
    pdf.cell(30, 8, "left")


def test_pages_with_shaped_devanagari_are_read_object_by_object_and_the_others_by_pdfium() -> None:
    # A Hindi name on page 1 of a long passport: that page is read text object by text
    # object in drawing order (as pypdf reads it, not PDFium's lines rebuilt from
    # positions), the Latin pages as PDFium reads them; a change on either kind of page
    # is still caught.
    from rarepassport.rendering._verify import _shaped_pages, extract_pdf_text, skeleton

    def draw(pdf: FPDF) -> None:
        right_then_left(pdf)
        pdf.set_xy(10, 10)
        pdf.cell(0, 8, "लिंग निदान")
        for page in range(2):
            pdf.add_page()
            pdf.cell(0, 8, f"Hydrocortisone 100 mg, page {page + 2}")
            right_then_left(pdf)

    pdf = drawn(draw, fallback=font_for("अ"), shaping=True)
    pages = _shaped_pages(pdf, None)
    by_pdfium, by_pypdf = read_pdf_text(pdf), extract_pdf_text(pdf)
    assert len(pages) == 3
    assert skeleton(pages[0]) == skeleton(by_pypdf[0]) and "लिंग" in skeleton(pages[0])
    # In drawing order ("right" first), not in PDFium's lines rebuilt from positions.
    assert skeleton(pages[0]).startswith("rightleft") and "leftright" in skeleton(by_pdfium[0])
    assert pages[1:] == by_pdfium[1:] and all("left right" in page for page in pages[1:])
    assert problems(pdf, "लिंग", "निदान", "Hydrocortisone 100 mg, page 2", "Hydrocortisone 100 mg, page 3") == []
    assert problems(pdf, "लिग") == [f"text 1: {MISSING}"]
    assert problems(pdf, "निदान लिंग") == [f"text 1: {MISSING}"]
    assert problems(pdf, "Hydrocortisone 10 mg, page 2") == [f"text 1: {MISSING}"]


def test_shaped_text_in_the_header_band_of_a_page_read_object_by_object_is_left_out() -> None:
    def draw(pdf: FPDF) -> None:
        pdf.set_xy(10, 5)
        pdf.cell(0, 6, "निदान")
        pdf.set_xy(10, 100)
        pdf.cell(0, 8, "लिंग")

    from rarepassport.rendering._verify import _object_texts, skeleton

    pdf = drawn(draw, fallback=font_for("अ"), shaping=True)
    assert skeleton(_object_texts(pdf, margins=(15, 15), only={0})[0]) == "लिंग"
    assert problems(pdf, "लिंग", "निदान") == []
    assert problems(pdf, "लिंग", margins=(15, 15)) == []
    assert problems(pdf, "निदान", margins=(15, 15)) == [f"text 1: {MISSING}"]


def test_in_a_right_to_left_document_only_pages_with_arabic_are_read_by_pypdf() -> None:
    from rarepassport.rendering._verify import _drawn_pieces, _right_to_left_pages

    def draw(pdf: FPDF) -> None:
        pdf.cell(0, 8, "الاسم ليلى حسن")
        pdf.add_page()
        right_then_left(pdf)

    pdf = drawn(draw, fallback=font_for("ل"), shaping=True)
    pages = _right_to_left_pages(pdf, None)
    assert pages[0] == _drawn_pieces(pdf)[0]
    assert pages[1] == read_pdf_text(pdf)[1:] and "left right" in pages[1][0]
    assert problems(pdf, "ليلى حسن", "left right") == []
    assert problems(pdf, "ليلى حسين") == [f"text 1: {MISSING}"]
    assert problems(pdf, "left righter") == [f"text 1: {MISSING}"]


def test_shaped_arabic_beside_latin_lines_is_found_with_its_marks() -> None:
    # fpdf2 places each shaped glyph on its own, the damma raised; PDFium rebuilds
    # this line as "ستخدمُي متى", so shaped text is read back with pypdf.
    label = "Sign of weakness: متى يُستخدم"

    def draw(pdf: FPDF) -> None:
        pdf.cell(0, 8, "Breathing.", new_x="LMARGIN", new_y="NEXT")
        pdf.cell(0, 8, isolate_left_to_right(label), align="R")

    pdf = drawn(draw, fallback=font_for("ل"), shaping=True)
    assert problems(pdf, label, "Breathing.") == []
    assert problems(pdf, "Sign of weakness: متى يستخدمه") == [f"text 1: {MISSING}"]


def test_every_right_to_left_character_is_in_the_blocks_the_check_looks_in_first() -> None:
    # Text without a character of these blocks is taken as left to right without
    # asking each character's bidi class: none of class R or AL may be outside them.
    outside = [f"U+{code:04X}" for code in range(sys.maxunicode + 1)
               if unicodedata.bidirectional(chr(code)) in ("R", "AL") and not _MAYBE_RTL.match(chr(code))]
    assert outside == []


def swapped_brackets(text: str) -> str:
    return text.translate(str.maketrans("()[]", ")(]["))


@pytest.mark.parametrize("line", ["الجرعة (٨ صباحًا)", "هيدروكورتيزون (عن طريق الفم) 10 mg",
                                  "الجرعة [صباحًا] و(مساءً)", "الجرعة (صباحًا) مرة"])
def test_a_bracket_facing_the_wrong_way_in_an_arabic_line_is_reported(line: str) -> None:
    # In a right-to-left line each bracket is drawn mirrored; written the wrong way
    # round, "(٨ صباحًا)" is seen with both brackets facing away from their words.
    # pypdf gives each character as written, the brackets beside their words.
    def draw(text: str) -> bytes:
        return drawn(lambda pdf: pdf.multi_cell(0, 8, isolate_left_to_right(text, leading=True), align="R"),
                     fallback=font_for("ل"), shaping=True)

    assert problems(draw(line), line) == []
    assert problems(draw(swapped_brackets(line)), line) == [f"text 1: {MISSING}"]
    assert problems(draw(line), swapped_brackets(line)) == [f"text 1: {MISSING}"]


SUBSTRINGS = {
    "schema_version": "1.0",
    "person": {"name": "Ada Example", "date_of_birth": "2015-03-02"},
    "medications": [
        {"name": "Hydrocortisone", "dose": "10 mg", "frequency": "at 8 am", "time_critical": True},
        {"name": "Hydrocortisone injection", "dose": "100 mg", "frequency": "at 18 am", "time_critical": True},
        {"name": "Fludrocortisone", "dose": "0.1 mg", "time_critical": True},
        {"name": "Vitamin D", "dose": "1 mg"},
    ],
    "allergies": [{"substance": "Latex", "severity": "severe"}, {"substance": "Latexes and rubbers"}],
    "contacts": [{"name": "Ben Example", "relationship": "father", "phone": "0123 456"},
                 {"name": "Ben Examples", "relationship": "uncle", "phone": "90123 4567"}],
}


@pytest.mark.parametrize("format", ["pdf", "card", "lockscreen-pdf"])
def test_a_passport_whose_values_are_inside_one_another_renders(format: str) -> None:
    # "10 mg" inside "100 mg", "1 mg" inside "0.1 mg", "Latex" inside "Latexes", a phone
    # number inside another: each found where it is drawn, at word boundaries.
    import rarepassport as rp
    from helpers.pdftext import poppler_text, pypdf_text

    data = rp.render_rendered(rp.from_dict(SUBSTRINGS), format).data
    for read in (pypdf_text(data), poppler_text(data)):
        assert "10 mg" in read and "Hydrocortisone" in read


def test_a_dose_inside_a_decimal_number_in_an_arabic_line_is_reported() -> None:
    # In a document with right-to-left text too, a decimal point between digits is part
    # of the number: "0.5 mg" does not show "5 mg", "10,5 mg" does not show "10 mg".
    line = "الجرعة 0.5 mg ثم 10,5 mg"

    def draw(pdf: FPDF) -> None:
        pdf.multi_cell(0, 8, isolate_left_to_right(line, leading=True), align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(0, 8, "0.5 mg")

    pdf = drawn(draw, fallback=font_for("ل"), shaping=True)
    assert problems(pdf, line, "0.5 mg", "10,5 mg") == []
    assert problems(pdf, "الجرعة 5 mg ثم 10,5 mg", "الجرعة 0.5 mg ثم 10 mg", "5 mg") == [
        f"text 1: {MISSING}", f"text 2: {MISSING}", f"text 3: {MISSING}"]
