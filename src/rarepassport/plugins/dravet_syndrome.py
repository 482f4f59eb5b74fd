"""Dravet syndrome: the built-in ``dravet-syndrome`` plugin.

Adds ``extensions.dravet_syndrome``: the rescue medicine plan (medicine, dose and when
to give it, as prescribed), the person's seizure types, their triggers, and the
medicines their neurologist says to avoid. A passport without a rescue medicine plan
is an error; a sodium-channel-blocking anti-seizure medicine in the medicines list is
a warning.

General guidance is paraphrased from Dravet Syndrome UK (*Emergency medication and
treatment*, *Emergency protocols*; https://www.dravet.org.uk/emergency-medication-treatment/),
the Epilepsy Foundation (*Using rescue treatments*, epilepsy.com: call for emergency
help if seizure activity continues after the rescue medicine is given as prescribed)
and NICE guideline NG217, *Epilepsies in children, young people and adults* (27 April
2022; section 3, referral to tertiary services), all checked against their text on
1 December 2026. No dose is stated: rescue medicine and dose are in the person's own
protocol. The emergency number is not named: it differs by country (999, 112, 911).
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Iterator
from typing import TYPE_CHECKING

import attrs

from rarepassport._report import Issue, IssueSeverity
from rarepassport.clinical import ClinicalClass, Population
from rarepassport.guidance import Guidance
from rarepassport.hookspecs import hookimpl
from rarepassport.model import View, section_field
from rarepassport.plugins._condition import LOCALE_DIR, applies, has_condition_code, matching_medications, section_of

if TYPE_CHECKING:
    from rarepassport.model import Passport
    from rarepassport.registries import LabelRegistry, RuleRegistry, SectionRegistry
    from rarepassport.validation import RuleContext

__all__ = [
    "APPLIES_TO",
    "SECTION_ID",
    "DravetSyndrome",
    "RescuePlan",
    "SeizureDescription",
    "SeizureKind",
    "Trigger",
]

PLUGIN_NAME = "dravet-syndrome"
SECTION_ID = "dravet_syndrome"

#: Codes this section is for (Orphanet ORPHA:33069, cross-referenced to OMIM:607208).
#: Orphanet maps Dravet syndrome to ICD-10 G40.4, which covers many other epilepsies,
#: so that code is deliberately not used.
APPLIES_TO: tuple[str, ...] = ("ORPHA:33069", "OMIM:607208")

#: Sodium-channel-blocking anti-seizure medicines that can make seizures worse in
#: Dravet syndrome (Dravet Syndrome UK).
SODIUM_CHANNEL_BLOCKERS: tuple[str, ...] = ("carbamazepine", "oxcarbazepine", "lamotrigine", "phenytoin")

E, ED, S = View.EMERGENCY, View.EDUCATION, View.SOCIAL


class SeizureKind(str, enum.Enum):
    """Seizure types seen in Dravet syndrome."""

    TONIC_CLONIC = "tonic-clonic"
    HEMICLONIC = "hemiclonic"
    """One side of the body."""
    FOCAL_CLONIC = "focal-clonic"
    MYOCLONIC = "myoclonic"
    FOCAL_IMPAIRED_AWARENESS = "focal-impaired-awareness"
    ATYPICAL_ABSENCE = "atypical-absence"
    ATONIC = "atonic"
    TONIC = "tonic"
    STATUS_EPILEPTICUS = "status-epilepticus"
    """Prolonged or back-to-back seizures."""
    OTHER = "other"


class Trigger(str, enum.Enum):
    """Things that can bring on the person's seizures."""

    FEVER = "fever"
    HEAT = "heat"
    """Overheating: hot weather, hot baths, exercise."""
    ILLNESS = "illness"
    VACCINATION = "vaccination"
    FLASHING_LIGHTS = "flashing-lights"
    PATTERNS = "patterns"
    """Stripes and other contrasting visual patterns."""
    EXCITEMENT = "excitement"
    """Excitement or stress."""
    TIREDNESS = "tiredness"
    OTHER = "other"


@attrs.frozen(kw_only=True)
class RescuePlan:
    """The rescue medicine plan, as prescribed by the person's neurology team."""

    medicine: str = section_field(
        "The rescue medicine, e.g. buccal midazolam.", emphasis=True,
        clinical_class=ClinicalClass.EMERGENCY_TREATMENT,
    )
    dose: str | None = section_field(
        "Its dose and route as prescribed.", default=None, emphasis=True,
        clinical_class=ClinicalClass.EMERGENCY_TREATMENT,
    )
    when: str | None = section_field(
        "When to give it, as prescribed, e.g. if a tonic-clonic seizure lasts 5 minutes.", default=None,
        clinical_class=ClinicalClass.EMERGENCY_TREATMENT,
    )
    second_dose: str | None = section_field(
        "Whether and when a second dose may be given, as prescribed.", default=None, emphasis=True,
        clinical_class=ClinicalClass.EMERGENCY_TREATMENT,
    )
    call_ambulance: str | None = section_field(
        "When to call an ambulance, as the protocol says.", default=None,
        clinical_class=ClinicalClass.RED_FLAG,
    )


@attrs.frozen(kw_only=True)
class SeizureDescription:
    """A seizure type as it looks in this person."""

    kind: SeizureKind = section_field(
        "tonic-clonic, hemiclonic, focal-clonic, myoclonic, focal-impaired-awareness, "
        "atypical-absence, atonic, tonic, status-epilepticus or other.",
    )
    looks_like: str | None = section_field("What it looks like in this person.", default=None)
    usual_length: str | None = section_field("How long it usually lasts.", default=None)


@attrs.frozen(kw_only=True)
class DravetSyndrome:
    """Dravet syndrome: rescue medicine, seizures, triggers and medicines to avoid."""

    rescue_plan: RescuePlan | None = section_field(
        "The rescue medicine plan, as prescribed.", default=None, clinical_class=ClinicalClass.EMERGENCY_TREATMENT,
    )
    seizures: tuple[SeizureDescription, ...] = section_field(
        "The person's seizure types.", default=(), converter=tuple,
    )
    triggers: tuple[Trigger, ...] = section_field(
        "What can bring on seizures: fever, heat, illness, vaccination, flashing-lights, patterns, "
        "excitement, tiredness or other.",
        default=(), converter=tuple, clinical_class=ClinicalClass.AVOID,
    )
    trigger_notes: str | None = section_field(
        "More about triggers and how to avoid them.", default=None, clinical_class=ClinicalClass.AVOID,
    )
    medicines_to_avoid: tuple[str, ...] = section_field(
        "Medicines the person's neurologist says to avoid.", default=(), converter=tuple,
        clinical_class=ClinicalClass.AVOID,
    )
    emergency_protocol_held: str | None = section_field(
        "Where the signed emergency protocol is kept, e.g. in the school office.", default=None,
        clinical_class=ClinicalClass.FURTHER_PROTOCOL,
    )


@hookimpl
def rarepassport_register_sections(sections: SectionRegistry) -> None:
    """Register ``extensions.dravet_syndrome``."""
    sections.add(
        SECTION_ID,
        DravetSyndrome,
        title="Dravet syndrome",
        views=(E, ED, S),
        description="Dravet syndrome: rescue medicine plan, seizure types, triggers, medicines to avoid.",
        applies_to=APPLIES_TO,
        emergency=True,
    )


@hookimpl
def rarepassport_register_labels(labels: LabelRegistry) -> None:
    """Labels for the section's fields: gettext catalogues in ``plugins/locale/dravet_syndrome/``."""
    labels.add_catalogues(LOCALE_DIR / "dravet_syndrome")


# --- rules -----------------------------------------------------------------------------

_PATH = f"$.extensions.{SECTION_ID}"


def rescue_plan_given(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    """A Dravet syndrome passport holds a complete rescue medicine plan."""
    section = section_of(passport, SECTION_ID, DravetSyndrome)
    if section is None:
        if has_condition_code(passport, APPLIES_TO):
            yield context.issue(
                _PATH, "dravet-rescue-plan", IssueSeverity.ERROR,
                "validation.dravet-rescue-plan.no-section", section=SECTION_ID,
            )
        return
    plan = section.rescue_plan
    if plan is None:
        yield context.issue(
            f"{_PATH}.rescue_plan", "dravet-rescue-plan", IssueSeverity.ERROR,
            "validation.dravet-rescue-plan",
        )
        return
    for name in ("dose", "when"):
        if not (getattr(plan, name) or "").strip():
            yield context.issue(
                f"{_PATH}.rescue_plan.{name}", "dravet-rescue-plan", IssueSeverity.ERROR,
                f"validation.dravet-rescue-plan.no-{name}",
            )


def no_sodium_channel_blockers(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    """Sodium-channel blockers in the medicines list of a person with Dravet syndrome are flagged."""
    if not applies(passport, SECTION_ID, APPLIES_TO):
        return
    for index, _ in matching_medications(passport, SODIUM_CHANNEL_BLOCKERS):
        yield context.issue(
            f"$.medications[{index}].name", "dravet-sodium-channel-blocker", IssueSeverity.WARNING,
            "validation.dravet-sodium-channel-blocker",
        )


@hookimpl
def rarepassport_register_rules(rules: RuleRegistry) -> None:
    """Register the Dravet syndrome rules."""
    rules.add(rescue_plan_given, code="dravet-rescue-plan",
              description="Dravet syndrome passports hold a rescue plan with dose and timing (error).")
    rules.add(no_sodium_channel_blockers, code="dravet-sodium-channel-blocker",
              description="Sodium-channel blockers in the medicines list are flagged (warning).")


# --- guidance --------------------------------------------------------------------------

SOURCE = (
    "Dravet Syndrome UK, Emergency medication and treatment; Emergency protocols; Epilepsy "
    "Foundation, Using rescue treatments; NICE guideline NG217, Epilepsies in children, young "
    "people and adults (April 2022)"
)
SOURCE_DATE = _dt.date(2022, 4, 27)
SOURCE_URL = "https://www.dravet.org.uk/emergency-medication-treatment/"
#: The day the paraphrase was checked against the sources' text.
CHECKED_ON = _dt.date(2026, 12, 1)

GUIDANCE = Guidance(
    id="dravet_syndrome.seizure",
    title="Dravet syndrome: prolonged seizures",
    text=(
        "Dravet syndrome is a severe genetic epilepsy. Seizures are often long or come in clusters "
        "and can become status epilepticus; fever and overheating are common triggers. The person "
        "should have an emergency protocol from their neurologist: check it first, as it may say "
        "which emergency treatment works best for them."
    ),
    steps=(
        "Time the seizure. Give the rescue medicine in the person's own protocol at the time it says; "
        "in epilepsy, rescue medicine is usually needed if a seizure lasts more than five minutes.",
        "If the seizure does not stop after the first dose of rescue medicine, given as the "
        "person's rescue plan says, call emergency services.",
        "In hospital, follow the person's emergency protocol for further treatment.",
        "Sodium-channel-blocking anti-seizure medicines (such as carbamazepine, oxcarbazepine, "
        "lamotrigine and phenytoin) can make seizures worse in Dravet syndrome and are usually "
        "avoided; follow the person's protocol.",
        "Fever and high temperatures can trigger seizures: watch for fever and avoid overheating.",
        "Involve the person's specialist epilepsy team: NICE NG217 recommends access to a tertiary "
        "epilepsy service for epilepsy syndromes likely to be drug resistant.",
    ),
    source=SOURCE,
    source_date=SOURCE_DATE,
    published_on=SOURCE_DATE,
    applies_to=APPLIES_TO,
    url=SOURCE_URL,
    population=Population.ALL,
    jurisdiction="UK",
    last_checked_on=CHECKED_ON,
    reviewed_by=None,
)


@hookimpl
def rarepassport_emergency_guidance(passport: Passport) -> list[Guidance] | None:
    """Dravet syndrome guidance, for passports with the section or a matching diagnosis."""
    if applies(passport, SECTION_ID, APPLIES_TO):
        return [GUIDANCE]
    return None
