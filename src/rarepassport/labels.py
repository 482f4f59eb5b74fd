"""The label catalogue: every word rarepassport itself puts on a page.

There is one catalogue, keyed by *label id*:

* ``section.<id>``: section titles (``section.emergency``, ``section.medications``);
* ``Class.field``: field labels (``Medication.time_critical``, ``Person.date_of_birth``);
* ``enum.<EnumClass>.<value>``: enum words (``enum.Severity.life-threatening``);
* ``phrase.<name>``: fixed phrases, some with ``{placeholders}``
  (``phrase.page_of`` is ``"Page {page} of {pages}"``);
* ``month.<1-12>``: month names, used to write dates unambiguously;
* ``easyread.<id>``: the easy-read wording of label ``<id>`` (``easyread.section.allergies``
  is "My allergies"), shorter and plainer, used instead of it when a passport is laid out
  for easy read (see :func:`lookup`); a label with no easy-read wording keeps its own.

The catalogues are gettext files in ``rarepassport/locale/``, which translators edit
with Poedit, Weblate or any text editor: ``messages.pot`` holds English (the reference,
:data:`ENGLISH`) and each ``<tag>.po`` one language of :data:`BUILT_IN_LANGUAGES`, with
the label id as ``msgctxt``, the English as ``msgid`` and the translation as ``msgstr``
(see :mod:`rarepassport._catalogues`). They are read (as Babel reads them) the first time a
label of their language is needed. All are registered by the built-in plugin
:mod:`rarepassport.builtins.backends` through the ``rarepassport_register_labels`` hook
(:meth:`~rarepassport.registries.LabelRegistry.add_catalogues`), the same way a plugin adds
a language or rewords a label; layout looks labels up through
:class:`rarepassport.layouts.LayoutContext` and never holds words of its own. A label
missing in a language falls back to its base language (``pt`` for ``pt-BR``), then
English; :func:`missing` lists what a language still lacks.

Backends get the fixed phrases they print (page numbers, "More in the full
passport", ...) from :attr:`rarepassport.document.Document.phrases`, which layout fills
with every ``phrase.*`` label in the document's language. A backend therefore never
imports this module and never hard-codes a word.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from rarepassport._catalogues import CORE_LOCALE_DIR, catalogues_in

if TYPE_CHECKING:
    from rarepassport.registries import LabelRegistry

__all__ = [
    "BUILT_IN_LANGUAGES",
    "EASY_READ_PREFIX",
    "ENGLISH",
    "LOCALE_DIR",
    "PHRASE_PREFIX",
    "REVIEW_STATUS",
    "built_in_catalogue",
    "humanise",
    "lookup",
    "missing",
    "phrases",
]

#: Languages whose catalogue ships with rarepassport (plugins can add more).
BUILT_IN_LANGUAGES: tuple[str, ...] = ("en", "ar", "cy", "de", "es", "fr", "hi", "it", "pl", "pt", "zh-Hans")

#: Who has checked each built-in catalogue. A catalogue drafted with machine assistance
#: must say so here, in docs/translations.md and in ``rarepassport labels``, until a
#: fluent speaker and a clinician have reviewed a rendered passport.
_UNREVIEWED = "machine-assisted draft: not reviewed by a fluent speaker or a clinician"
REVIEW_STATUS: Mapping[str, str] = {
    "en": "reference",
    **{tag: _UNREVIEWED for tag in BUILT_IN_LANGUAGES if tag != "en"},
}

#: Prefix of the fixed phrases that layout copies into every Document.
PHRASE_PREFIX = "phrase."

#: Prefix of the easy-read wording of a label: ``easyread.section.allergies``.
EASY_READ_PREFIX = "easyread."


def _english_template(folder: Path) -> Mapping[str, str]:
    template = catalogues_in(folder)[0]
    if template is None:  # pragma: no cover - a broken installation
        raise ImportError(f"rarepassport's English labels ({folder.name}/messages.pot) are missing")
    return template


#: The folder of rarepassport's own gettext catalogues: ``messages.pot`` (English) and
#: one ``<tag>.po`` per language in :data:`BUILT_IN_LANGUAGES`.
LOCALE_DIR: Path = CORE_LOCALE_DIR

#: The English catalogue, read from ``locale/messages.pot`` on first use. Plugins
#: override or translate entries through ``rarepassport_register_labels``; nothing else
#: in rarepassport holds English words.
ENGLISH: Mapping[str, str] = _english_template(LOCALE_DIR)

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def humanise(label_id: str) -> str:
    """A readable stand-in for a label missing from the catalogue.

    Plugin fields without a catalogue entry still get a sensible label, e.g.
    ``FabryDetails.enzyme_therapy`` becomes ``Enzyme therapy``.

    Args:
        label_id: Any label id.

    Returns:
        The last part of the id, with ``_`` and ``-`` as spaces and the first
        letter capitalised.
    """
    last = label_id.rsplit(".", 1)[-1]
    words = _CAMEL.sub(" ", last).replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:].lower() if words else label_id


def lookup(label_id: str, language: str, registry: LabelRegistry | None = None, *, easy_read: bool = False) -> str:
    """The text of a label in a language.

    Looks in the plugin manager's label registry (which has the built-in English
    labels plus every plugin's additions and translations), falling back to the
    base language, then English, then :func:`humanise`.

    Args:
        label_id: The label's id, e.g. ``Medication.dose``.
        language: A BCP 47 tag such as ``en`` or ``pt-BR``.
        registry: The registry of a plugin manager, or ``None`` for English only.
        easy_read: Use the label's easy-read wording (``easyread.<label_id>``) where the
            language, or its base language, has one; else the label itself, in the
            language (never an English easy-read wording in a page in another language).

    Returns:
        The label text (never empty unless the catalogue says so on purpose).
    """
    if easy_read:
        simpler = _easy_read(label_id, language, registry)
        if simpler is not None:
            return simpler
    if registry is not None:
        text = registry.get(label_id, language)
        if text is not None:
            return text
    text = ENGLISH.get(label_id)
    return text if text is not None else humanise(label_id)


def _easy_read(label_id: str, language: str, registry: LabelRegistry | None) -> str | None:
    """The easy-read wording of a label in exactly ``language`` or a shorter tag of it, if any."""
    simpler_id = f"{EASY_READ_PREFIX}{label_id}"
    if registry is None:
        return ENGLISH.get(simpler_id) if language.split("-")[0] == "en" else None
    from rarepassport.languages import candidates

    for candidate in candidates(language):
        text = registry.get_exact(simpler_id, candidate)
        if text is not None:
            return text
    return None


def phrases(language: str, registry: LabelRegistry | None = None, *, easy_read: bool = False) -> dict[str, str]:
    """Every fixed phrase (``phrase.*``) in a language, for :class:`Document.phrases`.

    Args:
        language: A BCP 47 tag.
        registry: The registry of a plugin manager, or ``None`` for English only.
        easy_read: Each phrase in its easy-read wording where it has one (see :func:`lookup`).

    Returns:
        A dict from phrase id (with its ``phrase.`` prefix) to text.
    """
    ids = {label_id for label_id in ENGLISH if label_id.startswith(PHRASE_PREFIX)}
    if registry is not None:
        # A plugin may add phrases of its own for its backend; include them too.
        for lang in {language, language.split("-")[0], "en"}:
            ids.update(k for k in registry.ids(lang) if k.startswith(PHRASE_PREFIX))
    return {label_id: lookup(label_id, language, registry, easy_read=easy_read) for label_id in sorted(ids)}


def built_in_catalogue(language: str) -> Mapping[str, str]:
    """The catalogue rarepassport ships for one of :data:`BUILT_IN_LANGUAGES`.

    Each is read from ``locale/<tag>.po`` only when asked for, so ``import rarepassport``
    stays light. A translation that is empty, fuzzy or of an older English text is left
    out (and so falls back to English).

    Args:
        language: A tag in :data:`BUILT_IN_LANGUAGES`.

    Returns:
        The catalogue, keyed by label id.

    Raises:
        KeyError: For a language rarepassport has no catalogue of.
    """
    if language == "en":
        return ENGLISH
    translation = catalogues_in(LOCALE_DIR)[1].get(language) if language in BUILT_IN_LANGUAGES else None
    if translation is None:
        raise KeyError(language)
    return translation


def missing(language: str, registry: LabelRegistry | None = None) -> list[str]:
    """The label ids English has that ``language`` would show in English.

    A check for translators and plugin authors: every id listed here falls back to
    English when rendering in ``language``. Ids a plugin registered in English are
    included, so a condition plugin's labels are checked too.

    Args:
        language: A BCP 47 tag; its base language counts (``es-MX`` uses ``es``).
        registry: The registry of a plugin manager, or ``None`` for the built-in
            catalogues only.

    Returns:
        The missing ids, sorted.
    """
    base = language.split("-")[0]
    if registry is None:
        have = set(built_in_catalogue(base)) if base in BUILT_IN_LANGUAGES else set()
        wanted = set(ENGLISH)
    else:
        have = registry.ids(language) | registry.ids(base)
        wanted = set(ENGLISH) | registry.ids("en")
    return [] if base == "en" else sorted(wanted - have)
