"""Easy read: the symbol beside each section title.

The words of an easy-read document come from the catalogue (``easyread.<id>`` labels,
looked up by [`LayoutContext.label`][rarepassport.LayoutContext.label]); this module
chooses the symbol each section shows, once, for every backend. A symbol only repeats
what the title says: the title stays the words a screen reader reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from rarepassport.document import SYMBOLS, Section

__all__ = ["SECTION_SYMBOLS", "symbol_for", "with_symbols"]

#: The symbol of each core section, by section id.
SECTION_SYMBOLS: Mapping[str, str] = {
    "emergency": "warning",
    "protocols": "steps",
    "guidance": "info",
    "avoid": "no",
    "red_flags": "flag",
    "allergies": "flower",
    "time_critical_medicines": "clock",
    "advance_decisions": "signed-page",
    "person": "person",
    "diagnoses": "cross",
    "medications": "pill",
    "devices": "device",
    "anaesthesia": "bed",
    "previous_emergencies": "calendar",
    "contacts": "phone",
    "care_team": "people",
    "care_preferences": "heart",
    "history": "book",
    "links": "link",
    "review": "tick",
}


def symbol_for(section: Section) -> str | None:
    """The symbol drawn beside a section's title in easy read.

    A plugin that set one of `rarepassport.document.SYMBOLS` keeps it; a
    plugin's section without one shows the emergency triangle when it is part of the
    emergency information, else the "information" symbol.
    """
    if section.symbol in SYMBOLS:
        return section.symbol
    if section.id in SECTION_SYMBOLS:
        return SECTION_SYMBOLS[section.id]
    return "warning" if section.emergency else "info"


def with_symbols(sections: Iterable[Section], *, easy_read: bool) -> tuple[Section, ...]:
    """The sections, each with its easy-read symbol; without easy read, with none (a
    plugin's own symbol included: only an easy-read document shows symbols)."""
    if easy_read:
        return tuple(attrs.evolve(section, symbol=symbol_for(section)) for section in sections)
    return tuple(section if section.symbol is None else attrs.evolve(section, symbol=None) for section in sections)
