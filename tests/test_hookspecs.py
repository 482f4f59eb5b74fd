"""The hooks a plugin can implement (``rarepassport.hookspecs``).

Specification: the module docstring (hooks are functions named after the specifications,
marked with `rarepassport.hookimpl`, found through the ``rarepassport`` entry-point group;
registration hooks get a registry and call its ``add``) and each hook's docstring ("the
first non-``None`` answer is used"). How a failing hook is reported is in
tests/test_plugin_robustness.py; the hooks page of the docs in tests/test_plugin_discovery.py.
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

import pluggy
import pytest

import rarepassport
from rarepassport import hookimpl, hookspecs

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]

SPECS = {name: function for name, function in vars(hookspecs).items()
         if inspect.isfunction(function) and name.startswith("rarepassport_")}


def test_the_markers_and_the_entry_point_group_share_the_project_name() -> None:
    assert hookspecs.PROJECT_NAME == "rarepassport"
    assert hookimpl.project_name == hookspecs.hookspec.project_name == hookspecs.PROJECT_NAME
    for plugin_project in sorted((ROOT / "examples" / "plugins").glob("*/pyproject.toml")):
        config = tomllib.loads(plugin_project.read_text(encoding="utf-8"))
        assert list(config["project"]["entry-points"]) == [hookspecs.PROJECT_NAME], plugin_project


def test_every_specification_is_a_hook_of_the_manager_and_has_an_example() -> None:
    manager = rarepassport.make_plugin_manager(entry_points=False)
    assert SPECS
    for name, function in SPECS.items():
        assert hasattr(manager.hook, name), name
        assert "Example:" in (function.__doc__ or ""), name


@pytest.mark.parametrize("name", [name for name in SPECS if name.startswith("rarepassport_register_")])
def test_a_registration_hook_gets_the_manager_s_registry_of_its_name(name: str) -> None:
    """``rarepassport_register_backends(backends)``: the argument is ``manager.backends``."""
    [argument] = inspect.signature(SPECS[name]).parameters
    assert name == f"rarepassport_register_{argument}"
    seen: list[object] = []
    # A plugin function with the specification's own argument name (pluggy calls hooks by name).
    namespace: dict[str, object] = {"seen": seen}
    exec(f"def {name}({argument}):\n    seen.append({argument})\n", namespace)
    spy = type("Spy", (), {name: staticmethod(hookimpl(namespace[name]))})  # type: ignore[arg-type]
    manager = rarepassport.make_plugin_manager(entry_points=False, builtins=False, plugins=[spy])
    assert manager.failures == []
    assert seen == [getattr(manager, argument)]


@pytest.mark.parametrize("name", ["rarepassport_layout_section", "rarepassport_fhir_section"])
def test_a_section_hook_gives_the_first_answer_that_is_not_none(name: str) -> None:
    arguments = list(inspect.signature(SPECS[name]).parameters)

    def answer(value: object) -> object:
        namespace: dict[str, object] = {"value": value}
        exec(f"def {name}({', '.join(arguments)}):\n    return value\n", namespace)
        return type("Plugin", (), {name: staticmethod(hookimpl(namespace[name]))})  # type: ignore[arg-type]

    manager = rarepassport.make_plugin_manager(entry_points=False, builtins=False,
                                               plugins=[answer({"title": "mine"}), answer(None)])
    result = getattr(manager.hook, name)(**dict.fromkeys(arguments))
    assert result == {"title": "mine"}  # one answer, not pluggy's list of answers


def test_guidance_answers_are_all_collected() -> None:
    manager = rarepassport.make_plugin_manager(entry_points=False, builtins=False, plugins=[
        type("A", (), {"rarepassport_emergency_guidance": staticmethod(hookimpl(lambda passport: ["a"]))}),
        type("B", (), {"rarepassport_emergency_guidance": staticmethod(hookimpl(lambda passport: None))}),
        type("C", (), {"rarepassport_emergency_guidance": staticmethod(hookimpl(lambda passport: ["c"]))}),
    ])
    assert sorted(manager.hook.rarepassport_emergency_guidance(passport=None)) == [["a"], ["c"]]


def test_a_function_marked_for_another_project_is_not_an_implementation() -> None:
    other = pluggy.HookimplMarker("someone-else")

    class Stranger:
        @other
        def rarepassport_register_rules(self, rules: rarepassport.RuleRegistry) -> None:
            rules.add(lambda passport, context: (), code="stranger")

    manager = rarepassport.make_plugin_manager(entry_points=False, builtins=False, plugins=[Stranger()])
    assert [rule.code for rule in manager.rules] == []
