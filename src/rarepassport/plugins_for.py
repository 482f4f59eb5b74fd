"""Which plugins apply to a passport.

A plugin applies when the passport already holds one of its sections under
``extensions``, or when one of the passport's diagnoses carries a code the plugin's
section was registered for (``SectionSpec.applies_to``). ``rarepassport plugins --for
FILE`` shows these, so a family whose passport has only a diagnosis code learns which
plugin would add the fields their condition needs.

Codes are compared in one spelling, ``SYSTEM:code``:

* ORPHA, OMIM and HPO codes already carry their prefix (``ORPHA:33069``,
  ``OMIM:607208``) and are used as written;
* other systems are prefixed with their system name (``ICD-10:D66``,
  ``SNOMED-CT:...``).

An ICD-10 or ICD-11 code also matches the category above it, so a diagnosis coded
``ICD-10:E27.1`` matches a plugin registered for ``ICD-10:E27``; other systems match
exactly.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rarepassport.model import Coding, Passport
    from rarepassport.plugin_manager import PluginManager

__all__ = ["applicable_plugins", "code_key", "diagnosis_codes", "matches_codes"]

# Systems whose codes are written with their own prefix, e.g. ORPHA:558.
_PREFIXED = {"ORPHA": "ORPHA:", "OMIM": "OMIM:", "HPO": "HP:"}
# Classifications whose codes nest by a dot: E27.1 lies inside E27.
_HIERARCHICAL = ("ICD-10:", "ICD-11:")


def code_key(coding: Coding) -> str:
    """A coding written as one comparable string, ``SYSTEM:code``.

    Args:
        coding: A code from a diagnosis.

    Returns:
        ``ORPHA:558`` for ``{"system": "ORPHA", "code": "ORPHA:558"}``,
        ``ICD-10:E27.1`` for ``{"system": "ICD-10", "code": "E27.1"}``.
    """
    code = coding.code.strip()
    prefix = _PREFIXED.get(coding.system)
    if prefix is not None:
        # Accept a bare number too ("558"): people often copy only the digits.
        return code.upper() if code.upper().startswith(prefix) else f"{prefix}{code}"
    return f"{coding.system}:{code.upper()}"


def diagnosis_codes(passport: Passport) -> frozenset[str]:
    """Every code of every diagnosis in the passport, as `code_key` writes it."""
    # Every plugin's rules and guidance ask this of the same passport in one validation
    # or render: answer the last passport asked about from memory. A passport is frozen
    # (its diagnoses a tuple of frozen records), so its codes cannot change; holding the
    # object itself, not its id, means a new passport is never taken for the old one.
    last_passport, last_codes = _LAST_CODES[0]
    if last_passport is passport:
        return last_codes
    codes = frozenset(code_key(coding) for diagnosis in passport.diagnoses for coding in diagnosis.codes)
    _LAST_CODES[0] = (passport, codes)  # one tuple, replaced whole: safe across threads
    return codes


_LAST_CODES: list[tuple[object, frozenset[str]]] = [(None, frozenset())]


@functools.lru_cache(maxsize=256)
def _wanted(applies_to: tuple[str, ...] | frozenset[str]) -> frozenset[str]:
    return frozenset(code.strip().upper() for code in applies_to)


def matches_codes(codes: Iterable[str], applies_to: Iterable[str]) -> bool:
    """Whether any of ``codes`` is one of ``applies_to`` or, for ICD, lies inside one.

    Args:
        codes: Codes written ``SYSTEM:code`` (see `diagnosis_codes`).
        applies_to: Codes a plugin section was registered for.
    """
    kind = type(applies_to)
    if type(codes) is frozenset and (kind is tuple or kind is frozenset):
        # Every plugin's rules and guidance ask this of the same passport's codes (type
        # tests: `isinstance` with a union of types costs several times as much).
        return bool(codes) and _matches_known(codes, applies_to)  # type: ignore[arg-type]
    return _matches(codes, _wanted(applies_to if isinstance(applies_to, tuple | frozenset) else tuple(applies_to)))


@functools.lru_cache(maxsize=1024)
def _matches_known(codes: frozenset[str], applies_to: tuple[str, ...] | frozenset[str]) -> bool:
    return _matches(codes, _wanted(applies_to))


def _matches(codes: Iterable[str], wanted: frozenset[str]) -> bool:
    for code in codes:
        key = code.upper()
        if key in wanted:
            return True
        if key.startswith(_HIERARCHICAL):
            # E27.1 -> E27: walk up one dot-level at a time.
            while "." in key:
                key = key.rsplit(".", 1)[0]
                if key in wanted:
                    return True
    return False


def applicable_plugins(passport: Passport, *, plugins: PluginManager) -> list[str]:
    """The step behind [`rarepassport.applicable_plugins`][] (documented there); ``plugins`` is required here."""

    manager = plugins
    codes = diagnosis_codes(passport)
    names: list[str] = []
    for spec in manager.sections:
        if spec.plugin in names:
            continue
        if spec.id in passport.extensions or matches_codes(codes, spec.applies_to):
            names.append(spec.plugin)
    return names
