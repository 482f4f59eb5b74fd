"""Every exception rarepassport raises on purpose (``rarepassport.errors``).

Specification: the hierarchy drawn in the module docstring (a program catches any of
ours with `rarepassport.PassportError`, and reading or rendering problems also as the
built-in `ValueError`), and the rule that messages name where, never a passport's value.
"""

from __future__ import annotations

import inspect
import re
import warnings
from pathlib import Path

import pytest

import rarepassport
import rarepassport.errors
import rarepassport.limits
from rarepassport import (
    DrawnTextMismatchError,
    FhirImportError,
    InvalidPassportError,
    Issue,
    IssueSeverity,
    LoadError,
    MissingGlyphsError,
    PassportError,
    PluginError,
    PluginWarning,
    Problem,
    RenderError,
    RenderWarning,
)

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "minimal.json"


def _docstring_tree() -> dict[str, str]:
    """``{class: parent}`` read from the tree drawn in the module docstring."""
    doc = inspect.getdoc(rarepassport.errors) or ""
    parents: dict[str, str] = {}
    stack: list[tuple[int, str]] = []
    for line in doc.splitlines():
        match = re.match(r"^(\s*)(?:[│ ]*[├└]── )?(\w+(?:Error|Warning))\b", line)
        if match is None:
            continue
        depth = len(line) - len(line.lstrip(" │├└─"))
        name = match.group(2)
        while stack and stack[-1][0] >= depth:
            stack.pop()
        if stack:
            parents[name] = stack[-1][1]
        stack.append((depth, name))
    return parents


def test_the_hierarchy_is_the_one_the_docstring_draws() -> None:
    drawn = _docstring_tree()
    # Every error class of the module is drawn under its own parent, and nothing else is.
    errors = {name: getattr(rarepassport.errors, name) for name in rarepassport.errors.__all__}
    actual = {
        name: next(base.__name__ for base in cls.__bases__ if issubclass(base, PassportError))
        for name, cls in errors.items()
        if isinstance(cls, type) and issubclass(cls, PassportError) and cls is not PassportError
    }
    assert drawn == actual
    assert {"LoadError", "FhirImportError", "RenderError", "EncryptionError", "SigningError"} <= set(drawn)


def test_reading_and_rendering_errors_are_also_value_errors_and_warnings_user_warnings() -> None:
    for error in (LoadError, FhirImportError, RenderError, InvalidPassportError, MissingGlyphsError,
                  DrawnTextMismatchError):
        assert issubclass(error, PassportError) and issubclass(error, ValueError), error
    assert not issubclass(PluginError, ValueError)
    assert issubclass(RenderWarning, UserWarning) and issubclass(PluginWarning, UserWarning)
    assert not issubclass(RenderWarning, PassportError)


def test_every_public_error_is_exported_from_rarepassport() -> None:
    defined = {name for name, value in vars(rarepassport.errors).items()
               if isinstance(value, type) and issubclass(value, (Exception, Warning))
               and value.__module__ in {"rarepassport", "rarepassport.errors"} and not name.startswith("_")}
    assert defined <= set(rarepassport.__all__)
    assert defined >= set(_docstring_tree()) | {"PassportError", "RenderWarning", "PluginWarning"}


def test_a_load_error_lists_every_problem_with_its_place() -> None:
    error = LoadError([Problem("$.person.name", "is required"),
                       Problem("$.allergies[0].substance", "must be text", line=7, column=3)], source="p.json")
    assert str(error) == ("p.json: 2 problems found\n  $.person.name: is required\n"
                          "  $.allergies[0].substance (line 7, column 3): must be text")
    assert str(LoadError([Problem("$", "empty")])) == "1 problem found\n  $: empty"


def test_with_source_keeps_the_class_and_the_problems() -> None:
    error = FhirImportError([Problem("Bundle.entry[0]", "no resource")])
    named = error.with_source("bundle.json")
    assert type(named) is FhirImportError
    assert named.problems == error.problems and named.source == "bundle.json"
    assert str(named).startswith("bundle.json: 1 problem found")


def test_a_load_error_counts_what_it_does_not_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rarepassport.limits, "MAX_PROBLEMS", 3)
    error = LoadError(Problem(f"$.medications[{i}]", "bad") for i in range(10))
    assert [p.path for p in error.problems] == ["$.medications[0]", "$.medications[1]", "$.medications[2]", "$"]
    assert error.problems[-1].message == "and 7 more problems (not listed)"
    assert len(LoadError(Problem(f"$[{i}]", "bad") for i in range(4)).problems) == 4  # one more is listed, not counted


def test_a_real_load_error_is_caught_as_any_of_its_bases() -> None:
    for base in (LoadError, PassportError, ValueError):
        with pytest.raises(base):
            rarepassport.loads('{"schema_version": "1.0", "person": {}}')


def test_invalid_passport_names_the_first_error_by_path_and_code_never_its_value() -> None:
    issues = [Issue(path="$.review", code="review-overdue", severity=IssueSeverity.WARNING, message="Secret Value"),
              Issue(path="$.person.identifiers[0].value", code="nhs-number-check-digit",
                    severity=IssueSeverity.ERROR, message="Secret Value 943 476 5919"),
              Issue(path="$.person.name", code="x", severity=IssueSeverity.ERROR, message="Secret")]
    error = InvalidPassportError(issues)
    assert error.issues == tuple(issues)
    assert str(error) == ("the passport has 2 validation errors; first: $.person.identifiers[0].value "
                          "[nhs-number-check-digit]; fix them (see rarepassport.validate) or render with strict=False")
    assert "Secret" not in str(error)
    assert "1 validation error;" in str(InvalidPassportError(issues[1:2]))


def test_missing_glyphs_are_named_by_place_and_code_point_never_the_text() -> None:
    error = MissingGlyphsError([("$.person.name", "ሀሁ"), *((f"$.notes[{i}]", "ሀ") for i in range(11))])
    text = str(error)
    assert "$.person.name: U+1200, U+1201" in text
    assert "ሀ" not in text
    assert "... and 2 more places" in text
    assert error.places[0] == ("$.person.name", ("ሀ", "ሁ"))
    assert rarepassport.errors.describe_characters("abc", limit=2) == "U+0061, U+0062 and 1 more"


def test_a_drawn_text_mismatch_lists_at_most_twenty_places() -> None:
    error = DrawnTextMismatchError(f"page 1, section {i}" for i in range(25))
    assert len(error.problems) == 25
    text = str(error)
    assert "page 1, section 19" in text and "page 1, section 20" not in text
    assert text.endswith("... and 5 more")


def test_a_warning_category_can_be_filtered_on_its_own() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", category=PluginWarning)
        warnings.warn("a plugin failed", PluginWarning, stacklevel=1)
        warnings.warn("review overdue", RenderWarning, stacklevel=1)
    assert [w.category for w in caught] == [RenderWarning]
