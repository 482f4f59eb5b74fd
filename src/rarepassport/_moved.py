"""Old module paths, kept working for a deprecation period (until 1.0).

Before 0.x the steps were the modules ``rarepassport.render``, ``rarepassport.layout``
and ``rarepassport.validate`` — the same names as the public functions, so that
``import rarepassport.render as m`` gave the function. They are now
`rarepassport.rendering`, `rarepassport.layouts` and
`rarepassport.validation`. Importing an old path still works, with a
`DeprecationWarning` naming the new one:

* ``from rarepassport.render import RenderError`` gets the name from the new module;
* ``rarepassport.render.X`` (and the old submodules, e.g. ``rarepassport.render._fonts``)
  reach the same objects as the new paths;
* ``rarepassport.render(...)`` stays the function even after an old path was imported
  (the stand-in module is callable and calls it).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import warnings
from collections.abc import Sequence
from typing import Any

#: Old module path -> new module path.
MOVED = {
    "rarepassport.render": "rarepassport.rendering",
    "rarepassport.layout": "rarepassport.layouts",
    "rarepassport.validate": "rarepassport.validation",
}


def _warn(old: str, new: str) -> None:
    warnings.warn(
        f"the module {old} is now {new}; import from {new} (or use the function "
        f"rarepassport.{old.rsplit('.', 1)[1]}) — the old path goes in 1.0",
        DeprecationWarning,
        stacklevel=3,
    )


class _MovedModule(types.ModuleType):
    """A stand-in for an old module path: attributes come from the new module."""

    def __init__(self, old: str, new: str) -> None:
        super().__init__(old)
        self.__dict__["_new"] = new

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return getattr(importlib.import_module(self.__dict__["_new"]), name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # The import system sets ``rarepassport.render`` to this module once it is
        # imported; the public function must keep working.
        from rarepassport import api

        return getattr(api, self.__name__.rsplit(".", 1)[1])(*args, **kwargs)


class _Loader(importlib.abc.Loader):
    def __init__(self, old: str, new: str) -> None:
        self.old, self.new = old, new

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        _warn(self.old, self.new)
        if self.old in MOVED:
            module = _MovedModule(self.old, self.new)
            target = importlib.import_module(self.new)
            module.__path__ = list(getattr(target, "__path__", []))  # so old submodules import
            return module
        return importlib.import_module(self.new)  # an old submodule is the new one

    def exec_module(self, module: types.ModuleType) -> None:
        return None


class MovedFinder(importlib.abc.MetaPathFinder):
    """Finds the old module paths in `MOVED` and their submodules."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        for old, new in MOVED.items():
            if fullname == old or fullname.startswith(old + "."):
                loader = _Loader(fullname, new + fullname[len(old):])
                return importlib.machinery.ModuleSpec(fullname, loader, is_package=fullname == old)
        return None


def install() -> None:
    """Put the finder on ``sys.meta_path`` (once)."""
    if not any(isinstance(finder, MovedFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, MovedFinder())
