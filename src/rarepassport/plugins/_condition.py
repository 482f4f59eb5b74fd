"""What the built-in condition plugins share: when they apply, and medicine matching.

Private to `rarepassport.plugins`; outside plugins should copy what they need
rather than import it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from rarepassport.model import Medication, Passport
from rarepassport.plugins_for import diagnosis_codes, matches_codes

__all__ = ["LOCALE_DIR", "applies", "has_condition_code", "matching_medications", "section_of"]

#: Where the built-in condition plugins' gettext catalogues are: one folder per plugin
#: module, each with ``messages.pot`` (English) and ``<tag>.po`` files.
LOCALE_DIR = Path(__file__).parent / "locale"

T = TypeVar("T")


def section_of(passport: Passport, section_id: str, cls: type[T]) -> T | None:
    """The plugin section's data in this passport, or ``None`` when it is absent.

    Data of another type (a passport built in Python with a plain dict under
    ``extensions``) counts as absent, so rules never fail on it.
    """
    data = passport.extensions.get(section_id)
    return data if isinstance(data, cls) else None


def has_condition_code(passport: Passport, applies_to: Iterable[str]) -> bool:
    """Whether a diagnosis of the passport carries one of ``applies_to``."""
    # Each plugin's rules and guidance ask this of the same passport, a dozen times in
    # one validation: the answers for the last passport asked about are kept. They are
    # held with the passport itself, compared by identity (never its id, which a new
    # passport may reuse), so another passport never gets them (H158); a passport is
    # frozen, its diagnoses a tuple of frozen records, so its answers cannot change.
    last, answers = _LAST_ANSWERS[0]
    if last is not passport:
        answers = {}
        _LAST_ANSWERS[0] = (passport, answers)  # one tuple, replaced whole: safe across threads
    kind = type(applies_to)
    if kind is not tuple and kind is not frozenset:
        return matches_codes(diagnosis_codes(passport), applies_to)
    try:
        return answers[applies_to]
    except KeyError:
        pass
    except TypeError:  # a tuple holding something unhashable: asked afresh
        return matches_codes(diagnosis_codes(passport), applies_to)
    answer = answers[applies_to] = matches_codes(diagnosis_codes(passport), applies_to)
    return answer


_LAST_ANSWERS: list[tuple[object, dict[Iterable[str], bool]]] = [(None, {})]


def applies(passport: Passport, section_id: str, applies_to: Iterable[str]) -> bool:
    """Whether a plugin's section or condition code is in the passport."""
    return section_id in passport.extensions or has_condition_code(passport, applies_to)


def matching_medications(passport: Passport, names: Iterable[str]) -> Iterator[tuple[int, Medication]]:
    """Medicines of the passport whose name contains one of ``names`` as a whole word.

    Matching is on words, case-insensitive, so ``"Ibuprofen 200 mg"`` matches
    ``ibuprofen`` but ``"phenytoinate"`` would not match ``phenytoin``; brand names are
    not known here, which is why rules built on this only warn.

    Yields:
        ``(index, medication)`` pairs; the index gives the JSON path
        ``$.medications[index]``.
    """
    if not passport.medications:
        return
    search = _medicine_pattern(names if type(names) is tuple else tuple(names))
    for index, medication in enumerate(passport.medications):
        if search(medication.name):
            yield index, medication


@functools.lru_cache(maxsize=256)
def _medicine_pattern(names: tuple[str, ...]) -> Callable[[str], re.Match[str] | None]:
    """The search for any of ``names`` as a whole word, without case, compiled once per list."""
    return re.compile(r"\b(?:" + "|".join(re.escape(name) for name in names) + r")\b", re.IGNORECASE).search
