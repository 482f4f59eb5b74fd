"""Haemophilia A and B: the built-in ``haemophilia`` plugin.

Adds ``extensions.haemophilia``: type and severity, the baseline factor level, the
factor product and dose as prescribed, inhibitor status and the treatment to use with
an inhibitor, and the haemophilia treatment centre. A passport without the factor
product is an error; aspirin or an NSAID in the medicines list is a warning.

General guidance is paraphrased from the World Federation of Hemophilia, *WFH
Guidelines for the Management of Hemophilia*, 3rd edition (Srivastava et al.,
Haemophilia 2020; published 3 August 2020), https://www.wfh.org/. Severity bands
(below 1, 1 to 5, 5 to 40 IU/dL) are those Orphanet gives for haemophilia A.
No dose is stated: the factor dose is the one in the person's own plan. Only the
guideline's publication details were checked again (1 December 2026), not its text,
so the output says there is no record of a check against the source.

The emicizumab caution is paraphrased from the HEMLIBRA (emicizumab) US prescribing
information (Genentech; boxed warning: thrombotic microangiopathy and thrombosis with
activated prothrombin complex concentrate) and, for laboratory tests, from the
American Society of Hematology Self-Assessment Program table *Impact of emicizumab on
labs* and the review table at https://pmc.ncbi.nlm.nih.gov/articles/PMC9301022/
(2022): aPTT and one-stage (aPTT-based) factor assays are falsely normal and must
not be used. Checked against those texts on 1 December 2026.

The treatment centre and its phones, the factor product and dose, the inhibitor
status and the treatment to use with an inhibitor declare their clinical class, so
that they reach the wallet card and the emergency QR code.
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
    "Haemophilia",
    "HaemophiliaSeverity",
    "HaemophiliaType",
    "InhibitorStatus",
    "TreatmentCentre",
]

PLUGIN_NAME = "haemophilia"
SECTION_ID = "haemophilia"

#: Codes this section is for, each checked against Orphanet or ICD-10 listings.
APPLIES_TO: tuple[str, ...] = (
    "ORPHA:98878",  # Hemophilia A
    "ORPHA:98879",  # Hemophilia B
    "OMIM:306700",  # Hemophilia A
    "OMIM:306900",  # Hemophilia B
    "ICD-10:D66",  # Hereditary factor VIII deficiency
    "ICD-10:D67",  # Hereditary factor IX deficiency
)

#: Aspirin and NSAIDs by generic name: they affect platelet function.
NSAIDS: tuple[str, ...] = (
    "aspirin", "acetylsalicylic acid", "ibuprofen", "naproxen", "diclofenac", "ketorolac",
    "indometacin", "indomethacin", "mefenamic acid", "ketoprofen", "piroxicam", "meloxicam",
    "flurbiprofen", "etodolac", "aceclofenac", "nabumetone",
)

E, ED, S = View.EMERGENCY, View.EDUCATION, View.SOCIAL


class HaemophiliaType(str, enum.Enum):
    """Which clotting factor is missing."""

    A = "A"
    """Factor VIII."""
    B = "B"
    """Factor IX."""


class HaemophiliaSeverity(str, enum.Enum):
    """Severity, from the baseline factor level."""

    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


class InhibitorStatus(str, enum.Enum):
    """Whether the person has antibodies (an inhibitor) against factor treatment."""

    NONE = "none"
    PRESENT = "present"
    PAST = "past"
    """Had an inhibitor, now gone (e.g. after immune tolerance induction)."""
    UNKNOWN = "unknown"


@attrs.frozen(kw_only=True)
class TreatmentCentre:
    """The haemophilia treatment centre that looks after the person."""

    name: str = section_field("Name of the haemophilia centre.", clinical_class=ClinicalClass.SPECIALIST_CONTACT)
    phone: str | None = section_field(
        "Phone number in working hours.", default=None, clinical_class=ClinicalClass.SPECIALIST_CONTACT,
    )
    out_of_hours_phone: str | None = section_field(
        "Phone number out of hours.", default=None, clinical_class=ClinicalClass.SPECIALIST_CONTACT,
    )
    hospital: str | None = section_field("Hospital.", default=None, clinical_class=ClinicalClass.SPECIALIST_CONTACT)


# Upper bounds (IU/dL, exclusive) of each severity band.
_SEVERITY_BANDS: tuple[tuple[float, HaemophiliaSeverity], ...] = (
    (1.0, HaemophiliaSeverity.SEVERE),
    (5.0, HaemophiliaSeverity.MODERATE),
    (40.0, HaemophiliaSeverity.MILD),
)


@attrs.frozen(kw_only=True)
class Haemophilia:
    """Haemophilia: what to give for a bleed, and who to call."""

    type: HaemophiliaType = section_field("A (factor VIII) or B (factor IX).", clinical_class=ClinicalClass.CONTEXT)
    severity: HaemophiliaSeverity | None = section_field(
        "mild, moderate or severe.", default=None, clinical_class=ClinicalClass.CONTEXT,
    )
    baseline_factor_level: float | None = section_field(
        "Baseline factor VIII or IX level in IU/dL (equal to per cent of normal).", default=None, views=(E,),
        clinical_class=ClinicalClass.CONTEXT,
    )
    factor_product: str | None = section_field(
        "The clotting factor product (or other treatment) to give for a bleed, as prescribed.", default=None,
        clinical_class=ClinicalClass.EMERGENCY_TREATMENT,
    )
    factor_dose: str | None = section_field(
        "Its dose for a bleed, as prescribed, e.g. 2000 IU IV.", default=None, views=(E,), emphasis=True,
        clinical_class=ClinicalClass.EMERGENCY_TREATMENT,
    )
    product_kept: str | None = section_field(
        "Where the person's own supply is kept, e.g. carried in a cool bag.", default=None,
        clinical_class=ClinicalClass.CONTEXT,
    )
    prophylaxis: str | None = section_field(
        "Regular preventive treatment and schedule as prescribed, if any (e.g. emicizumab, which "
        "changes which laboratory tests can be trusted).", default=None, views=(E,),
        clinical_class=ClinicalClass.CONTEXT,
    )
    inhibitor: InhibitorStatus | None = section_field(
        "none, present, past or unknown.", default=None, views=(E,),
        clinical_class=ClinicalClass.EMERGENCY_TREATMENT,
    )
    inhibitor_treatment: str | None = section_field(
        "Treatment for a bleed when an inhibitor is present (e.g. a bypassing agent), as prescribed.",
        default=None, views=(E,), clinical_class=ClinicalClass.EMERGENCY_TREATMENT,
    )
    treatment_centre: TreatmentCentre | None = section_field(
        "The haemophilia treatment centre to call.", default=None,
        clinical_class=ClinicalClass.SPECIALIST_CONTACT,
    )


@hookimpl
def rarepassport_register_sections(sections: SectionRegistry) -> None:
    """Register ``extensions.haemophilia``."""
    sections.add(
        SECTION_ID,
        Haemophilia,
        title="Haemophilia",
        views=(E, ED, S),
        description="Haemophilia A or B: factor product and dose, inhibitor status, treatment centre.",
        applies_to=APPLIES_TO,
        emergency=True,
    )


@hookimpl
def rarepassport_register_labels(labels: LabelRegistry) -> None:
    """Labels for the section's fields: gettext catalogues in ``plugins/locale/haemophilia/``."""
    labels.add_catalogues(LOCALE_DIR / "haemophilia")


# --- rules -----------------------------------------------------------------------------

_PATH = f"$.extensions.{SECTION_ID}"


def factor_product_given(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    """A haemophilia passport names the factor product to give for a bleed."""
    section = section_of(passport, SECTION_ID, Haemophilia)
    if section is None:
        if has_condition_code(passport, APPLIES_TO):
            yield context.issue(
                _PATH, "haemophilia-factor-product", IssueSeverity.ERROR,
                "validation.haemophilia-factor-product.no-section", section=SECTION_ID,
            )
        return
    if not (section.factor_product or "").strip():
        yield context.issue(
            f"{_PATH}.factor_product", "haemophilia-factor-product", IssueSeverity.ERROR,
            "validation.haemophilia-factor-product",
        )


def no_nsaids(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    """Aspirin and NSAIDs in the medicines list of a person with haemophilia are flagged."""
    if not applies(passport, SECTION_ID, APPLIES_TO):
        return
    for index, _ in matching_medications(passport, NSAIDS):
        yield context.issue(
            f"$.medications[{index}].name", "haemophilia-nsaid", IssueSeverity.WARNING,
            "validation.haemophilia-nsaid",
        )


def inhibitor_plan_given(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    """With an inhibitor present, the treatment to use for a bleed is given."""
    section = section_of(passport, SECTION_ID, Haemophilia)
    if section is None or section.inhibitor is not InhibitorStatus.PRESENT:
        return
    if not (section.inhibitor_treatment or "").strip():
        yield context.issue(
            f"{_PATH}.inhibitor_treatment", "haemophilia-inhibitor-treatment", IssueSeverity.WARNING,
            "validation.haemophilia-inhibitor-treatment",
        )


def severity_matches_level(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    """The severity agrees with the baseline factor level."""
    section = section_of(passport, SECTION_ID, Haemophilia)
    if section is None or section.severity is None or section.baseline_factor_level is None:
        return
    level = section.baseline_factor_level
    expected = next((severity for bound, severity in _SEVERITY_BANDS if level < bound), None)
    if expected is not None and expected is not section.severity:
        yield context.issue(
            f"{_PATH}.severity", "haemophilia-severity-level", IssueSeverity.WARNING,
            "validation.haemophilia-severity-level",
        )


def treatment_centre_given(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    """The haemophilia treatment centre is given."""
    section = section_of(passport, SECTION_ID, Haemophilia)
    if section is not None and section.treatment_centre is None:
        yield context.issue(
            f"{_PATH}.treatment_centre", "haemophilia-treatment-centre", IssueSeverity.WARNING,
            "validation.haemophilia-treatment-centre",
        )


@hookimpl
def rarepassport_register_rules(rules: RuleRegistry) -> None:
    """Register the haemophilia rules."""
    rules.add(factor_product_given, code="haemophilia-factor-product",
              description="Haemophilia passports name the factor product (error).")
    rules.add(no_nsaids, code="haemophilia-nsaid",
              description="Aspirin or an NSAID in the medicines list is flagged (warning).")
    rules.add(inhibitor_plan_given, code="haemophilia-inhibitor-treatment",
              description="With an inhibitor, the treatment for a bleed is given (warning).")
    rules.add(severity_matches_level, code="haemophilia-severity-level",
              description="Severity agrees with the baseline factor level (warning).")
    rules.add(treatment_centre_given, code="haemophilia-treatment-centre",
              description="The haemophilia treatment centre is given (warning).")


# --- guidance --------------------------------------------------------------------------

SOURCE = (
    "World Federation of Hemophilia, WFH Guidelines for the Management of Hemophilia, 3rd edition "
    "(Srivastava et al., Haemophilia 2020)"
)
SOURCE_DATE = _dt.date(2020, 8, 3)
SOURCE_URL = "https://www.wfh.org/"

EMICIZUMAB_SOURCE = (
    "HEMLIBRA (emicizumab) US prescribing information, Genentech (boxed warning); American Society "
    "of Hematology Self-Assessment Program, Impact of emicizumab on labs; review of emicizumab and "
    "coagulation assays (2022, PMC9301022)"
)
EMICIZUMAB_SOURCE_DATE = _dt.date(2022, 6, 20)
EMICIZUMAB_SOURCE_URL = "https://pmc.ncbi.nlm.nih.gov/articles/PMC9301022/"
#: The day the emicizumab caution was checked against the texts above.
EMICIZUMAB_CHECKED_ON = _dt.date(2026, 12, 1)

GUIDANCE = Guidance(
    id="haemophilia.bleed",
    title="Haemophilia: bleeding and injury",
    text=(
        "This person has haemophilia: their blood does not clot normally, so bleeding, including "
        "bleeding inside joints, muscles or the head, goes on for longer. Treat a suspected bleed "
        "early: prompt clotting factor replacement is the main treatment."
    ),
    steps=(
        "Give the clotting factor product and dose in the person's own plan promptly. After a head "
        "injury or with signs of a serious bleed, give it before investigations such as a scan; do "
        "not wait for the results.",
        "Contact the person's haemophilia treatment centre early.",
        "Do not give intramuscular injections.",
        "Avoid aspirin and NSAIDs: they affect platelet function and increase bleeding.",
        "If the person has an inhibitor, standard factor may not work: use the treatment in their "
        "own plan and involve the haemophilia centre.",
    ),
    source=SOURCE,
    source_date=SOURCE_DATE,
    published_on=SOURCE_DATE,
    version="3",
    applies_to=APPLIES_TO,
    url=SOURCE_URL,
    population=Population.ALL,
    jurisdiction="international",
    # Only the publication details were checked again, not the text: no check date.
    last_checked_on=None,
    reviewed_by=None,
)

EMICIZUMAB_GUIDANCE = Guidance(
    id="haemophilia.emicizumab",
    title="Haemophilia A and emicizumab: laboratory tests and bypassing agents",
    text=(
        "Some people with haemophilia A take emicizumab (Hemlibra) to prevent bleeds; check the "
        "person's plan and medicines. Emicizumab makes clotting tests look better than the blood "
        "really clots, and it interacts with one of the treatments used for bleeds with an inhibitor."
    ),
    steps=(
        "Do not rely on aPTT-based tests (the aPTT, one-stage factor VIII assays and clotting-based "
        "inhibitor assays): emicizumab makes them falsely normal. Ask the laboratory and the "
        "haemophilia centre which assays to use (chromogenic assays with bovine reagents).",
        "Bypassing agents, especially activated prothrombin complex concentrate (aPCC), given with "
        "emicizumab can cause thrombotic microangiopathy and thrombosis: contact the haemophilia "
        "treatment centre before giving one, and use the treatment in the person's own plan.",
    ),
    source=EMICIZUMAB_SOURCE,
    source_date=EMICIZUMAB_SOURCE_DATE,
    published_on=EMICIZUMAB_SOURCE_DATE,
    applies_to=("ORPHA:98878", "OMIM:306700", "ICD-10:D66"),
    url=EMICIZUMAB_SOURCE_URL,
    population=Population.ALL,
    jurisdiction="US",
    last_checked_on=EMICIZUMAB_CHECKED_ON,
    reviewed_by=None,
)


def _may_take_emicizumab(passport: Passport) -> bool:
    # Emicizumab is for haemophilia A only; with no section the type is unknown.
    section = section_of(passport, SECTION_ID, Haemophilia)
    return section is None or section.type is HaemophiliaType.A


@hookimpl
def rarepassport_emergency_guidance(passport: Passport) -> list[Guidance] | None:
    """Haemophilia guidance (and the emicizumab caution for haemophilia A)."""
    if not applies(passport, SECTION_ID, APPLIES_TO):
        return None
    return [GUIDANCE, EMICIZUMAB_GUIDANCE] if _may_take_emicizumab(passport) else [GUIDANCE]
