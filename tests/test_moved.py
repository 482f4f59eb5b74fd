"""Old module paths (``rarepassport._moved``): ``rarepassport.render``, ``.layout``, ``.validate``.

Specification: the module docstring: an old path gives the new module's objects with a
`DeprecationWarning` naming the new path, its submodules are the new ones, and the old
path stays callable as the function of the same name. The import through ``sys.meta_path``
in a fresh interpreter is in tests/test_design.py; these tests build the stand-in modules
from the finder without putting them in ``sys.modules``, so no other test sees them.
"""

from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path

import pytest

import rarepassport
from rarepassport import layouts, rendering, validation
from rarepassport._moved import MOVED, MovedFinder

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "minimal.json"


def _stand_in(name: str) -> types.ModuleType:
    spec = MovedFinder().find_spec(name)
    assert spec is not None
    with pytest.warns(DeprecationWarning) as caught:
        module = importlib.util.module_from_spec(spec)
    [warning] = caught
    new = spec.loader.new  # type: ignore[union-attr]
    assert f"the module {name} is now {new}" in str(warning.message)
    assert "the old path goes in 1.0" in str(warning.message)
    return module


def test_the_three_old_paths_and_only_those_are_moved() -> None:
    assert MOVED == {"rarepassport.render": "rarepassport.rendering", "rarepassport.layout": "rarepassport.layouts",
                     "rarepassport.validate": "rarepassport.validation"}
    finder = MovedFinder()
    for name in ("rarepassport.rendering", "rarepassport.renderer", "rarepassport.layouts", "json"):
        assert finder.find_spec(name) is None, name


@pytest.mark.parametrize(("old", "new", "name"), [
    ("rarepassport.render", rendering, "Rendered"),
    ("rarepassport.layout", layouts, "layout_fields"),
    ("rarepassport.validate", validation, "walk"),
])
def test_an_old_path_gives_the_new_module_s_objects(old: str, new: types.ModuleType, name: str) -> None:
    module = _stand_in(old)
    assert getattr(module, name) is getattr(new, name)
    assert module.__path__ == list(getattr(new, "__path__", []))  # so old submodules import
    with pytest.raises(AttributeError):
        module.__wrapped__  # noqa: B018 - dunder names are not forwarded


def test_an_old_submodule_is_the_new_submodule_itself() -> None:
    spec = MovedFinder().find_spec("rarepassport.render._qr")
    assert spec is not None and not spec.submodule_search_locations
    with pytest.warns(DeprecationWarning, match=r"rarepassport\.rendering\._qr"):
        module = importlib.util.module_from_spec(spec)
    assert module is sys.modules["rarepassport.rendering._qr"]


@pytest.mark.filterwarnings("ignore::rarepassport.RenderWarning")
@pytest.mark.parametrize(("function", "options"), [("render", {"format": "text"}), ("layout", {}), ("validate", {})])
def test_the_stand_in_is_callable_as_the_public_function(function: str, options: dict[str, str]) -> None:
    passport = rarepassport.load(EXAMPLE)
    stand_in = _stand_in(f"rarepassport.{function}")
    got = stand_in(passport, **options)  # type: ignore[operator]
    assert got == getattr(rarepassport, function)(passport, **options)


def test_installing_the_finder_twice_puts_it_once_on_the_meta_path() -> None:
    from rarepassport import _moved

    before = list(sys.meta_path)
    try:
        _moved.install()
        _moved.install()
        assert sum(isinstance(finder, MovedFinder) for finder in sys.meta_path) == 1
    finally:
        sys.meta_path[:] = before
