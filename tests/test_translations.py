"""Translations: the Spanish and French catalogues, and which language a passport renders in.

The language is the ``language`` argument, else the passport's own ``language``; a label
missing in it falls back to the base language, then English. PDFs are read back with
pypdf, HTML and Markdown as text.
"""

from __future__ import annotations

import datetime as dt
import io
import string
from pathlib import Path
from typing import Any

import pypdf
import pytest

import rarepassport as rp
from rarepassport import hookimpl, labels, layout, render_rendered
from rarepassport.labels import ENGLISH, built_in_catalogue
from rarepassport.layouts import LayoutContext
from rarepassport.model import PartialDate, View
from rarepassport.testing import pdf_text

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SPANISH_EXAMPLE = EXAMPLES / "non-english.json"
ENGLISH_EXAMPLE = EXAMPLES / "adult-several-conditions.yaml"
TODAY = dt.date(2026, 11, 27)
TRANSLATED = ("es", "fr")


def placeholders(text: str) -> set[str]:
    """The ``{names}`` a label expects to be filled in."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def builtin_manager() -> rp.PluginManager:
    """Built-in plugins only, so an installed outside plugin cannot change the result."""
    return rp.make_plugin_manager(entry_points=False)


def rendered_text(passport: rp.Passport, format: str, language: str | None = None) -> str:
    data = render_rendered(passport, format, language=language, plugins=builtin_manager(), today=TODAY).data
    return data.decode("utf-8")


def pdf_lang(data: bytes) -> str:
    """The ``/Lang`` of a PDF's catalogue, the language screen readers use."""
    root = pypdf.PdfReader(io.BytesIO(data)).trailer["/Root"].get_object()
    assert isinstance(root, pypdf.generic.DictionaryObject)
    return str(root["/Lang"])


def words(text: str) -> str:
    """Whitespace (line breaks, no-break spaces) collapsed, as PDF text extraction varies it."""
    return " ".join(text.replace("\u00a0", " ").split())


# --- the catalogues -------------------------------------------------------------------------


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_english_label_has_a_translation(language: str) -> None:
    # Fails as soon as an English label is added without its Spanish and French.
    assert sorted(set(ENGLISH) - set(built_in_catalogue(language))) == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_a_translation_has_no_label_english_lacks(language: str) -> None:
    assert sorted(set(built_in_catalogue(language)) - set(ENGLISH)) == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_the_english_placeholders(language: str) -> None:
    catalogue = built_in_catalogue(language)
    wrong = [key for key, text in ENGLISH.items() if placeholders(catalogue[key]) != placeholders(text)]
    assert wrong == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_translation_is_empty(language: str) -> None:
    assert [key for key, text in built_in_catalogue(language).items() if not text.strip()] == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_built_in_condition_plugins_are_translated(language: str) -> None:
    assert labels.missing(language, builtin_manager().labels) == []


def test_missing_lists_an_english_label_a_plugin_did_not_translate() -> None:
    class EnglishOnly:
        @hookimpl
        def rarepassport_register_labels(self, labels: Any) -> None:
            labels.add("en", {"section.fictional_condition": "Fictional condition"})

    pm = rp.make_plugin_manager(entry_points=False, plugins=[EnglishOnly()])
    assert labels.missing("es", pm.labels) == ["section.fictional_condition"]


def test_a_label_missing_in_a_language_falls_back_to_english() -> None:
    class EnglishOnly:
        @hookimpl
        def rarepassport_register_labels(self, labels: Any) -> None:
            labels.add("en", {"phrase.fictional": "Fictional phrase"})

    pm = rp.make_plugin_manager(entry_points=False, plugins=[EnglishOnly()])
    assert labels.lookup("phrase.fictional", "fr", pm.labels) == "Fictional phrase"


def test_a_regional_tag_uses_its_base_language() -> None:
    assert labels.lookup("section.allergies", "es-MX", builtin_manager().labels) == "Alergias"


# --- dates ----------------------------------------------------------------------------------


def context(language: str) -> LayoutContext:
    return LayoutContext(view=View.FULL, language=language, plugins=builtin_manager(), today=TODAY)


@pytest.mark.parametrize(
    ("month", "name"),
    [(1, "janvier"), (2, "février"), (3, "mars"), (8, "août"), (12, "décembre")],
)
def test_french_dates_use_french_month_names(month: int, name: str) -> None:
    assert context("fr").format_date(dt.date(2015, month, 2)) == f"2 {name} 2015"


def test_a_french_month_and_year_has_no_day() -> None:
    assert context("fr").format_date(PartialDate(2016, 5)) == "mai 2016"


def test_spanish_dates_are_written_with_de() -> None:
    assert context("es").format_date(dt.date(2015, 3, 2)) == "2 de marzo de 2015"


def test_a_spanish_month_and_year_is_written_with_de() -> None:
    assert context("es").format_date(PartialDate(2016, 5)) == "mayo de 2016"


# --- which language a passport renders in ---------------------------------------------------


def test_a_passport_renders_in_its_own_language_when_none_is_given() -> None:
    document = layout(rp.load(SPANISH_EXAMPLE), plugins=builtin_manager(), today=TODAY)
    assert document.language == "es"
    assert document.section("allergies").title == "Alergias"  # type: ignore[union-attr]


def test_the_language_argument_wins_over_the_passport_language() -> None:
    document = layout(rp.load(SPANISH_EXAMPLE), language="en", plugins=builtin_manager(), today=TODAY)
    assert document.language == "en"
    assert document.section("allergies").title == "Allergies"  # type: ignore[union-attr]


def test_spanish_example_pdf_has_spanish_headings_page_numbers_and_lang() -> None:
    data = render_rendered(rp.load(SPANISH_EXAMPLE), "pdf", plugins=builtin_manager(), today=TODAY).data
    text = words(pdf_text(data))
    for heading in ("En caso de emergencia", "Protocolos de emergencia", "Alergias", "Sobre mí", "Diagnósticos"):
        assert heading in text
    assert "Página 1 de" in text
    assert "In an emergency" not in text
    assert pdf_lang(data) == "es"


def test_spanish_example_html_is_marked_spanish_and_has_spanish_headings() -> None:
    html = rendered_text(rp.load(SPANISH_EXAMPLE), "html")
    assert '<html lang="es">' in html
    assert "Medicamentos que no deben retrasarse" in html
    assert "Time-critical medicines" not in html


def test_spanish_example_markdown_has_spanish_headings_and_dates() -> None:
    markdown = rendered_text(rp.load(SPANISH_EXAMPLE), "markdown")
    assert "## En caso de emergencia" in markdown
    assert "## Alergias" in markdown
    assert "**Fecha de nacimiento:** 5 de septiembre de 2019" in markdown


def test_spanish_example_condition_plugin_section_is_in_spanish() -> None:
    markdown = rendered_text(rp.load(SPANISH_EXAMPLE), "markdown")
    assert "## Síndrome de Dravet" in markdown
    assert "Rescue medicine" not in markdown


def test_spanish_example_card_has_spanish_labels() -> None:
    data = render_rendered(rp.load(SPANISH_EXAMPLE), "card", plugins=builtin_manager(), today=TODAY).data
    text = words(pdf_text(data))
    assert "Fecha de nacimiento" in text
    assert "Date of birth" not in text


def test_an_english_passport_renders_french_labels_with_its_content_as_written() -> None:
    passport = rp.load(ENGLISH_EXAMPLE)
    markdown = rendered_text(passport, "markdown", language="fr")
    assert "## En cas d'urgence" in markdown
    assert "## Médicaments" in markdown
    assert "3 novembre 1994" in markdown  # date of birth, written the French way
    assert "Codeine" in markdown  # the person's own words are not translated
    assert "## In an emergency" not in markdown


def test_an_english_passport_rendered_in_french_is_marked_french() -> None:
    passport = rp.load(ENGLISH_EXAMPLE)
    data = render_rendered(passport, "pdf", language="fr", plugins=builtin_manager(), today=TODAY).data
    assert pdf_lang(data) == "fr"
    assert "Page 1 sur" in words(pdf_text(data))
    assert '<html lang="fr">' in rendered_text(passport, "html", language="fr")


# --- other languages ------------------------------------------------------------------------


class GermanPlugin:
    @hookimpl
    def rarepassport_register_labels(self, labels: Any) -> None:
        labels.add("de", {"section.emergency": "Im Notfall"})


def test_a_plugin_can_add_a_language() -> None:
    pm = rp.make_plugin_manager(entry_points=False, plugins=[GermanPlugin()])
    markdown = render_rendered(rp.load(ENGLISH_EXAMPLE), "markdown", language="de", plugins=pm, today=TODAY)
    text = markdown.data.decode("utf-8")
    assert "## Im Notfall" in text
    assert "## Allergies" in text  # not in the plugin's catalogue: English


def test_an_unknown_language_renders_english_labels_without_warnings() -> None:
    rendered = render_rendered(rp.load(ENGLISH_EXAMPLE), "html", language="sw", plugins=builtin_manager(), today=TODAY)
    html = rendered.data.decode("utf-8")
    assert '<html lang="sw">' in html
    assert "In an emergency" in html
    assert rendered.warnings == ()


def test_weights_use_the_decimal_mark_of_the_language() -> None:
    import datetime as dt

    import rarepassport as rp

    passport = rp.Passport(
        person=rp.Person(name="Ana Ejemplo", date_of_birth=dt.date(2015, 3, 2), weight=rp.Weight(kg=21.6)),
    )
    values = {
        language: next(
            block.value
            for block in rp.layout(passport, language=language).section("person").blocks  # type: ignore[union-attr]
            if isinstance(block, rp.document.Field) and block.label_id == "Person.weight"
        )
        for language in ("en", "es", "fr")
    }
    assert values["en"].startswith("21.6")
    assert values["es"].startswith("21,6")
    assert values["fr"].startswith("21,6")
