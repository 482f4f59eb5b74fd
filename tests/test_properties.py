"""Properties that must hold for every passport the model allows.

(a) Every generated passport matches the JSON Schema and survives JSON and YAML
    round trips unchanged.
(b) Every document the schema rejects, the loader rejects too, at the same path: a
    valid document is mutated in one place (unknown key, wrong type, bad enum value,
    missing required field, bad date) and both must refuse it.
"""

from __future__ import annotations

import copy
import datetime as _dt
import enum
import re
from collections.abc import Iterator
from typing import Any, Literal

import attrs
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.strategies import passports
from rarepassport import (
    LoadError,
    PartialDate,
    Passport,
    dumps,
    from_dict,
    hookimpl,
    json_schema,
    loads,
    make_plugin_manager,
    section_field,
    to_dict,
)

# --- a plugin section that uses every kind of type a plugin may declare ----------------


class CrisisLevel(str, enum.Enum):
    """How serious a crisis was."""

    MILD = "mild"
    SEVERE = "severe"


@attrs.frozen(kw_only=True)
class RescueDose:
    """A rescue dose."""

    amount: float = section_field("Amount.")
    unit: Literal["mg", "ml"] = section_field("Unit.")


@attrs.frozen(kw_only=True)
class CrisisPlan:
    """A fictional condition's crisis plan, for these tests."""

    crises_per_year: int = section_field("Crises in a typical year.")
    trigger: str | None = section_field("What sets a crisis off.", default=None)
    level: CrisisLevel | None = section_field("Worst crisis so far.", default=None, views=("emergency",))
    doses: tuple[RescueDose, ...] = section_field("Rescue doses.", default=(), converter=tuple)
    last_crisis: PartialDate | None = section_field("The last crisis.", default=None)
    plan_agreed_on: _dt.date | None = section_field("When the plan was agreed.", default=None)
    carries_kit: bool = section_field("Carries a rescue kit.", default=False)


class CrisisPlugin:
    """Registers the crisis-plan section."""

    @hookimpl
    def rarepassport_register_sections(self, sections: Any) -> None:
        sections.add("crisis_plan", CrisisPlan, title="Crisis plan", views=("emergency",))


# The built-in condition sections plus the one above; no outside plugins, so the
# tests do not depend on what happens to be installed.
PLUGINS = make_plugin_manager(entry_points=False, plugins=[CrisisPlugin()])
SCHEMA = json_schema(plugins=PLUGINS)
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)

PROPERTY_SETTINGS = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)

documents = passports(plugins=PLUGINS).map(lambda passport: to_dict(passport, plugins=PLUGINS))


def test_the_test_plugin_section_is_registered() -> None:
    assert "crisis_plan" in PLUGINS.sections and not PLUGINS.failures


# --- (a) valid passports -----------------------------------------------------------------


@PROPERTY_SETTINGS
@given(passports(plugins=PLUGINS))
def test_every_passport_matches_the_schema(passport: Passport) -> None:
    document = to_dict(passport, plugins=PLUGINS)
    errors = [f"{error.json_path}: {error.message}" for error in VALIDATOR.iter_errors(document)]
    assert errors == []


@PROPERTY_SETTINGS
@given(passports(plugins=PLUGINS))
def test_json_round_trip_is_lossless(passport: Passport) -> None:
    assert loads(dumps(passport, plugins=PLUGINS), plugins=PLUGINS) == passport


@PROPERTY_SETTINGS
@given(passports(plugins=PLUGINS))
def test_yaml_round_trip_is_lossless(passport: Passport) -> None:
    text = dumps(passport, format="yaml", plugins=PLUGINS)
    assert loads(text, format="yaml", plugins=PLUGINS) == passport


@PROPERTY_SETTINGS
@given(passports(plugins=PLUGINS))
def test_dict_round_trip_is_lossless(passport: Passport) -> None:
    assert from_dict(to_dict(passport, plugins=PLUGINS), plugins=PLUGINS) == passport


# --- walking a document beside its schema --------------------------------------------------


@attrs.frozen
class Location:
    """A value in a document, with its JSON path and the schema it must match."""

    path: str
    parts: tuple[str | int, ...]
    value: Any
    schema: dict[str, Any]
    definition: str | None  # the $defs name the schema came from, if any


def _resolve(schema: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """Follow ``$ref`` and unwrap ``X or null`` until the schema of a non-null value."""
    name = None
    while True:
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            schema = SCHEMA["$defs"][name]
        elif len(schema.get("anyOf", ())) == 2 and {"type": "null"} in schema["anyOf"]:
            schema = next(option for option in schema["anyOf"] if option != {"type": "null"})
        else:
            return schema, name


def locations(value: Any, schema: dict[str, Any] = SCHEMA, path: str = "$",
              parts: tuple[str | int, ...] = ()) -> Iterator[Location]:
    resolved, name = _resolve(schema)
    yield Location(path, parts, value, resolved, name)
    if isinstance(value, dict):
        for key, item in value.items():
            yield from locations(item, resolved["properties"][key], f"{path}.{key}", (*parts, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from locations(item, resolved["items"], f"{path}[{index}]", (*parts, index))


def _parent(document: dict[str, Any], parts: tuple[str | int, ...]) -> Any:
    node: Any = document
    for part in parts[:-1]:
        node = node[part]
    return node


def replace(document: dict[str, Any], parts: tuple[str | int, ...], value: Any) -> None:
    _parent(document, parts)[parts[-1]] = value


def assert_both_reject(document: dict[str, Any], path: str) -> None:
    """The schema and the loader both refuse the document, the loader naming ``path``."""
    assert not VALIDATOR.is_valid(document), f"the schema accepts a document with a bad value at {path}"
    with pytest.raises(LoadError) as caught:
        from_dict(document, plugins=PLUGINS)
    paths = [problem.path for problem in caught.value.problems]
    assert path in paths


# --- (b) mutations -------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(documents, st.data())
def test_unknown_key_is_rejected_by_schema_and_loader(document: dict[str, Any], data: st.DataObject) -> None:
    objects = [loc for loc in locations(document) if isinstance(loc.value, dict)]
    target = data.draw(st.sampled_from(objects), label="object")
    # No field or section id starts with "unexpected": the key is unknown wherever it goes.
    key = "unexpected" + data.draw(st.text("abcdefghijklmnopqrstuvwxyz_0123456789", max_size=6), label="key")
    target.value[key] = "x"
    assert_both_reject(document, f"{target.path}.{key}")


# One value of each JSON kind; a field accepts one kind (and perhaps null), so any
# other kind is wrong for it.
_KINDS: dict[str, Any] = {"text": "x", "number": 1.5, "boolean": True, "list": [], "object": {}}


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "text"
    return "list" if isinstance(value, list) else "object"


@PROPERTY_SETTINGS
@given(documents, st.data())
def test_wrong_type_is_rejected_by_schema_and_loader(document: dict[str, Any], data: st.DataObject) -> None:
    target = data.draw(st.sampled_from([loc for loc in locations(document) if loc.parts]), label="location")
    kind = data.draw(st.sampled_from([kind for kind in _KINDS if kind != _kind(target.value)]), label="kind")
    replace(document, target.parts, copy.deepcopy(_KINDS[kind]))
    assert_both_reject(document, target.path)


@PROPERTY_SETTINGS
@given(documents, st.data())
def test_bad_enum_value_is_rejected_by_schema_and_loader(document: dict[str, Any], data: st.DataObject) -> None:
    document.setdefault("medications_status", "unknown")  # so there is always one
    enums = [loc for loc in locations(document) if "enum" in loc.schema]
    target = data.draw(st.sampled_from(enums), label="location")
    allowed = target.schema["enum"]
    bad = data.draw(
        st.one_of(st.sampled_from([value.upper() for value in allowed]), st.text(max_size=12)).filter(
            lambda value: value not in allowed
        ),
        label="value",
    )
    replace(document, target.parts, bad)
    assert_both_reject(document, target.path)


@PROPERTY_SETTINGS
@given(documents, st.data())
def test_missing_required_field_is_rejected_by_schema_and_loader(
    document: dict[str, Any], data: st.DataObject
) -> None:
    objects = [loc for loc in locations(document) if isinstance(loc.value, dict) and loc.schema.get("required")]
    target = data.draw(st.sampled_from(objects), label="object")
    key = data.draw(st.sampled_from(target.schema["required"]), label="field")
    del target.value[key]
    assert_both_reject(document, f"{target.path}.{key}")


# Dates people and programs get wrong, for either kind of date field.
_BAD_DATES = [
    "2016-02-30", "2015-02-29", "2016-13-01", "2016-00-10", "2016-05-32", "0000-01-01",
    "14/05/2016", "2016/05/14", "2016-5-14", "16-05-14", "20160514", "2016-05-14T10:00",
    "2016\n", "2016-05-14\n", " 2016", "٢٠١٦-٠٥-١٤", "２０１６", "", "May 2016",
]
# ...and those that are fine for a partial date but not for a full one.
_BAD_FULL_DATES = ["2016", "2016-05"]
_BAD_PARTIAL_DATES = ["2016-13", "2016-00", "0000", "0000-05", "2016-05-", "201"]


def _bad_dates(definition: str | None) -> st.SearchStrategy[str]:
    fixed = _BAD_DATES + (_BAD_FULL_DATES if definition == "Date" else _BAD_PARTIAL_DATES)
    # A real date with anything glued on is no date either.
    glued = st.builds(
        lambda day, junk: day.isoformat() + junk,
        st.dates(_dt.date(1900, 1, 1), _dt.date(2100, 12, 31)),
        st.text(min_size=1, max_size=3),
    )
    return st.one_of(st.sampled_from(fixed), glued)


@PROPERTY_SETTINGS
@given(documents, st.data())
def test_bad_date_is_rejected_by_schema_and_loader(document: dict[str, Any], data: st.DataObject) -> None:
    dates = [loc for loc in locations(document) if loc.definition in ("Date", "PartialDate")]
    target = data.draw(st.sampled_from(dates), label="location")  # date_of_birth is always there
    replace(document, target.parts, data.draw(_bad_dates(target.definition), label="date"))
    assert_both_reject(document, target.path)


def test_date_patterns_in_the_schema_use_ascii_digits_only() -> None:
    for name in ("Date", "PartialDate"):
        assert not re.search(r"\\d", SCHEMA["$defs"][name]["pattern"])
