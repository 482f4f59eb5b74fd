"""Code systems a passport may use, and checks of each code's format.

The checks are of form, not of meaning: ``ORPHA:558`` is well formed whether or not
Orphanet has that entry. SNOMED CT identifiers carry a Verhoeff check digit, LOINC codes
a Mod-10 check digit and NHS numbers a Modulus 11 check digit, so a typing slip in
those is caught.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from urllib.parse import urlsplit

__all__ = [
    "CODE_PROBLEMS",
    "KNOWN_SYSTEMS",
    "check_code",
    "code_problem",
    "hgnc_ok",
    "is_absolute_uri",
    "luhn_mod10_ok",
    "nhs_number_ok",
    "snomed_ok",
    "verhoeff_ok",
]

_VERHOEFF_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_VERHOEFF_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)


def verhoeff_ok(digits: str) -> bool:
    """True when the last digit of ``digits`` is its Verhoeff check digit."""
    if not digits.isdigit():
        return False
    check = 0
    for position, digit in enumerate(reversed(digits)):
        check = _VERHOEFF_D[check][_VERHOEFF_P[position % 8][int(digit)]]
    return check == 0


def snomed_ok(sctid: str) -> bool:
    """True for a well-formed SNOMED CT identifier.

    6 to 18 digits, no leading zero, a partition identifier for a concept,
    description or relationship (short or long form), and a valid Verhoeff check digit.
    """
    if not re.fullmatch(r"[1-9][0-9]{5,17}", sctid):
        return False
    if sctid[-3:-1] not in {"00", "01", "02", "10", "11", "12"}:
        return False
    return verhoeff_ok(sctid)


def luhn_mod10_ok(loinc: str) -> bool:
    """True when a LOINC code (``12345-6``) has a correct Mod-10 check digit."""
    match = re.fullmatch(r"([0-9]{1,7})-([0-9])", loinc)
    if match is None:
        return False
    body, check = match.group(1), int(match.group(2))
    total = 0
    for position, digit in enumerate(reversed(body)):
        value = int(digit)
        if position % 2 == 0:
            value *= 2
            value = value - 9 if value > 9 else value
        total += value
    return (10 - total % 10) % 10 == check


_NHS_SEPARATORS = re.compile(r"[\s-]")
_TEN_DIGITS = re.compile(r"[0-9]{10}")


def nhs_number_ok(value: str) -> bool:
    """True for a 10-digit NHS number with a correct Modulus 11 check digit.

    Spaces and hyphens between digit groups (``943 476 5919``) are allowed.
    """
    digits = _NHS_SEPARATORS.sub("", value)
    if not _TEN_DIGITS.fullmatch(digits):
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def is_absolute_uri(text: str) -> bool:
    """True for an absolute URI with a scheme, e.g. ``http://loinc.org`` or ``urn:oid:1.2``."""
    parts = urlsplit(text)
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", parts.scheme or "")) and bool(parts.netloc or parts.path)


#: The English of each kind of problem :func:`code_problem` finds, with its placeholders.
#: Validation shows them from the catalogue (``validation.code-format.<kind>``), translated.
CODE_PROBLEMS: dict[str, str] = {
    "pattern": "not a well-formed code; expected the form {example}",
    "snomed-digits": "a SNOMED CT identifier is 6 to 18 digits, e.g. 22298006",
    "snomed-check": "not a valid SNOMED CT identifier: its check digit (Verhoeff) or partition is wrong",
    "loinc-form": "a LOINC code is digits, a hyphen and a check digit, e.g. 60591-5",
    "loinc-check": "not a valid LOINC code: its check digit is wrong",
    "unknown-system": "unknown code system; use one of {known}, or an absolute URI",
    "unknown-system-hint": "unknown code system; use one of {known}, or an absolute URI; did you mean {suggestion}?",
    "empty": "the code is empty",
}

_Found = tuple[str, dict[str, str]] | None


def _pattern(regex: str, example: str) -> Callable[[str], _Found]:
    compiled = re.compile(regex)

    def check(code: str) -> _Found:
        return None if compiled.fullmatch(code) else ("pattern", {"example": example})

    return check


def _snomed(code: str) -> _Found:
    if not re.fullmatch(r"[0-9]+", code):
        return "snomed-digits", {}
    if not snomed_ok(code):
        return "snomed-check", {}
    return None


def _loinc(code: str) -> _Found:
    if not re.fullmatch(r"[0-9]{1,7}-[0-9]", code):
        return "loinc-form", {}
    if not luhn_mod10_ok(code):
        return "loinc-check", {}
    return None


def _dmd(code: str) -> _Found:
    # dm+d identifiers are SNOMED CT identifiers (the UK drug extension).
    return _snomed(code)


_ICD11 = (
    r"[0-9A-HJ-NP-Z][A-HJ-NP-Z][0-9][0-9A-HJ-NP-Z](?:\.[0-9A-HJ-NP-Z]{1,2})?"
    r"|X[A-HJ-NP-Z0-9]{4,6}"
)

_CHECKS: dict[str, Callable[[str], _Found]] = {
    "ORPHA": _pattern(r"ORPHA:[0-9]{1,7}", "ORPHA:558"),
    "OMIM": _pattern(r"OMIM:[0-9]{6}(?:\.[0-9]{4})?", "OMIM:154700"),
    "HPO": _pattern(r"HP:[0-9]{7}", "HP:0001166"),
    "ICD-10": _pattern(r"[A-TV-Z][0-9][0-9AB](?:\.[0-9A-TV-Z]{1,4})?", "E27.1"),
    # Stem codes, extension codes, and post-coordinated clusters joined by & or /.
    "ICD-11": _pattern(rf"(?:{_ICD11})(?:[&/](?:{_ICD11}))*", "5C50.00 or 8A61.1"),
    "SNOMED-CT": _snomed,
    "LOINC": _loinc,
    "ATC": _pattern(r"[A-Z](?:[0-9]{2}(?:[A-Z](?:[A-Z](?:[0-9]{2})?)?)?)?", "H02AB09"),
    "dm+d": _dmd,
    "RxNorm": _pattern(r"[0-9]{1,8}", "5640"),
}

_HGNC = re.compile(r"HGNC:[1-9][0-9]{0,5}")


def hgnc_ok(value: str) -> bool:
    """Whether a gene's HGNC id is well formed: ``HGNC:`` and a number, e.g. ``HGNC:10585``."""
    return _HGNC.fullmatch(value) is not None


#: The code systems passports name by short name.
KNOWN_SYSTEMS: tuple[str, ...] = tuple(_CHECKS)

# Other spellings people use for the known systems ("ICD10", "snomed", "Orphanet"),
# compared without case, spaces or punctuation.
_SYSTEM_ALIASES = {"orphanet": "ORPHA", "hp": "HPO", "snomed": "SNOMED-CT", "sct": "SNOMED-CT", "dmd": "dm+d"}


def _squash(text: str) -> str:
    return "".join(char for char in text.casefold() if char.isalnum())


def _system_hint(system: str) -> str | None:
    # Only a known system's name is quoted back, never the passport's own text.
    squashed = _squash(system)
    for name in KNOWN_SYSTEMS:
        if _squash(name) == squashed:
            return repr(name)
    alias = _SYSTEM_ALIASES.get(squashed)
    return repr(alias) if alias else None


@functools.lru_cache(maxsize=4096)
def code_problem(system: str, code: str) -> tuple[str, dict[str, str]] | None:
    """What is wrong with a code, as a kind of :data:`CODE_PROBLEMS` and its placeholders.

    Args:
        system: A short system name from [`KNOWN_SYSTEMS`][rarepassport.codes] or an absolute URI.
        code: The code.

    Returns:
        ``None`` when the code is well formed, else ``(kind, arguments)``, e.g.
        ``("pattern", {"example": "ORPHA:558"})``. The arguments never hold the code itself.
    """
    check = _CHECKS.get(system)
    if check is not None:
        return check(code)
    if not is_absolute_uri(system):
        known = ", ".join(KNOWN_SYSTEMS)
        hint = _system_hint(system)
        if hint is None:
            return "unknown-system", {"known": known}
        return "unknown-system-hint", {"known": known, "suggestion": hint}
    return None if code.strip() else ("empty", {})


def check_code(system: str, code: str) -> str | None:
    """Check a code against its system's format.

    Args:
        system: A short system name from [`KNOWN_SYSTEMS`][rarepassport.codes] or an absolute URI.
        code: The code.

    Returns:
        ``None`` when the code is well formed, else a message (in English) saying what is
        expected; see :func:`code_problem` for the kind of problem. Codes of URI systems
        are only checked for being non-empty.
    """
    found = code_problem(system, code)
    if found is None:
        return None
    kind, arguments = found
    return CODE_PROBLEMS[kind].format_map(arguments)
