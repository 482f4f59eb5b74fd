"""Validation: the checks a JSON Schema cannot express, plus plugin rules.

[`validate`][rarepassport.validate] never raises on bad data: a document that cannot even be read gives a
report of its structural problems. Every rule, the core ones included, is registered
through the hook an outside plugin uses (``rarepassport_register_rules``); the core rules
live in `rarepassport.builtins.rules`.

Messages name fields and paths, never the values in them: reports get pasted into
tickets and logs, and passports hold health data.

Every message comes from a label catalogue: a rule gives a message id
(``validation.<code>``) and named arguments through
[`RuleContext.issue`][rarepassport.RuleContext.issue], which takes the English from the
catalogue; ``rarepassport.validate(..., language=...)`` then gives a report in another
language, from the same catalogues (a plugin's own catalogue for its rules). A message
with no translation in that language stays in English, marked as not translated.
"""

from __future__ import annotations

import collections
import datetime as _dt
import functools
import os
import re
import types
import typing
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from rarepassport._dates import PartialDate
from rarepassport._report import Issue, IssueSeverity, Report
from rarepassport.convert import check_built_passport, from_dict, is_well_typed, load
from rarepassport.errors import LoadError, Problem
from rarepassport.guidance import Guidance
from rarepassport.labels import ENGLISH
from rarepassport.model import (
    Passport,
    _type_hints,
)

if TYPE_CHECKING:
    from rarepassport.plugin_manager import PluginManager
    from rarepassport.registries import LabelRegistry

__all__ = ["UNTRANSLATED_ID", "Issue", "IssueSeverity", "Report", "RuleContext", "translated", "validate", "walk"]

ERROR, WARNING, INFO = IssueSeverity.ERROR, IssueSeverity.WARNING, IssueSeverity.INFO

#: Identifier systems that hold NHS numbers (England, Wales, Isle of Man).
NHS_NUMBER_SYSTEMS = frozenset({"nhs-number", "https://fhir.nhs.uk/Id/nhs-number"})
#: How old a child's weight may be before validation warns (emergency doses depend on it).
CHILD_WEIGHT_MAX_AGE = _dt.timedelta(days=183)
ADULT_AGE = 18
#: Below this age guidance written for adults must not stand in for a child's own
#: protocol: children's emergency doses differ from adults' (e.g. hydrocortisone by age).
CHILD_GUIDANCE_AGE = 16

#: The catalogue entry that marks a message shown in English in another language's report.
UNTRANSLATED_ID = "validation.untranslated"

_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


#: ``(json_path, field_name, value, owner)``, as [`walk`][rarepassport.validation.walk] gives them.
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
        flags and enums are left out (use [`walk`][rarepassport.validation.walk] for every value).
        """
        key = id(passport)
        if key not in self._nodes:
            self._nodes[key] = _rule_nodes(passport)
        return self._nodes[key]

    def nodes_of(self, passport: Passport, *types: type) -> list[Node]:
        """The [`nodes`][rarepassport.RuleContext.nodes] whose value is of one of ``types`` (exact types, not
        subclasses)."""
        by_type = self._by_type.get(id(passport))
        if by_type is None:
            flat = self._nodes.get(id(passport))
            if flat is None:
                # The walk groups the nodes as it goes (the core rules ask only for types).
                by_type = _rule_nodes_by_type(passport)
            else:
                by_type = {}
                get = by_type.get
                for node in flat:
                    kind = type(node[2])
                    same = get(kind)
                    if same is None:
                        by_type[kind] = [node]
                    else:
                        same.append(node)
            self._by_type[id(passport)] = by_type
        if len(types) == 1:
            return by_type.get(types[0], [])
        return [node for kind in types for node in by_type.get(kind, [])]

    def guidance(self, passport: Passport) -> list[Guidance]:
        """The general guidance the plugins give for this passport.

        The results of every ``rarepassport_emergency_guidance`` hook, computed once
        per validation run. A plugin whose hook raises, or returns something that is
        not [`Guidance`][rarepassport.Guidance], is skipped here: rendering reports it.
        """
        key = id(passport)
        if key not in self._guidance:
            self._guidance[key] = _plugin_guidance(passport, self.plugins)
        return self._guidance[key]

    def issue(
        self, path: str, code: str, severity: IssueSeverity, message_id: str, **arguments: object
    ) -> Issue:
        """An issue whose message is the catalogue entry ``message_id``, in English.

        The English comes from the label catalogues of the plugin manager (the core
        ``messages.pot``, or a plugin's own); the report can then be given in another
        language (``rarepassport.validate(..., language=...)``).

        Args:
            path: JSON path of the value concerned.
            code: The stable issue code.
            severity: error, warning or info.
            message_id: The catalogue id, e.g. ``validation.nhs-number``.
            **arguments: The values of the message's ``{placeholders}``: paths, field
                names, limits; never a value of the passport.

        Raises:
            KeyError: When no catalogue has ``message_id`` in English (a rule that
                raises is reported as ``rule-failed``).
        """
        english = self.plugins.labels.get_exact(message_id, "en")  # get()'s fallbacks end in English
        if english is None:
            raise KeyError(f"no catalogue has the message {message_id!r}")
        texts = {key: str(value) for key, value in arguments.items()}
        return Issue(
            path=path, code=code, severity=severity, message=english.format_map(texts),
            message_id=message_id, arguments=texts,
        )

    def age_on(self, passport: Passport, day: _dt.date | None = None) -> int | None:
        """The person's age in whole years on ``day`` (default: today); ``None`` when the date of birth is not known."""
        born = passport.person.date_of_birth
        if born is None:
            return None
        day = day or self.today
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _plugin_guidance(passport: Passport, plugins: PluginManager) -> list[Guidance]:
    found: list[Guidance] = []
    # In the order layout shows them; a failing plugin is skipped here and reported by
    # layout (the one failure policy, PluginManager.call_each).
    for _plugin, result in plugins.call_each("rarepassport_emergency_guidance", passport=passport):
        given = [result] if isinstance(result, Guidance) else list(result) if isinstance(result, list | tuple) else []
        found.extend(item for item in given if isinstance(item, Guidance))
    return found


# What the core rules look at: nested records, dates and required text. Optional text,
# flags and enums are never inspected, so the walk for rules skips them by type.
_RECORD, _RECORDS, _LEAF, _MAPPING = "record", "records", "leaf", "mapping"
_PLANS: dict[tuple[type, bool], tuple[tuple[str, str], ...] | None] = {}
# The same plans by type alone, one table per value of ``everything``: the walk looks one
# up for every record, and a lookup by a type costs less than by a new tuple.
_PLANS_BY_TYPE: tuple[dict[type, tuple[tuple[str, str], ...] | None], ...] = ({}, {})


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
            hints = _type_hints(cls)
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
    _PLANS[key] = _PLANS_BY_TYPE[key[1]][cls] = plan
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
    # rules themselves. Names and methods are looked up once per call.
    kind_of_value = type(value)
    plans = _PLANS_BY_TYPE[everything]
    plan = plans[kind_of_value] if kind_of_value in plans else _plan(kind_of_value, everything)
    if not plan:
        return
    append = out.append
    for name, kind in plan:
        item = getattr(value, name)
        if item is None:
            continue
        if type(item) is tuple:
            if not item:
                continue
            base = f"{path}.{name}"
            for index, element in enumerate(item):
                element_path = f"{base}[{index}]"
                append((element_path, name, element, value))
                _collect(element, element_path, out, everything)
        elif kind == _MAPPING and isinstance(item, Mapping):
            for key, element in item.items():
                element_path = f"{path}.{name}.{key}"
                append((element_path, key, element, value))
                _collect(element, element_path, out, True)
        else:
            item_path = f"{path}.{name}"
            append((item_path, name, item, value))
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
    _collect_for_rules(passport, "$", out)
    return out


class _ByType(collections.defaultdict[type, list[Node]]):
    """Nodes grouped by the exact type of their value, each group in document order;
    ``append`` files one node, for the general walk."""

    def append(self, node: Node) -> None:
        self[type(node[2])].append(node)


def _rule_nodes_by_type(passport: Passport) -> dict[type, list[Node]]:
    """[`_rule_nodes`][] grouped by the exact type of each node's value, in one walk."""
    groups = _ByType(list)
    _group_for_rules(passport, "$", groups)
    return groups


# The walk for rules runs once per validation over every record of the passport: each
# class walked often gets a function, generated from its plan, that does what `_collect`
# does for it (same nodes, same order) without looking the plan and each field up again.
# Generating costs more than a few walks, so a one-off validation (`rarepassport
# validate one.json`) keeps the general walk. One table of functions per kind of walk:
# ``(grouped, everything)``, grouped filing each node in its value's type's group as it
# goes (what `RuleContext.nodes_of` gives; the list of every node, `nodes`, is walked
# for only when asked), everything for the data of plugin sections (every value).
_WalkKind = tuple[bool, bool]
_WALKERS: dict[_WalkKind, dict[type, Any]] = {(g, e): {} for g in (False, True) for e in (False, True)}
_WALK_COUNTS: dict[_WalkKind, dict[type, int]] = {(g, e): {} for g in (False, True) for e in (False, True)}
_GENERATE_AFTER = 16


def _collect_for_rules(value: object, path: str, out: list[Node]) -> None:
    kind = type(value)
    (_WALKERS[False, False].get(kind) or _walker_for(kind, (False, False)))(value, path, out)


def _group_for_rules(value: object, path: str, out: _ByType) -> None:
    kind = type(value)
    (_WALKERS[True, False].get(kind) or _walker_for(kind, (True, False)))(value, path, out)


def _walker_for(cls: type, walk: _WalkKind) -> Any:
    counts = _WALK_COUNTS[walk]
    walks = counts[cls] = counts.get(cls, 0) + 1
    if walks >= _GENERATE_AFTER:
        return _rule_collector(cls, walk)
    return _walk_everything if walk[1] else _walk_for_rules


def _walk_for_rules(value: object, path: str, out: list[Node] | _ByType) -> None:
    _collect(value, path, out, False)  # type: ignore[arg-type]  # _ByType has the one method used, append


def _walk_everything(value: object, path: str, out: list[Node] | _ByType) -> None:
    _collect(value, path, out, True)  # type: ignore[arg-type]  # _ByType has the one method used, append


def _rule_collector(cls: type, walk: _WalkKind) -> Any:
    grouped, everything = walk
    plan = _plan(cls, everything)
    # ``out`` is a list of nodes, or (grouped) the groups by type, each node filed by
    # the type of its value.
    file = "out[type({})].append" if grouped else "append"
    if not plan:
        collector: Any = _collect_nothing
    else:
        # The grouped walk files each node in its type's group: no list's append to bind.
        lines = ["def collect(value, path, out):", *([] if grouped else ["    append = out.append"])]
        for name, kind in plan:
            lines += [
                f"    item = value.{name}",
                "    if item is not None:",
                "        if type(item) is tuple:",
                "            if item:",
                f"                base = path + {'.' + name!r}",
                # The items of a list are mostly of one type: its group and walk are
                # looked up when the type changes.
                "                last = None",
                "                for index, element in enumerate(item):",
                # The index part of each item's path from a table: most lists are short.
                '                    element_path = base + INDEXES[index] if index < INDEXED else f"{base}[{index}]"',
                "                    kind = type(element)",
                "                    if kind is not last:",
                "                        last = kind",
                "                        walk = COLLECTORS.get(kind) or make(kind, WALK)",
                *(["                        group = out[kind].append"] if grouped else []),
                f"                    {'group' if grouped else 'append'}((element_path, {name!r}, element, value))",
                "                    walk(element, element_path, out)",
            ]
            if kind == _MAPPING:
                lines += [
                    "        elif isinstance(item, Mapping):",
                    "            for key, element in item.items():",
                    f'                element_path = f"{{path}}.{name}.{{key}}"',
                    f"                {file.format('element')}((element_path, key, element, value))",
                    "                kind = type(element)",
                    "                (EVERY.get(kind) or make(kind, EVERYTHING))(element, element_path, out)",
                ]
            lines += [
                "        else:",
                f"            item_path = path + {'.' + name!r}",
                f"            {file.format('item')}((item_path, {name!r}, item, value))",
            ]
            if kind != _LEAF:
                lines.append("            kind = type(item)")
                lines.append("            (COLLECTORS.get(kind) or make(kind, WALK))(item, item_path, out)")
        namespace = {
            "COLLECTORS": _WALKERS[walk], "WALK": walk, "EVERY": _WALKERS[grouped, True],
            "EVERYTHING": (grouped, True), "make": _walker_for, "Mapping": Mapping,
            "INDEXES": _INDEXES, "INDEXED": len(_INDEXES),
        }
        scope: dict[str, Any] = {}
        # Our own generated code, as attrs and cattrs generate theirs.
        name = ("rule grouping walk" if grouped else "rule walk") + (" of every value" if everything else "")
        code = compile("\n".join(lines), f"<rarepassport {name} {cls.__qualname__}>", "exec")
        exec(code, namespace, scope)  # noqa: S102
        collector = scope["collect"]
    _WALKERS[walk][cls] = collector
    return collector


#: ``[0]``, ``[1]``...: the index parts of the paths of list items, made once.
_INDEXES = tuple(f"[{index}]" for index in range(64))


def _collect_nothing(value: object, path: str, out: list[Node]) -> None:
    return None


# --- the entry point -------------------------------------------------------------------

_SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}


# --- the types of a passport built in Python -----------------------------------------------
# A passport read from a file has been checked by the converter. One built in Python may
# hold text where a number belongs, or a dict where a record belongs; the rules would then
# crash and blame a plugin, so such values are reported first, by path and type name.


@functools.cache
def _field_types(cls: Any) -> tuple[tuple[str, Any], ...]:
    try:
        hints = _type_hints(cls)
    except Exception:  # noqa: BLE001 - a plugin class whose hints do not resolve is not checked
        return ()
    return tuple((field.name, hints.get(field.name)) for field in attrs.fields(cls))


def _type_name_of(tp: Any) -> str:
    names = {str: "text", bool: "true or false", int: "a whole number", float: "a number", _dt.date: "a date"}
    return names.get(tp, getattr(tp, "__name__", str(tp)))


def _type_issue(path: str, expected: str, value: object) -> Issue:
    arguments = {"expected": expected, "type": type(value).__name__}
    message_id = "validation.structure.python-type"
    english = ENGLISH[message_id].format_map(arguments)
    return Issue(path=path, code="structure", severity=ERROR, message=english, message_id=message_id,
                 arguments=arguments)


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


#: How messages name a JSON value's type (`rarepassport.formats.type_name`), and the
#: catalogue entry of each: an argument whose name ends in ``_type`` is translated too.
_JSON_TYPES = {"null": "null", "true/false": "boolean", "a number": "number", "text": "text", "a list": "list",
               "an object": "object", "a list or an object": "list-or-object"}


def json_type_label(name: str) -> str | None:
    """The catalogue id of a type as messages name it (``a number``: ``validation.json-type.number``).

    For a message argument whose name ends in ``_type``, translated with the message;
    ``None`` for a name that is not one of JSON's types (a Python type's name stays as it is).
    """
    kind = _JSON_TYPES.get(name)
    return None if kind is None else f"validation.json-type.{kind}"


def _exact(registry: LabelRegistry, label_id: str, tags: tuple[str, ...]) -> str | None:
    return next((text for tag in tags if (text := registry.get_exact(label_id, tag)) is not None), None)


def _message_in(issue: Issue, tags: tuple[str, ...], registry: LabelRegistry) -> str | None:
    if issue.message_id is None:
        return None
    text = _exact(registry, issue.message_id, tags)
    if text is None:
        return None
    arguments = dict(issue.arguments)
    for name, value in arguments.items():
        label = json_type_label(value) if name.endswith("_type") else None
        if label is not None:
            arguments[name] = _exact(registry, label, tags) or value
    try:
        return text.format_map(arguments)
    except (KeyError, IndexError, ValueError):
        return None  # a translation with broken placeholders: English, marked


def translated(report: Report, language: str, *, plugins: PluginManager) -> Report:
    """The report with its messages in ``language``, from the label catalogues.

    Each issue keeps its path, code and severity. A message the catalogues of
    ``language`` (or its base language) do not have, or a plugin's message written
    without a message id, is left in English and marked as not translated
    (the ``validation.untranslated`` entry, in ``language``). A language with no
    catalogue at all gives the report unchanged, in English.

    Args:
        report: A report, as [`validate`][rarepassport.validate] gives it (in English).
        language: A BCP 47 tag such as ``fr`` or ``pt-BR``.
        plugins: The plugin manager whose catalogues apply.
    """
    if language == "en":
        return report  # what `choose` says of "en", without loading Babel's CLDR data
    from rarepassport.languages import candidates, choose

    registry = plugins.labels
    choice = choose(language, registry.has_language)
    if choice.catalogue == "en":
        return report
    tags = candidates(choice.catalogue)
    marker = _exact(registry, UNTRANSLATED_ID, tags)
    issues = []
    for issue in report:
        text = _message_in(issue, tags, registry)
        if text is None:
            text = marker.format(message=issue.message) if marker is not None else issue.message
        issues.append(attrs.evolve(issue, message=text))
    return Report(issues)


def _structure_issue(problem: Problem) -> Issue:
    return Issue(
        path=problem.path, code="structure", severity=ERROR, message=problem.message,
        message_id=problem.message_id, arguments=dict(problem.arguments),
    )


def validate(
    passport: Passport | Mapping[str, Any] | str | os.PathLike[str],
    *,
    plugins: PluginManager,
    today: _dt.date | None = None,
    language: str | None = None,
) -> Report:
    """The step behind [`rarepassport.validate`][] (documented there); ``plugins`` is required here."""
    report = _validate(passport, plugins=plugins, today=today)
    return report if language is None else translated(report, language, plugins=plugins)


def _validate(
    passport: Passport | Mapping[str, Any] | str | os.PathLike[str],
    *,
    plugins: PluginManager,
    today: _dt.date | None,
) -> Report:
    manager = plugins
    if not isinstance(passport, Passport):
        try:
            if isinstance(passport, (str, os.PathLike)):
                passport = load(passport, plugins=manager)
            else:
                passport = from_dict(passport, plugins=manager)
        except LoadError as exc:
            return Report(_structure_issue(problem) for problem in exc.problems)
    elif not is_well_typed(passport, manager):
        wrong_types = list(_record_type_issues(passport, "$"))
        if wrong_types:
            return Report(wrong_types)
        try:
            # Built in Python: the text checks reading would have made (lone
            # surrogates, control characters), so "valid" never means "cannot render".
            check_built_passport(passport, plugins=manager)
        except LoadError as exc:
            return Report(_structure_issue(problem) for problem in exc.problems)
        except (AttributeError, TypeError, ValueError):
            # A plugin section given as a plain dict cannot be unstructured by its class:
            # the rules below report on it; the text check cannot run.
            pass
    context = RuleContext(today=today or _dt.date.today(), plugins=manager)
    issues: list[Issue] = []
    for spec in manager.rules:
        try:
            issues.extend(spec.rule(passport, context))
        except Exception as exc:
            # The traceback for `rarepassport --debug` (the library's log, off by default).
            import logging

            logging.getLogger("rarepassport").debug(
                "rule %r of plugin %s failed", spec.code, spec.plugin, exc_info=True
            )
            issues.append(
                context.issue(
                    "$", "rule-failed", ERROR, "validation.rule-failed",
                    rule=repr(spec.code), plugin=spec.plugin, error=type(exc).__name__,
                )
            )
    # A condition plugin's own check of the same flag says it more precisely than the
    # general one drawn from its guidance: say it once.
    flagged_by_plugins = {issue.path for issue in issues if issue.code != "time-critical-not-flagged"}
    issues = [issue for issue in issues
              if not (issue.code == "time-critical-not-flagged" and issue.path in flagged_by_plugins)]
    issues.sort(key=lambda issue: _SEVERITY_ORDER[issue.severity])
    return Report(issues)
