"""Layout: turn a passport, a view and a language into a [`Document`][rarepassport.Document].

Every decision about *what* is shown is made here, once, for every backend:

* the view filters fields before anything is laid out, using the ``views`` metadata
  of every field (core and plugin), so a field outside the view never reaches a
  Document and no backend can leak it;
* the order puts the emergency first: the emergency summary, the owner's own
  protocols, then general guidance from plugins (after, never instead of, the
  owner's protocol), things to avoid, red flags, allergies and time-critical
  medicines, then everything else;
* with no protocol of the owner's own, the emergency part opens by saying so; general
  guidance says whom it is for, where it applies, when it was last checked and
  whether a clinician reviewed it, and guidance for another population (adult
  guidance for a child under 16) is replaced by a note, never shown as applying;
* "About this passport" names the condition plugins that contributed, with versions;
* empty sections are left out, dates are written unambiguously (``2 March 2015``,
  ``May 2016``, ``2016``) and enum values are worded from the label catalogue;
* plugin sections under ``extensions`` are laid out by their plugin's
  ``rarepassport_layout_section`` hook or, failing that, from their field metadata;
  a plugin hook that raises costs only its own contribution, with a warning on the
  Document naming the plugin and hook (never the data).

Example:
    ```python
    import rarepassport

    document = rarepassport.layout(passport, view="emergency")
    for section in document.sections:
        print(section.title)
    ```
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from rarepassport import labels as _labels
from rarepassport._dates import PartialDate
from rarepassport.clinical import ClinicalClass
from rarepassport.document import (
    Alert,
    AlertLevel,
    Block,
    Document,
    Field,
    Heading,
    ListBlock,
    Paragraph,
    Section,
    Table,
)
from rarepassport.errors import RenderError
from rarepassport.essentials import Essentials, build_essentials, contacts_in_call_order, weight_text
from rarepassport.guidance import Guidance, Population, population_on
from rarepassport.languages import LanguageChoice, candidates, choose, direction, display_name, normalise
from rarepassport.model import (
    AllergiesStatus,
    CareTeamMember,
    Coding,
    Criticality,
    Diagnosis,
    Emergency,
    Link,
    Medication,
    MedicationsStatus,
    Passport,
    Person,
    Review,
    Severity,
    View,
    field_views,
)

if TYPE_CHECKING:
    from rarepassport.plugin_manager import PluginManager
    from rarepassport.registries import PluginFailure, SectionSpec

__all__ = ["LayoutContext", "layout", "layout_fields"]


def _label_id(cls: type, name: str) -> str:
    field = attrs.fields_dict(cls)[name]
    custom = field.metadata.get("label")
    return str(custom) if custom else f"{cls.__name__}.{name}"


@attrs.define(kw_only=True)
class LayoutContext:
    """What layout, and a plugin laying out its own section, need to know.

    Attributes:
        view: The view being laid out; only fields in it may be shown.
        language: BCP 47 tag of the labels.
        plugins: The plugin manager (labels, sections, hooks).
        today: The date overdue reviews are measured against.
        warnings: Warnings for the Document; add with [`warn`][rarepassport.LayoutContext.warn]. Never put field
            values in them.
    """

    view: View
    language: str
    plugins: PluginManager
    today: _dt.date
    warnings: list[str] = attrs.field(factory=list)

    def label(self, label_id: str, /, **values: object) -> str:
        """The text of a label in this context's language, placeholders filled.

        Args:
            label_id: E.g. ``Medication.dose``, ``section.allergies``, ``phrase.yes``.
            **values: Values for ``{placeholders}`` in the label.
        """
        text = _labels.lookup(label_id, self.language, self.plugins.labels)
        if not values:
            return text
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError):
            # A plugin's translation with a misspelt {placeholder}: use English, say which label.
            self.warn(_labels.lookup("phrase.bad_label", "en").format(id=label_id, language=self.language))
            return _labels.lookup(label_id, "en").format(**values)

    def phrase(self, phrase_id: str, /, **values: object) -> str:
        """A fixed phrase: ``phrase("yes")`` is ``label("phrase.yes")``."""
        return self.label(f"{_labels.PHRASE_PREFIX}{phrase_id}", **values)

    def has_label(self, label_id: str) -> bool:
        """Whether a label exists in this context's language, a plugin's or the built-in catalogue."""
        return _has_label(self, label_id)

    def field_label(self, cls: type, name: str) -> str:
        """The label of a field of a model or plugin class."""
        return self.label(_label_id(cls, name))

    def shows(self, cls: type, name: str) -> bool:
        """Whether the field ``name`` of ``cls`` belongs to this context's view."""
        return self.view in field_views(cls, name)

    def warn(self, message: str) -> None:
        """Add a warning to the Document (no field values, please)."""
        if message not in self.warnings:
            self.warnings.append(message)

    def format_date(self, value: _dt.date | PartialDate | None) -> str:
        """Write a date unambiguously, with the month as a word, through Babel's CLDR data.

        ``2 March 2015``, ``2 mars 2015``, ``2. März 2015``, ``2015年3月2日`` (CLDR's long
        form); ``May 2016`` or ``2016`` for a partial date.

        Args:
            value: A full or partial date; ``None`` gives ``""``.
        """
        if value is None:
            return ""
        if isinstance(value, _dt.datetime):
            value = value.date()
        if isinstance(value, _dt.date):
            value = PartialDate.from_date(value)
        from babel.dates import format_date, format_skeleton

        from rarepassport.languages import babel_locale

        locale = babel_locale(self.language)
        day = _dt.date(value.year, value.month or 1, value.day or 1)
        if value.month is None:
            return format_skeleton("y", day, locale=locale)
        if value.day is None:
            return format_skeleton("yMMMM", day, locale=locale)
        return format_date(day, "long", locale=locale)

    def format_enum(self, value: enum.Enum) -> str:
        """The word for an enum value, e.g. ``Severity.LIFE_THREATENING`` → "Life-threatening"."""
        return self.label(f"enum.{type(value).__name__}.{value.value}")

    def format_number(self, value: float) -> str:
        """A number as the language writes it (CLDR): ``21.6`` in English, ``21,6`` in Spanish."""
        from babel.numbers import format_decimal

        from rarepassport.languages import babel_locale

        return format_decimal(value, format="#,##0.###", locale=babel_locale(self.language), group_separator=False)

    def format_value(self, value: object) -> str:
        """Write any field value for people, showing only what is in the view.

        Dates are spelled out, enums worded, booleans are Yes/No, codes are
        ``ORPHA:558 (Marfan syndrome)``, lists are joined with ``; `` and nested
        objects are written as ``Label: value`` pairs.
        """
        if value is None:
            return ""
        if isinstance(value, bool):
            return self.phrase("yes") if value else self.phrase("no")
        if isinstance(value, enum.Enum):
            return self.format_enum(value)
        if isinstance(value, (_dt.date, PartialDate)):
            return self.format_date(value)
        if isinstance(value, float):
            return self.format_number(value)
        if isinstance(value, str):
            return value
        if isinstance(value, Coding):
            return _coding_text(value)
        if isinstance(value, Link):
            return _link_text(value, self)
        if isinstance(value, Mapping):
            return "; ".join(
                f"{_labels.humanise(str(key))}: {self.format_value(item)}"
                for key, item in value.items()
                if not _is_empty(item)
            )
        if isinstance(value, (tuple, list, set, frozenset)):
            return "; ".join(text for text in (self.format_value(item) for item in value) if text)
        cls = type(value)
        if attrs.has(cls):
            parts = []
            for field in attrs.fields(cls):
                item = getattr(value, field.name)
                if not self.shows(cls, field.name) or _skip(field, item):
                    continue
                parts.append(f"{self.field_label(cls, field.name)}: {self.format_value(item)}")
            return ", ".join(parts)
        return str(value)


def _coding_text(coding: Coding) -> str:
    # Codes such as ORPHA:558 carry their system already; others need it named.
    code = coding.code if ":" in coding.code else f"{coding.system} {coding.code}"
    return f"{code} ({coding.display})" if coding.display else code


def _link_text(link: Link, context: LayoutContext) -> str:
    title = link.title if link.title and context.shows(Link, "title") else None
    return f"{title}: {link.url}" if title else link.url


def _is_empty(value: object) -> bool:
    return (
        value is None
        or value == ""
        or (isinstance(value, (tuple, list, Mapping, set, frozenset)) and not value)
    )


def _skip(field: attrs.Attribute[Any], value: object) -> bool:
    """Whether a value says nothing worth printing.

    A boolean left at its default (``as_needed: false``) is noise; one set against
    its default is information, so it is shown.
    """
    if _is_empty(value):
        return True
    if isinstance(value, bool):
        default = field.default if not isinstance(field.default, attrs.Factory) else None  # type: ignore[arg-type]
        return value is default or (default is attrs.NOTHING and not value)
    return False


# --- generic building blocks ----------------------------------------------------------


def _table(
    context: LayoutContext,
    cls: type,
    items: Sequence[Any],
    names: Iterable[str] | None = None,
    *,
    cells: Mapping[str, Callable[[Any], str]] | None = None,
    emphasis: Callable[[Any], bool] | None = None,
    caption: str | None = None,
) -> Table | None:
    """A table of model objects: one column per field in the view that has a value."""
    if not items:
        return None
    cells = cells or {}
    wanted = [name for name in (names or attrs.fields_dict(cls)) if context.shows(cls, name)]

    def cell(item: Any, name: str) -> str:
        if name in cells:
            return cells[name](item)
        value = getattr(item, name)
        field = attrs.fields_dict(cls)[name]
        return "" if _skip(field, value) else context.format_value(value)

    grid = [[cell(item, name) for name in wanted] for item in items]
    # Keep a column only when some row has something in it, so tables stay narrow.
    keep = [i for i, name in enumerate(wanted) if i == 0 or any(row[i] for row in grid)]
    return Table(
        columns=[context.field_label(cls, wanted[i]) for i in keep],
        rows=[[row[i] for i in keep] for row in grid],
        caption=caption,
        emphasis_rows={i for i, item in enumerate(items) if emphasis is not None and emphasis(item)},
    )


def layout_fields(
    context: LayoutContext,
    obj: object,
    *,
    exclude: Iterable[str] = (),
    level: int = 3,
) -> list[Block]:
    """Lay out an attrs object from its field metadata, showing only fields in the view.

    This is what plugin sections get when their plugin does not lay them out; a
    plugin's own ``rarepassport_layout_section`` may call it too.

    * a list of objects becomes a heading and a table;
    * a list of text becomes a labelled list;
    * a nested object becomes a heading and its own fields;
    * anything else becomes a labelled field.

    Args:
        context: The layout context (view, labels, dates).
        obj: An attrs instance (a plugin section's data, or a core object).
        exclude: Field names to leave out (already shown elsewhere).
        level: Heading level of nested headings.

    Returns:
        The blocks, in field order; empty values are left out.
    """
    if isinstance(obj, Mapping):
        # Data of a section whose class could not be used: write it as plain fields.
        return [
            Field(label=_labels.humanise(str(key)), value=context.format_value(value))
            for key, value in obj.items()
            if not _is_empty(value)
        ]
    cls = type(obj)
    if not attrs.has(cls):
        return [Paragraph(text=context.format_value(obj))] if not _is_empty(obj) else []
    excluded = set(exclude)
    blocks: list[Block] = []
    for field in attrs.fields(cls):
        if field.name in excluded or not context.shows(cls, field.name):
            continue
        value = getattr(obj, field.name)
        if _skip(field, value):
            continue
        label_id = _label_id(cls, field.name)
        label = context.label(label_id)
        if (
            isinstance(value, (tuple, list))
            and all(attrs.has(type(item)) for item in value)
            and not all(isinstance(item, (Coding, Link)) for item in value)
        ):
            item_cls = type(value[0])
            table = _table(context, item_cls, [v for v in value if type(v) is item_cls])
            if table is not None:
                blocks += [Heading(text=label, level=level), table]
        elif isinstance(value, (tuple, list, set, frozenset)):
            items = [context.format_value(item) for item in value]
            blocks.append(
                ListBlock(
                    items=[item for item in items if item],
                    label=label,
                    emphasis=bool(field.metadata.get("emphasis", False)),
                )
            )
        elif attrs.has(type(value)) and not isinstance(value, (Coding, Link, PartialDate)):
            inner = layout_fields(context, value, level=level + 1)
            if inner:
                blocks += [Heading(text=label, level=level), *inner]
        else:
            blocks.append(
                Field(
                    label=label,
                    value=context.format_value(value),
                    label_id=label_id,
                    emphasis=bool(field.metadata.get("emphasis", False)),
                )
            )
    return blocks


def _section(
    context: LayoutContext,
    id: str,
    blocks: Sequence[Block | None],
    *,
    emergency: bool = False,
    title: str | None = None,
    plugin: str | None = None,
) -> Section | None:
    kept = [block for block in blocks if block is not None]
    if not kept:
        return None
    return Section(
        id=id,
        title=title if title is not None else context.label(f"section.{id}"),
        blocks=kept,
        emergency=emergency,
        plugin=plugin,
    )


def _field(context: LayoutContext, obj: object, name: str, *, emphasis: bool = False) -> Field | None:
    cls: Any = type(obj)
    value = getattr(obj, name)
    if not context.shows(cls, name) or _skip(attrs.fields_dict(cls)[name], value):
        return None
    label_id = _label_id(cls, name)
    return Field(
        label=context.label(label_id), value=context.format_value(value), label_id=label_id, emphasis=emphasis
    )


# --- plugin hooks, called one plugin at a time --------------------------------------


def _call_each(context: LayoutContext, hook_name: str, /, **kwargs: Any) -> Iterable[tuple[str, Any]]:
    """Call a hook plugin by plugin, in pluggy's order, yielding ``(plugin, result)``.

    A plugin that raises is skipped with a warning naming it and the hook (only the
    exception's type: its message may quote passport data).
    """
    def warn(failure: PluginFailure) -> None:
        error = failure.message.removeprefix("raised ")
        context.warn(context.phrase("plugin_failed", plugin=failure.plugin, hook=hook_name, error=error))

    yield from context.plugins.call_each(hook_name, on_failure=warn, **kwargs)


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
    for group in essentials.groups:
        if group.clinical_class in _AT_A_GLANCE:
            blocks.append(Field(label=group.title, value=group.text(), label_id=f"essentials.{group.key}",
                                emphasis=any(item.strong for item in group.items)))
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
                        error=f"returned {type(item).__name__}, not Guidance",
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
    """
    if item.language.split("-")[0].lower() == context.language.split("-")[0]:
        return item.title, item.text, item.steps, None
    registry = context.plugins.labels
    ids = item.label_ids()
    found: list[str] = []
    for label_id in ids:
        text = next(
            (t for tag in candidates(context.language) if (t := registry.get_exact(label_id, tag)) is not None), None
        )
        if text is None:
            break
        found.append(text)
    if ids and len(found) == len(ids):
        title, rest = found[0], found[1:]
        text = rest.pop(0) if item.text else ""
        return title, text, tuple(rest), None
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
        blocks.append(Heading(text=context.phrase("guidance_title", title=title), language=language))
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


def _person(context: LayoutContext, person: Person) -> Section | None:
    blocks: list[Block | None] = []
    for name in ("preferred_name", "pronouns", "sex"):
        blocks.append(_field(context, person, name))
    if person.identifiers and context.shows(Person, "identifiers"):
        for identifier in person.identifiers:
            label_id = f"phrase.identifier.{identifier.system}"
            known = context.label(label_id) if _has_label(context, label_id) else identifier.system
            blocks.append(Field(label=known, value=identifier.value, label_id="Person.identifiers"))
    if person.weight is not None and context.shows(Person, "weight"):
        blocks.append(Field(label=context.field_label(Person, "weight"), value=weight_text(context, person.weight),
                            label_id="Person.weight"))
    blocks.append(_field(context, person, "blood_group"))
    if person.languages and context.shows(Person, "languages"):
        blocks.append(
            Field(
                label=context.field_label(Person, "languages"),
                value=", ".join(person.languages),
                label_id="Person.languages",
            )
        )
    for name in ("interpreter_needed", "address", "phone", "email"):
        blocks.append(_field(context, person, name))
    return _section(context, "person", blocks)


def _has_label(context: LayoutContext, label_id: str) -> bool:
    return context.plugins.labels.get(label_id, context.language) is not None or label_id in _labels.ENGLISH


def _diagnoses(context: LayoutContext, passport: Passport) -> Section | None:
    if not context.shows(Passport, "diagnoses"):
        return None
    blocks: list[Block] = []
    # The main condition first; otherwise the owner's order, which usually means something.
    for diagnosis in sorted(passport.diagnoses, key=lambda d: not d.primary):
        title = diagnosis.name
        if diagnosis.primary and context.shows(Diagnosis, "primary"):
            title = f"{title} ({context.phrase('primary')})"
        blocks.append(Heading(text=title))
        blocks += layout_fields(context, diagnosis, exclude=("name", "primary"), level=4)
    return _section(context, "diagnoses", blocks)


def _simple_table_section(
    context: LayoutContext, id: str, owner: type, name: str, items: Sequence[Any], **kwargs: Any
) -> Section | None:
    if not context.shows(owner, name) or not items:
        return None
    return _section(context, id, [_table(context, type(items[0]), items, **kwargs)])


def _anaesthesia(context: LayoutContext, emergency: Emergency) -> Section | None:
    if not emergency.anaesthesia or not context.shows(Emergency, "anaesthesia"):
        return None
    return _section(context, "anaesthesia", [Paragraph(text=emergency.anaesthesia)])


def _care_team(context: LayoutContext, passport: Passport) -> Section | None:
    members = sorted(passport.care_team, key=lambda m: not m.lead)
    show_lead = context.shows(CareTeamMember, "lead")

    def name(member: CareTeamMember) -> str:
        return f"{member.name} ({context.phrase('lead')})" if member.lead and show_lead else member.name

    names = [f.name for f in attrs.fields(CareTeamMember) if f.name != "lead"]
    return _simple_table_section(
        context,
        "care_team",
        Passport,
        "care_team",
        members,
        names=names,
        cells={"name": name},
        emphasis=lambda m: m.lead and show_lead,
    )


def _plain_section(context: LayoutContext, id: str, owner: type, name: str, obj: object) -> Section | None:
    if not context.shows(owner, name):
        return None
    return _section(context, id, layout_fields(context, obj))


def _links(context: LayoutContext, passport: Passport) -> Section | None:
    return _simple_table_section(
        context, "links", Passport, "links", passport.links, names=("title", "url", "kind")
    )


def _additional(context: LayoutContext, passport: Passport) -> list[Section]:
    if not context.shows(Passport, "additional_sections"):
        return []
    sections = []
    for index, extra in enumerate(passport.additional_sections):
        section = _section(
            context,
            f"additional_sections.{index}",
            [Paragraph(text=extra.text)] if extra.text else [],
            title=extra.title,
        )
        if section is not None:
            sections.append(section)
    return sections


def _extensions(context: LayoutContext, passport: Passport, *, emergency: bool) -> list[Section]:
    """Plugin sections: those registered as ``emergency`` go with the emergency information."""
    if not passport.extensions or not context.shows(Passport, "extensions"):
        return []
    registry = context.plugins.sections
    sections: list[Section] = []
    if not emergency:  # called twice; warn once
        for key in passport.extensions:
            if key not in registry:
                context.warn(context.phrase("unknown_extension", id=key))
    for spec in registry:
        if spec.emergency is not emergency:
            continue
        if spec.id not in passport.extensions or context.view not in spec.views:
            continue
        section = _extension_section(context, spec, passport.extensions[spec.id], passport)
        if section is not None:
            sections.append(section)
    return sections


def _extension_section(
    context: LayoutContext, spec: SectionSpec, data: object, passport: Passport
) -> Section | None:
    section_id = f"extensions.{spec.id}"
    for plugin, result in _call_each(
        context, "rarepassport_layout_section", section=spec, data=data, passport=passport, context=context
    ):
        if isinstance(result, Section):
            # Where a section goes is the registration's decision (emergency=True), not
            # the returned Section's: a plugin copying the documented example, which
            # leaves Section.emergency at its default, must not drop out of the
            # emergency part.
            return attrs.evolve(result, id=section_id, plugin=result.plugin or plugin, emergency=spec.emergency)
        context.warn(
            context.phrase(
                "plugin_failed",
                plugin=plugin,
                hook="rarepassport_layout_section",
                error=f"returned {type(result).__name__}, not Section",
            )
        )
        break
    title_id = f"section.{spec.id}"
    title = context.label(title_id) if _has_label(context, title_id) else spec.title
    return _section(
        context, section_id, layout_fields(context, data), title=title, plugin=spec.plugin, emergency=spec.emergency
    )


def _reviewer_text(context: LayoutContext, review: Review) -> str:
    reviewer = review.reviewed_by
    assert reviewer is not None
    who = ", ".join(
        part
        for part in (
            reviewer.name,
            reviewer.role if context.shows(type(reviewer), "role") else None,
            reviewer.organisation if context.shows(type(reviewer), "organisation") else None,
        )
        if part
    )
    return context.phrase("reviewed_by", name=who, date=context.format_date(reviewer.date))


def _contributors(context: LayoutContext, names: Iterable[str]) -> ListBlock | None:
    """The condition plugins that added to this document, each with its version."""
    versions = {info.name: info.version for info in context.plugins.plugins()}
    items = []
    for name in dict.fromkeys(names):
        version = versions.get(name)
        if version:
            items.append(context.phrase("plugin_version", plugin=name, version=version))
        else:
            items.append(context.phrase("plugin_version_unknown", plugin=name))
    return ListBlock(items=items, label=context.phrase("plugins_used")) if items else None


def _review(context: LayoutContext, passport: Passport, contributors: Iterable[str] = ()) -> Section | None:
    review = passport.review
    if not context.shows(Passport, "review"):
        return None
    blocks: list[Block | None] = []
    if context.view is not View.FULL:
        # A reader of a partial passport must know it is partial, and where the rest is.
        note = context.phrase(f"view_note.{context.view.value}")
        blocks.append(Paragraph(text=f"{note} {context.phrase('more_in_full')}."))
    due = review.next_review_due
    if due is not None and due < context.today:
        message = context.phrase("review_overdue", date=context.format_date(due))
        context.warn(message)
        blocks.append(
            Alert(text=message, level=AlertLevel.WARNING, title=context.phrase("review_overdue_title"))
        )
    blocks.append(_field(context, review, "updated_on"))
    if review.reviewed_by is not None and context.shows(Review, "reviewed_by"):
        blocks.append(Paragraph(text=_reviewer_text(context, review)))
    blocks += [_field(context, review, name) for name in ("next_review_due", "created_on")]
    if review.completed_by is not None and context.shows(Review, "completed_by"):
        blocks.append(
            Field(
                label=context.field_label(Review, "completed_by"),
                value=context.format_value(review.completed_by).removeprefix(
                    f"{context.field_label(type(review.completed_by), 'name')}: "
                ),
                label_id="Review.completed_by",
            )
        )
    blocks.append(_contributors(context, contributors))
    return _section(context, "review", blocks)


def _view(view: View | str) -> View:
    try:
        return View(view)
    except ValueError:
        names = ", ".join(v.value for v in View)
        raise RenderError(f"unknown view {str(view)!r}; the views are: {names}") from None


def layout(
    passport: Passport,
    view: View | str = "full",
    language: str | None = None,
    *,
    plugins: PluginManager,
    today: _dt.date | None = None,
) -> Document:
    """The step behind [`rarepassport.layout`][] (documented there); ``plugins`` is required here."""
    if not isinstance(passport, Passport):
        raise TypeError(f"layout() lays out a rarepassport.Passport, not {type(passport).__name__}; read "
                        "a document with rarepassport.load() or loads() first")
    choice = _choose_language(language, passport, plugins)
    context = LayoutContext(
        view=_view(view),
        language=choice.tag,
        plugins=plugins,
        today=today or _dt.date.today(),
    )
    if choice.fallback:
        _warn_language_fallback(context, choice, from_passport=not language)
    emergency = passport.emergency if context.shows(Passport, "emergency") else Emergency()
    essentials = build_essentials(context, passport)
    person = passport.person
    history_shown = context.shows(Passport, "history")
    guidance = _collect_guidance(context, passport)
    population = population_on(person.date_of_birth, context.today)
    emergency_extensions = _extensions(context, passport, emergency=True)
    other_extensions = _extensions(context, passport, emergency=False)
    contributors = [
        *(section.plugin for section in (*emergency_extensions, *other_extensions) if section.plugin),
        *(item.plugin for item in guidance if item.plugin),
    ]
    candidates: list[Section | None] = [
        _emergency(context, emergency, essentials),
        _protocols(context, emergency),
        *emergency_extensions,
        _guidance(context, guidance, population, own_protocol=bool(emergency.protocols)),
        _avoid(context, emergency),
        _red_flags(context, emergency),
        _allergies(context, passport),
        _time_critical(context, passport),
        _advance_decisions(context, emergency),
        _person(context, person),
        _diagnoses(context, passport),
        _medications(context, passport),
        _simple_table_section(context, "devices", Passport, "devices", passport.devices),
        _anaesthesia(context, emergency),
        _simple_table_section(
            context,
            "previous_emergencies",
            Emergency,
            "previous",
            emergency.previous,
            names=("date", "reason", "treatment", "outcome"),
        ),
        _simple_table_section(context, "contacts", Passport, "contacts", contacts_in_call_order(passport.contacts)),
        _care_team(context, passport),
        _plain_section(context, "care_preferences", Passport, "care_preferences", passport.care_preferences),
        _plain_section(context, "history", Passport, "history", passport.history) if history_shown else None,
        _links(context, passport),
        *_additional(context, passport),
        *other_extensions,
        _review(context, passport, contributors),
    ]
    sections = _without_own_protocol(context, emergency, [section for section in candidates if section is not None])
    review = passport.review
    updated = review.updated_on if context.shows(Review, "updated_on") else None
    reviewed = review.reviewed_by is not None and context.shows(Review, "reviewed_by")
    return Document(
        title=context.phrase(f"title.{context.view.value}", name=person.name),
        language=context.language,
        view=context.view,
        person_name=person.name,
        date_of_birth=context.format_date(person.date_of_birth)
        if context.shows(Person, "date_of_birth")
        else "",
        sections=sections,
        updated_on=context.phrase("updated_on", date=context.format_date(updated)) if updated else None,
        reviewed_on=_reviewer_text(context, review) if reviewed else None,
        photo=person.photo if context.shows(Person, "photo") else None,
        warnings=context.warnings,
        phrases=_labels.phrases(context.language, plugins.labels),
        essentials=essentials,
        content_language=_content_language(passport, context.language),
        direction=direction(context.language),
    )


def _choose_language(language: str | None, passport: Passport, plugins: PluginManager) -> LanguageChoice:
    """The labels' language: the argument, else the passport's, normalised by CLDR (``FR`` is ``fr``)."""
    return choose(language or passport.language or "en", plugins.labels.has_language)


def _warn_language_fallback(context: LayoutContext, choice: LanguageChoice, *, from_passport: bool) -> None:
    """Say that the labels are in English because the language asked for has none.

    The document is then marked ``en``, never with a language its labels are not in.
    The warning names the language by its CLDR name and canonical tag, never the text
    as given (a tag CLDR does not know is not repeated).
    """
    where = "$.language" if from_passport else "--language"
    if choice.known:
        tag = normalise(choice.requested) or choice.requested
        context.warn(context.phrase("language_fallback", language=display_name(tag, "en"), tag=tag, where=where))
    else:
        context.warn(context.phrase("language_unknown", where=where))


def _content_language(passport: Passport, document_language: str) -> str | None:
    """The passport's own language (normalised), or ``None`` when the labels are in it."""
    tag = normalise(passport.language or "en") or "und"
    return None if tag.split("-")[0] == document_language.split("-")[0] else tag
