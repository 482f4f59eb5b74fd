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

import attrs
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
TRANSLATED = tuple(tag for tag in labels.BUILT_IN_LANGUAGES if tag != "en")


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

SRC = Path(__file__).resolve().parent.parent / "src" / "rarepassport"
#: Every folder of gettext catalogues rarepassport ships: its own and each built-in plugin's.
CATALOGUE_FOLDERS = (SRC / "locale", *sorted(p for p in (SRC / "plugins" / "locale").iterdir() if p.is_dir()))


def read_po(path: Path) -> Any:
    """A catalogue as Babel (what translators' tools also read) parses it."""
    from babel.messages.pofile import read_po as babel_read_po

    with path.open("rb") as file:
        return babel_read_po(file, abort_invalid=True)


def label_entries(path: Path) -> dict[str, Any]:
    return {message.context: message for message in read_po(path) if message.id}


def translation_files() -> list[Path]:
    return [path for folder in CATALOGUE_FOLDERS for path in sorted(folder.glob("*.po"))]


def test_the_built_in_languages_are_the_shipped_catalogues() -> None:
    shipped = {path.stem for path in (SRC / "locale").glob("*.po")}
    assert sorted(shipped | {"en"}) == sorted(labels.BUILT_IN_LANGUAGES)


def test_english_is_read_from_the_template() -> None:
    entries = label_entries(SRC / "locale" / "messages.pot")
    assert {key: message.id for key, message in entries.items()} == dict(ENGLISH)
    assert ENGLISH["phrase.page_of"] == "Page {page} of {pages}"


@pytest.mark.parametrize("folder", CATALOGUE_FOLDERS, ids=lambda p: p.name)
def test_every_catalogue_folder_has_an_english_template(folder: Path) -> None:
    assert (folder / "messages.pot").is_file()


@pytest.mark.parametrize("path", translation_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_catalogue_translates_exactly_the_english_of_its_template(path: Path) -> None:
    # Same ids, same English msgids: an English label changed after translation shows here.
    template = {key: message.id for key, message in label_entries(path.parent / "messages.pot").items()}
    assert {key: message.id for key, message in label_entries(path).items()} == template


@pytest.mark.parametrize("path", translation_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_entry_of_a_shipped_catalogue_is_translated_and_not_fuzzy(path: Path) -> None:
    untranslated = [key for key, message in label_entries(path).items() if not message.string or message.fuzzy]
    assert untranslated == []


@pytest.mark.parametrize("path", translation_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_translations_keep_the_english_placeholders(path: Path) -> None:
    wrong = [
        key for key, message in label_entries(path).items() if placeholders(message.string) != placeholders(message.id)
    ]
    assert wrong == []


@pytest.mark.parametrize("path", translation_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_catalogue_says_its_language(path: Path) -> None:
    assert str(read_po(path).locale).replace("_", "-") == path.stem


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_english_label_has_a_translation(language: str) -> None:
    # Fails as soon as an English label is added without its translations.
    assert sorted(set(ENGLISH) - set(built_in_catalogue(language))) == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_a_translation_has_no_label_english_lacks(language: str) -> None:
    assert sorted(set(built_in_catalogue(language)) - set(ENGLISH)) == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_built_in_condition_plugins_are_translated(language: str) -> None:
    assert labels.missing(language, builtin_manager().labels) == []


def write_catalogue(folder: Path, language: str | None, entries: dict[str, tuple[str, str]]) -> None:
    """A plugin's catalogue, written as a translator's tool would (Babel's writer)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    catalogue = Catalog(locale=language)
    for key, (english, text) in entries.items():
        catalogue.add(english, text if language else "", context=key)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / (f"{language}.po" if language else "messages.pot")).open("wb") as file:
        write_po(file, catalogue)


def catalogue_plugin(folder: Path) -> object:
    class CataloguePlugin:
        @hookimpl
        def rarepassport_register_labels(self, labels: Any) -> None:
            labels.add_catalogues(folder)

    return CataloguePlugin()


def test_a_plugin_ships_its_labels_as_a_folder_of_catalogues(tmp_path: Path) -> None:
    folder = tmp_path / "locale"
    english = {"section.emergency": ("In an emergency", "")}
    write_catalogue(folder, None, english)
    write_catalogue(folder, "nl", {"section.emergency": ("In an emergency", "In geval van nood")})
    pm = rp.make_plugin_manager(entry_points=False, plugins=[catalogue_plugin(folder)])
    markdown = render_rendered(rp.load(ENGLISH_EXAMPLE), "markdown", language="nl", plugins=pm, today=TODAY)
    assert "## In geval van nood" in markdown.data.decode("utf-8")


def test_a_translation_of_an_older_english_text_is_not_used(tmp_path: Path) -> None:
    # The English changed after the translator's work: the stale translation is missing.
    folder = tmp_path / "locale"
    write_catalogue(folder, None, {"phrase.fictional": ("Give the new dose", "")})
    write_catalogue(folder, "de", {"phrase.fictional": ("Give the old dose", "Die alte Dosis geben")})
    pm = rp.make_plugin_manager(entry_points=False, plugins=[catalogue_plugin(folder)])
    assert labels.lookup("phrase.fictional", "de", pm.labels) == "Give the new dose"
    assert "phrase.fictional" in labels.missing("de", pm.labels)


def test_a_fuzzy_translation_is_not_used(tmp_path: Path) -> None:
    folder = tmp_path / "locale"
    write_catalogue(folder, None, {"phrase.fictional": ("Fictional phrase", "")})
    (folder / "de.po").write_text(
        'msgid ""\nmsgstr ""\n"Language: de\\n"\n\n'
        '#, fuzzy\nmsgctxt "phrase.fictional"\nmsgid "Fictional phrase"\nmsgstr "Erfundener Satz"\n',
        encoding="utf-8",
    )
    pm = rp.make_plugin_manager(entry_points=False, plugins=[catalogue_plugin(folder)])
    assert labels.lookup("phrase.fictional", "de", pm.labels) == "Fictional phrase"


def test_a_broken_plugin_catalogue_falls_back_to_english_and_names_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "locale"
    write_catalogue(folder, None, {"section.emergency": ("In an emergency", "")})
    (folder / "nl.po").write_bytes(b'msgctxt "section.emergency"\nmsgid "In an emergency\nmsgstr \xff\n')
    pm = rp.make_plugin_manager(entry_points=False, plugins=[catalogue_plugin(folder)])
    markdown = render_rendered(rp.load(ENGLISH_EXAMPLE), "markdown", language="nl", plugins=pm, today=TODAY)
    assert "## In an emergency" in markdown.data.decode("utf-8")
    errors = [layer.error for layer in pm.labels.catalogues() if layer.error]
    assert len(errors) == 1
    assert "nl.po" in errors[0]


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
    assert '<html lang="es" dir="ltr">' in html
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
    assert '<html lang="fr" dir="ltr">' in rendered_text(passport, "html", language="fr")


# --- other languages ------------------------------------------------------------------------


class DutchPlugin:
    @hookimpl
    def rarepassport_register_labels(self, labels: Any) -> None:
        labels.add("nl", {"section.emergency": "In geval van nood"})


def test_a_plugin_can_add_a_language() -> None:
    pm = rp.make_plugin_manager(entry_points=False, plugins=[DutchPlugin()])
    markdown = render_rendered(rp.load(ENGLISH_EXAMPLE), "markdown", language="nl", plugins=pm, today=TODAY)
    text = markdown.data.decode("utf-8")
    assert "## In geval van nood" in text
    assert "## Allergies" in text  # not in the plugin's catalogue: English


def test_a_language_without_labels_renders_english_marked_english_with_a_warning() -> None:
    # Swahili: CLDR knows it, rarepassport has no labels for it.
    rendered = render_rendered(rp.load(ENGLISH_EXAMPLE), "html", language="sw", plugins=builtin_manager(), today=TODAY)
    html = rendered.data.decode("utf-8")
    assert '<html lang="en"' in html
    assert 'lang="sw"' not in html
    assert "In an emergency" in html
    assert [w for w in rendered.warnings if "Swahili (sw)" in w and "English" in w]


def test_a_language_without_labels_gives_a_pdf_marked_english() -> None:
    data = render_rendered(rp.load(ENGLISH_EXAMPLE), "pdf", language="sw", plugins=builtin_manager(), today=TODAY).data
    assert pdf_lang(data) == "en"


def test_an_unknown_language_tag_is_not_repeated_in_the_warning() -> None:
    rendered = render_rendered(rp.load(ENGLISH_EXAMPLE), "markdown", language="qq-ZZ", plugins=builtin_manager(),
                               today=TODAY)
    [warning] = [w for w in rendered.warnings if "language" in w]
    assert "qq" not in warning.lower()
    assert "English" in warning


def test_a_passport_language_without_labels_names_the_field() -> None:
    passport = rp.load(ENGLISH_EXAMPLE)
    document = layout(attrs.evolve(passport, language="sw"), plugins=builtin_manager(), today=TODAY)
    assert document.language == "en"
    assert any("$.language" in warning for warning in document.warnings)


@pytest.mark.parametrize(
    ("tag", "normal", "allergies"),
    [
        ("FR", "fr", "Allergies"),
        ("fr-ca", "fr-CA", "Allergies"),
        ("ES_mx", "es-MX", "Alergias"),
        (" es ", "es", "Alergias"),
    ],
)
def test_a_tag_is_normalised_before_choosing_labels(tag: str, normal: str, allergies: str) -> None:
    passport = attrs.evolve(rp.load(ENGLISH_EXAMPLE), language=tag)
    document = layout(passport, plugins=builtin_manager(), today=TODAY)
    assert document.language == normal
    assert document.section("allergies").title == allergies  # type: ignore[union-attr]
    assert [warning for warning in document.warnings if "language" in warning] == []


def test_a_passport_written_FR_renders_french_marked_fr() -> None:
    passport = attrs.evolve(rp.load(ENGLISH_EXAMPLE), language="FR")
    html = rendered_text(passport, "html")
    assert '<html lang="fr"' in html
    assert "Médicaments" in html


@pytest.mark.parametrize(
    ("language", "full", "month"),
    [
        ("en", "2 March 2015", "May 2016"),
        ("en-US", "March 2, 2015", "May 2016"),
        ("fr", "2 mars 2015", "mai 2016"),
        ("es", "2 de marzo de 2015", "mayo de 2016"),
    ],
)
def test_dates_are_written_in_the_cldr_long_form(language: str, full: str, month: str) -> None:
    assert context(language).format_date(dt.date(2015, 3, 2)) == full
    assert context(language).format_date(PartialDate(2016, 5)) == month
    assert context(language).format_date(PartialDate(2016)) == "2016"


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
