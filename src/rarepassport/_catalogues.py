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

Catalogues are parsed with Babel's :mod:`babel.messages.pofile` the first time a label
of their language is needed, so neither Babel nor the files are read by
``import rarepassport`` or by a render in another language. A catalogue shipped with a
*compiled* form beside it (``compiled/<file name>.json``: Babel's reading of the file,
written by ``scripts/edit_labels.py``, with the SHA-256 of the bytes it was read from)
is read from that instead, without importing Babel, as long as the catalogue's bytes
are still the ones it was compiled from; an edited catalogue is read by Babel again, so
a compiled form can make reading faster but never different.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

__all__ = [
    "COMPILED_FOLDER",
    "CORE_LOCALE_DIR",
    "TEMPLATE_NAME",
    "Catalogue",
    "catalogues_in",
    "compile_catalogue",
    "compiled_path",
    "core_error",
    "core_text",
    "read_catalogue",
]

#: File name of the English template in a catalogue folder.
TEMPLATE_NAME = "messages.pot"

#: The folder of rarepassport's own catalogues (``rarepassport.labels.LOCALE_DIR``).
CORE_LOCALE_DIR = Path(__file__).parent / "locale"


#: The folder, beside a catalogue, that holds its compiled form.
COMPILED_FOLDER = "compiled"


def compiled_path(path: Path) -> Path:
    """Where the compiled form of the catalogue ``path`` is: ``compiled/<name>.json`` beside it."""
    return path.parent / COMPILED_FOLDER / f"{path.name}.json"


def read_catalogue(path: Path) -> dict[str, tuple[str, str]]:
    """The entries of a ``.po`` or ``.pot`` file, as ``{label id: (English, translation)}``.

    Entries without a ``msgctxt`` (not label entries) and plural entries are skipped. The
    translation is ``""`` when the entry is untranslated or marked fuzzy. The file's
    compiled form is used when it was compiled from these very bytes.

    Raises:
        ValueError: When the file is not a readable catalogue (the message names the file).
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ValueError(f"label catalogue {path.name} could not be read: {error}") from None
    compiled = _read_compiled(path, data)
    return compiled if compiled is not None else _read_with_babel(path, data)


def compile_catalogue(path: Path) -> Path:
    """Write the compiled form of the catalogue ``path``: Babel's reading of it, as JSON,
    with the SHA-256 of the bytes read (one entry per line, so that changes diff well).

    Returns:
        The path written (see `compiled_path`).

    Raises:
        ValueError: When the file is not a readable catalogue.
    """
    import hashlib
    import json

    data = path.read_bytes()
    entries = _read_with_babel(path, data)
    target = compiled_path(path)
    target.parent.mkdir(exist_ok=True)
    def dumps(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    lines = ",\n".join(f"{dumps(key)}: {dumps(list(value))}" for key, value in entries.items())
    text = (f'{{"source": {dumps(path.name)},\n"source_sha256": "{hashlib.sha256(data).hexdigest()}",\n'
            f'"entries": {{\n{lines}\n}}}}\n')
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(target)
    return target


def _read_compiled(path: Path, data: bytes) -> dict[str, tuple[str, str]] | None:
    """The entries from the compiled form of ``path``, or ``None`` when there is none, it
    is not well formed, or it was compiled from other bytes than ``data``."""
    try:
        raw = compiled_path(path).read_bytes()
    except OSError:
        return None
    import hashlib
    import json

    try:
        stored = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(stored, dict) or stored.get("source_sha256") != hashlib.sha256(data).hexdigest():
        return None
    entries = stored.get("entries")
    if not isinstance(entries, dict):
        return None
    result: dict[str, tuple[str, str]] = {}
    for key, value in entries.items():
        if not (isinstance(value, list) and len(value) == 2 and type(value[0]) is str and type(value[1]) is str):
            return None
        result[key] = (value[0], value[1])
    return result


def _read_with_babel(path: Path, data: bytes) -> dict[str, tuple[str, str]]:
    import io

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
