"""Validation: the checks a JSON Schema cannot express, plus plugin rules.

:func:`validate` never raises on bad data: a document that cannot even be read gives a
report of its structural problems. Each rule is registered through the same hook an
outside plugin uses (``rarepassport_register_rules``); the core rules live here.

Messages name fields and paths, never the values in them: reports get pasted into
tickets and logs, and passports hold health data.
"""

from __future__ import annotations

import datetime as _dt
import functools
import logging
import os
import re
import types
import typing
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from rarepassport._dates import PartialDate
from rarepassport._report import Issue, IssueSeverity, Report
from rarepassport.clinical import Population
from rarepassport.codes import check_code, nhs_number_ok
from rarepassport.errors import LoadError
from rarepassport.guidance import Guidance
from rarepassport.hookspecs import hookimpl
from rarepassport.model import (
    AllergiesStatus,
    Coding,
    ContactRole,
    DiagnosisStatus,
    Feature,
    Link,
    MedicationsStatus,
    Passport,
)

if TYPE_CHECKING:
    from rarepassport._plugins import PluginManager, RuleRegistry

__all__ = ["Issue", "IssueSeverity", "Report", "RuleContext", "validate", "walk"]

ERROR, WARNING, INFO = IssueSeverity.ERROR, IssueSeverity.WARNING, IssueSeverity.INFO

#: Identifier systems that hold NHS numbers (England, Wales, Isle of Man).
NHS_NUMBER_SYSTEMS = frozenset({"nhs-number", "https://fhir.nhs.uk/Id/nhs-number"})
#: How old a child's weight may be before validation warns (emergency doses depend on it).
CHILD_WEIGHT_MAX_AGE = _dt.timedelta(days=183)
ADULT_AGE = 18
#: Below this age guidance written for adults must not stand in for a child's own
#: protocol: children's emergency doses differ from adults' (e.g. hydrocortisone by age).
CHILD_GUIDANCE_AGE = 16

_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


#: ``(json_path, field_name, value, owner)``, as :func:`walk` gives them.
Node = tuple[str, str, object, object]


@attrs.frozen(kw_only=True)
class RuleContext:
    """What a rule may need besides the passport.

    Attributes:
        today: The date to judge "future" and "overdue" against.
        plugins: The plugin manager in use.
    """

    today: _dt.date
    plugins: PluginManager
    _nodes: dict[int, list[Node]] = attrs.field(factory=dict, init=False, repr=False, eq=False)
    _guidance: dict[int, list[Guidance]] = attrs.field(factory=dict, init=False, repr=False, eq=False)
    _by_type: dict[int, dict[type, list[Node]]] = attrs.field(factory=dict, init=False, repr=False, eq=False)

    def nodes(self, passport: Passport) -> list[Node]:
        """Records, dates and required text of the passport with their paths.

        Computed once per validation run and shared by the rules; optional text,
        flags and enums are left out (use :func:`walk` for every value).
        """
        key = id(passport)
        if key not in self._nodes:
            self._nodes[key] = _rule_nodes(passport)
        return self._nodes[key]

    def nodes_of(self, passport: Passport, *types: type) -> list[Node]:
        """The :meth:`nodes` whose value is of one of ``types`` (exact types, not subclasses)."""
        by_type = self._by_type.get(id(passport))
        if by_type is None:
            by_type = {}
            for node in self.nodes(passport):
                by_type.setdefault(type(node[2]), []).append(node)
            self._by_type[id(passport)] = by_type
        if len(types) == 1:
            return by_type.get(types[0], [])
        return [node for kind in types for node in by_type.get(kind, [])]

    def guidance(self, passport: Passport) -> list[Guidance]:
        """The general guidance the plugins give for this passport.

        The results of every ``rarepassport_emergency_guidance`` hook, computed once
        per validation run. A plugin whose hook raises, or returns something that is
        not :class:`~rarepassport.Guidance`, is skipped here: rendering reports it.
        """
        key = id(passport)
        if key not in self._guidance:
            self._guidance[key] = _plugin_guidance(passport, self.plugins)
        return self._guidance[key]

    def age_on(self, passport: Passport, day: _dt.date | None = None) -> int:
        """The person's age in whole years on ``day`` (default: today)."""
        born = passport.person.date_of_birth
        day = day or self.today
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _plugin_guidance(passport: Passport, plugins: PluginManager) -> list[Guidance]:
    arguments = {"passport": passport}
    found: list[Guidance] = []
    # In the order layout shows them (pluggy calls the last registered first).
    for impl in reversed(plugins.hook.rarepassport_emergency_guidance.get_hookimpls()):
        if impl.hookwrapper or getattr(impl, "wrapper", False):
            continue
        try:
            result = impl.function(*(arguments[name] for name in impl.argnames))
            given = [result] if isinstance(result, Guidance) else list(result or ())
        except Exception:  # noqa: BLE001, S112 - layout warns about a failing plugin; a rule must not crash
            continue
        found.extend(item for item in given if isinstance(item, Guidance))
    return found


# What the core rules look at: nested records, dates and required text. Optional text,
# flags and enums are never inspected, so the walk for rules skips them by type.
_RECORD, _RECORDS, _LEAF, _MAPPING = "record", "records", "leaf", "mapping"
_PLANS: dict[tuple[type, bool], tuple[tuple[str, str], ...] | None] = {}


def _plan(cls: type, everything: bool) -> tuple[tuple[str, str], ...] | None:
    """How to walk ``cls``: ``(field_name, kind)`` pairs, or ``None`` for a non-attrs type."""
    key = (cls, everything)
    try:
        return _PLANS[key]
    except KeyError:
        pass
    plan: tuple[tuple[str, str], ...] | None = None
    if attrs.has(cls) and cls is not PartialDate:
        try:
            hints = typing.get_type_hints(cls)
        except Exception:  # noqa: BLE001 - unresolvable plugin annotations: walk everything
            hints = {}
            everything = True
        steps = []
        for field in attrs.fields(cls):
            kind = _kind(hints.get(field.name, object), required=field.default is attrs.NOTHING)
            if everything and kind is None:
                kind = _LEAF
            if kind is not None:
                steps.append((field.name, kind))
        plan = tuple(steps)
    _PLANS[key] = plan
    return plan


def _kind(tp: Any, *, required: bool) -> str | None:
    args = typing.get_args(tp)
    if args and type(None) in args:
        tp = next(arg for arg in args if arg is not type(None))
        args = typing.get_args(tp)
    origin = typing.get_origin(tp)
    if origin is tuple:
        return _RECORDS if attrs.has(args[0]) and args[0] is not PartialDate else None
    if origin is not None and isinstance(origin, type) and issubclass(origin, Mapping):
        return _MAPPING
    if tp in (_dt.date, PartialDate) or (tp is str and required):
        return _LEAF
    if attrs.has(tp) or tp is object or tp is Any:
        return _RECORD
    return None


def _collect(value: object, path: str, out: list[Node], everything: bool) -> None:
    # An explicit loop appending to one list: nested generators cost more than the
    # rules themselves.
    plan = _plan(type(value), everything)
    if plan is None:
        return
    for name, kind in plan:
        item = getattr(value, name)
        if item is None:
            continue
        if type(item) is tuple:
            base = f"{path}.{name}"
            for index, element in enumerate(item):
                element_path = f"{base}[{index}]"
                out.append((element_path, name, element, value))
                _collect(element, element_path, out, everything)
        elif kind == _MAPPING and isinstance(item, Mapping):
            for key, element in item.items():
                element_path = f"{path}.{name}.{key}"
                out.append((element_path, key, element, value))
                _collect(element, element_path, out, True)
        else:
            item_path = f"{path}.{name}"
            out.append((item_path, name, item, value))
            if kind != _LEAF:
                _collect(item, item_path, out, everything)


def walk(value: object, path: str = "$") -> list[Node]:
    """Every non-null value in a passport (or part of one) with its JSON path.

    Returns ``(path, field_name, value, owner)`` for each attribute of each attrs
    object that is not ``None``, in document order, recursing into nested objects,
    lists and ``extensions``; list items come with their index path and the list's
    field name, extension sections with their id as the name.
    """
    out: list[Node] = []
    _collect(value, path, out, True)
    return out


def _rule_nodes(passport: Passport) -> list[Node]:
    """The nodes the core rules inspect: records, dates and required text."""
    out: list[Node] = []
    _collect(passport, "$", out, False)
    return out


# --- core rules ----------------------------------------------------------------------


def check_codes(passport: Passport, context: RuleContext) -> Iterator[Issue]:
    """Codes match their system's format; HPO ids on features are well formed."""
    for path, _name, value, _owner in context.nodes_of(passport, Coding, Feature):
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
    if born > context.today:
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
        elif latest < born:
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
    if context.age_on(passport) >= ADULT_AGE:
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
    if context.age_on(passport) >= CHILD_GUIDANCE_AGE or passport.emergency.protocols:
        return
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


# --- the entry point -------------------------------------------------------------------

_SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}


# --- the types of a passport built in Python -----------------------------------------------
# A passport read from a file has been checked by the converter. One built in Python may
# hold text where a number belongs, or a dict where a record belongs; the rules would then
# crash and blame a plugin, so such values are reported first, by path and type name.


@functools.cache
def _field_types(cls: Any) -> tuple[tuple[str, Any], ...]:
    try:
        hints = typing.get_type_hints(cls)
    except Exception:  # noqa: BLE001 - a plugin class whose hints do not resolve is not checked
        return ()
    return tuple((field.name, hints.get(field.name)) for field in attrs.fields(cls))


def _type_name_of(tp: Any) -> str:
    names = {str: "text", bool: "true or false", int: "a whole number", float: "a number", _dt.date: "a date"}
    return names.get(tp, getattr(tp, "__name__", str(tp)))


def _type_issue(path: str, expected: str, value: object) -> Issue:
    return Issue(
        path=path,
        code="structure",
        severity=ERROR,
        message=f"expected {expected}, got {type(value).__name__}; build the passport from the model classes "
        "with values of their types, or read it with rarepassport.from_dict",
    )


@functools.cache
def _shape(tp: Any) -> tuple[str, Any]:
    """How to check a value of this annotation, worked out once per annotation."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [arg for arg in args if arg is not type(None)]
        return ("optional", inner[0]) if len(inner) == 1 and type(None) in args else ("skip", None)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return "tuple", args[0]
    if not isinstance(tp, type):
        return "skip", None  # Mapping[...] and other generics: extensions are checked by the caller
    if attrs.has(tp):
        return "record", tp
    if tp is float:
        return "number", (int, float)
    if tp is int:
        return "number", int
    return "instance", tp


def _value_type_issues(value: object, tp: Any, path: str) -> Iterator[Issue]:
    kind, arg = _shape(tp)
    if kind == "optional":
        if value is not None:
            yield from _value_type_issues(value, arg, path)
    elif kind == "tuple":
        if not isinstance(value, tuple):
            yield _type_issue(path, "a list", value)
            return
        for index, item in enumerate(value):
            yield from _value_type_issues(item, arg, f"{path}[{index}]")
    elif kind == "record":
        if isinstance(value, arg):
            yield from _record_type_issues(value, path)
        else:
            yield _type_issue(path, f"a {arg.__name__}", value)
    elif kind == "number":
        if isinstance(value, bool) or not isinstance(value, arg):
            yield _type_issue(path, _type_name_of(tp), value)
    elif kind == "instance" and not isinstance(value, arg):
        yield _type_issue(path, _type_name_of(tp), value)


def _record_type_issues(record: Any, path: str) -> Iterator[Issue]:
    for name, tp in _field_types(typing.cast(Any, type(record))):  # mypy: type[Any] "unhashable"
        value = getattr(record, name)
        if name == "extensions" and isinstance(record, Passport):
            for key, section in value.items():
                if attrs.has(type(section)):
                    yield from _record_type_issues(section, f"{path}.extensions.{key}")
            continue
        if tp is not None:
            yield from _value_type_issues(value, tp, f"{path}.{name}")


def validate(
    passport: Passport | Mapping[str, Any] | str | os.PathLike[str],
    *,
    plugins: PluginManager | None = None,
    today: _dt.date | None = None,
) -> Report:
    """Check a passport and report every issue found.

    Args:
        passport: A :class:`Passport`, a JSON-like dict, or the path of a passport file.
        plugins: The plugin manager whose sections and rules apply.
        today: The date to judge "future" and "overdue" against (default: today).

    Returns:
        A :class:`Report`; ``report.ok`` is False when there are errors. Structural
        problems (unknown fields, wrong types) are reported as issues with code
        ``structure`` rather than raised.

    Example:
        ```python
        report = rarepassport.validate("ada.json")
        for issue in report:
            print(issue)
        ```
    """
    from rarepassport._plugins import default_plugin_manager
    from rarepassport.convert import check_built_passport, from_dict, is_well_typed, load

    manager = plugins if plugins is not None else default_plugin_manager()
    if not isinstance(passport, Passport):
        try:
            if isinstance(passport, (str, os.PathLike)):
                passport = load(passport, plugins=manager)
            else:
                passport = from_dict(passport, plugins=manager)
        except LoadError as exc:
            return Report(
                Issue(path=problem.path, code="structure", severity=ERROR, message=problem.message)
                for problem in exc.problems
            )
    elif not is_well_typed(passport):
        wrong_types = list(_record_type_issues(passport, "$"))
        if wrong_types:
            return Report(wrong_types)
        try:
            # Built in Python: the text checks reading would have made (lone
            # surrogates, control characters), so "valid" never means "cannot render".
            check_built_passport(passport, plugins=manager)
        except LoadError as exc:
            return Report(
                Issue(path=problem.path, code="structure", severity=ERROR, message=problem.message)
                for problem in exc.problems
            )
        except (AttributeError, TypeError, ValueError):
            # A plugin section given as a plain dict cannot be unstructured by its class:
            # the rules below report on it; the text check cannot run.
            pass
    context = RuleContext(today=today or _dt.date.today(), plugins=manager)
    issues: list[Issue] = []
    for spec in manager.rules:
        try:
            issues.extend(spec.rule(passport, context))
        except Exception as exc:  # a broken rule becomes an issue, not a crash
            # The traceback for `rarepassport --debug` (the library's log, off by default).
            logging.getLogger("rarepassport").debug(
                "rule %r of plugin %s failed", spec.code, spec.plugin, exc_info=True
            )
            issues.append(
                Issue(
                    path="$",
                    code="rule-failed",
                    severity=ERROR,
                    message=f"rule {spec.code!r} of plugin {spec.plugin} failed ({type(exc).__name__}); "
                    "the passport could not be fully checked: report this to the plugin's authors",
                )
            )
    # A condition plugin's own check of the same flag says it more precisely than the
    # general one drawn from its guidance: say it once.
    flagged_by_plugins = {issue.path for issue in issues if issue.code != "time-critical-not-flagged"}
    issues = [issue for issue in issues
              if not (issue.code == "time-critical-not-flagged" and issue.path in flagged_by_plugins)]
    issues.sort(key=lambda issue: _SEVERITY_ORDER[issue.severity])
    return Report(issues)
