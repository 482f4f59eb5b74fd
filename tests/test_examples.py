"""The example passports, the packaged demo passport and the stress passport.

The examples are documentation that users copy, so they must load, round-trip, be
written in canonical form, validate cleanly, and between them use every field of the
model.
"""

from __future__ import annotations

import datetime as _dt
import importlib.resources
import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
import yaml

import rarepassport
from helpers.stress import (
    ARABIC_NAME,
    CHINESE_NAME,
    STRESS_DIAGNOSES,
    STRESS_MEDICATIONS,
    STRESS_PROTOCOL_CHARS,
)
from rarepassport import validate
from rarepassport.convert import format_for
from rarepassport.model import Passport

#: The day the examples were last checked; review dates and "how recent" rules are
#: judged against it so that the examples do not start failing as time passes.
EXAMPLES_CHECKED_ON = _dt.date(2026, 11, 27)

#: The example the ``rarepassport demo`` command writes.
DEMO_EXAMPLE = "child-several-diagnoses.json"

#: Model fields no example uses, each with the reason.
FIELDS_NOT_IN_EXAMPLES = {
    # A photo needs an image file beside the example or a long data: URI.
    "Person.photo",
    # A signed check is made with a key at test time (tests/test_signing.py signs the
    # examples and checks every field); a signature committed here would need its key too.
    "Passport.attestations",
}


def test_the_documented_examples_exist(example_paths: list[Path]) -> None:
    names = {path.name for path in example_paths}
    assert {
        "child-several-diagnoses.json",
        "adult-undiagnosed.json",
        "non-english.json",
        "minimal.json",
        "adult-several-conditions.yaml",
    } <= names


def test_example_loads_as_a_passport(example_path: Path) -> None:
    assert isinstance(rarepassport.load(example_path), Passport)


@pytest.mark.parametrize("format", ["json", "yaml"])
def test_example_round_trips_losslessly(example_path: Path, format: str) -> None:
    passport = rarepassport.load(example_path)
    assert rarepassport.loads(rarepassport.dumps(passport, format=format), format=format) == passport  # type: ignore[arg-type]


def test_example_file_is_written_in_canonical_form(example_path: Path) -> None:
    # Loading then dumping gives back the file byte for byte, so the examples show
    # exactly what rarepassport writes.
    passport = rarepassport.load(example_path)
    assert rarepassport.dumps(passport, format=format_for(example_path)) == example_path.read_text(encoding="utf-8")


def test_dumping_an_example_twice_gives_the_same_text(example_path: Path) -> None:
    format = format_for(example_path)
    once = rarepassport.dumps(rarepassport.load(example_path), format=format)
    twice = rarepassport.dumps(rarepassport.loads(once, format=format), format=format)
    assert twice == once


def test_example_validates_without_errors(example_path: Path) -> None:
    report = validate(example_path)
    assert report.errors == (), [str(issue) for issue in report.errors]


def test_rich_examples_validate_without_any_issue(example_path: Path) -> None:
    report = validate(example_path, today=EXAMPLES_CHECKED_ON)
    if example_path.name == "minimal.json":
        # The smallest passport is valid but gets the hints that make a passport useful.
        assert report.ok
        assert report.codes() == {"no-diagnosis", "no-emergency-contact", "not-reviewed"}
    else:
        assert list(report) == [], [str(issue) for issue in report]


def test_example_matches_the_json_schema(example_path: Path) -> None:
    import jsonschema  # type: ignore[import-untyped]

    from rarepassport import json_schema

    text = example_path.read_text(encoding="utf-8")
    # Canonical YAML quotes dates, so the safe loader reads the same values as JSON.
    document = yaml.safe_load(text) if format_for(example_path) == "yaml" else json.loads(text)
    errors = [error.message for error in jsonschema.Draft202012Validator(json_schema()).iter_errors(document)]
    assert errors == []


def test_packaged_demo_passport_is_the_child_example(example_paths: list[Path]) -> None:
    packaged = importlib.resources.files("rarepassport").joinpath("data/example-passport.json").read_bytes()
    (child,) = (path for path in example_paths if path.name == DEMO_EXAMPLE)
    assert packaged == child.read_bytes()


def _fields_used(value: object, owner: str | None = None) -> Iterator[str]:
    """``Class.field`` for every field set to a non-default value, recursively."""
    cls = type(value)
    if attrs.has(cls):
        for field in attrs.fields(cls):
            item = getattr(value, field.name)
            default = field.default
            if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                default = default.factory(value) if default.takes_self else default.factory()
            if default is attrs.NOTHING or item != default:
                yield f"{cls.__name__}.{field.name}"
            yield from _fields_used(item, cls.__name__)
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _fields_used(item, owner)


def _model_fields(cls: type, seen: set[type] | None = None) -> Iterator[str]:
    """``Class.field`` for every field of the core model reachable from ``cls``."""
    import typing

    seen = set() if seen is None else seen
    if cls in seen:
        return
    seen.add(cls)
    hints = typing.get_type_hints(cls)
    for field in attrs.fields(cls):
        yield f"{cls.__name__}.{field.name}"
        stack = [hints[field.name]]
        while stack:
            tp = stack.pop()
            if attrs.has(tp):
                yield from _model_fields(tp, seen)
            stack.extend(typing.get_args(tp))


def test_examples_together_use_every_model_field(example_passports: dict[str, Passport]) -> None:
    used = {name for passport in example_passports.values() for name in _fields_used(passport)}
    # The fields of what an excluded field holds (an attestation's signer, its digests, ...).
    below = set(_model_fields(rarepassport.Attestation))
    unused = set(_model_fields(Passport)) - used - FIELDS_NOT_IN_EXAMPLES - below - {
        # Always written, so "used" cannot be told from the value.
        "Passport.schema_version",
        "Passport.extensions",
    }
    assert unused == set(), "add these fields to an example, or to FIELDS_NOT_IN_EXAMPLES with a reason"


def test_examples_cover_every_diagnosis_status(example_passports: dict[str, Passport]) -> None:
    statuses = {d.status for passport in example_passports.values() for d in passport.diagnoses}
    assert statuses == set(rarepassport.DiagnosisStatus)


def test_non_english_example_declares_its_language(example_passports: dict[str, Passport]) -> None:
    passport = example_passports["non-english.json"]
    assert passport.language == "es"
    assert "Núñez" in passport.person.name


def test_minimal_example_has_only_the_required_fields(example_paths: list[Path]) -> None:
    (minimal,) = (path for path in example_paths if path.name == "minimal.json")
    document = json.loads(minimal.read_text(encoding="utf-8"))
    assert document == {
        "schema_version": "1.0",
        "person": {"name": document["person"]["name"], "date_of_birth": document["person"]["date_of_birth"]},
    }


# --- the stress passport -------------------------------------------------------------


def test_stress_passport_has_its_documented_size(stress_passport: Passport) -> None:
    assert len(stress_passport.diagnoses) == STRESS_DIAGNOSES == 20
    assert len(stress_passport.medications) == STRESS_MEDICATIONS == 60
    longest = max(sum(len(step) for step in p.steps) for p in stress_passport.emergency.protocols)
    assert longest >= STRESS_PROTOCOL_CHARS == 5000


def test_stress_passport_holds_arabic_and_chinese_text(stress_passport: Passport) -> None:
    text = rarepassport.dumps(stress_passport)
    assert stress_passport.person.name == ARABIC_NAME
    assert any(contact.name == CHINESE_NAME for contact in stress_passport.contacts)
    assert any("\u0600" <= ch <= "\u06ff" for ch in text)  # Arabic block
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text)  # CJK unified ideographs


def test_stress_passport_validates_without_errors(stress_passport: Passport) -> None:
    report = validate(stress_passport, today=EXAMPLES_CHECKED_ON)
    assert report.errors == (), [str(issue) for issue in report.errors]


@pytest.mark.parametrize("format", ["json", "yaml"])
def test_stress_passport_round_trips_losslessly(stress_passport: Passport, format: str) -> None:
    text = rarepassport.dumps(stress_passport, format=format)  # type: ignore[arg-type]
    assert rarepassport.loads(text, format=format) == stress_passport  # type: ignore[arg-type]
