"""A passport renders in every shipped language, in every format, marked with that language.

The pdf and card backends read their own output back (pypdf) and refuse to return a PDF
whose text is not what the document asked for; here the text is also read back with
poppler's ``pdftotext`` and the headings looked for, and HTML is checked for ``lang`` and
``dir``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest

import rarepassport as rp
from rarepassport import labels, render_rendered

TODAY = dt.date(2026, 11, 27)
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "adult-several-conditions.yaml"
#: The languages the issue asks to see drawn in every format.
DRAWN = ("de", "ar", "zh-Hans", "hi", "fr")
RIGHT_TO_LEFT = ("ar",)


@pytest.fixture(scope="module")
def passport() -> rp.Passport:
    return rp.load(EXAMPLE)


@pytest.fixture(scope="module")
def pm() -> rp.PluginManager:
    return rp.make_plugin_manager(entry_points=False)


def pdftotext(data: bytes) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler's pdftotext is not installed")
    result = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    text = " ".join(result.stdout.decode("utf-8").split())
    # fpdf2 writes a stand-in code for a shaped Indic glyph with no character of its own,
    # which extracts as one ASCII character after the letter (see render/_verify.py).
    return re.sub("(?<=[\u0900-\u0dff])[!-~]", "", text)


def catalogue_label(label_id: str, language: str) -> str:
    return labels.built_in_catalogue(language)[label_id]


@pytest.mark.parametrize("language", DRAWN)
def test_the_pdf_has_the_language_headings_and_lang(language: str, passport: rp.Passport,
                                                      pm: rp.PluginManager) -> None:
    data = render_rendered(passport, "pdf", language=language, plugins=pm, today=TODAY).data
    root = pypdf.PdfReader(io.BytesIO(data)).trailer["/Root"].get_object()
    assert str(root["/Lang"]) == language
    text = pdftotext(data)
    for label_id in ("section.allergies", "section.diagnoses"):
        heading = catalogue_label(label_id, language)
        words = heading.split()
        # Right-to-left words may come back in visual order; each word is still whole.
        # poppler puts a space where a stand-in code was, inside an Indic word.
        squeezed = text.replace(" ", "")
        assert all(word in text or word[::-1] in text or word in squeezed for word in words), label_id


@pytest.mark.parametrize("language", DRAWN)
def test_the_card_renders_with_the_language_labels(language: str, passport: rp.Passport,
                                                     pm: rp.PluginManager) -> None:
    data = render_rendered(passport, "card", language=language, plugins=pm, today=TODAY).data
    root = pypdf.PdfReader(io.BytesIO(data)).trailer["/Root"].get_object()
    assert str(root["/Lang"]) == language


@pytest.mark.parametrize("language", [tag for tag in labels.BUILT_IN_LANGUAGES if tag != "en"])
def test_html_markdown_and_text_use_the_language(language: str, passport: rp.Passport,
                                                  pm: rp.PluginManager) -> None:
    heading = catalogue_label("section.allergies", language)
    html = render_rendered(passport, "html", language=language, plugins=pm, today=TODAY).data.decode("utf-8")
    direction = "rtl" if language in RIGHT_TO_LEFT else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert heading in html
    for fmt in ("markdown", "text"):
        out = render_rendered(passport, fmt, language=language, plugins=pm, today=TODAY).data.decode("utf-8")
        assert heading in out


@pytest.mark.parametrize(("language", "date"), [("de", "3. November 1994"), ("ar", "3 نوفمبر 1994"),
                                                 ("zh-Hans", "1994年11月3日"), ("hi", "3 नवंबर 1994"),
                                                 ("cy", "3 Tachwedd 1994"), ("pl", "3 listopada 1994")])
def test_the_date_of_birth_is_written_in_the_language(language: str, date: str, passport: rp.Passport,
                                                      pm: rp.PluginManager) -> None:
    assert rp.layout(passport, language=language, plugins=pm, today=TODAY).date_of_birth == date


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("fmt", ["pdf", "card"])
def test_pdf_viewers_show_the_title(language: str, fmt: str, pm: rp.PluginManager) -> None:
    passport = rp.Passport(person=rp.Person(name="Ana Example", date_of_birth=dt.date(1990, 3, 2)))
    data = render_rendered(passport, fmt, language=language, plugins=pm, today=TODAY).data
    root = pypdf.PdfReader(io.BytesIO(data)).trailer["/Root"].get_object()
    preferences = root["/ViewerPreferences"].get_object()
    assert preferences["/DisplayDocTitle"] is True or str(preferences["/DisplayDocTitle"]) == "True"


@pytest.mark.parametrize("language", labels.BUILT_IN_LANGUAGES)
@pytest.mark.parametrize("fmt", ["pdf", "card"])
def test_a_sparse_passport_with_validation_notes_draws_in_every_language(language: str, fmt: str,
                                                                         pm: rp.PluginManager) -> None:
    # No diagnosis, no contact: the notes, the "no protocol" alert and "not recorded" phrases
    # are all catalogue text, drawn and read back (the backend raises on any mismatch).
    passport = rp.Passport(person=rp.Person(name="Ana Example", date_of_birth=dt.date(1990, 3, 2)))
    data = render_rendered(passport, fmt, language=language, plugins=pm, today=TODAY).data
    assert data.startswith(b"%PDF")
