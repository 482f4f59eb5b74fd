"""Fuzzing: whatever arrives, only rarepassport's own errors come out.

Bounded for CI (the whole module runs in well under two minutes): JSON text, YAML
text, JSON-like dicts grown from a real passport, FHIR bundles mutated from a real
export, and every backend drawing whatever loaded. Each test asserts only that a
failure is a :class:`rarepassport.PassportError` (or a report), never a traceback of
another kind.
"""

from __future__ import annotations

import contextlib
import copy
import json
import warnings
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rarepassport as rp
from rarepassport.fhir import from_ips, to_ips

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "child-several-diagnoses.json"
BASE: dict[str, Any] = json.loads(EXAMPLE.read_text())
BUNDLE: dict[str, Any] = to_ips(rp.loads(EXAMPLE.read_bytes()))

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
FEW = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))

# Texts with the characters that break parsers and terminals.
_NASTY = st.sampled_from(["\x00", "\x1b[2J", "\x07", "\ud800", "\u2028", "\x85", "\ufeff", "'", '"', "\\", "\n"])
texts = st.one_of(st.text(max_size=20), st.lists(_NASTY, max_size=4).map("".join))
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=10**30, max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True), texts,
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.one_of(texts, st.sampled_from(list(BASE))), children,
                                                        max_size=4)
    ),
    max_leaves=20,
)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_paths(item, (*path, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_paths(item, (*path, index)))
    return found


def _mutated(document: dict[str, Any], changes: list[tuple[int, Any]]) -> dict[str, Any]:
    result = copy.deepcopy(document)
    paths = _paths(result)[1:]
    for choice, value in changes:
        *parents, last = paths[choice % len(paths)]
        target: Any = result
        try:
            for step in parents:
                target = target[step]
            target[last] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change moved this path away
    return result


changes = st.lists(st.tuples(st.integers(min_value=0), json_values), min_size=1, max_size=4)


def _render_everything(passport: rp.Passport) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # accessible-pdf is the html page laid out by WeasyPrint: fuzzed through html,
        # and too slow to run per example (tests/test_render_accessible.py covers it).
        for format in (name for name in rp.available_formats() if name != "accessible-pdf"):
            with contextlib.suppress(rp.PassportError):
                rp.render(passport, format)


@FUZZ
@given(st.one_of(st.text(max_size=200), st.binary(max_size=200)))
def test_any_json_text_loads_or_is_a_load_error(text: str | bytes) -> None:
    with contextlib.suppress(rp.LoadError):
        rp.loads(text)


_YAML_PIECES = st.sampled_from([
    "schema_version: '1.0'\n", "person:\n", "  name: ", "&a ", "*a ", "!!int ", "!!timestamp ", "!!binary ",
    "!!python/name:os.system ", "? ", ": ", "- ", "[", "]", "{", "}", "<<: *a\n", "1: ", "~: ", "yes: ",
    "'x'", '"\\x1b"', '"\\ud800"', "9" * 40, "\n", "  ", "---\n", "%YAML 1.1\n", "\t",
])


@FUZZ
@given(st.lists(_YAML_PIECES, max_size=30).map("".join))
def test_any_yaml_text_loads_or_is_a_load_error(text: str) -> None:
    with contextlib.suppress(rp.LoadError):
        rp.loads(text, format="yaml")


@FUZZ
@given(json_values)
def test_any_json_value_validates_to_a_report(value: Any) -> None:
    report = rp.validate(value) if not isinstance(value, str) else rp.validate({"value": value})
    assert isinstance(report, rp.Report)


@FEW
@given(changes)
def test_a_mutated_passport_is_reported_or_renders_in_every_backend(mutations: list[tuple[int, Any]]) -> None:
    document = _mutated(BASE, mutations)
    report = rp.validate(document)
    assert isinstance(report, rp.Report)
    try:
        passport = rp.from_dict(document)
    except rp.LoadError:
        return
    _render_everything(passport)


@FUZZ
@given(changes)
def test_a_mutated_fhir_bundle_imports_or_is_an_import_error(mutations: list[tuple[int, Any]]) -> None:
    try:
        result = from_ips(_mutated(BUNDLE, mutations))
    except rp.PassportError:
        return
    # What was imported is a passport that writes and reads back.
    rp.loads(rp.dumps(result.passport))


@FUZZ
@given(json_values)
def test_the_fast_check_passes_only_what_the_full_check_passes(value: Any) -> None:
    from rarepassport.formats import _looks_fine, _tree_problems

    if _looks_fine(value):
        assert _tree_problems(value, "$", None) == []
