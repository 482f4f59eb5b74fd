"""MCAD deficiency: the built-in ``mcad-deficiency`` plugin.

Adds ``extensions.mcad_deficiency``: the fasting limits by age as written by the
person's metabolic team, their emergency regimen (glucose polymer drinks, from the
team's letter) and the metabolic centre to call. A passport without the emergency
regimen is an error.

General guidance is paraphrased from the British Inherited Metabolic Disease Group
(BIMDG) emergency guideline for MCADD, *Brief parent-held guide to MCADD hospital
management* (2nd edition, December 2010; written for children), https://www.bimdg.org.uk/,
checked against its text on 1 December 2026; surgery as a trigger is from the American Academy of
Pediatrics clinical report *Management Principles for Acute Illness in Patients With
Medium-Chain Acyl-Coenzyme A Dehydrogenase Deficiency* (Pediatrics, January 2021),
which covers perioperative management. It states no dose: the emergency regimen and
the hospital regimen are in the person's own letter. The one fluid it names is what
the BIMDG guideline gives as maintenance (10% glucose with 0.45% sodium chloride), so
that glucose-free maintenance fluids are never used.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

import attrs

from rarepassport._report import Issue, IssueSeverity
from rarepassport.clinical import ClinicalClass, Population
from rarepassport.guidance import Guidance
from rarepassport.hookspecs import hookimpl
from rarepassport.model import View, section_field
from rarepassport.plugins._condition import LOCALE_DIR, applies, has_condition_code, section_of

if TYPE_CHECKING:
    from rarepassport.model import Passport
    from rarepassport.registries import LabelRegistry, RuleRegistry, SectionRegistry
    from rarepassport.validation import RuleContext

__all__ = ["APPLIES_TO", "SECTION_ID", "FastingLimit", "McadDeficiency", "MetabolicCentre"]

PLUGIN_NAME = "mcad-deficiency"
SECTION_ID = "mcad_deficiency"

#: Codes this section is for. OMIM:201450 is MCAD deficiency (ACADM); ORPHA:42 is
#: Orphanet's "Medium chain acyl-CoA dehydrogenase deficiency"
#: (https://www.orpha.net/en/disease/detail/42); SNOMED CT 128596003 is
#: "Medium-chain acyl-coenzyme A dehydrogenase deficiency (disorder)", the concept
#: LOINC answer LA12509-8 (MCAD, newborn screening) maps to; its Verhoeff check digit
#: is valid. The ICD-10 code E71.3 covers every fatty-acid oxidation disorder, so it
#: is deliberately not used: it would offer this plugin to people with other conditions.
APPLIES_TO: tuple[str, ...] = ("ORPHA:42", "OMIM:201450", "SNOMED-CT:128596003")

#: How old an emergency regimen letter may be before validation asks for it to be
#: checked. Regimens follow age and weight; a year is this project's choice, not a
#: BIMDG figure.
REGIMEN_REVIEW_AFTER = _dt.timedelta(days=365)

E, ED, S = View.EMERGENCY, View.EDUCATION, View.SOCIAL


@attrs.frozen(kw_only=True)
class FastingLimit:
    """The longest the person may go without food at an age, as written by their team."""

    age: str = section_field("The age it applies to, as the team wrote it, e.g. 6 to 12 months.")
    max_hours: float = section_field("The longest time without food, in hours, as the team wrote it.")
    notes: str | None = section_field("Notes, e.g. overnight only.", default=None)


@attrs.frozen(kw_only=True)
class MetabolicCentre:
    """The metabolic centre that looks after the person."""

    name: str = section_field("Name of the metabolic centre or team.")
    phone: str | None = section_field("Phone number in working hours.", default=None)
    out_of_hours_phone: str | None = section_field("Phone number out of hours.", default=None)
    hospital: str | None = section_field("Hospital.", default=None)


@attrs.frozen(kw_only=True)
class McadDeficiency:
    """MCAD deficiency: fasting limits, the emergency regimen and who to call."""

    emergency_regimen: tuple[str, ...] = section_field(
        "The emergency regimen as written in the metabolic team's letter, step by step "
        "(which glucose polymer drink, how strong, how much, how often).",
        default=(), converter=tuple, emphasis=True, clinical_class=ClinicalClass.EMERGENCY_TREATMENT,
    )
    emergency_regimen_dated: _dt.date | None = section_field(
        "Date of the letter the emergency regimen comes from.", default=None,
        clinical_class=ClinicalClass.CONTEXT,
    )
    fasting_limits: tuple[FastingLimit, ...] = section_field(
        "The longest time without food, by age, as written by the metabolic team.",
        default=(), converter=tuple, clinical_class=ClinicalClass.AVOID,
    )
    metabolic_centre: MetabolicCentre | None = section_field(
        "The metabolic centre to call.", default=None, clinical_class=ClinicalClass.SPECIALIST_CONTACT,
    )
    hospital_letter_held: str | None = section_field(
        "Where the hospital emergency letter is kept, e.g. with the passport, in the school office.",
        default=None, views=(E, ED, S), clinical_class=ClinicalClass.FURTHER_PROTOCOL,
    )


@hookimpl
def rarepassport_register_sections(sections: SectionRegistry) -> None:
    """Register ``extensions.mcad_deficiency``."""
    sections.add(
        SECTION_ID,
        McadDeficiency,
        title="MCAD deficiency",
        views=(E, ED, S),
        description="MCAD deficiency: emergency regimen, fasting limits, metabolic centre.",
        applies_to=APPLIES_TO,
        emergency=True,
    )


@hookimpl
def rarepassport_register_labels(labels: LabelRegistry) -> None:
    """Labels for the section's fields: gettext catalogues in ``plugins/locale/mcad_deficiency/``."""
    labels.add_catalogues(LOCALE_DIR / "mcad_deficiency")


# --- rules -----------------------------------------------------------------------------

_PATH = f"$.extensions.{SECTION_ID}"


def emergency_regimen_given(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    """An MCAD deficiency passport holds the emergency regimen."""
    section = section_of(passport, SECTION_ID, McadDeficiency)
    if section is None:
        if has_condition_code(passport, APPLIES_TO):
            yield context.issue(
                _PATH, "mcad-emergency-regimen", IssueSeverity.ERROR,
                "validation.mcad-emergency-regimen.no-section", section=SECTION_ID,
            )
        return
    if not any(step.strip() for step in section.emergency_regimen):
        yield context.issue(
            f"{_PATH}.emergency_regimen", "mcad-emergency-regimen", IssueSeverity.ERROR,
            "validation.mcad-emergency-regimen",
        )


def metabolic_centre_given(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    """The metabolic centre and a number to call are given."""
    section = section_of(passport, SECTION_ID, McadDeficiency)
    if section is None:
        return
    centre = section.metabolic_centre
    if centre is None:
        yield context.issue(
            f"{_PATH}.metabolic_centre", "mcad-metabolic-centre", IssueSeverity.WARNING,
            "validation.mcad-metabolic-centre",
        )
    elif not (centre.phone or centre.out_of_hours_phone):
        yield context.issue(
            f"{_PATH}.metabolic_centre.phone", "mcad-metabolic-centre", IssueSeverity.WARNING,
            "validation.mcad-metabolic-centre.phone",
        )


def regimen_current(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    """The emergency regimen letter is dated and not more than a year old."""
    section = section_of(passport, SECTION_ID, McadDeficiency)
    if section is None or not section.emergency_regimen:
        return
    dated = section.emergency_regimen_dated
    if dated is None:
        yield context.issue(
            f"{_PATH}.emergency_regimen_dated", "mcad-regimen-date", IssueSeverity.INFO,
            "validation.mcad-regimen-date.undated",
        )
    elif context.today - dated > REGIMEN_REVIEW_AFTER:
        yield context.issue(
            f"{_PATH}.emergency_regimen_dated", "mcad-regimen-date", IssueSeverity.WARNING,
            "validation.mcad-regimen-date",
        )


@hookimpl
def rarepassport_register_rules(rules: RuleRegistry) -> None:
    """Register the MCAD deficiency rules."""
    rules.add(emergency_regimen_given, code="mcad-emergency-regimen",
              description="MCAD deficiency passports hold the emergency regimen (error).")
    rules.add(metabolic_centre_given, code="mcad-metabolic-centre",
              description="The metabolic centre and its phone number are given (warning).")
    rules.add(regimen_current, code="mcad-regimen-date",
              description="The emergency regimen letter is dated and under a year old (warning).")


# --- guidance --------------------------------------------------------------------------

SOURCE = (
    "British Inherited Metabolic Disease Group (BIMDG), MCADD emergency guideline: brief "
    "parent-held guide to MCADD hospital management; American Academy of Pediatrics, Management "
    "Principles for Acute Illness in Patients With MCADD (2021), for surgery"
)
SOURCE_DATE = _dt.date(2010, 12, 1)
SOURCE_URL = "https://www.bimdg.org.uk/"
#: The day the paraphrase was checked against the BIMDG guideline's text.
CHECKED_ON = _dt.date(2026, 12, 1)

#: What brings on a metabolic crisis (BIMDG; surgery from the AAP report).
TRIGGERS: tuple[str, ...] = (
    "illness or infection, especially with fever",
    "vomiting",
    "diarrhoea",
    "fasting or not eating (including not tolerating feeds or the emergency regimen)",
    "surgery or any procedure that needs fasting",
)

GUIDANCE = Guidance(
    id="mcad_deficiency.illness",
    title="MCAD deficiency: illness, vomiting or not eating",
    text=(
        "People with MCAD deficiency cannot use fat for energy properly. A metabolic crisis, with "
        "encephalopathy and risk of death, can be brought on by: " + "; ".join(TRIGGERS) + ". Low "
        "blood glucose may come late: do not wait for the blood glucose to be low before treating."
    ),
    steps=(
        "At home during illness, the person's emergency regimen (frequent glucose polymer drinks, "
        "as written in their metabolic team's letter) is used.",
        "If the drinks are not tolerated, or the person is vomiting, drowsy or getting worse, they "
        "need hospital care urgently.",
        "In hospital: check responsiveness and conscious level, blood glucose (bedside and "
        "laboratory), electrolytes and blood gases.",
        "Start intravenous glucose without delay, as set out in the person's own hospital "
        "protocol (the BIMDG guideline uses 10% glucose).",
        "Never use glucose-free maintenance fluids: maintenance fluid must contain glucose (the "
        "BIMDG guideline gives 10% glucose with 0.45% sodium chloride).",
        "Before surgery or a procedure that needs fasting, plan intravenous glucose with the "
        "metabolic team.",
        "Admit, and tell the metabolic team.",
    ),
    source=SOURCE,
    source_date=SOURCE_DATE,
    published_on=SOURCE_DATE,
    version="2",
    applies_to=APPLIES_TO,
    url=SOURCE_URL,
    # The guide is a letter about "this child": it is not shown as applying to adults.
    population=Population.CHILD,
    jurisdiction="UK",
    last_checked_on=CHECKED_ON,
    reviewed_by=None,
)


@hookimpl
def rarepassport_emergency_guidance(passport: Passport) -> list[Guidance] | None:
    """MCAD deficiency guidance, for passports with the section or a matching diagnosis."""
    if applies(passport, SECTION_ID, APPLIES_TO):
        return [GUIDANCE]
    return None
