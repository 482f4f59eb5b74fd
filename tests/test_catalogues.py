"""Reading gettext label catalogues (``rarepassport._catalogues``).

Specification: the module docstring: ``msgctxt`` is the label id, ``msgid`` the English,
``msgstr`` the translation; an empty or fuzzy translation, or one of an English text that
has since changed, counts as missing; a broken file never stops a render (its labels are
empty and the error is kept). Every catalogue here is written in tmp_path.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rarepassport._catalogues import TEMPLATE_NAME, Catalogue, catalogues_in, read_catalogue

TEMPLATE = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgctxt "section.allergies"
msgid "Allergies"
msgstr ""

msgctxt "field.name"
msgid "Name"
msgstr ""

msgctxt "phrase.count"
msgid "{n} more"
msgstr ""

msgid "An entry without a label id"
msgstr ""
"""

FRENCH = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgctxt "section.allergies"
msgid "Allergies"
msgstr "Allergies (fr)"

#, fuzzy
msgctxt "field.name"
msgid "Name"
msgstr "Nom"

msgctxt "phrase.count"
msgid "{n} others"
msgstr "{n} autres"

msgid "An entry without a label id"
msgstr "Une entrée"
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / TEMPLATE_NAME).write_text(TEMPLATE, encoding="utf-8")
    (tmp_path / "fr.po").write_text(FRENCH, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a catalogue", encoding="utf-8")
    return tmp_path


def test_entries_are_keyed_by_label_id_with_english_and_translation(folder: Path) -> None:
    entries = read_catalogue(folder / "fr.po")
    assert entries == {
        "section.allergies": ("Allergies", "Allergies (fr)"),
        "field.name": ("Name", ""),  # fuzzy counts as untranslated
        "phrase.count": ("{n} others", "{n} autres"),
    }


def test_the_template_gives_the_english_and_a_translation_only_what_is_current(folder: Path) -> None:
    template, translations = catalogues_in(folder)
    assert template is not None and template.is_template
    assert dict(template) == {"section.allergies": "Allergies", "field.name": "Name", "phrase.count": "{n} more"}
    assert set(translations) == {"fr"}
    french = translations["fr"]
    assert not french.is_template
    # Fuzzy "Nom" is missing; "{n} autres" translates an English text that has changed.
    assert dict(french) == {"section.allergies": "Allergies (fr)"}
    assert "field.name" not in french and len(french) == 1
    with pytest.raises(KeyError):
        french["phrase.count"]


def test_without_the_english_every_translated_entry_counts(folder: Path) -> None:
    french = Catalogue(folder / "fr.po")
    assert dict(french) == {"section.allergies": "Allergies (fr)", "phrase.count": "{n} autres"}
    assert repr(french) == "Catalogue('fr.po')"


def test_a_folder_without_a_template_has_translations_only(tmp_path: Path) -> None:
    (tmp_path / "de.po").write_text(FRENCH, encoding="utf-8")
    template, translations = catalogues_in(tmp_path)
    assert template is None
    assert list(translations) == ["de"]


def test_a_folder_is_read_once_and_a_file_only_when_first_used(folder: Path) -> None:
    first = catalogues_in(folder)
    assert catalogues_in(folder) is first
    french = first[1]["fr"]
    (folder / "fr.po").write_text(FRENCH.replace("Allergies (fr)", "Allergies (changed)"), encoding="utf-8")
    assert french["section.allergies"] == "Allergies (changed)"  # read lazily, on first lookup
    (folder / "fr.po").write_text(FRENCH, encoding="utf-8")
    assert french["section.allergies"] == "Allergies (changed)"  # and then kept


@pytest.mark.parametrize("text", [b"\xff\xfe\x00garbage", b'msgid "unclosed'])
def test_a_broken_file_is_refused_by_name_and_counts_as_empty(tmp_path: Path, text: bytes) -> None:
    path = tmp_path / "pl.po"
    path.write_bytes(text)
    with pytest.raises(ValueError, match=r"label catalogue pl\.po could not be read"):
        read_catalogue(path)
    catalogue = Catalogue(path)
    assert len(catalogue) == 0 and "a" not in catalogue
    assert catalogue.error is not None and "pl.po" in catalogue.error


def test_a_missing_file_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"cy\.po"):
        read_catalogue(tmp_path / "cy.po")


def test_the_english_template_is_read_without_importing_babel() -> None:
    # Its compiled form (compiled/messages.pot.json) is current: Babel is not needed.
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from rarepassport._catalogues import core_text\n"
        "assert core_text('cli.valid') == 'valid', core_text('cli.valid')\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'babel'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
