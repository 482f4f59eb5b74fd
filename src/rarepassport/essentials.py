"""Emergency essentials: what a wallet card or an emergency QR code carries.

Which lines of a laid-out :class:`~rarepassport.document.Document` matter most in the
first minutes of an emergency, on which side of a card they go, and how urgent each is,
is a layout decision: it is made here, once, from the Document alone, and the ``card``
backend and the emergency QR code only fit and draw the result. A backend for another
small format (an SMS, a lock-screen image) would use the same list.

Priorities: lower is more urgent. The person's diagnoses (1) and emergency summary (2),
allergies, time-critical medicines and the contact to call (3), the first protocol's
steps and a condition plugin's emphasised fields such as the emergency dose (4), things
to avoid (5), the rest of a condition plugin's section (6), devices, red flags and the
lead clinician (7), later protocols and anaesthesia notes (8).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

from rarepassport.document import Alert, Document, Field, Heading, ListBlock, Paragraph, Section, Table

__all__ = ["BACK", "FRONT", "CardItem", "card_items"]

#: The two sides of a wallet card.
FRONT, BACK = "front", "back"


@attrs.frozen(kw_only=True)
class CardItem:
    """One line group on the card.

    Attributes:
        side: ``front`` or ``back``.
        group: The section id it comes from (for warnings and grouping).
        title: The section title written before the group's first item.
        text: The item's text.
        priority: Lower is more urgent; the highest number is left off first.
        order: Position on the card.
        ordered_number: Step number for protocol steps, else ``None``.
        lead: A bold lead-in (a field's label) for an item drawn on a line of its own
            under its group's title; ``""`` for items run together in one paragraph.
        strong: Draw the whole item in bold (e.g. an emergency dose).
    """

    side: str
    group: str
    title: str
    text: str
    priority: int
    order: int
    ordered_number: int | None = None
    lead: str = ""
    strong: bool = False


_PHONE = re.compile(r"^\+?[\d\s().-]{6,}$")


def _row_text(row: Sequence[str], columns: int, phone: bool, reason: bool) -> str:
    # The first columns of layout's tables are the essentials (substance, reaction,
    # severity; medicine, dose, route, frequency); codes and notes come last and
    # do not belong on a card. A phone number is worth keeping wherever it is.
    cells = [cell.strip().rstrip(".;").rstrip() for cell in row[:columns]]
    if phone:
        cells += [cell for cell in row[columns:] if _PHONE.match(cell)]
    cells = [cell for cell in cells if cell]
    if reason and len(cells) > 1:
        # "Latex gloves (latex allergy)": a reason after a comma reads as one more thing to avoid.
        return f"{cells[0]} ({', '.join(cells[1:])})"
    if len(cells) > 1:
        # Cells often hold commas themselves ("10 mg, 5 mg, 5 mg"), so they are kept
        # apart by a colon after the name and a middle dot between the others.
        return f"{cells[0]}: {' · '.join(cells[1:])}"
    return cells[0] if cells else ""


def _table_rows(
    section: Section, *, columns: int, phone: bool = False, emphasised_only: bool = False, reason: bool = False
) -> list[str]:
    rows: list[str] = []
    for block in section.blocks:
        if isinstance(block, Table):
            for index, row in enumerate(block.rows):
                if not emphasised_only or index in block.emphasis_rows:
                    rows.append(_row_text(row, columns, phone, reason))
    return rows


def _run_on(items: Sequence[str]) -> str:
    """List items as one line: sentences follow each other, short items take '; '."""
    text = ""
    for item in (item.strip() for item in items):
        if not item:
            continue
        if text:
            text += " " if text[-1] in ".!?:;" else "; "
        text += item
    return text


def card_items(document: Document) -> list[CardItem]:
    """What the card would show if it were big enough, with priorities.

    Args:
        document: A document laid out for the ``emergency`` view.
    """
    items: list[CardItem] = []
    order = 0

    def add(
        side: str,
        section: Section,
        texts: Sequence[str],
        priority: int,
        *,
        numbered: bool = False,
        title: str | None = None,
    ) -> None:
        nonlocal order
        for number, text in enumerate(texts, 1):
            if not text:
                continue
            order += 1
            items.append(
                CardItem(
                    side=side,
                    group=section.id,
                    title=section.title if title is None else title,
                    text=text,
                    priority=priority,
                    order=order,
                    ordered_number=number if numbered else None,
                )
            )

    diagnoses = document.section("diagnoses")
    if diagnoses is not None:
        add(FRONT, diagnoses, [b.text for b in diagnoses.blocks if isinstance(b, Heading) and b.level <= 3], 1)
    emergency = document.section("emergency")
    if emergency is not None:
        summary = [b.text for b in emergency.blocks if isinstance(b, Alert | Paragraph)]
        add(FRONT, emergency, summary, 2, title="")
    protocols = document.section("protocols")
    if protocols is not None:
        title = ""
        first = True
        for block in protocols.blocks:
            if isinstance(block, Heading):
                title = block.text
            elif isinstance(block, ListBlock):
                # The first protocol is the one to act on; later ones are left off first.
                add(BACK, protocols, block.items, 4 if first else 8, numbered=block.ordered, title=title)
                first = False
    for section in document.sections:
        # Condition plugins' emergency sections (e.g. the emergency hydrocortisone dose)
        # follow the person's own protocol, as in the full passport: under the
        # section's title, one field a line in the plugin's order, the doses in bold
        # so that they are found at a glance and kept first, the rest (cause, kit)
        # left off first.
        if section.emergency and section.id.startswith("extensions."):
            for block in section.blocks:
                if isinstance(block, Field):
                    strong = block.emphasis  # layout marks what to give in an emergency
                    text, lead_in, priority = block.value, f"{block.label}: ", 4 if strong else 6
                elif isinstance(block, ListBlock) and block.items:
                    # A list such as an emergency regimen or triggers, on one line.
                    strong, text, priority = False, _run_on(block.items), 6
                    lead_in = f"{block.label}: " if block.label else ""
                else:
                    continue
                order += 1
                items.append(
                    CardItem(
                        side=BACK,
                        group=section.id,
                        title=section.title,
                        text=text,
                        priority=priority,
                        order=order,
                        lead=lead_in,
                        strong=strong,
                    )
                )
    allergies = document.section("allergies")
    if allergies is not None:
        rows = _table_rows(allergies, columns=3)
        rows = rows or [b.text for b in allergies.blocks if isinstance(b, Alert | Paragraph)]
        add(FRONT, allergies, rows, 3)
    critical = document.section("time_critical_medicines")
    if critical is not None:
        add(FRONT, critical, _table_rows(critical, columns=4), 3)
    avoid = document.section("avoid")
    if avoid is not None:
        add(BACK, avoid, _table_rows(avoid, columns=2, reason=True), 5)
    red_flags = document.section("red_flags")
    if red_flags is not None:
        flags = [item for block in red_flags.blocks if isinstance(block, ListBlock) for item in block.items]
        add(BACK, red_flags, [_run_on(flags)] if flags else [], 7)
    devices = document.section("devices")
    if devices is not None:
        add(FRONT, devices, _table_rows(devices, columns=2), 7)
    anaesthesia = document.section("anaesthesia")
    if anaesthesia is not None:
        add(BACK, anaesthesia, [b.text for b in anaesthesia.blocks if isinstance(b, Paragraph)], 8)
    contacts = document.section("contacts")
    if contacts is not None:
        add(BACK, contacts, _table_rows(contacts, columns=2, phone=True)[:1], 3)
    team = document.section("care_team")
    if team is not None:
        lead = _table_rows(team, columns=2, phone=True, emphasised_only=True) or _table_rows(
            team, columns=2, phone=True
        )
        add(BACK, team, lead[:1], 7)
    return items
