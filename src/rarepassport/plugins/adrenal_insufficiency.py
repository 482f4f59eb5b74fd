"""Adrenal insufficiency and steroid dependence: the built-in ``adrenal-insufficiency`` plugin.

Adds ``extensions.adrenal_insufficiency``: the daily steroid and its dose as
prescribed, the cause, the sick-day rules the person was taught, the emergency
injection kit they carry, and the emergency hydrocortisone dose their own team
prescribed. Missing that dose is an error: it is the one thing an emergency team
must find at once.

General guidance is paraphrased from two sources, one per population, and only the
one for the person's age is shown as applying (the other is replaced by a note):

* adults (16 and over): the Society for Endocrinology, *Adrenal Crisis Information*,
  https://www.endocrinology.org/adrenal-crisis/, which the *NHS Steroid Emergency
  Card* (NHS England with the Society for Endocrinology and the Royal College of
  Physicians, August 2020) points to: 100 mg hydrocortisone IV or IM, then 200 mg per
  24 hours;
* children: the British Society for Paediatric Endocrinology and Diabetes (BSPED)
  consensus guidance, *Emergency and perioperative management of adrenal
  insufficiency in children and young people* (Mushtaq et al., Arch Dis Child
  2023;108:871-878, published online 12 April 2023),
  https://bsped.org.uk/clinical-resources/bsped-adrenal-insufficiency-consensus-guidelines:
  intramuscular hydrocortisone (or the first IV dose) in the community by age, 25 mg
  under 1 year, 50 mg from 1 to 5 years, 100 mg from 6 years.

Both were checked against the published text on 1 December 2026. No clinician has
reviewed the paraphrase. The person's own prescribed dose always comes first.
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

__all__ = ["APPLIES_TO", "SECTION_ID", "AdrenalCause", "AdrenalInsufficiency", "EmergencyKit"]

PLUGIN_NAME = "adrenal-insufficiency"
SECTION_ID = "adrenal_insufficiency"

#: Codes this section is for, each checked against a public source (Orphanet via
#: NCBI MedGen for ORPHA:101959 and OMIM:240200; the WHO ICD-10 chapter IV listing
#: for the E codes).
APPLIES_TO: tuple[str, ...] = (
    "ORPHA:101959",  # Primary adrenal insufficiency (Addison disease)
    "OMIM:240200",  # Addison disease (familial hypoadrenocorticism)
    "ICD-10:E25.0",  # Congenital adrenogenital disorders associated with enzyme deficiency (CAH)
    "ICD-10:E27.1",  # Primary adrenocortical insufficiency
    "ICD-10:E27.2",  # Addisonian crisis
    "ICD-10:E27.3",  # Drug-induced adrenocortical insufficiency
    "ICD-10:E27.4",  # Other and unspecified adrenocortical insufficiency
    "ICD-10:E23.0",  # Hypopituitarism: where ICD-10 puts ACTH deficiency (secondary)
)

#: Codes that may or may not mean steroid dependence. ICD-10 has no code of its own
#: for secondary adrenal insufficiency: ACTH deficiency is classed under E23.0
#: hypopituitarism ("isolated deficiency of pituitary hormone", "pituitary
#: insufficiency NOS"), which also covers people who need no steroids (isolated
#: growth hormone deficiency, Kallmann syndrome). With only such a code and no
#: section, the plugin asks (a warning) rather than asserts (an error), and gives
#: its guidance only when a replacement steroid is in the medicines list.
MAY_APPLY: tuple[str, ...] = ("ICD-10:E23.0",)

#: Codes that on their own mean the person depends on steroids.
STEROID_DEPENDENT: tuple[str, ...] = tuple(code for code in APPLIES_TO if code not in MAY_APPLY)

E, ED, S = View.EMERGENCY, View.EDUCATION, View.SOCIAL

# Steroids whose daily replacement must not be missed or delayed.
_REPLACEMENT_STEROIDS = ("hydrocortisone", "prednisolone", "prednisone", "dexamethasone",
                         "fludrocortisone", "methylprednisolone")


class AdrenalCause(str, enum.Enum):
    """Why the person's body does not make enough cortisol."""

    PRIMARY = "primary"
    """The adrenal glands themselves (e.g. Addison disease)."""
    SECONDARY = "secondary"
    """The pituitary gland (ACTH deficiency, hypopituitarism)."""
    TERTIARY = "tertiary"
    """The hypothalamus."""
    CONGENITAL_ADRENAL_HYPERPLASIA = "congenital-adrenal-hyperplasia"
    """Congenital adrenal hyperplasia (CAH)."""
    STEROID_INDUCED = "steroid-induced"
    """Long-term steroid treatment for another condition suppressed the adrenal glands."""
    OTHER = "other"
    UNKNOWN = "unknown"


@attrs.frozen(kw_only=True)
class EmergencyKit:
    """The emergency injection kit the person carries."""

    carried: bool = section_field("Whether the person carries an emergency hydrocortisone injection kit.")
    contents: str | None = section_field(
        "What is in it, e.g. hydrocortisone for injection, needles, syringes, instructions.",
        default=None,
    )
    where: str | None = section_field("Where it is kept, e.g. in the school bag.", default=None,
                                      views=(E, ED, S))


@attrs.frozen(kw_only=True)
class AdrenalInsufficiency:
    """Steroid dependence: what an emergency team must give, and what the person takes every day."""

    cause: AdrenalCause | None = section_field(
        "primary, secondary, tertiary, congenital-adrenal-hyperplasia, steroid-induced, other or unknown.",
        default=None, views=(E,),
    )
    emergency_hydrocortisone_dose: str | None = section_field(
        "The emergency hydrocortisone dose and route as prescribed for this person, e.g. 100 mg IM.",
        default=None,
        emphasis=True,
        clinical_class=ClinicalClass.EMERGENCY_TREATMENT,
    )
    emergency_dose_prescribed_by: str | None = section_field(
        "Who prescribed the emergency dose, and when.", default=None, views=(E,),
    )
    daily_steroid: str | None = section_field(
        "The steroid taken every day, e.g. hydrocortisone.", default=None,
        clinical_class=ClinicalClass.TIME_CRITICAL,
    )
    daily_dose: str | None = section_field(
        "Its dose and times as prescribed, e.g. 10 mg on waking, 5 mg at noon, 5 mg at 5 pm.",
        default=None, clinical_class=ClinicalClass.TIME_CRITICAL,
    )
    mineralocorticoid: str | None = section_field(
        "Mineralocorticoid and dose as prescribed, if any, e.g. fludrocortisone 100 micrograms daily.",
        default=None, views=(E,),
    )
    sick_day_rules: tuple[str, ...] = section_field(
        "The sick-day rules the person was taught by their team, one per line.",
        default=(), converter=tuple, clinical_class=ClinicalClass.FURTHER_PROTOCOL,
    )
    emergency_kit: EmergencyKit | None = section_field(
        "The emergency injection kit the person carries.", default=None,
        clinical_class=ClinicalClass.CONTEXT,
    )
    steroid_emergency_card: bool | None = section_field(
        "Whether the person carries an NHS Steroid Emergency Card (or their country's equivalent).",
        default=None, views=(E,), clinical_class=ClinicalClass.CONTEXT,
    )


# --- sections and labels -------------------------------------------------------------


@hookimpl
def rarepassport_register_sections(sections: SectionRegistry) -> None:
    """Register ``extensions.adrenal_insufficiency``."""
    sections.add(
        SECTION_ID,
        AdrenalInsufficiency,
        title="Adrenal insufficiency (steroid dependent)",
        views=(E, ED, S),
        description="Steroid dependence: emergency hydrocortisone dose, daily steroids, sick-day rules.",
        applies_to=APPLIES_TO,
        emergency=True,
    )


@hookimpl
def rarepassport_register_labels(labels: LabelRegistry) -> None:
    """Labels for the section's fields: gettext catalogues in ``plugins/locale/adrenal_insufficiency/``."""
    labels.add_catalogues(LOCALE_DIR / "adrenal_insufficiency")


# --- rules -----------------------------------------------------------------------------

_PATH = f"$.extensions.{SECTION_ID}"


def emergency_dose_given(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    """A steroid-dependent person's passport states their emergency hydrocortisone dose."""
    section = section_of(passport, SECTION_ID, AdrenalInsufficiency)
    if section is None:
        if has_condition_code(passport, STEROID_DEPENDENT):
            yield context.issue(
                _PATH, "adrenal-emergency-dose", IssueSeverity.ERROR,
                "validation.adrenal-emergency-dose.no-section", section=SECTION_ID,
            )
        elif has_condition_code(passport, MAY_APPLY):
            yield context.issue(
                _PATH, "adrenal-emergency-dose", IssueSeverity.WARNING,
                "validation.adrenal-emergency-dose.may-apply", section=SECTION_ID,
            )
        return
    if not (section.emergency_hydrocortisone_dose or "").strip():
        yield context.issue(
            f"{_PATH}.emergency_hydrocortisone_dose", "adrenal-emergency-dose", IssueSeverity.ERROR,
            "validation.adrenal-emergency-dose",
        )


def kit_described(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    """A carried emergency kit says what it holds."""
    section = section_of(passport, SECTION_ID, AdrenalInsufficiency)
    kit = section.emergency_kit if section is not None else None
    if kit is not None and kit.carried and not (kit.contents or "").strip():
        yield context.issue(
            f"{_PATH}.emergency_kit.contents", "adrenal-kit-contents", IssueSeverity.WARNING,
            "validation.adrenal-kit-contents",
        )


def daily_steroid_given(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    """The daily steroid is named, in the section or in the medicines list."""
    section = section_of(passport, SECTION_ID, AdrenalInsufficiency)
    if section is None or (section.daily_steroid or "").strip():
        return
    if any(True for _ in matching_medications(passport, _REPLACEMENT_STEROIDS)):
        return
    yield context.issue(
        f"{_PATH}.daily_steroid", "adrenal-daily-steroid", IssueSeverity.WARNING,
        "validation.adrenal-daily-steroid",
    )


def steroids_time_critical(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    """Replacement steroids in the medicines list are marked time-critical."""
    if not applies(passport, SECTION_ID, APPLIES_TO):
        return
    for index, medication in matching_medications(passport, _REPLACEMENT_STEROIDS):
        if not medication.time_critical and not medication.as_needed:
            yield context.issue(
                f"$.medications[{index}].time_critical", "adrenal-steroid-time-critical", IssueSeverity.WARNING,
                "validation.adrenal-steroid-time-critical",
            )


@hookimpl
def rarepassport_register_rules(rules: RuleRegistry) -> None:
    """Register the adrenal insufficiency rules."""
    rules.add(emergency_dose_given, code="adrenal-emergency-dose",
              description="Adrenal insufficiency passports state the emergency hydrocortisone dose (error).")
    rules.add(kit_described, code="adrenal-kit-contents",
              description="A carried emergency kit says what it holds (warning).")
    rules.add(daily_steroid_given, code="adrenal-daily-steroid",
              description="The daily steroid is named (warning).")
    rules.add(steroids_time_critical, code="adrenal-steroid-time-critical",
              description="Replacement steroids are marked time-critical (warning).")


# --- guidance --------------------------------------------------------------------------

#: The day the two paraphrases below were checked against their sources' text.
CHECKED_ON = _dt.date(2026, 12, 1)

ADULT_SOURCE = (
    "Society for Endocrinology, Adrenal Crisis Information (emergency management of adrenal crisis), "
    "as referred to by the NHS Steroid Emergency Card (NHS England with the Society for "
    "Endocrinology and the Royal College of Physicians, August 2020)"
)
ADULT_SOURCE_DATE = _dt.date(2020, 8, 1)
ADULT_SOURCE_URL = "https://www.endocrinology.org/adrenal-crisis/"

CHILD_SOURCE = (
    "British Society for Paediatric Endocrinology and Diabetes (BSPED), Emergency and perioperative "
    "management of adrenal insufficiency in children and young people: consensus guidance "
    "(Mushtaq et al., Arch Dis Child 2023;108:871-878)"
)
CHILD_SOURCE_DATE = _dt.date(2023, 4, 12)
CHILD_SOURCE_URL = "https://bsped.org.uk/clinical-resources/bsped-adrenal-insufficiency-consensus-guidelines"

# Backwards-compatible names: the adult source was the only one before.
SOURCE, SOURCE_DATE, SOURCE_URL = ADULT_SOURCE, ADULT_SOURCE_DATE, ADULT_SOURCE_URL

_CRISIS = (
    "An adrenal crisis is life-threatening. If one is suspected, treat at once: tests must never "
    "delay treatment. A short course of high-dose hydrocortisone does no harm; failing to treat can "
    "be fatal."
)

ADULT_GUIDANCE = Guidance(
    id="adrenal_insufficiency.adult_crisis",
    title="Adrenal crisis in adults: emergency treatment",
    text=(
        "This person depends on steroids and cannot make the extra cortisol the body needs when ill "
        f"or injured. {_CRISIS} Illness with fever, persistent vomiting or diarrhoea, injury, surgery "
        "and childbirth can all bring on a crisis."
    ),
    steps=(
        "Give the emergency hydrocortisone dose in this person's own protocol, without delay.",
        "The Society for Endocrinology guidance for adults is 100 mg hydrocortisone IV or IM "
        "immediately, followed by rapid rehydration with intravenous 0.9% sodium chloride (or "
        "equivalent).",
        "Then continue hydrocortisone 200 mg per 24 hours (by continuous IV infusion, or 50 mg IV or "
        "IM every 6 hours) until recovery and advice from an endocrinologist.",
        "Before surgery or invasive procedures (such as colonoscopy), extra hydrocortisone is needed.",
    ),
    source=ADULT_SOURCE,
    source_date=ADULT_SOURCE_DATE,
    published_on=ADULT_SOURCE_DATE,
    applies_to=APPLIES_TO,
    url=ADULT_SOURCE_URL,
    population=Population.ADULT,
    jurisdiction="UK",
    last_checked_on=CHECKED_ON,
    reviewed_by=None,
    # The NHS card and the RCP guidance it comes with warn that omitted or delayed
    # steroid doses have killed; both name hydrocortisone and prednisolone.
    time_critical=("hydrocortisone", "prednisolone"),
)

CHILD_GUIDANCE = Guidance(
    id="adrenal_insufficiency.child_crisis",
    title="Adrenal crisis in children: emergency hydrocortisone",
    text=(
        "This child depends on steroids (hydrocortisone) and cannot make the extra cortisol the body "
        "needs when ill or injured. A child who is acutely unwell with, for example, a fast heart "
        "rate, low blood pressure, low blood glucose, low sodium, high potassium or reduced "
        "consciousness not explained by another illness may be in adrenal crisis: give hydrocortisone "
        f"at once, with fluids as needed. {_CRISIS}"
    ),
    steps=(
        "Give the emergency hydrocortisone dose in the child's own protocol, without delay.",
        "The BSPED doses of intramuscular (IM) hydrocortisone in the community, or the first IV dose, "
        "are by age: under 1 year, 25 mg; 1 to 5 years, 50 mg; 6 years and over, 100 mg.",
        "Take the child to hospital, where the BSPED hospital guidance applies, and tell the child's "
        "endocrinology team.",
    ),
    source=CHILD_SOURCE,
    source_date=CHILD_SOURCE_DATE,
    published_on=CHILD_SOURCE_DATE,
    version="2023",
    applies_to=APPLIES_TO,
    url=CHILD_SOURCE_URL,
    population=Population.CHILD,
    jurisdiction="UK",
    last_checked_on=CHECKED_ON,
    reviewed_by=None,
    time_critical=("hydrocortisone",),
)

#: Both pieces of guidance; layout shows the one for the person's age.
GUIDANCE_ITEMS: tuple[Guidance, ...] = (CHILD_GUIDANCE, ADULT_GUIDANCE)
# Backwards-compatible name for the adult guidance.
GUIDANCE = ADULT_GUIDANCE


def _guidance_applies(passport: Passport) -> bool:
    if applies(passport, SECTION_ID, STEROID_DEPENDENT):
        return True
    # Hypopituitarism only counts with a replacement steroid in the medicines list.
    return has_condition_code(passport, MAY_APPLY) and any(
        True for _ in matching_medications(passport, _REPLACEMENT_STEROIDS)
    )


@hookimpl
def rarepassport_emergency_guidance(passport: Passport) -> list[Guidance] | None:
    """Adrenal crisis guidance for children and for adults; layout picks by age."""
    if _guidance_applies(passport):
        return list(GUIDANCE_ITEMS)
    return None
