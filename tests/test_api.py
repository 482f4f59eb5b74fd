"""The public functions (``rarepassport.api``): the one place ``plugins=None`` becomes the default manager.

Specification: docs/design.md ("`plugins=None` means the default manager: `rarepassport.api`
(only there)") and the functions' docstrings. Each function's own behaviour is tested in
the test module of the step it calls (convert, validation, layouts, rendering, fhir...);
these tests check what the API module itself decides: which plugin manager a call uses,
and what ``format=`` accepts.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import rarepassport
from rarepassport import api

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
WITH_SECTION = EXAMPLES / "child-several-diagnoses.json"  # has extensions.mcad_deficiency
MINIMAL = EXAMPLES / "minimal.json"


@pytest.fixture(scope="module")
def bare() -> rarepassport.PluginManager:
    """A manager with nothing registered: no backends, rules, condition plugins or exporters."""
    manager = rarepassport.make_plugin_manager(entry_points=False, builtins=False)
    assert manager.failures == []
    return manager


def _calls() -> dict[str, Callable[..., Any]]:
    """One call of each public function that takes ``plugins=``."""
    passport = rarepassport.load(MINIMAL)
    return {
        "load": lambda **kw: rarepassport.load(MINIMAL, **kw),
        "loads": lambda **kw: rarepassport.loads(MINIMAL.read_text(encoding="utf-8"), **kw),
        "dump": lambda **kw: rarepassport.dump(passport, "/nonexistent/x.json", **kw),
        "dumps": lambda **kw: rarepassport.dumps(passport, **kw),
        "from_dict": lambda **kw: rarepassport.from_dict({"schema_version": "1.0"}, **kw),
        "to_dict": lambda **kw: rarepassport.to_dict(passport, **kw),
        "json_schema": lambda **kw: rarepassport.json_schema(**kw),
        "validate": lambda **kw: rarepassport.validate(passport, **kw),
        "layout": lambda **kw: rarepassport.layout(passport, **kw),
        "render": lambda **kw: rarepassport.render(passport, "text", **kw),
        "render_rendered": lambda **kw: rarepassport.render_rendered(passport, "text", **kw),
        "render_document": lambda **kw: rarepassport.render_document(rarepassport.layout(passport), "text", **kw),
        "available_formats": lambda **kw: rarepassport.available_formats(**kw),
        "to_ips": lambda **kw: rarepassport.to_ips(passport, **kw),
        "applicable_plugins": lambda **kw: rarepassport.applicable_plugins(passport, **kw),
        "redact": lambda **kw: rarepassport.redact(passport, "emergency", **kw),
        "make_health_link": lambda **kw: rarepassport.make_health_link(
            passport, url_base="https://files.example.org/shl", **kw),
        "sign": lambda **kw: rarepassport.sign(passport, rarepassport.generate_key()[0], name="Dr Fictional", **kw),
        "verify": lambda **kw: rarepassport.verify(passport, **kw),
        "migrate_document": lambda **kw: rarepassport.migrate_document(rarepassport.to_dict(passport), **kw),
    }


def test_every_public_function_taking_plugins_is_covered_here() -> None:
    functions = {name: getattr(api, name) for name in api.__all__ if inspect.isfunction(getattr(api, name))}
    takers = {name for name, function in functions.items() if "plugins" in inspect.signature(function).parameters}
    assert takers == set(_calls())


@pytest.mark.parametrize("name", sorted(_calls()))
@pytest.mark.parametrize("wrong", [[], "default", rarepassport.plugin_manager], ids=["list", "str", "module"])
def test_plugins_that_are_not_a_manager_are_a_type_error_naming_what_to_pass(name: str, wrong: object) -> None:
    with pytest.raises(TypeError, match=r"plugins must be a rarepassport\.PluginManager \(see make_plugin_manager"):
        _calls()[name](plugins=wrong)


def test_the_default_manager_is_built_once_and_has_every_built_in() -> None:
    default = rarepassport.default_plugin_manager()
    assert rarepassport.default_plugin_manager() is default
    assert rarepassport.available_formats() == rarepassport.available_formats(default)
    assert {"pdf", "card", "html", "markdown", "text"} <= set(rarepassport.available_formats())


def test_a_given_manager_is_the_one_used_for_reading(bare: rarepassport.PluginManager) -> None:
    assert rarepassport.load(WITH_SECTION).extensions  # the default manager has the condition plugins
    with pytest.raises(rarepassport.LoadError, match=r"\$\.extensions\.mcad_deficiency: no installed plugin"):
        rarepassport.load(WITH_SECTION, plugins=bare)


def test_a_given_manager_is_the_one_used_for_rules_schema_and_plugins(bare: rarepassport.PluginManager) -> None:
    passport = rarepassport.load(WITH_SECTION)
    assert rarepassport.applicable_plugins(passport) == ["mcad-deficiency"]
    assert rarepassport.applicable_plugins(passport, plugins=bare) == []
    assert rarepassport.json_schema()["properties"]["extensions"]["properties"]
    assert rarepassport.json_schema(plugins=bare)["properties"]["extensions"]["properties"] == {}
    minimal = rarepassport.load(MINIMAL)
    assert "no-emergency-contact" in rarepassport.validate(minimal).codes()  # a core rule
    assert rarepassport.validate(minimal, plugins=bare).codes() == set()  # no rules registered


def test_a_given_manager_is_the_one_used_for_rendering(bare: rarepassport.PluginManager) -> None:
    passport = rarepassport.load(MINIMAL)
    assert rarepassport.available_formats(plugins=bare) == []
    with pytest.raises(rarepassport.RenderError, match="unknown format 'text'; available formats: none are installed"):
        rarepassport.render(passport, "text", plugins=bare)


def test_the_built_in_format_names_are_the_built_in_backends() -> None:
    """``BuiltinFormat`` is what type checkers accept without ``BackendName``; it must not drift."""
    builtins_only = rarepassport.make_plugin_manager(entry_points=False)
    assert list(typing.get_args(rarepassport.BuiltinFormat)) == rarepassport.available_formats(builtins_only)


def test_available_formats_can_be_passed_straight_to_render() -> None:
    passport = rarepassport.load(MINIMAL)
    text_format = next(name for name in rarepassport.available_formats() if name == "text")
    with pytest.warns(rarepassport.RenderWarning):
        assert rarepassport.render(passport, text_format).decode("utf-8")
    assert rarepassport.BackendName("text") == "text"  # a str at run time
