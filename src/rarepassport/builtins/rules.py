"""Built-in plugin: the validation rules of the core model.

Registered through ``rarepassport_register_rules``, the hook an outside plugin uses, so
a core rule and a plugin's rule are reported alike (each issue with its path and code).
Messages name fields and paths, never the values in them. Each is an entry of the
label catalogue (``validation.<code>...``), given through ``RuleContext.issue`` so that a
report can be had in any language.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import attrs

from rarepassport._dates import PartialDate
from rarepassport._report import Issue
from rarepassport.clinical import Population
from rarepassport.codes import code_problem, hgnc_ok, nhs_number_ok
from rarepassport.hookspecs import hookimpl
from rarepassport.model import (
    AllergiesStatus,
    Coding,
    ContactRole,
    DiagnosisStatus,
    Feature,
    GeneticFinding,
    Link,
    MedicationsStatus,
    Passport,
)
from rarepassport.validation import (
    _LANGUAGE_TAG,
    ADULT_AGE,
    CHILD_GUIDANCE_AGE,
    CHILD_WEIGHT_MAX_AGE,
    ERROR,
    INFO,
    NHS_NUMBER_SYSTEMS,
    WARNING,
    RuleContext,
)

if TYPE_CHECKING:
    from rarepassport.registries import RuleRegistry

__all__ = ["CORE_RULES"]


# --- the core rules ----------------------------------------------------------------------


def check_codes(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    """Codes match their system's format; HPO ids on features and HGNC ids on genes are well formed."""
    for path, _name, value, _owner in context.nodes_of(passport, Coding, Feature, GeneticFinding):
        if isinstance(value, Coding):
            if not value.system.strip() or not value.code.strip():
                continue  # reported by check_required_text
            found = code_problem(value.system, value.code)
            if found is not None:
                kind, arguments = found
                bad = "system" if kind.startswith("unknown-system") else "code"
                yield context.issue(
                    f"{path}.{bad}", "code-format", ERROR, f"validation.code-format.{kind}",
                    system=value.system, **arguments,
                )
        elif isinstance(value, Feature) and value.hpo is not None:
            found = code_problem("HPO", value.hpo)
            if found is not None:
                kind, arguments = found
                yield context.issue(
                    f"{path}.hpo", "code-format", ERROR, f"validation.code-format.{kind}", system="HPO", **arguments
                )
        elif isinstance(value, GeneticFinding) and value.hgnc is not None and not hgnc_ok(value.hgnc):
            yield context.issue(f"{path}.hgnc", "code-format", ERROR, "validation.code-format.pattern",
                                system="HGNC", example="HGNC:10585")


def check_identifiers(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    """NHS numbers have ten digits and a correct Modulus 11 check digit."""
    for index, identifier in enumerate(passport.person.identifiers):
        if identifier.system in NHS_NUMBER_SYSTEMS and not nhs_number_ok(identifier.value):
            yield context.issue(f"$.person.identifiers[{index}].value", "nhs-number", ERROR, "validation.nhs-number")


# Dates that are about the future by nature, and those that may precede birth.
_FUTURE_DATES = frozenset({"next_review_due"})
_PRENATAL_DATES = frozenset({"diagnosed_on"})


def check_dates(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    """Dates are not in the future, nor before the person was born."""
    born = passport.person.date_of_birth
    if born is None:
        yield context.issue(
            "$.person.date_of_birth", "date-of-birth-unknown", WARNING, "validation.date-of-birth-unknown",
        )
    elif born > context.today:
        yield context.issue(
            "$.person.date_of_birth", "date-in-future", ERROR, "validation.date-in-future.date-of-birth",
        )
    for path, name, value, _owner in context.nodes_of(passport, _dt.date, PartialDate):
        if name == "date_of_birth" or name in _FUTURE_DATES:
            continue
        if isinstance(value, PartialDate):
            earliest = value.earliest()
            # Its latest day is before birth only if its earliest is (one date fewer to make).
            latest = value.latest() if born is not None and earliest < born else earliest
        elif isinstance(value, _dt.date):
            earliest = latest = value
        else:
            continue
        if earliest > context.today:
            yield context.issue(path, "date-in-future", ERROR, "validation.date-in-future")
        elif born is not None and latest < born:
            if name in _PRENATAL_DATES:
                yield context.issue(path, "date-before-birth", WARNING, "validation.date-before-birth.prenatal")
            else:
                yield context.issue(path, "date-before-birth", ERROR, "validation.date-before-birth")
    review = passport.review
    if review.created_on and review.updated_on and review.updated_on < review.created_on:
        yield context.issue("$.review.updated_on", "date-order", ERROR, "validation.date-order")


def check_diagnoses(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    """A diagnosis is recorded, at most one primary; undiagnosed conditions are described by features."""
    if not passport.diagnoses:
        yield context.issue("$.diagnoses", "no-diagnosis", WARNING, "validation.no-diagnosis")
    primaries = [i for i, d in enumerate(passport.diagnoses) if d.primary]
    for index in primaries[1:]:
        yield context.issue(
            f"$.diagnoses[{index}].primary", "primary-diagnosis", ERROR, "validation.primary-diagnosis",
            first=f"$.diagnoses[{primaries[0]}]",
        )
    for index, diagnosis in enumerate(passport.diagnoses):
        if diagnosis.status is DiagnosisStatus.UNDIAGNOSED and not diagnosis.features:
            yield context.issue(
                f"$.diagnoses[{index}].features", "undiagnosed-features", WARNING, "validation.undiagnosed-features",
            )
    leads = [i for i, m in enumerate(passport.care_team) if m.lead]
    for index in leads[1:]:
        yield context.issue(
            f"$.care_team[{index}].lead", "lead-clinician", ERROR, "validation.lead-clinician",
            first=f"$.care_team[{leads[0]}]",
        )


def check_statuses(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    """``allergies_status`` and ``medications_status`` agree with their lists."""
    if passport.allergies_status is AllergiesStatus.NONE_KNOWN and passport.allergies:
        yield context.issue("$.allergies_status", "allergies-status", ERROR, "validation.allergies-status.none-known")
    if passport.allergies_status is AllergiesStatus.LISTED and not passport.allergies:
        yield context.issue("$.allergies_status", "allergies-status", WARNING, "validation.allergies-status.listed")
    if passport.medications_status is MedicationsStatus.NONE and passport.medications:
        yield context.issue("$.medications_status", "medications-status", ERROR, "validation.medications-status.none")
    if passport.medications_status is MedicationsStatus.LISTED and not passport.medications:
        yield context.issue(
            "$.medications_status", "medications-status", WARNING, "validation.medications-status.listed",
        )


def check_review(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    """The review date has not passed; a professional has reviewed the passport."""
    due = passport.review.next_review_due
    if due is not None and due < context.today:
        yield context.issue("$.review.next_review_due", "review-overdue", WARNING, "validation.review-overdue")
    reviewer, updated = passport.review.reviewed_by, passport.review.updated_on
    if reviewer is not None and updated is not None and reviewer.date < updated:
        yield context.issue(
            "$.review.reviewed_by.date", "review-before-update", WARNING, "validation.review-before-update",
        )
    if passport.review.reviewed_by is None:
        yield context.issue("$.review.reviewed_by", "not-reviewed", INFO, "validation.not-reviewed")


def check_weight(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    """A child's weight is recent: emergency doses depend on it."""
    weight = passport.person.weight
    if weight is not None and not 0 < weight.kg < 700:
        yield context.issue("$.person.weight.kg", "weight-range", ERROR, "validation.weight-range")
    age = context.age_on(passport)
    if age is not None and age >= ADULT_AGE:
        return
    if weight is None:
        yield context.issue("$.person.weight", "weight-missing", INFO, "validation.weight-missing")
    elif weight.measured_on is None:
        yield context.issue(
            "$.person.weight.measured_on", "weight-outdated", WARNING, "validation.weight-outdated.undated",
        )
    elif context.today - weight.measured_on > CHILD_WEIGHT_MAX_AGE:
        yield context.issue("$.person.weight.measured_on", "weight-outdated", WARNING, "validation.weight-outdated")


_EMERGENCY_ROLES = frozenset({ContactRole.EMERGENCY, ContactRole.PARENT, ContactRole.CARER, ContactRole.NEXT_OF_KIN})


def check_contacts(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    """Someone can be called in an emergency."""
    if not any(contact.role in _EMERGENCY_ROLES and contact.phone for contact in passport.contacts):
        yield context.issue("$.contacts", "no-emergency-contact", WARNING, "validation.no-emergency-contact")


def check_child_guidance(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    """A child with only adult guidance from a plugin has an own emergency protocol."""
    age = context.age_on(passport)
    if age is None or age >= CHILD_GUIDANCE_AGE or passport.emergency.protocols:
        return  # an unknown age is reported once, by check_dates
    # A plugin's emergency section (e.g. the person's own hydrocortisone dose) is the
    # person's own protocol too: it is laid out before any general guidance.
    emergency_sections = {spec.id for spec in context.plugins.sections if spec.emergency}
    if emergency_sections & set(passport.extensions):
        return
    if any(item.population is Population.ADULT for item in context.guidance(passport)):
        yield context.issue("$.emergency.protocols", "child-adult-guidance", WARNING, "validation.child-adult-guidance")


def check_time_critical(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    """Medicines a plugin's guidance names as time-critical are flagged ``time_critical``."""
    names = [name.casefold() for item in context.guidance(passport) for name in item.time_critical if name.strip()]
    if not names:
        return
    for index, medication in enumerate(passport.medications):
        if medication.time_critical:
            continue
        medicine = medication.name.casefold()
        if any(name in medicine for name in names):
            yield context.issue(
                f"$.medications[{index}].time_critical", "time-critical-not-flagged", WARNING,
                "validation.time-critical-not-flagged",
            )


_WEB_ADDRESS = re.compile(r"^https?://[^\s/]+").match


def check_links_and_language(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    """Links are http(s) web addresses; the language is a BCP 47 tag."""
    for path, _name, value, _owner in context.nodes_of(passport, Link):
        if isinstance(value, Link) and value.url.strip() and not _WEB_ADDRESS(value.url):
            yield context.issue(f"{path}.url", "link-url", ERROR, "validation.link-url")
    if not _LANGUAGE_TAG.match(passport.language):
        yield context.issue("$.language", "language-tag", ERROR, "validation.language-tag")


def check_required_text(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    """Required text fields (names, titles, substances...) are not blank."""
    # nodes_of gives exact str values only; most are not blank, so they are passed over
    # in one comprehension.
    blank = [node for node in context.nodes_of(passport, str) if not node[2].strip()]  # type: ignore[attr-defined]
    for path, name, _value, owner in blank:
        owner_cls: Any = type(owner)
        field = attrs.fields_dict(owner_cls).get(name)
        if field is not None and field.default is attrs.NOTHING and not path.endswith("]"):
            yield context.issue(path, "required-text-empty", ERROR, "validation.required-text-empty", field=name)


CORE_RULES = (
    (check_required_text, "required-text"),
    (check_codes, "code-format"),
    (check_identifiers, "nhs-number"),
    (check_dates, "dates"),
    (check_diagnoses, "diagnoses"),
    (check_statuses, "list-statuses"),
    (check_review, "review"),
    (check_weight, "weight"),
    (check_contacts, "emergency-contact"),
    (check_child_guidance, "child-guidance"),
    (check_time_critical, "time-critical"),
    (check_links_and_language, "links-language"),
)


@hookimpl
def rarepassport_register_rules(rules: RuleRegistry) -> None:
    """Register the core rules, through the same hook plugins use."""
    for rule, code in CORE_RULES:
        rules.add(rule, code=code, description=(rule.__doc__ or "").strip().splitlines()[0])


