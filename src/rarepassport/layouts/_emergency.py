"""The emergency part of a document and the medicines, in clinical reading order."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from rarepassport.clinical import ClinicalClass
from rarepassport.document import (
    Alert,
    AlertLevel,
    Block,
    Field,
    Heading,
    ListBlock,
    Paragraph,
    Section,
    Table,
)
from rarepassport.essentials import Essentials
from rarepassport.guidance import Guidance, Population
from rarepassport.labels import EASY_READ_PREFIX
from rarepassport.languages import candidates, direction, display_name, normalise
from rarepassport.model import (
    AllergiesStatus,
    Criticality,
    Emergency,
    Link,
    Medication,
    MedicationsStatus,
    Passport,
    Severity,
)

if TYPE_CHECKING:
    pass
from rarepassport.layouts._context import (
    LayoutContext,
    _call_each,
    _field,
    _section,
    _table,
    layout_fields,
)

# --- the sections, in reading order -------------------------------------------------------


#: The classes of the essentials the first section shows "at a glance", under the
#: summary: who the person is and what to know before the protocols that follow.
_AT_A_GLANCE = (
    ClinicalClass.DIAGNOSIS,
    ClinicalClass.EMERGENCY_TREATMENT,
    ClinicalClass.ALLERGY,
    ClinicalClass.TIME_CRITICAL,
    ClinicalClass.SPECIALIST_CONTACT,
    ClinicalClass.EMERGENCY_CONTACT,
    ClinicalClass.WEIGHT,
)


def _emergency(context: LayoutContext, emergency: Emergency, essentials: Essentials) -> Section | None:
    blocks: list[Block | None] = []
    if emergency.summary and context.shows(Emergency, "summary"):
        blocks.append(
            Alert(text=emergency.summary, level=AlertLevel.CRITICAL, title=context.phrase("read_first"))
        )
    # The emergency part of every document starts from the same essentials as the card
    # and the QR code, in the same clinical order (never shortened here).
    right_to_left = direction(context.language) == "rtl"
    for group in essentials.groups:
        if group.clinical_class in _AT_A_GLANCE:
            # In a right-to-left document, items with left-to-right text each on a line of
            # their own: run on, a wrapped item's end and the next item would share a
            # line in right-to-left order, one medicine's times beside another's name (H145).
            own_lines = right_to_left and len(group.items) + bool(group.more) > 1 and any(
                unicodedata.bidirectional(char) == "L" for item in group.items for char in item.text)
            blocks.append(Field(label=group.title, value=group.text(own_lines=own_lines),
                                label_id=f"essentials.{group.key}",
                                emphasis=any(item.strong for item in group.items),
                                label_language=group.title_language))
    if emergency.open_access is not None and context.shows(Emergency, "open_access"):
        # The hospital, ward and phone are in the specialist-team line above.
        shown = any(group.clinical_class is ClinicalClass.SPECIALIST_CONTACT for group in essentials.groups)
        exclude = ("hospital", "ward", "phone") if shown else ()
        blocks += layout_fields(context, emergency.open_access, exclude=exclude)
    return _section(context, "emergency", blocks, emergency=True)


def _protocols(context: LayoutContext, emergency: Emergency) -> Section | None:
    if not context.shows(Emergency, "protocols"):
        return None
    blocks: list[Block | None] = []
    for protocol in emergency.protocols:
        blocks.append(Heading(text=protocol.title))
        blocks.append(_field(context, protocol, "when"))
        if protocol.steps and context.shows(type(protocol), "steps"):
            blocks.append(ListBlock(items=protocol.steps, ordered=True))
        blocks += [_field(context, protocol, name) for name in ("source", "approved_by", "approved_on")]
    return _section(context, "protocols", blocks, emergency=True)


def _collect_guidance(context: LayoutContext, passport: Passport) -> list[Guidance]:
    """Every plugin's general guidance for this passport, each marked with its plugin."""
    if not context.shows(Emergency, "protocols"):
        return []
    items: list[Guidance] = []
    for plugin, result in _call_each(context, "rarepassport_emergency_guidance", passport=passport):
        try:
            given = list(result)
        except TypeError:
            given = [result]
        for item in given:
            if not isinstance(item, Guidance):
                context.warn(
                    context.phrase(
                        "plugin_failed",
                        plugin=plugin,
                        hook="rarepassport_emergency_guidance",
                        error=context.phrase("plugin_returned_not_guidance", type=type(item).__name__),
                    )
                )
                continue
            items.append(item if item.plugin else attrs.evolve(item, plugin=plugin))
    return items


def _guidance_source(context: LayoutContext, item: Guidance) -> str:
    """Source, version, population, jurisdiction, last check and review, in one line.

    E.g. "Source: Society for Endocrinology ..., 1 August 2020, for adults (UK); last
    checked 1 December 2026; not reviewed by a clinician". A reader must be able to
    tell whom the guidance is for and whether anyone has checked it.
    """
    published = item.published_on or item.source_date
    parts = [context.phrase("guidance_source", source=item.source, date=context.format_date(published))]
    if item.version:
        parts.append(context.phrase("guidance_version", version=item.version))
    population = context.phrase(f"guidance_for.{item.population.value}")
    if item.jurisdiction:
        population = context.phrase("guidance_where", population=population, jurisdiction=item.jurisdiction)
    parts.append(population)
    if item.last_checked_on is not None:
        checked = context.phrase("guidance_checked", date=context.format_date(item.last_checked_on))
    else:
        checked = context.phrase("guidance_not_checked")
    if item.reviewed_by and item.reviewed_on is not None:
        review = context.phrase(
            "guidance_reviewed", name=item.reviewed_by, date=context.format_date(item.reviewed_on)
        )
    elif item.reviewed_by:
        review = context.phrase("guidance_reviewed_undated", name=item.reviewed_by)
    else:
        review = context.phrase("guidance_not_reviewed")
    return "; ".join((", ".join(parts), checked, review))


def _guidance_in_language(
    context: LayoutContext, item: Guidance
) -> tuple[str, str, tuple[str, ...], str | None]:
    """The guidance's title, text and steps in the output language, and the tag they are in.

    A translation is used only when every part of it is in the catalogue of the output
    language (never a mix of translated and untranslated steps). Otherwise the guidance
    is as the plugin wrote it, and the last value is its language (``None`` when that is
    the output language), so backends mark it and layout says it is untranslated.

    In easy read, the plugin's plain version (``easyread.guidance.<id>.title``, ...) in
    the output language comes first, again only when it has every part; without one
    the guidance is as written (or translated): layout never rewords clinical guidance.
    """
    registry = context.plugins.labels
    ids = item.label_ids()

    def complete(prefix: str) -> tuple[str, str, tuple[str, ...], None] | None:
        found: list[str] = []
        for label_id in ids:
            text = next(
                (t for tag in candidates(context.language)
                 if (t := registry.get_exact(prefix + label_id, tag)) is not None), None
            )
            if text is None:
                return None
            found.append(text)
        if not ids:
            return None
        title, rest = found[0], found[1:]
        text = rest.pop(0) if item.text else ""
        return title, text, tuple(rest), None

    if context.easy_read:
        plain = complete(EASY_READ_PREFIX)
        if plain is not None:
            return plain
    if item.language.split("-")[0].lower() == context.language.split("-")[0]:
        return item.title, item.text, item.steps, None
    translated = complete("")
    if translated is not None:
        return translated
    return item.title, item.text, item.steps, normalise(item.language) or item.language


def _guidance(
    context: LayoutContext, items: Sequence[Guidance], population: Population | None, *, own_protocol: bool
) -> Section | None:
    """General guidance, after the owner's protocols; never for the wrong population.

    Guidance written for adults is left out of a child's passport (and child guidance
    out of an adult's), with a note in its place, so a paramedic never reads an adult
    dose as if it applied. When the age is unknown everything is shown, each item
    saying whom it is written for.
    """
    if not items:
        return None
    shown = [item for item in items if item.is_for(population)]
    withheld = [item for item in items if not item.is_for(population)]
    blocks: list[Block] = []
    if shown:
        # "Does not replace the person's own protocol above" is only true when there is one.
        note = "guidance_note" if own_protocol else "guidance_note_no_protocol"
        blocks.append(Paragraph(text=context.phrase(note)))
    for item in withheld:
        blocks.append(
            Alert(
                text=context.phrase(f"guidance_withheld.{item.population.value}", title=item.title),
                level=AlertLevel.WARNING,
            )
        )
    for item in shown:
        title, text, steps, language = _guidance_in_language(context, item)
        # Only the title is in the guidance's language, not the words around it.
        blocks.append(Heading(text=context.phrase("guidance_title", title=title), language=language,
                              part=title if language is not None else None))
        if language is not None:
            name = display_name(item.language, context.language)
            blocks.append(Paragraph(text=context.phrase("guidance_untranslated", language=name)))
        if text:
            blocks.append(Paragraph(text=text, language=language))
        if steps:
            blocks.append(ListBlock(items=steps, ordered=True, language=language))
        blocks.append(Paragraph(text=_guidance_source(context, item)))
        if item.url:
            blocks.append(Field(label=context.field_label(Link, "url"), value=item.url, label_id="Link.url"))
    return _section(context, "guidance", blocks, emergency=True)


#: Sections that say what to do in an emergency. With any of them and no protocol of
#: the person's own, the emergency part opens by saying that no protocol is recorded.
_WHAT_TO_DO = frozenset(("emergency", "guidance", "avoid", "red_flags"))


def _without_own_protocol(context: LayoutContext, emergency: Emergency, sections: list[Section]) -> list[Section]:
    """Open the emergency part with "No personal emergency protocol recorded" when so.

    Without it, the first instructions a reader meets may be general guidance, which
    reads like the person's own plan.
    """
    if emergency.protocols or not context.shows(Emergency, "protocols"):
        return sections
    if not any(
        section.emergency and (section.id in _WHAT_TO_DO or section.id.startswith("extensions."))
        for section in sections
    ):
        return sections
    notice = Alert(text=context.phrase("no_own_protocol"), level=AlertLevel.WARNING)
    first = sections[0]
    if first.emergency and first.id == "emergency":
        return [attrs.evolve(first, blocks=(notice, *first.blocks)), *sections[1:]]
    opening = Section(id="emergency", title=context.label("section.emergency"), blocks=[notice], emergency=True)
    return [opening, *sections]


def _avoid(context: LayoutContext, emergency: Emergency) -> Section | None:
    if not context.shows(Emergency, "avoid") or not emergency.avoid:
        return None
    table = _table(context, type(emergency.avoid[0]), emergency.avoid)
    return _section(context, "avoid", [table], emergency=True)


def _red_flags(context: LayoutContext, emergency: Emergency) -> Section | None:
    if not context.shows(Emergency, "red_flags") or not emergency.red_flags:
        return None
    return _section(context, "red_flags", [ListBlock(items=emergency.red_flags)], emergency=True)


_SERIOUS = (Severity.SEVERE, Severity.LIFE_THREATENING)


def _allergies(context: LayoutContext, passport: Passport) -> Section | None:
    if not context.shows(Passport, "allergies"):
        return None
    blocks: list[Block | None] = []
    if passport.allergies:
        for allergy in passport.allergies:
            if allergy.severity is Severity.LIFE_THREATENING and context.shows(type(allergy), "severity"):
                blocks.append(
                    Alert(
                        text=context.phrase("life_threatening_allergy", substance=allergy.substance),
                        level=AlertLevel.CRITICAL,
                    )
                )
        blocks.append(
            _table(
                context,
                type(passport.allergies[0]),
                passport.allergies,
                emphasis=lambda allergy: (
                    (allergy.severity in _SERIOUS and context.shows(type(allergy), "severity"))
                    or (allergy.criticality is Criticality.HIGH and context.shows(type(allergy), "criticality"))
                ),
            )
        )
    elif context.shows(Passport, "allergies_status"):
        if passport.allergies_status is AllergiesStatus.NONE_KNOWN:
            blocks.append(Paragraph(text=context.phrase("no_known_allergies")))
        else:
            blocks.append(Alert(text=context.phrase("allergies_not_recorded"), level=AlertLevel.WARNING))
    return _section(context, "allergies", blocks, emergency=True)


_MEDICATION_COLUMNS = ("name", "dose", "route", "frequency", "reason", "started_on", "notes", "codes")


def _medication_table(
    context: LayoutContext, medications: Sequence[Medication], *, all_emphasised: bool
) -> Table | None:
    def frequency(medication: Medication) -> str:
        parts = [medication.frequency or ""]
        if medication.as_needed and context.shows(Medication, "as_needed"):
            parts.append(context.phrase("as_needed"))
        return ", ".join(part for part in parts if part)

    return _table(
        context,
        Medication,
        medications,
        _MEDICATION_COLUMNS,
        cells={"frequency": frequency},
        emphasis=(lambda _: True) if all_emphasised else None,
    )


def _time_critical(context: LayoutContext, passport: Passport) -> Section | None:
    if not (context.shows(Passport, "medications") and context.shows(Medication, "time_critical")):
        return None
    critical = [m for m in passport.medications if m.time_critical]
    if not critical:
        return None
    blocks = [
        Paragraph(text=context.phrase("time_critical_note")),
        _medication_table(context, critical, all_emphasised=True),
    ]
    return _section(context, "time_critical_medicines", blocks, emergency=True)


def _medications(context: LayoutContext, passport: Passport) -> Section | None:
    if not context.shows(Passport, "medications"):
        return None
    split = context.shows(Medication, "time_critical")
    others = [m for m in passport.medications if not (split and m.time_critical)]
    blocks: list[Block | None] = []
    if others:
        blocks.append(_medication_table(context, others, all_emphasised=False))
    elif not passport.medications and context.shows(Passport, "medications_status"):
        if passport.medications_status is MedicationsStatus.NONE:
            blocks.append(Paragraph(text=context.phrase("no_medicines")))
        else:
            blocks.append(Paragraph(text=context.phrase("medicines_not_recorded")))
    return _section(context, "medications", blocks)


def _advance_decisions(context: LayoutContext, emergency: Emergency) -> Section | None:
    if not context.shows(Emergency, "advance_decisions") or not emergency.advance_decisions:
        return None
    table = _table(context, type(emergency.advance_decisions[0]), emergency.advance_decisions)
    return _section(context, "advance_decisions", [table], emergency=True)
