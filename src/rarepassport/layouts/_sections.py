"""The sections after the emergency part: person, diagnoses, care team, plugins, review."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from rarepassport.document import (
    Alert,
    AlertLevel,
    Block,
    Field,
    Heading,
    ListBlock,
    Paragraph,
    Section,
)
from rarepassport.essentials import weight_text
from rarepassport.model import (
    CareTeamMember,
    Diagnosis,
    Emergency,
    Passport,
    Person,
    Review,
    View,
)

if TYPE_CHECKING:
    from rarepassport.registries import SectionSpec
from rarepassport.layouts._context import (
    LayoutContext,
    TrustStatement,
    _call_each,
    _field,
    _has_label,
    _reviewer_who,
    _section,
    _table,
    layout_fields,
)


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
                error=context.phrase("plugin_returned_not_section", type=type(result).__name__),
            )
        )
        break
    title_id = f"section.{spec.id}"
    title = context.label(title_id) if _has_label(context, title_id) else spec.title
    return _section(
        context, section_id, layout_fields(context, data), title=title, plugin=spec.plugin, emergency=spec.emergency,
        # A title nobody translated into the document's language is English: marked so.
        title_language=context.label_language(title_id),
    )


def _reviewer_text(context: LayoutContext, review: Review) -> str:
    reviewer = review.reviewed_by
    assert reviewer is not None
    return context.phrase("reviewed_by", name=_reviewer_who(context, reviewer), date=context.format_date(reviewer.date))


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


def _review(
    context: LayoutContext, passport: Passport, contributors: Iterable[str] = (), trust: TrustStatement | None = None
) -> Section | None:
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
    if trust is not None:
        # Who checked it, said only as verified in this call (layouts/_trust.py); a typed
        # reviewer without a valid signature is said to be unverified there.
        blocks += trust.blocks
    elif review.reviewed_by is not None and context.shows(Review, "reviewed_by"):
        blocks.append(Paragraph(text=_reviewer_text(context, review)))
    blocks += [_field(context, review, name) for name in ("next_review_due", "created_on")]
    if review.completed_by is not None and context.shows(Review, "completed_by"):
        blocks.append(
            Field(
                label=context.field_label(Review, "completed_by"),
                value=context.format_value(review.completed_by).removeprefix(
                    context.label_value(context.field_label(type(review.completed_by), "name"), "")
                ),
                label_id="Review.completed_by",
            )
        )
    blocks.append(_contributors(context, contributors))
    return _section(context, "review", blocks)
