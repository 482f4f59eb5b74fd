"""Built-in plugin: the validation rules of the core model.

Registered through ``rarepassport_register_rules``, the hook an outside plugin uses, so
a core rule and a plugin's rule are reported alike (each issue with its path and code).
Messages name fields and paths, never the values in them.
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
from rarepassport.codes import check_code, check_hgnc, nhs_number_ok
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
            message = check_code(value.system, value.code)
            if message is not None:
                bad = "system" if message.startswith("unknown code system") else "code"
                yield Issue(
                    path=f"{path}.{bad}",
                    code="code-format",
                    severity=ERROR,
                    message=f"{value.system if bad == 'code' else 'system'}: {message}",
                )
        elif isinstance(value, Feature) and value.hpo is not None:
            message = check_code("HPO", value.hpo)
            if message is not None:
                yield Issue(path=f"{path}.hpo", code="code-format", severity=ERROR, message=f"HPO: {message}")
        elif isinstance(value, GeneticFinding) and value.hgnc is not None:
            message = check_hgnc(value.hgnc)
            if message is not None:
                yield Issue(path=f"{path}.hgnc", code="code-format", severity=ERROR, message=f"HGNC: {message}")


def check_identifiers(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    """NHS numbers have ten digits and a correct Modulus 11 check digit."""
    for index, identifier in enumerate(passport.person.identifiers):
        if identifier.system in NHS_NUMBER_SYSTEMS and not nhs_number_ok(identifier.value):
            yield Issue(
                path=f"$.person.identifiers[{index}].value",
                code="nhs-number",
                severity=ERROR,
                message="not a valid NHS number: it needs 10 digits with a correct check digit (Modulus 11)",
            )


# Dates that are about the future by nature, and those that may precede birth.
_FUTURE_DATES = frozenset({"next_review_due"})
_PRENATAL_DATES = frozenset({"diagnosed_on"})


def check_dates(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    """Dates are not in the future, nor before the person was born."""
    born = passport.person.date_of_birth
    if born is None:
        yield Issue(
            path="$.person.date_of_birth",
            code="date-of-birth-unknown",
            severity=WARNING,
            message="the date of birth is not known; whether guidance for children or adults applies, "
            "and a child's weight-based doses, cannot be checked: add it when known",
        )
    elif born > context.today:
        yield Issue(
            path="$.person.date_of_birth",
            code="date-in-future",
            severity=ERROR,
            message="the date of birth is in the future",
        )
    for path, name, value, _owner in context.nodes_of(passport, _dt.date, PartialDate):
        if name == "date_of_birth" or name in _FUTURE_DATES:
            continue
        if isinstance(value, PartialDate):
            earliest, latest = value.earliest(), value.latest()
        elif isinstance(value, _dt.date):
            earliest = latest = value
        else:
            continue
        if earliest > context.today:
            yield Issue(
                path=path,
                code="date-in-future",
                severity=ERROR,
                message="this date is in the future; check the year, or leave the date out",
            )
        elif born is not None and latest < born:
            if name in _PRENATAL_DATES:
                yield Issue(
                    path=path,
                    code="date-before-birth",
                    severity=WARNING,
                    message="this date is before the date of birth; if the diagnosis was prenatal "
                    "this is right, otherwise check it",
                )
            else:
                yield Issue(
                    path=path,
                    code="date-before-birth",
                    severity=ERROR,
                    message="this date is before the date of birth; check it and the date of birth",
                )
    review = passport.review
    if review.created_on and review.updated_on and review.updated_on < review.created_on:
        yield Issue(
            path="$.review.updated_on",
            code="date-order",
            severity=ERROR,
            message="updated_on is before created_on; check both dates",
        )


def check_diagnoses(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    """A diagnosis is recorded, at most one primary; undiagnosed conditions are described by features."""
    if not passport.diagnoses:
        yield Issue(
            path="$.diagnoses",
            code="no-diagnosis",
            severity=WARNING,
            message="no diagnosis recorded; for a person without a diagnosis add an entry with status "
            "'undiagnosed' describing their features",
        )
    primaries = [i for i, d in enumerate(passport.diagnoses) if d.primary]
    for index in primaries[1:]:
        yield Issue(
            path=f"$.diagnoses[{index}].primary",
            code="primary-diagnosis",
            severity=ERROR,
            message=f"more than one diagnosis is marked primary (first: $.diagnoses[{primaries[0]}]); "
            "mark only the main condition",
        )
    for index, diagnosis in enumerate(passport.diagnoses):
        if diagnosis.status is DiagnosisStatus.UNDIAGNOSED and not diagnosis.features:
            yield Issue(
                path=f"$.diagnoses[{index}].features",
                code="undiagnosed-features",
                severity=WARNING,
                message="an undiagnosed condition is best described by its features; list them",
            )
    leads = [i for i, m in enumerate(passport.care_team) if m.lead]
    for index in leads[1:]:
        yield Issue(
            path=f"$.care_team[{index}].lead",
            code="lead-clinician",
            severity=ERROR,
            message=f"more than one care-team member is marked lead (first: $.care_team[{leads[0]}])",
        )


def check_statuses(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    """``allergies_status`` and ``medications_status`` agree with their lists."""
    if passport.allergies_status is AllergiesStatus.NONE_KNOWN and passport.allergies:
        yield Issue(
            path="$.allergies_status",
            code="allergies-status",
            severity=ERROR,
            message="allergies_status is 'none-known' but allergies are listed; "
            "remove the allergies or set the status to 'listed'",
        )
    if passport.allergies_status is AllergiesStatus.LISTED and not passport.allergies:
        yield Issue(
            path="$.allergies_status",
            code="allergies-status",
            severity=WARNING,
            message="allergies_status is 'listed' but no allergy is listed; say 'none-known' or 'unknown'",
        )
    if passport.medications_status is MedicationsStatus.NONE and passport.medications:
        yield Issue(
            path="$.medications_status",
            code="medications-status",
            severity=ERROR,
            message="medications_status is 'none' but medications are listed; "
            "remove them or set the status to 'listed'",
        )
    if passport.medications_status is MedicationsStatus.LISTED and not passport.medications:
        yield Issue(
            path="$.medications_status",
            code="medications-status",
            severity=WARNING,
            message="medications_status is 'listed' but no medication is listed; say 'none' or 'unknown'",
        )


def check_review(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    """The review date has not passed; a professional has reviewed the passport."""
    due = passport.review.next_review_due
    if due is not None and due < context.today:
        yield Issue(
            path="$.review.next_review_due",
            code="review-overdue",
            severity=WARNING,
            message="the review date has passed: check the passport is still accurate and "
            "ask the care team to review it",
        )
    reviewer, updated = passport.review.reviewed_by, passport.review.updated_on
    if reviewer is not None and updated is not None and reviewer.date < updated:
        yield Issue(
            path="$.review.reviewed_by.date",
            code="review-before-update",
            severity=WARNING,
            message="reviewed before the last update: the changes have not been checked; "
            "ask the care team to review the passport again",
        )
    if passport.review.reviewed_by is None:
        yield Issue(
            path="$.review.reviewed_by",
            code="not-reviewed",
            severity=INFO,
            message="no professional has reviewed this passport; clinicians trust reviewed content",
        )


def check_weight(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    """A child's weight is recent: emergency doses depend on it."""
    weight = passport.person.weight
    if weight is not None and not 0 < weight.kg < 700:
        yield Issue(
            path="$.person.weight.kg",
            code="weight-range",
            severity=ERROR,
            message="weight must be more than 0 and less than 700 kg",
        )
    age = context.age_on(passport)
    if age is not None and age >= ADULT_AGE:
        return
    if weight is None:
        yield Issue(
            path="$.person.weight",
            code="weight-missing",
            severity=INFO,
            message="a child's emergency doses depend on weight; add the latest weight and its date",
        )
    elif weight.measured_on is None:
        yield Issue(
            path="$.person.weight.measured_on",
            code="weight-outdated",
            severity=WARNING,
            message="a child's weight needs the date it was measured; emergency doses depend on it",
        )
    elif context.today - weight.measured_on > CHILD_WEIGHT_MAX_AGE:
        yield Issue(
            path="$.person.weight.measured_on",
            code="weight-outdated",
            severity=WARNING,
            message="a child's weight was measured more than 6 months ago; weigh again and update it",
        )


_EMERGENCY_ROLES = frozenset({ContactRole.EMERGENCY, ContactRole.PARENT, ContactRole.CARER, ContactRole.NEXT_OF_KIN})


def check_contacts(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    """Someone can be called in an emergency."""
    if not any(contact.role in _EMERGENCY_ROLES and contact.phone for contact in passport.contacts):
        yield Issue(
            path="$.contacts",
            code="no-emergency-contact",
            severity=WARNING,
            message="no contact with a phone number has the role emergency, parent, carer or "
            "next-of-kin; add someone to call in an emergency",
        )


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
        yield Issue(
            path="$.emergency.protocols",
            code="child-adult-guidance",
            severity=WARNING,
            message="the general guidance a plugin gives for this condition is written for adults, and this "
            "child has no emergency protocol of their own; children's doses differ: add the protocol "
            "their specialist team wrote",
        )


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
            yield Issue(
                path=f"$.medications[{index}].time_critical",
                code="time-critical-not-flagged",
                severity=WARNING,
                message="the guidance for this condition says this medicine must not be missed or delayed; "
                "set time_critical to true so it is shown as time-critical",
            )


def check_links_and_language(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    """Links are http(s) web addresses; the language is a BCP 47 tag."""
    for path, _name, value, _owner in context.nodes_of(passport, Link):
        if isinstance(value, Link) and value.url.strip() and not re.match(r"^https?://[^\s/]+", value.url):
            yield Issue(
                path=f"{path}.url",
                code="link-url",
                severity=ERROR,
                message="a link must be a web address starting with http:// or https://",
            )
    if not _LANGUAGE_TAG.match(passport.language):
        yield Issue(
            path="$.language",
            code="language-tag",
            severity=ERROR,
            message="language must be a BCP 47 tag such as en, fr or pt-BR",
        )


def check_required_text(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    """Required text fields (names, titles, substances...) are not blank."""
    for path, name, value, owner in context.nodes_of(passport, str):
        if not isinstance(value, str) or value.strip():
            continue
        owner_cls: Any = type(owner)
        field = attrs.fields_dict(owner_cls).get(name)
        if field is not None and field.default is attrs.NOTHING and not path.endswith("]"):
            yield Issue(
                path=path,
                code="required-text-empty",
                severity=ERROR,
                message=f"{name} is required and must not be blank; fill it in or remove the entry",
            )


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


