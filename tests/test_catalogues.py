"""Reading gettext label catalogues (``rarepassport._catalogues``).

Specification: the module docstring: ``msgctxt`` is the label id, ``msgid`` the English,
``msgstr`` the translation; an empty or fuzzy translation, or one of an English text that
has since changed, counts as missing; a broken file never stops a render (its labels are
empty and the error is kept). Every catalogue here is written in tmp_path.
"""

from __future__ import annotations

from collections.abc import Callable
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


# --- the plain form is read without Babel, with Babel's result -------------------------


def _read_with_babel(path: Path) -> dict[str, tuple[str, str]]:
    """The entries as Babel's ``read_po`` gives them: the reference for every file."""
    from babel.messages.pofile import read_po

    with path.open("rb") as file:
        catalogue = read_po(file, abort_invalid=True)
    return {
        message.context: (message.id, "" if message.fuzzy else message.string)
        for message in catalogue
        if message.context and isinstance(message.id, str) and isinstance(message.string, str)
    }


def _outcome(read: Callable[[Path], dict[str, tuple[str, str]]], path: Path) -> object:
    try:
        return read(path)
    except Exception:  # refused (Babel raises several kinds): compared as such
        return "refused"


def _shipped_catalogues() -> list[Path]:
    import rarepassport

    package = Path(rarepassport.__file__).parent
    return sorted([*package.glob("locale/*.po*"), *package.glob("plugins/locale/*/*.po*")])


def test_every_shipped_catalogue_reads_as_babel_reads_it() -> None:
    paths = _shipped_catalogues()
    assert len(paths) > 11
    for path in paths:
        assert read_catalogue(path) == _read_with_babel(path), path


def test_the_english_template_is_read_without_importing_babel() -> None:
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


HEADER = '''msgid ""
msgstr ""
"Project-Id-Version: test 1\\n"
"POT-Creation-Date: 2026-12-01 12:00+0000\\n"
"PO-Revision-Date: YEAR-MO-DA HO:MI+ZONE\\n"
"Language: fr\\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\\n"
"Content-Type: text/plain; charset=utf-8\\n"

'''

ENTRY = '''msgctxt "a.b"
msgid "English"
msgstr "Anglais"
'''

#: Files in and out of the plain form: each is read as Babel reads it, or refused when
#: Babel refuses it.
CASES = {
    "plain": HEADER + ENTRY,
    "no header": ENTRY,
    "only a header": HEADER,
    "empty": "",
    "fuzzy among flags": HEADER + "#, python-brace-format, fuzzy\n" + ENTRY,
    "fuzzy before the next entry": HEADER + ENTRY + "\n#, fuzzy\n" + ENTRY.replace("a.b", "c.d"),
    "fuzzy at the end": HEADER + ENTRY + "#, fuzzy\n",
    "other comments": HEADER + "# translator\n#. extracted\n#: file.py:3 other.py\n#| msgid \"Old\"\n" + ENTRY,
    "escapes": HEADER + 'msgctxt "a.b"\nmsgid "Say \\"hi\\"\\n\\t\\\\ \\r"\nmsgstr "Dis \\"salut\\"\\n"\n',
    "an escape Babel keeps": HEADER + 'msgctxt "a.b"\nmsgid "A \\x41 \\u00e9"\nmsgstr "B"\n',
    "continued lines": HEADER + 'msgctxt ""\n"a."\n"b"\nmsgid ""\n"Eng\\\\"\n"lish"\nmsgstr "An"\n"glais"\n',
    "empty translation": HEADER + 'msgctxt "a.b"\nmsgid "English"\nmsgstr ""\n',
    "empty context": HEADER + 'msgctxt ""\nmsgid "English"\nmsgstr "Anglais"\n',
    "no context": HEADER + 'msgid "English"\nmsgstr "Anglais"\n' + ENTRY,
    "context given twice": HEADER + ENTRY + "\n" + ENTRY.replace("English", "Other"),
    "entry given twice": HEADER + ENTRY + "\n#, fuzzy\n" + ENTRY,
    "empty msgid with a context": HEADER + 'msgctxt "a.b"\nmsgid ""\nmsgstr "x"\n',
    "a second header": HEADER + ENTRY + "\n" + HEADER,
    "no blank lines": HEADER + ENTRY + ENTRY.replace("a.b", "c.d"),
    "a comment between msgctxt and msgid": HEADER + 'msgctxt "a.b"\n# note\nmsgid "E"\nmsgstr "F"\n',
    "missing msgstr": HEADER + 'msgctxt "a.b"\nmsgid "E"\n\n' + ENTRY.replace("a.b", "c.d"),
    "plural": HEADER + 'msgctxt "a.b"\nmsgid "one"\nmsgid_plural "many"\nmsgstr[0] "un"\nmsgstr[1] "des"\n',
    "obsolete": HEADER + ENTRY + '\n#~ msgctxt "c.d"\n#~ msgid "Old"\n#~ msgstr "Vieux"\n',
    "conflict": HEADER + "#-#-#-#-#  a.po  #-#-#-#-#\n" + ENTRY,
    "location with unbalanced isolates": HEADER + "#: \u2068file.py:1\n" + ENTRY,
    "location with isolates": HEADER + "#: \u2068my file.py\u2069:1\n" + ENTRY,
    "white space around lines": HEADER + '  msgctxt "a.b"  \nmsgid "English"\t\nmsgstr "Anglais"\n',
    "two spaces after a keyword": HEADER + 'msgctxt  "a.b"\nmsgid "English"\nmsgstr "Anglais"\n',
    "unknown keyword": HEADER + ENTRY + 'msgfoo "x"\n',
    "unclosed string": HEADER + 'msgctxt "a.b"\nmsgid "English\nmsgstr "Anglais"\n',
    "Windows line ends": (HEADER + ENTRY).replace("\n", "\r\n"),
    "byte order mark": "\ufeff" + HEADER + ENTRY,
    "latin-1 header": HEADER.replace("utf-8", "latin-1") + ENTRY.replace("Anglais", "Anglais é"),
    "placeholder charset": HEADER.replace("utf-8", "CHARSET") + ENTRY,
    "unknown language": HEADER.replace("Language: fr", "Language: xx_Yyyy") + ENTRY,
    "malformed language": HEADER.replace("Language: fr", "Language: 12") + ENTRY,
    "empty language": HEADER.replace("Language: fr", "Language: ") + ENTRY,
    "impossible date": HEADER.replace("2026-12-01", "2026-02-30") + ENTRY,
    "date with a day-long offset": HEADER.replace("12:00+0000", "12:00+2400") + ENTRY,
    "date in another form": HEADER.replace("2026-12-01 12:00+0000", "1 Dec 2026") + ENTRY,
    "revision date": HEADER.replace("YEAR-MO-DA HO:MI+ZONE", "2026-12-01 13:00-0130") + ENTRY,
    "plural forms not a number": HEADER.replace("nplurals=2", "nplurals=x") + ENTRY,
    "a header line break Babel sees": HEADER.replace(
        '"Project-Id-Version: test 1\\n"', '"Project-Id-Version: test 1\\rContent-Type: text/plain; charset=latin-1\\n"'
    ) + ENTRY.replace("Anglais", "Anglais é"),
    "a header line that is not a field": HEADER.replace('"Language: fr\\n"', '"not a field\\n"') + ENTRY,
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_catalogue_reads_as_babel_reads_it_or_is_refused_as_babel_refuses_it(tmp_path: Path, case: str) -> None:
    path = tmp_path / "fr.po"
    path.write_bytes(CASES[case].encode("latin-1" if "latin-1" in case else "utf-8"))
    expected = _outcome(_read_with_babel, path)
    assert _outcome(read_catalogue, path) == expected
    if expected == "refused":
        with pytest.raises(ValueError):
            read_catalogue(path)
