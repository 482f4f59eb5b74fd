"""What a backend reports about drawing is a coded notice, worded in the document's language.

``Rendered.notices`` holds each drawing problem as a `RenderNotice` (a ``code`` a program
can act on, its ``params``: counts, code points and JSON paths, never passport values);
``Rendered.warnings`` holds the texts, from the catalogue's ``phrase.notice.<code>`` in
the document's language, as does the note printed in the document itself.
"""

from __future__ import annotations

import base64
import datetime as dt
import shutil
import subprocess

import pytest
from fpdf import FPDF

import rarepassport as rp
from rarepassport.rendering import _fonts
from rarepassport.rendering._verify import MISSING_GLYPH_MARKER, extract_pdf_text, skeleton

TODAY = dt.date(2026, 12, 1)
NO_FONT = "\U0010fffd"  # a private-use code point: no font on any system draws it


def passport(language: str) -> rp.Passport:
    return rp.Passport(
        language=language,
        person=rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2)),
        allergies=(rp.Allergy(substance=f"Peni{NO_FONT}cillin", reaction="Anaphylaxis"),),
    )


def poppler(data: bytes) -> str:
    if shutil.which("pdftotext") is None:  # pragma: no cover - poppler-utils is installed in CI
        pytest.skip("poppler's pdftotext is not installed (Debian: poppler-utils)")
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def test_a_french_pdf_with_a_character_no_font_draws_says_so_in_french_with_a_code() -> None:
    rendered = rp.render_rendered(passport("fr"), "pdf", today=TODAY, missing_glyphs="mark")
    [notice] = [n for n in rendered.notices if n.code == "missing_glyphs_marked"]
    assert notice.params["count"] == 1 and "U+10FFFD" in str(notice.params["characters"])
    assert notice.text.startswith("aucune police disponible ne peut dessiner 1 caractère : U+10FFFD")
    # Where, in French (never the value): the section, the block, the table's row and column.
    assert "section 'allergies', bloc 1 (tableau), ligne 1, colonne 1 (Substance)" in notice.text
    assert "Peni" not in notice.text and "block" not in notice.text and "row" not in notice.text
    assert notice.text in rendered.warnings
    assert not any("no available font" in warning for warning in rendered.warnings)
    # The document itself explains the marker, in French, in its "À noter" box.
    for extractor, text in {"pypdf": "\n".join(extract_pdf_text(rendered.data)),
                            "pdftotext": poppler(rendered.data)}.items():
        assert skeleton(f"Peni{MISSING_GLYPH_MARKER}cillin") in skeleton(text), extractor
        assert skeleton("signale un caractère qui n'a pas pu être imprimé") in skeleton(text), extractor
        assert skeleton("marks a character") not in skeleton(text), extractor


def test_a_french_card_with_a_character_no_font_draws_says_so_in_french_with_a_code() -> None:
    rendered = rp.render_rendered(passport("fr"), "card", today=TODAY, missing_glyphs="mark")
    [notice] = [n for n in rendered.notices if n.code == "missing_glyphs_marked"]
    assert notice.text.startswith("aucune police disponible") and notice.text in rendered.warnings
    assert "$.allergies[0]" in notice.text and "Peni" not in notice.text


def test_an_english_pdf_keeps_its_english_notice() -> None:
    rendered = rp.render_rendered(passport("en"), "pdf", today=TODAY, missing_glyphs="mark")
    [notice] = [n for n in rendered.notices if n.code == "missing_glyphs_marked"]
    assert notice.text.startswith("no available font can draw 1 character: U+10FFFD; it is shown as")
    assert "section 'allergies', block 1 (table), row 1, column 1 (Substance)" in notice.text


def test_a_photo_that_is_not_drawn_is_a_coded_notice_in_the_document_language() -> None:
    photo = "data:image/png;base64," + base64.b64encode(b"not a picture").decode()
    person = rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2), photo=photo)
    document = rp.layout(rp.Passport(language="fr", person=person), "full", today=TODAY)
    rendered = rp.render_document(document, "pdf")
    [notice] = rendered.notices
    assert notice.code == "photo_not_image" and notice.params == {"path": "$.person.photo"}
    assert notice.text == "la photo ($.person.photo) n'est pas affichée\u00a0: ce n'est pas une image PNG, JPEG ou WebP"
    assert rendered.warnings == (notice.text,)


def test_fonts_name_missing_characters_in_the_document_language_and_the_current_module_path() -> None:
    document = rp.layout(passport("fr"), "full", today=TODAY)
    [notice] = _fonts.install_fonts(FPDF(), [f"Peni{NO_FONT}cillin"], document=document)
    assert notice.code == "missing_glyphs_blank" and notice.params == {"count": 1, "characters": "U+10FFFD"}
    assert notice.text.startswith("aucune police disponible")
    assert "rarepassport.rendering._verify.check_glyphs" in notice.text
    assert "rarepassport.render." not in notice.text


def test_without_a_document_font_notices_are_in_english() -> None:
    [notice] = _fonts.install_fonts(FPDF(), [NO_FONT])
    assert notice.text.startswith("no available font can draw 1 character: U+10FFFD; it would be left blank")


def test_a_notice_is_worded_by_the_catalogue_of_the_document_language() -> None:
    german = rp.layout(passport("de"), "full", today=TODAY)
    notice = german.notice("shaping_unavailable")
    assert notice == rp.RenderNotice(code="shaping_unavailable", params={}, text=notice.text)
    assert notice.text.startswith("der Pass enthält Text in einer Schrift")


def test_a_backend_result_carries_its_notices_and_their_texts() -> None:
    document = rp.layout(passport("fr"), "full", today=TODAY)
    notices = [document.notice("shaping_unavailable"), document.notice("photo_bad_base64", path="$.person.photo")]
    rendered = rp.Rendered.drawn(b"%PDF", "application/pdf", ".pdf", notices)
    assert rendered.notices == tuple(notices)
    assert rendered.warnings == tuple(notice.text for notice in notices)


def test_a_count_of_several_characters_takes_the_plural_in_the_document_language() -> None:
    person = rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2))
    allergy = rp.Allergy(substance=f"Peni{NO_FONT}cillin \U0010fffc", reaction="Anaphylaxis")
    rendered = rp.render_rendered(rp.Passport(language="de", person=person, allergies=(allergy,)), "pdf",
                                  today=TODAY, missing_glyphs="mark")
    [notice] = [n for n in rendered.notices if n.code == "missing_glyphs_marked"]
    assert notice.params["count"] == 2
    assert notice.text.startswith("keine verfügbare Schrift kann 2 Zeichen darstellen: U+10FFFC, U+10FFFD; jedes")
    assert "Abschnitt 'allergies', Block 1 (Tabelle), Zeile 1, Spalte 1 (Stoff)" in notice.text


def test_a_bilingual_document_names_the_second_language_s_places_in_the_document_language() -> None:
    document = rp.layout(passport("fr"), "full", today=TODAY, second_language="en")
    from rarepassport.rendering._verify import expected_texts, place_text

    where = next(where for where, _ in expected_texts(document) if str(where).endswith("(second language)"))
    assert place_text(where, document.phrase).endswith("(deuxième langue)")
