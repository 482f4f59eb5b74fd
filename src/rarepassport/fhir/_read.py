"""Reading a FHIR import: the report's types and the helpers that read FHIR elements."""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

import attrs

from rarepassport._dates import PartialDate
from rarepassport.errors import FhirImportError, Message, Problem
from rarepassport.fhir import _common as c
from rarepassport.model import (
    CarePreferences,
    Coding,
    ContactRole,
    Passport,
    Zygosity,
)

if TYPE_CHECKING:
    pass

JSON = dict[str, Any]




@attrs.frozen
class Unmapped:
    """An element of the FHIR document that has no place in the passport.

    Attributes:
        path: Its FHIR path, e.g. ``Bundle.entry[3].resource.onsetDateTime``.
        reason: Why it was not mapped (never the element's value), in English.
        message_id: The catalogue id of ``reason`` (``fhir.unmapped.refuted-condition``),
            for a program that says it in another language; ``None`` when it has none.
        arguments: The values of that message's ``{placeholders}``.
    """

    path: str
    reason: str
    # Not part of equality: the same element and reason, whatever entry says it.
    message_id: str | None = attrs.field(default=None, kw_only=True, eq=False)
    arguments: Mapping[str, str] = attrs.field(factory=dict, kw_only=True, eq=False)

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@attrs.frozen
class ImportResult:
    """What `from_ips` made of a FHIR document.

    Attributes:
        passport: The passport.
        unmapped: Every element that could not be mapped, with its FHIR path.
    """

    passport: Passport
    unmapped: tuple[Unmapped, ...] = ()

    @property
    def report(self) -> str:
        """The unmapped elements, one per line (empty when everything mapped)."""
        return "\n".join(str(item) for item in self.unmapped)


def _fail(path: str, message: str | Message) -> FhirImportError:
    if isinstance(message, Message):
        return FhirImportError([Problem(path, str(message), message_id=message.id, arguments=dict(message.arguments))])
    return FhirImportError([Problem(path, message)])


_IGNORED = frozenset({"resourceType", "id", "meta", "text", "implicitRules", "language"})


class _Res:
    """A FHIR object being read; remembers which keys were read, to report the rest."""

    __slots__ = ("data", "path", "used")

    def __init__(self, data: Mapping[str, Any], path: str) -> None:
        self.data = data
        self.path = path
        self.used: set[str] = set()

    def get(self, key: str) -> Any:
        self.used.add(key)
        self.used.add("_" + key)
        return self.data.get(key)

    def text(self, key: str) -> str | None:
        value = self.get(key)
        return value if isinstance(value, str) and value else None

    def items(self, key: str) -> list[Any]:
        value = self.get(key)
        return value if isinstance(value, list) else []

    def sub(self, key: str) -> _Res | None:
        value = self.get(key)
        return _Res(value, f"{self.path}.{key}") if isinstance(value, Mapping) else None

    def subs(self, key: str) -> Iterator[_Res]:
        for index, value in enumerate(self.items(key)):
            if isinstance(value, Mapping):
                yield _Res(value, f"{self.path}.{key}[{index}]")

    def leftovers(self) -> list[str]:
        return [key for key in self.data if key not in self.used and key not in _IGNORED]


_NONE_KNOWN = re.compile(r"^\s*no\s+known\b", re.IGNORECASE)


def _says_none_known(concept: Any) -> bool:
    """Whether a concept's words say that none is known ("No known food allergy")."""
    text = _concept_text(concept)
    return text is not None and _NONE_KNOWN.match(text) is not None


def _display_only(reference: Any) -> str | None:
    """The ``display`` of a Reference that names something without pointing to a resource."""
    if isinstance(reference, Mapping) and not isinstance(reference.get("reference"), str):
        display = reference.get("display")
        if isinstance(display, str) and display.strip():
            return display.strip()
    return None


def _named(reference: Any) -> str | None:
    """The ``display`` of a Reference, whether or not it also points to a resource."""
    if isinstance(reference, Mapping):
        display = reference.get("display")
        if isinstance(display, str) and display.strip():
            return display.strip()
    return None


def _as_list(value: Any) -> list[Any]:
    """A JSON array as a list; anything else (a malformed element) as an empty list."""
    return value if isinstance(value, list) else []


def _name_text(name: Any, *, with_prefix: bool = False) -> str | None:
    """A HumanName in words: its text, else prefix, given names and family name."""
    if not isinstance(name, Mapping):
        return None
    text = name.get("text")
    if isinstance(text, str) and text:
        return text
    parts = [*(_as_list(name.get("prefix")) if with_prefix else []), *_as_list(name.get("given")),
             name.get("family")]
    joined = " ".join(part for part in parts if isinstance(part, str) and part)
    return joined or None


def _concept_text(concept: Any) -> str | None:
    """The words of a CodeableConcept: its text, else the first coding's display, else a code.

    A display of any coding comes before a code of an earlier one (a bare code first and
    the same concept with its display second is a common way to write it). A code alone
    from a known system is named with the system (``SNOMED-CT 418770003``), so that no one
    reads a bare number as the name of an allergen or a medicine.
    """
    if not isinstance(concept, Mapping):
        return None
    text = concept.get("text")
    if isinstance(text, str) and text:
        return text
    codings = [item for item in _as_list(concept.get("coding")) if isinstance(item, Mapping)]
    for item in codings:
        if isinstance(item.get("display"), str) and item["display"]:
            return str(item["display"])
    for item in codings:
        if isinstance(item.get("code"), str) and item["code"]:
            system = c.SYSTEM_ALIASES.get(str(item.get("system")))
            return f"{system} {item['code']}" if system else str(item["code"])
    return None


def _codes(concept: Any) -> set[tuple[str, str]]:
    if not isinstance(concept, Mapping):
        return set()
    return {(str(item.get("system")), str(item.get("code")))
            for item in _as_list(concept.get("coding")) if isinstance(item, Mapping)}


#: The codes of the status code systems FHIR R4 binds (required) to Condition and
#: AllergyIntolerance, by the code system's canonical URI.
_STATUS_CODES = {
    "http://terminology.hl7.org/CodeSystem/condition-clinical": frozenset(
        {"active", "recurrence", "relapse", "inactive", "remission", "resolved"}),
    "http://terminology.hl7.org/CodeSystem/condition-ver-status": frozenset(
        {"unconfirmed", "provisional", "differential", "confirmed", "refuted", "entered-in-error"}),
    "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical": frozenset({"active", "inactive", "resolved"}),
    "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification": frozenset(
        {"unconfirmed", "confirmed", "refuted", "entered-in-error"}),
}


def _status_code(concept: Any, system: str) -> tuple[str | None, bool]:
    """The code of a Condition or AllergyIntolerance status, and whether its system was canonical.

    The element is bound (required) to one code system, so a code of that system written
    with the value set's URL, the FHIR STU3 URI or no system at all (as several
    publishers do) still says the same thing: it is read, never taken as "current" for
    want of the right URI. ``(None, True)`` when there is no such code.
    """
    codes = _codes(concept)
    for found_system, code in sorted(codes):
        if found_system == system:
            return code, True
    name = system.rsplit("/", 1)[1]
    aliases = {"None", f"http://hl7.org/fhir/ValueSet/{name}", f"http://hl7.org/fhir/{name}"}
    for found_system, code in sorted(codes):
        if found_system in aliases and code in _STATUS_CODES[system]:
            return code, False
    return None, True


def _our_coding(item: Mapping[str, Any]) -> Coding | None:
    system_uri, code = item.get("system"), item.get("code")
    if not isinstance(code, str) or not code:
        return None
    display = item.get("display") if isinstance(item.get("display"), str) else None
    if not isinstance(system_uri, str) or not system_uri:
        return None
    # A code system we do not know travels as it came: an absolute URI.
    system, code = c.our_coding(system_uri, code)
    return Coding(system=system, code=code, display=display)


def _our_codings(concept: Any) -> tuple[Coding, ...]:
    if not isinstance(concept, Mapping):
        return ()
    result = []
    for item in _as_list(concept.get("coding")):
        if isinstance(item, Mapping):
            coding = _our_coding(item)
            if coding is not None:
                result.append(coding)
    return tuple(result)


_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def _partial(value: Any) -> PartialDate | None:
    if not isinstance(value, str):
        return None
    match = _DATE.match(value)
    if match is None:
        return None
    try:
        return PartialDate.parse(match.group(0))
    except ValueError:
        return None


def _full_date(value: Any) -> _dt.date | None:
    partial = _partial(value)
    if partial is None or partial.precision != "day":
        return None
    return partial.earliest()


def _marked_absent(data: Mapping[str, Any], key: str) -> bool:
    """Whether primitive ``key`` carries a data-absent-reason in its ``_key`` element."""
    element = data.get("_" + key)
    return isinstance(element, Mapping) and any(
        isinstance(ext, Mapping) and ext.get("url") == c.DAR_URL for ext in _as_list(element.get("extension")))


class _TextOfHtml(HTMLParser):
    """Collects the words of an XHTML narrative, one line per block element."""

    _BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BLOCKS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _div_text(narrative: Any) -> str | None:
    """The plain text of a Narrative's ``div``, or None when it has no words."""
    div = narrative.get("div") if isinstance(narrative, Mapping) else None
    if not isinstance(div, str):
        return None
    parser = _TextOfHtml()
    parser.feed(div)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    text = "\n".join(line for line in lines if line)
    return text or None


def _ext_map(res: _Res) -> dict[str, list[Mapping[str, Any]]]:
    found: dict[str, list[Mapping[str, Any]]] = {}
    for item in res.items("extension"):
        if isinstance(item, Mapping) and isinstance(item.get("url"), str):
            found.setdefault(item["url"], []).append(item)
    return found


def _extension_value(ext: Mapping[str, Any]) -> Any:
    for key, value in ext.items():
        if key.startswith("value"):
            return value
    return None


_PREFERENCE_FIELDS = frozenset(field.name for field in attrs.fields(CarePreferences))

_ROLE_FROM_CODE: dict[tuple[str, str], ContactRole] = {
    (c.V2_0131, "C"): ContactRole.EMERGENCY,
    (c.V2_0131, "EP"): ContactRole.EMERGENCY,
    (c.V2_0131, "N"): ContactRole.NEXT_OF_KIN,
    (c.V2_0131, "O"): ContactRole.OTHER,
    (c.V3_ROLE, "PRN"): ContactRole.PARENT,
    (c.V3_ROLE, "MTH"): ContactRole.PARENT,
    (c.V3_ROLE, "FTH"): ContactRole.PARENT,
    (c.CONTACT_ROLE, "carer"): ContactRole.CARER,
}


def _human_name(names: list[Any]) -> str | None:
    for item in names:
        text = _name_text(item, with_prefix=True)
        if text:
            return text
    return None


def _address_text(address: Any) -> str | None:
    if not isinstance(address, Mapping):
        return None
    if isinstance(address.get("text"), str) and address["text"]:
        return str(address["text"])
    parts = [*_as_list(address.get("line")), address.get("city"), address.get("district"),
             address.get("state"), address.get("postalCode"), address.get("country")]
    text = ", ".join(part for part in parts if isinstance(part, str) and part)
    return text or None


def _notes(res: _Res) -> tuple[str | None, str | None]:
    """(summary, notes) from ``note``: our summary note is marked, others are notes."""
    summary, notes = None, []
    for item in res.items("note"):
        if not isinstance(item, Mapping) or not isinstance(item.get("text"), str):
            continue
        kinds = [e.get("valueCode") for e in _as_list(item.get("extension")) if isinstance(e, Mapping)
                 and e.get("url") == c.NOTE_KIND]
        if "summary" in kinds and summary is None:
            summary = item["text"]
        else:
            notes.append(item["text"])
    return summary, "\n\n".join(notes) if notes else None


_PERIOD_UNITS = {"s": "second", "min": "minute", "h": "hour", "d": "day", "wk": "week", "mo": "month", "a": "year"}


def _repeat_text(repeat: Any) -> str | None:
    """A simple ``Timing.repeat`` in words: ``3 times per 1 d`` → ``3 times a day``."""
    if not isinstance(repeat, Mapping) or set(repeat) - {"frequency", "period", "periodUnit"}:
        return None
    frequency, period, unit = repeat.get("frequency", 1), repeat.get("period"), repeat.get("periodUnit")
    if not _is_whole(frequency) or _number(period) is None or not isinstance(unit, str) \
            or unit not in _PERIOD_UNITS:
        return None
    times = "once" if frequency == 1 else "twice" if frequency == 2 else f"{frequency} times"
    every = f"a {_PERIOD_UNITS[unit]}" if period == 1 else f"every {period:g} {_PERIOD_UNITS[unit]}s"
    return f"{times} {every}"


def _dose_text(dose_and_rate: Any) -> str | None:
    """A ``doseAndRate``'s dose as a person writes it: ``1200000 units``, ``0.00005 g``,
    ``1–2 tablet``; ``None`` when it has no dose that is a number."""
    if not isinstance(dose_and_rate, Mapping):
        return None
    quantity = dose_and_rate.get("doseQuantity")
    if isinstance(quantity, Mapping) and quantity.get("value") is not None:
        return _quantity_text(quantity)
    dose_range = dose_and_rate.get("doseRange")
    if isinstance(dose_range, Mapping):
        low, high = dose_range.get("low"), dose_range.get("high")
        if not isinstance(low, Mapping) or not isinstance(high, Mapping):
            return None
        low_text, high_text = _quantity_text(low), _quantity_text(high)
        if low_text is None or high_text is None:
            return None
        if _unit_text(low) == _unit_text(high) and "comparator" not in low:
            return f"{_decimal_text(low.get('value'))}–{high_text}"
        return f"{low_text} – {high_text}"
    return None


def _quantity_text(quantity: Mapping[str, Any]) -> str | None:
    """A Quantity as a person writes it; ``None`` when its value is not a number or it
    has no unit."""
    value = _decimal_text(quantity.get("value"))
    unit = _unit_text(quantity)
    # A bare "1" beside "Zyloprim 300 mg" could be read as 1 mg or 1 g: a dose without
    # a unit is reported, never shown.
    if value is None or not unit:
        return None
    comparator = quantity.get("comparator") if isinstance(quantity.get("comparator"), str) else ""
    return f"{comparator}{value} {unit}".strip()


def _decimal_text(value: Any) -> str | None:
    """A FHIR decimal in plain digits: never e-notation, no trailing zeros, a leading zero.

    No digit grouping either: "1,200" means 1.2 in French and Spanish.
    """
    number = _number(value)
    if number is None:
        return None
    exact = Decimal(value) if isinstance(value, int) else Decimal(repr(number))
    text = format(exact, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


#: UCUM codes written as a person reads them. "IU" and "ug" are on the lists of
#: error-prone abbreviations (ISMP, NHS): they are written out.
_UCUM_WORDS = {
    "ug": "micrograms", "mcg": "micrograms", "ng": "nanograms", "[iU]": "international units",
    "[IU]": "international units", "U": "units", "mL": "mL", "ml": "mL", "L": "L", "l": "L",
    "[drp]": "drops", "1": "",
}


def _unit_text(quantity: Mapping[str, Any]) -> str | None:
    """A Quantity's unit in words: its ``unit`` text, else its UCUM code made readable."""
    unit = quantity.get("unit")
    code = quantity.get("code")
    text = unit if isinstance(unit, str) and unit.strip() else code if isinstance(code, str) else ""
    if not isinstance(text, str):
        return None
    text = text.strip()
    if text in _UCUM_WORDS:
        return _UCUM_WORDS[text]
    # UCUM annotations are words in braces: "{tablet}" is "tablet", "mg/{dose}" "mg/dose".
    return re.sub(r"\{([^{}]*)\}", r"\1", text)


def _number(value: Any) -> float | None:
    """A FHIR decimal as a float; ``None`` for anything else (true/false, text, objects)
    and for numbers too large to be a float. Never coerced: ``true`` is not 1."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _zygosity(value: Any) -> Zygosity | None:
    for system, code in _codes(value):
        for zygosity, (answer, _) in c.ZYGOSITY_LOINC.items():
            if system == c.LOINC and code == answer:
                return zygosity
    text = _concept_text(value)
    if text:
        normalised = text.strip().lower().replace(" ", "-")
        for zygosity in Zygosity:
            if zygosity.value == normalised:
                return zygosity
    return None


def _is_attachment_data(path: str) -> bool:
    return path.endswith(".data")
