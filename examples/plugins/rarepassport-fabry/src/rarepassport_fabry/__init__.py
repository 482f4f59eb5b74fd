"""rarepassport plugin for Fabry disease (Anderson–Fabry disease, ORPHA:324).

The plugin adds an ``extensions.fabry`` section, a validation rule, general emergency
guidance from a named public source, and labels. rarepassport finds it through the
entry point in ``pyproject.toml``::

    [project.entry-points.rarepassport]
    fabry = "rarepassport_fabry"
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import attrs

from rarepassport import Guidance, Issue, IssueSeverity, hookimpl, section_field

if TYPE_CHECKING:
    from rarepassport import (
        LabelRegistry,
        Passport,
        RuleContext,
        RuleRegistry,
        SectionMigrationRegistry,
        SectionRegistry,
    )

__all__ = ["SECTION_ID", "SECTION_VERSION", "FabrySection", "emergency_guidance", "treatment_is_stated",
           "treatment_renamed"]
__version__ = "0.2.0"

#: The key of the section under a passport's ``extensions``.
SECTION_ID = "fabry"

#: The version of the section's shape. Version 1 (plugin 0.1) called the treatment
#: ``enzyme_therapy``; version 2 (plugin 0.2) calls it ``treatment``, because an oral
#: therapy is a treatment too.
SECTION_VERSION = "2"

#: Orphanet code of Fabry disease; the section and guidance apply to it.
ORPHA_FABRY = "ORPHA:324"


# --8<-- [start:section]
@attrs.frozen(kw_only=True)
class FabrySection:
    """What a professional who has never met Fabry disease needs to know about this person."""

    treatment: str | None = section_field(
        "Disease-specific treatment: which enzyme replacement therapy or oral therapy, or 'none'.",
        default=None,
    )
    infusion_schedule: str | None = section_field(
        "How often infusions are given, and where (hospital or home).",
        default=None,
        views=("social",),
    )
    infusion_reactions: str | None = section_field(
        "Earlier reactions to infusions and what the care team did about them.",
        default=None,
        views=("emergency",),
    )
    pain_crisis_triggers: tuple[str, ...] = section_field(
        "What brings on pain crises for this person, e.g. heat, fever, exercise.",
        default=(),
        converter=tuple,
        views=("emergency", "education", "social"),
    )
    pain_crisis_plan: str | None = section_field(
        "What helps during a pain crisis, as agreed with the care team.",
        default=None,
        views=("emergency", "education", "social"),
    )
    heart: str | None = section_field(
        "Heart involvement: rhythm problems, thickened heart muscle, pacemaker or defibrillator.",
        default=None,
        views=("emergency",),
    )
    kidneys: str | None = section_field(
        "Kidney involvement: kidney function, dialysis or transplant.",
        default=None,
        views=("emergency",),
    )
    specialist_centre: str | None = section_field(
        "The Fabry (lysosomal storage disorder) specialist centre that manages treatment.",
        default=None,
        views=("emergency", "education"),
    )


@hookimpl
def rarepassport_register_sections(sections: SectionRegistry) -> None:
    """Register ``extensions.fabry``."""
    sections.add(
        SECTION_ID,
        FabrySection,
        title="Fabry disease",
        views=("emergency", "education", "social"),
        description="Fabry disease: treatment, pain crises, heart and kidney involvement.",
        applies_to=[ORPHA_FABRY, "ICD-10:E75.2", "OMIM:301500"],
        version=SECTION_VERSION,
    )
# --8<-- [end:section]


# --8<-- [start:migration]
def treatment_renamed(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 -> 2: ``enzyme_therapy`` is now ``treatment``; the value moves as it is."""
    if "enzyme_therapy" in data:
        if "treatment" in data:  # version 1 had no such field: refuse rather than drop either value
            raise ValueError("both enzyme_therapy and treatment are given")
        data["treatment"] = data.pop("enzyme_therapy")
    return data


#: What ``rarepassport upgrade`` says of the step; its label ``migration.fabry.2`` (the
#: section and the version it upgrades to) translates it (see the labels below).
MIGRATION_SUMMARY = "enzyme_therapy is now treatment (an oral therapy is a treatment too)"


@hookimpl
def rarepassport_register_migrations(migrations: SectionMigrationRegistry) -> None:
    """Upgrade Fabry sections written for plugin 0.1 (section version 1)."""
    migrations.add(SECTION_ID, "1", "2", treatment_renamed, summary=MIGRATION_SUMMARY)
# --8<-- [end:migration]


# --8<-- [start:rule]
def treatment_is_stated(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    """Warn when a Fabry section does not say which treatment is given.

    Emergency teams need to know whether the person has infusions (and may react to
    them) or takes an oral therapy; "none" is a valid answer and silences the rule.
    """
    section = passport.extensions.get(SECTION_ID)
    if isinstance(section, FabrySection) and not (section.treatment or "").strip():
        yield Issue(
            path=f"$.extensions.{SECTION_ID}.treatment",
            code="fabry-treatment-stated",
            severity=IssueSeverity.WARNING,
            message="say which disease-specific treatment is given, or write 'none'",
        )


@hookimpl
def rarepassport_register_rules(rules: RuleRegistry) -> None:
    """Register the Fabry rules."""
    rules.add(
        treatment_is_stated,
        code="fabry-treatment-stated",
        description="A Fabry section names the disease-specific treatment (or 'none').",
    )
# --8<-- [end:rule]


# --8<-- [start:guidance]
#: Paraphrased, without doses, from the public page below; checked on SOURCE_DATE.
SOURCE = "Fabry Ireland: Symptoms of Fabry Disease"
SOURCE_URL = "https://fabryireland.ie/?page_id=1138"
SOURCE_DATE = dt.date(2026, 11, 27)


GUIDANCE_ID = "fabry.emergency"


def emergency_guidance() -> Guidance:
    """The general Fabry guidance, shown after the person's own protocol."""
    return Guidance(
        # The id names the guidance's labels: translations and the easy-read version below.
        id=GUIDANCE_ID,
        title="Fabry disease: what an emergency team should know",
        text=(
            "Fabry disease is an inherited condition in which a fatty substance builds up "
            "in the body's cells. It often causes burning pain in the hands and feet, with "
            "attacks that heat, cold, illness or exercise can bring on. Many people sweat "
            "little and overheat easily. With age it can affect the heart (thickened heart "
            "muscle, rhythm problems), the kidneys, and the brain (strokes and mini-strokes, "
            "sometimes at a young age). Women can be as severely affected as men."
        ),
        steps=(
            "Follow the person's own emergency protocol and care plan first.",
            "Take reported pain seriously: a pain attack can be severe even when little is seen.",
            "New weakness, speech or vision problems may be a stroke, whatever the person's age.",
            "Palpitations or fainting may be a heart rhythm problem.",
            "Contact the person's Fabry specialist centre.",
        ),
        source=SOURCE,
        source_date=SOURCE_DATE,
        url=SOURCE_URL,
        applies_to=(ORPHA_FABRY,),
        # Whom the source is written for, and where: a child is never shown adult guidance.
        population="all",
        jurisdiction="Ireland",
        # Set last_checked_on only to a day you compared the text with the source, and
        # reviewed_by only when a clinician has reviewed it; the document prints both.
        reviewed_by=None,
    )


def _has_fabry(passport: Passport) -> bool:
    if SECTION_ID in passport.extensions:
        return True
    return any(
        f"{coding.system}:{coding.code.removeprefix('ORPHA:')}" == ORPHA_FABRY
        for diagnosis in passport.diagnoses
        for coding in diagnosis.codes
    )


@hookimpl
def rarepassport_emergency_guidance(passport: Passport) -> list[Guidance] | None:
    """Give the Fabry guidance to passports with Fabry disease, and nothing to others."""
    return [emergency_guidance()] if _has_fabry(passport) else None
# --8<-- [end:guidance]


# --8<-- [start:labels]
_LABELS = {
    "en": {
        "section.fabry": "Fabry disease",
        "FabrySection.treatment": "Treatment",
        "FabrySection.infusion_schedule": "Infusions",
        "FabrySection.infusion_reactions": "Infusion reactions",
        "FabrySection.pain_crisis_triggers": "Pain crisis triggers",
        "FabrySection.pain_crisis_plan": "During a pain crisis",
        "FabrySection.heart": "Heart",
        "FabrySection.kidneys": "Kidneys",
        "FabrySection.specialist_centre": "Specialist centre",
        # The migration step's summary, as `rarepassport upgrade --language` says it.
        "migration.fabry.2": MIGRATION_SUMMARY,
        # Easy read (easy_read=True, --easy-read): plainer words for a label ...
        "easyread.FabrySection.pain_crisis_triggers": "What starts a pain attack",
        "easyread.FabrySection.pain_crisis_plan": "What to do in a pain attack",
        # ... and a plain version of the guidance: the same facts from the same source
        # (SOURCE, checked on SOURCE_DATE) in shorter sentences and everyday words,
        # nothing added. Without every part of it, easy read shows the guidance as written.
        f"easyread.guidance.{GUIDANCE_ID}.title": "Fabry disease: what to know in an emergency",
        f"easyread.guidance.{GUIDANCE_ID}.text": (
            "Fabry disease runs in families. A fatty substance builds up in the body's cells. "
            "It often causes burning pain in the hands and feet. Heat, cold, illness or exercise "
            "can start a pain attack. Many people sweat little and get too hot easily. Later in "
            "life it can harm the heart, the kidneys and the brain. It can cause strokes, "
            "sometimes in young people. Women can be as ill with it as men."
        ),
        f"easyread.guidance.{GUIDANCE_ID}.step.1": "Follow the person's own emergency plan first.",
        f"easyread.guidance.{GUIDANCE_ID}.step.2": (
            "Believe the person's pain: a pain attack can be very bad even when you see little."
        ),
        f"easyread.guidance.{GUIDANCE_ID}.step.3": (
            "New weakness, or new problems speaking or seeing, may be a stroke, at any age."
        ),
        f"easyread.guidance.{GUIDANCE_ID}.step.4": (
            "A racing or pounding heart, or fainting, may be a heart rhythm problem."
        ),
        f"easyread.guidance.{GUIDANCE_ID}.step.5": "Contact the person's Fabry specialist centre.",
    },
    "fr": {
        "section.fabry": "Maladie de Fabry",
        "FabrySection.treatment": "Traitement",
        "FabrySection.infusion_schedule": "Perfusions",
        "FabrySection.infusion_reactions": "Réactions aux perfusions",
        "FabrySection.pain_crisis_triggers": "Déclencheurs des crises douloureuses",
        "FabrySection.pain_crisis_plan": "Pendant une crise douloureuse",
        "FabrySection.heart": "Cœur",
        "FabrySection.kidneys": "Reins",
        "FabrySection.specialist_centre": "Centre spécialisé",
        "migration.fabry.2": (
            "enzyme_therapy s'appelle désormais treatment (un traitement oral est aussi un traitement)"
        ),
    },
}


@hookimpl
def rarepassport_register_labels(labels: LabelRegistry) -> None:
    """Add English and French labels for the section."""
    for language, catalogue in _LABELS.items():
        labels.add(language, catalogue)
# --8<-- [end:labels]
