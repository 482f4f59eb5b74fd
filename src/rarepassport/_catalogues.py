"""Reading gettext label catalogues (``.pot`` and ``.po`` files).

rarepassport's words live in gettext catalogues that translators edit with their usual
tools (Poedit, Weblate, Lokalize, a text editor). In each entry the ``msgctxt`` is the
label id, the ``msgid`` is the English text and the ``msgstr`` the translation:

.. code-block:: po

    msgctxt "section.allergies"
    msgid "Allergies"
    msgstr "Alergias"

A folder of catalogues holds ``messages.pot`` (the English template: its msgids are the
English labels) and one ``<tag>.po`` per language (``fr.po``, ``pt-BR.po``). An entry
with an empty or *fuzzy* translation counts as missing, and so does one whose msgid is no
longer the English text (the English changed after it was translated).

Catalogues are read the first time a label of their language is needed, so no file is
read by ``import rarepassport`` or by a render in another language. Babel's
:mod:`babel.messages.pofile` is the reader of record; a file in the plain form
``scripts/edit_labels.py`` writes (what every shipped catalogue is) is read by a
one-pass reader that gives the same entries for a tenth of the time, Babel's import
included (a command that reports one line in English reads the 1,200-entry template);
anything else in a file sends the whole file to Babel (tests/test_catalogues.py
compares the two readers).
"""

from __future__ import annotations

import functools
import io
import re
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

__all__ = [
    "CORE_LOCALE_DIR",
    "TEMPLATE_NAME",
    "Catalogue",
    "catalogues_in",
    "core_error",
    "core_text",
    "read_catalogue",
]

#: File name of the English template in a catalogue folder.
TEMPLATE_NAME = "messages.pot"

#: The folder of rarepassport's own catalogues (``rarepassport.labels.LOCALE_DIR``).
CORE_LOCALE_DIR = Path(__file__).parent / "locale"


def read_catalogue(path: Path) -> dict[str, tuple[str, str]]:
    """The entries of a ``.po`` or ``.pot`` file, as ``{label id: (English, translation)}``.

    Entries without a ``msgctxt`` (not label entries) and plural entries are skipped. The
    translation is ``""`` when the entry is untranslated or marked fuzzy.

    Raises:
        ValueError: When the file is not a readable catalogue (the message names the file).
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ValueError(f"label catalogue {path.name} could not be read: {error}") from None
    plain = _read_plain(data)
    if plain is not None:
        return plain
    from babel.messages.pofile import PoFileError, read_po

    try:
        catalogue = read_po(io.BytesIO(data), abort_invalid=True)
    except (PoFileError, UnicodeDecodeError) as error:
        raise ValueError(f"label catalogue {path.name} could not be read: {error}") from None
    entries: dict[str, tuple[str, str]] = {}
    for message in catalogue:
        if not message.context or not isinstance(message.id, str) or not isinstance(message.string, str):
            continue
        entries[message.context] = (message.id, "" if message.fuzzy else message.string)
    return entries


#: One quoted piece of a keyword or continuation line, in the plain form: escapes only
#: of the kinds Babel's ``unescape`` turns back (``\\ \" \n \t \r``).
_QUOTED = r'"[^"\\\n]*(?:\\[\\"ntr][^"\\\n]*)*"'
#: One entry in the plain form, each line as written (nothing to strip): comment lines
#: (not obsolete ``#~``, not conflict ``#-``, no location line Babel may refuse), an
#: optional ``msgctxt``, ``msgid`` and ``msgstr``, each with its continuation lines, and
#: the blank lines after it.
_PLAIN_ENTRY = re.compile(
    r"((?:#(?![~-]|:[^\n\u2068\u2069]*[\u2068\u2069])[^\n]*\n)*)"
    rf"(?:msgctxt ({_QUOTED}(?:\n{_QUOTED})*)\n)?"
    rf"msgid ({_QUOTED}(?:\n{_QUOTED})*)\n"
    rf"msgstr ({_QUOTED}(?:\n{_QUOTED})*)(?:\n|\Z)\n*"
)
_ESCAPE = re.compile(r'\\([\\"ntr])')
_UNESCAPED = {"\\": "\\", '"': '"', "n": "\n", "t": "\t", "r": "\r"}


def _unquote(pieces: str) -> str:
    """The text of a keyword's quoted pieces (one per line), as Babel's ``denormalize``."""
    inner = pieces[1:-1].replace('"\n"', "")
    if "\\" not in inner:
        return inner
    return _ESCAPE.sub(lambda match: _UNESCAPED[match.group(1)], inner)


def _read_plain(data: bytes) -> dict[str, tuple[str, str]] | None:
    """The entries of a catalogue in the plain form, as Babel would give them, or ``None``
    when the file holds anything else (then Babel reads it).

    The plain form (what ``scripts/edit_labels.py`` writes with Babel): entries of
    ``msgctxt``, ``msgid`` and ``msgstr``, each keyword followed by one space and a quoted
    string, continued by quoted lines; comment lines before an entry (of which only the
    ``fuzzy`` flag matters here); blank lines between; a first entry with an empty
    ``msgid`` and no context (the header) that Babel reads without failing and that
    leaves the file in UTF-8; entries without a context are skipped, as by Babel's
    reading. Plural entries, obsolete (``#~``) or conflict (``#-``) lines, an empty
    ``msgid`` other than the header's, a context given twice, an escape Babel keeps as
    written, white space around a line, text not in UTF-8 or any other line are not
    plain.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    entries: dict[str, tuple[str, str]] = {}
    position = len(text) - len(text.lstrip("\n"))
    first = True
    match = _PLAIN_ENTRY.match
    while position < len(text):
        entry = match(text, position)
        if entry is None:
            return None
        position = entry.end()
        comments, context, english, translation = entry.groups()
        english = _unquote(english)
        header, first = first and not english and context is None, False
        if header:
            if not _plain_header(_unquote(translation)):
                return None
            continue
        if not english:
            return None  # a second header, or one with a context: Babel's own rules
        if context is None:
            continue  # not a label entry
        label = _unquote(context)
        if label in entries:
            return None
        if label:
            fuzzy = "fuzzy" in comments and any(
                "fuzzy" in (flag.strip() for flag in line[2:].split(","))
                for line in comments.split("\n") if line.startswith("#,")
            )
            entries[label] = (english, "" if fuzzy else _unquote(translation))
    return entries


#: A line of a plain header: a field name, a colon, the value.
_HEADER_LINE = re.compile(r"([A-Za-z][A-Za-z0-9-]*):[ \t]*(.*)")
#: Values of the header fields Babel interprets (others it keeps as text) that it reads
#: without failing and that leave the rest of the file in UTF-8.
_PLAIN_HEADER_VALUES = {
    "content-type": re.compile(r"text/plain; ?charset=(?:utf-8|charset)", re.IGNORECASE),
    "plural-forms": re.compile(r"nplurals=[0-9]+;[^\"\\]*"),
    "language": re.compile(r"(?:[a-z]{2,3}(?:[-_][A-Z][a-z]{3})?(?:[-_][A-Z]{2})?)?"),
    "pot-creation-date": re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2}) ([0-9]{2}):([0-9]{2})([+-][0-9]{2})([0-9]{2})"),
}
_PLAIN_HEADER_VALUES["po-revision-date"] = _PLAIN_HEADER_VALUES["pot-creation-date"]


def _plain_header(header: str) -> bool:
    """Whether a catalogue's header is one Babel reads without failing and that leaves the
    file in UTF-8: ``Name: value`` lines, with the values of the fields Babel interprets
    (charset, plural forms, language, dates) in their usual form."""
    import datetime

    if "\r" in header:
        return False  # a line break to Babel's header parser, not to this one
    for line in header.split("\n")[:-1] if header.endswith("\n") else header.split("\n"):
        field = _HEADER_LINE.fullmatch(line)
        if field is None:
            return False
        name, value = field.group(1).lower(), field.group(2)
        if name == "plural-forms" and value.count("nplurals") != 1:
            return False
        if name == "po-revision-date" and "YEAR" in value:
            continue
        form = _PLAIN_HEADER_VALUES.get(name)
        if form is None:
            continue  # a field Babel keeps as text
        shape = form.fullmatch(value)
        if shape is None:
            return False
        if name.endswith("-date"):
            year, month, day, hour, minute, offset_hours, offset_minutes = map(int, shape.groups())
            if abs(offset_hours * 60 + (offset_minutes if offset_hours >= 0 else -offset_minutes)) >= 24 * 60:
                return False
            try:
                datetime.datetime(year, month, day, hour, minute)
            except ValueError:
                return False
    return True


class Catalogue(Mapping[str, str]):
    """The labels of one catalogue file, read on first use.

    For the English template (``messages.pot``) the labels are the msgids; for a
    translation (``<tag>.po``) they are the msgstrs that are translated, not fuzzy and
    translate the current English (when ``english`` is given).

    Args:
        path: The ``.po`` or ``.pot`` file.
        english: The current English labels, to leave out stale translations.
    """

    def __init__(self, path: Path, english: Mapping[str, str] | None = None) -> None:
        self.path = path
        self._english = english
        self._labels: dict[str, str] | None = None
        self._lock = threading.Lock()
        #: Why the file could not be read (it then counts as empty), or ``None``.
        self.error: str | None = None

    @property
    def is_template(self) -> bool:
        """Whether this is the English template rather than a translation."""
        return self.path.suffix == ".pot"

    def _load(self) -> dict[str, str]:
        labels = self._labels
        if labels is not None:
            return labels
        with self._lock:
            if self._labels is None:
                try:
                    entries = read_catalogue(self.path)
                except ValueError as error:
                    # A plugin's broken file must not stop a passport rendering: its labels
                    # fall back to English, and `rarepassport labels` reports the file.
                    self.error = str(error)
                    entries = {}
                if self.is_template:
                    self._labels = {key: english for key, (english, _) in entries.items()}
                else:
                    current = self._english
                    self._labels = {
                        key: text
                        for key, (english, text) in entries.items()
                        if text and (current is None or current.get(key, english) == english)
                    }
            return self._labels

    def __getitem__(self, key: str) -> str:
        return self._load()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())

    def __contains__(self, key: object) -> bool:
        return key in self._load()

    def __repr__(self) -> str:
        return f"Catalogue({self.path.name!r})"


@functools.cache
def catalogues_in(folder: Path) -> tuple[Catalogue | None, dict[str, Catalogue]]:
    """The English template and the translations in a catalogue folder.

    One set of (lazily read) catalogues per folder, shared by every plugin manager.

    Returns:
        ``(template, {tag: catalogue})``; the template is ``None`` when the folder has
        no ``messages.pot``. Translations leave out entries whose English changed.
    """
    template_path = folder / TEMPLATE_NAME
    template = Catalogue(template_path) if template_path.is_file() else None
    translations = {
        path.stem: Catalogue(path, template) for path in sorted(folder.glob("*.po")) if path.is_file()
    }
    return template, translations


def core_error(kind: type[Exception], message_id: str, **arguments: str) -> Exception:
    """An exception whose text is a message of rarepassport's English catalogue.

    For the modules below :mod:`rarepassport.labels` that report problems in a passport
    (reading dates, the converter): the exception carries ``message_id`` and
    ``arguments`` as attributes, so the problem it becomes can be shown in another
    language; its text is the English.

    Args:
        kind: ``TypeError`` or ``ValueError``.
        message_id: The catalogue id, e.g. ``validation.structure.expected-text``.
        **arguments: The values of the message's placeholders (never a passport's value).
    """
    error = kind(core_text(message_id, **arguments))
    error.message_id = message_id  # type: ignore[attr-defined]
    error.arguments = arguments  # type: ignore[attr-defined]
    return error


def core_text(message_id: str, **arguments: str) -> str:
    """The English of a message of rarepassport's own catalogue, filled in.

    For the modules below :mod:`rarepassport.labels` that give a problem its English
    text and its ``message_id`` (reading, migrations, files): the English lives in the
    catalogue only, once.

    Args:
        message_id: The catalogue id, e.g. ``validation.read.text-too-long``.
        **arguments: The values of the message's placeholders (never a passport's value).

    Returns:
        The English, or ``message_id`` itself when the catalogue lacks it.
    """
    template = catalogues_in(CORE_LOCALE_DIR)[0]
    english = template.get(message_id) if template is not None else None
    return english.format_map(arguments) if english is not None else message_id
