"""A bilingual full PDF (``second_language=``, ``--second-language``): every section
title, heading, field label, column heading and fixed phrase in both languages, the
first first; dates in both languages' forms; the person's own text once. Read back
with pypdf and poppler's ``pdftotext``.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pypdf
import pytest

import rarepassport as rp
from rarepassport.document import Document, Field, Paragraph, Section
from rarepassport.layouts._bilingual import bilingual_document
from rarepassport.rendering._verify import expected_texts, verify_pdf_text

TODAY = dt.date(2026, 11, 27)
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
ADRENAL = EXAMPLES / "conditions" / "adrenal-insufficiency.json"

#: Words each language's PDF must show: the emergency section's title, the date-of-birth
#: label (not in Arabic, whose lam-alef ligature extractors read back reversed), another
#: section's title and the medicines table's first column heading.
WORDS = {
    "en": ("In an emergency", "Date of birth", "Time-critical medicines", "Medicine"),
    "fr": ("En cas d'urgence", "Date de naissance", "Médicaments à ne pas retarder", "Médicament"),
    "ar": ("في حالة الطوارئ", "الجرعة", "الحساسية", "الدواء"),
    "zh-Hans": ("紧急情况", "出生日期", "不可延误的药物", "药物"),
}

def render(language: str, second: str | None, format: str = "pdf", **options: object) -> rp.Rendered:
    pm = rp.make_plugin_manager(entry_points=False)
    return rp.render_rendered(rp.load(ADRENAL), format, language=language, plugins=pm, today=TODAY,
                              second_language=second, **options)


def squashed(text: str) -> str:
    """Without white space, bidirectional and other controls (pypdf puts NULs between
    Chinese characters) or presentation forms (NFKC)."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(char for char in text if not char.isspace() and unicodedata.category(char) not in ("Cf", "Cc"))


def pypdf_text(data: bytes) -> str:
    return squashed("".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages))


def pdftotext(data: bytes, tmp_path: Path) -> str:
    assert shutil.which("pdftotext"), "poppler-utils (pdftotext) is needed"
    source = tmp_path / "passport.pdf"
    source.write_bytes(data)
    return squashed(subprocess.run(["pdftotext", str(source), "-"], check=True, capture_output=True,
                                   text=True).stdout)


@pytest.fixture(scope="module")
def french_and_english() -> bytes:
    return render("fr", "en").data


@pytest.mark.parametrize(("first", "second"), [("fr", "en"), ("en", "ar"), ("ar", "en"), ("zh-Hans", "en")])
def test_headings_and_labels_are_read_back_in_both_languages(first: str, second: str, tmp_path: Path) -> None:
    data = render(first, second).data
    for text in (pypdf_text(data), pdftotext(data, tmp_path)):
        for word in (*WORDS[first], *WORDS[second]):
            assert squashed(word) in text, (first, second, word)


def test_the_second_language_follows_the_first_on_the_same_line(french_and_english: bytes, tmp_path: Path) -> None:
    for text in (pypdf_text(french_and_english), pdftotext(french_and_english, tmp_path)):
        assert squashed("En cas d'urgence / In an emergency") in text
        assert squashed("Médicaments à ne pas retarder / Time-critical medicines") in text
        assert squashed("Contact d'urgence / Emergency contact") in text


def test_the_emergency_section_stays_first(french_and_english: bytes) -> None:
    text = pypdf_text(french_and_english)
    emergency = text.index(squashed("En cas d'urgence / In an emergency"))
    assert emergency < text.index(squashed("Protocoles d'urgence / Emergency protocols"))
    assert emergency < text.index(squashed("Médicaments à ne pas retarder / Time-critical medicines"))


def test_dates_are_written_as_each_language_writes_them(french_and_english: bytes, tmp_path: Path) -> None:
    for text in (pypdf_text(french_and_english), pdftotext(french_and_english, tmp_path)):
        assert squashed("9 février 1984 / 9 February 1984") in text
        assert squashed("Approuvé le / Approved on : 2 mars 2026 / 2 March 2026") in text
    assert squashed("1984年2月9日 / 9 February 1984") in pypdf_text(render("zh-Hans", "en").data)


def test_the_persons_own_text_is_written_once(french_and_english: bytes, tmp_path: Path) -> None:
    text = pdftotext(french_and_english, tmp_path)
    assert text.count(squashed("Front pocket of my handbag")) == 1
    assert text.count(squashed("My adrenal glands make no cortisol.")) == 1
    # A value that is the person's text with a catalogue word in it: once, in the first language.
    assert squashed("Primary adrenal insufficiency (Addison disease) (main condition)") not in text


def test_a_value_that_is_a_fixed_phrase_is_in_both_languages(french_and_english: bytes) -> None:
    text = pypdf_text(french_and_english)
    assert squashed("Aucune allergie connue / No known allergies") in text
    assert squashed("Statut / Status : Confirmé / Confirmed") in text


def test_sentences_of_the_catalogue_are_in_both_languages(french_and_english: bytes) -> None:
    text = pypdf_text(french_and_english)
    assert squashed("Give on time: these must not be missed or delayed.") in text
    assert squashed("General guidance for everyone with the condition, from a published source.") in text


def test_the_drawing_check_covers_the_second_language(tmp_path: Path) -> None:
    """Verify-what-you-draw: a PDF without the second-language labels does not pass the
    check of a bilingual document, and names them as the second language's."""
    pm = rp.make_plugin_manager(entry_points=False)
    passport = rp.load(ADRENAL)
    bilingual = rp.layout(passport, "full", "fr", plugins=pm, today=TODAY, second_language="en")
    french_only = rp.render_rendered(passport, "pdf", language="fr", plugins=pm, today=TODAY).data
    problems = verify_pdf_text(french_only, expected_texts(bilingual))
    assert problems
    assert all("(second language)" in problem for problem in problems)
    assert any("section 'protocols', title (second language)" in problem for problem in problems)
    assert any("(field Diagnosis.status), label (second language)" in problem for problem in problems)
    assert verify_pdf_text(rp.render_document(bilingual, "pdf", plugins=pm).data, expected_texts(bilingual)) == []


def test_a_second_language_without_labels_gives_english_ones_and_says_so() -> None:
    rendered = render("fr", "sw")
    assert any("--second-language" in warning for warning in rendered.warnings)
    assert squashed("En cas d'urgence / In an emergency") in pypdf_text(rendered.data)


@pytest.mark.parametrize("format", ["accessible-pdf"])
def test_a_format_that_cannot_draw_a_second_language_refuses_it(format: str) -> None:
    with pytest.raises(rp.RenderError, match=f"format '{format}' cannot draw a second language"):
        render("fr", "en", format)


def test_large_print_keeps_14_points_in_both_languages() -> None:
    data = render("fr", "en", large_print=True).data
    sizes = [float(size) for page in pypdf.PdfReader(io.BytesIO(data)).pages
             for size in re.findall(rb"/F\d+ ([\d.]+) Tf", page.get_contents().get_data())]  # type: ignore[union-attr]
    assert min(sizes) >= 14
    assert squashed("En cas d'urgence / In an emergency") in pypdf_text(data)


def test_a_label_is_never_given_another_blocks_counterpart() -> None:
    """Guidance shown untranslated in French carries a note the English layout has not:
    the blocks around it are paired with their own counterparts, the note with none."""
    pm = rp.make_plugin_manager(entry_points=False)
    document = rp.layout(rp.load(ADRENAL), "full", "fr", plugins=pm, today=TODAY, second_language="en")
    english = rp.layout(rp.load(ADRENAL), "full", "en", plugins=pm, today=TODAY)
    guidance, other = document.section("guidance"), english.section("guidance")
    assert guidance is not None and other is not None and len(guidance.blocks) == len(other.blocks) + 1
    note = next(block for block in guidance.blocks
                if isinstance(block, Paragraph) and block.text.startswith("Non traduit"))
    assert note.second is None
    seconds = [block.second for block in guidance.blocks if block.second is not None]
    assert seconds, "the translated blocks of the section have their counterparts"
    english_texts = {getattr(block, "text", None) for block in other.blocks}
    for block in seconds:
        if isinstance(block, Paragraph):
            assert block.text in english_texts


def test_the_command_line_draws_a_bilingual_pdf(tmp_path: Path) -> None:
    source = tmp_path / "morgan.json"
    source.write_bytes(ADRENAL.read_bytes())
    result = subprocess.run([sys.executable, "-m", "rarepassport", "render", str(source), "--format", "pdf",
                             "--language", "fr", "--second-language", "en"],
                            capture_output=True, text=True, check=False,
                            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")})
    assert result.returncode == 0, result.stderr
    written = tmp_path / "morgan-fr-and-en.pdf"
    assert squashed("En cas d'urgence / In an emergency") in pdftotext(written.read_bytes(), tmp_path)


def test_an_arabic_page_footer_is_filled_in(tmp_path: Path) -> None:
    """The right-to-left isolates added before drawing never go inside a phrase's
    placeholders: "Page 1 of 4" in Arabic was drawn as its unfilled template."""
    text = pdftotext(render("ar", "en").data, tmp_path)
    assert "{" not in text and "pages" not in text
    assert squashed("Page 1 of 4") in text


def _document(language: str, *blocks: Field | Paragraph) -> Document:
    return Document(title="", language=language, view=rp.View.FULL, person_name="", date_of_birth="",
                    sections=(Section(id="notes", title=f"notes-{language}", blocks=blocks),))


def test_when_it_is_unclear_which_block_is_which_none_is_paired() -> None:
    """One paragraph more in the first layout, between two others: which of them the
    second language's two paragraphs belong to cannot be told, so none is paired."""
    first = _document("fr", Paragraph(text="Un"), Paragraph(text="Deux"), Paragraph(text="Trois"))
    second = _document("en", Paragraph(text="One"), Paragraph(text="Three"))
    paired = bilingual_document(first, second).sections[0]
    assert paired.second_title == "notes-en"
    assert all(block.second is None for block in paired.blocks)


def test_a_field_is_paired_only_with_the_field_of_its_label() -> None:
    first = _document("fr", Field(label="Poids", value="64 kg", label_id="Person.weight"),
                      Field(label="Sexe", value="Féminin", label_id="Person.sex"))
    second = _document("en", Field(label="Sex", value="Female", label_id="Person.sex"))
    weight, sex = bilingual_document(first, second).sections[0].blocks
    assert isinstance(weight, Field) and weight.second is None
    assert isinstance(sex, Field) and sex.second == Field(label="Sex", value="Female", label_id="Person.sex")


@pytest.mark.parametrize("format", ["markdown", "text"])
def test_markdown_and_text_put_each_label_beside_its_counterpart(format: str) -> None:
    text = render("fr", "en", format).data.decode()
    assert "En cas d'urgence / In an emergency".casefold() in text.casefold()  # text capitalises it
    assert "Contact d'urgence / Emergency contact" in text
    assert "9 février 1984 / 9 February 1984" in text
    assert text.count("Front pocket of my handbag") == 1
    # A sentence, then its counterpart on the next line.
    assert re.search(r"ne doivent être ni oubliés ni retardés\.\\?\n+Give on time: these must not be missed or "
                     r"delayed\.", text)


def test_markdown_keeps_a_right_to_left_label_and_its_counterpart_apart() -> None:
    text = render("ar", "en", "markdown").data.decode()
    assert "في حالة الطوارئ / \u2068In an emergency\u2069" in text
