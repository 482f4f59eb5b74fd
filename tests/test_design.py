"""The package's shape is a contract: the dependency direction, names and the Design page.

Specification: docs/design.md (and issue 9). Each test reads the real package (its import
graph through import-linter, its modules and names), never a hard-coded copy.
"""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
import re
import shutil
import subprocess
import sys
import typing
from pathlib import Path

import attrs
import pytest

import rarepassport
from helpers import mirror

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "rarepassport"


def _contract() -> dict[str, typing.Any]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    [contract] = [c for c in contracts if c["type"] == "layers" and "containers" not in c]
    return contract


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run(args, capture_output=True, text=True, cwd=ROOT, env=env, timeout=300, check=False)


def test_the_import_contracts_hold_with_no_circle() -> None:
    lint = shutil.which("lint-imports")
    assert lint is not None, "import-linter is a test dependency: pip install -e '.[test]'"
    result = _run([lint, "--no-cache"])
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_every_module_of_the_package_is_in_a_layer_of_the_contract() -> None:
    """A new module must be placed in the dependency direction, or the contract means little."""
    layers = {name.strip() for layer in _contract()["layers"] for name in layer.split("|")}
    allowed_outside = {"rarepassport._moved"}  # the old-path stand-ins, see docs/design.md
    unplaced = []
    for info in pkgutil.iter_modules([str(SRC)]):
        name = f"rarepassport.{info.name}"
        if name in layers or name in allowed_outside:
            continue
        # Private helpers of one layer live inside its package; at the top level they must be placed.
        unplaced.append(name)
    assert unplaced == []


def test_the_design_page_names_every_layer_in_the_contract_order() -> None:
    page = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\d+\. (.+)$", page, flags=re.M)
    page_layers = [sorted(re.findall(r"`(rarepassport[\w.]*)`", line)) for line in listed]
    contract_layers = [sorted(name.strip() for name in layer.split("|")) for layer in _contract()["layers"]]
    assert page_layers == contract_layers


@pytest.mark.parametrize("name", ["render", "layout", "validate", "load", "dump", "to_ips"])
def test_no_public_function_shares_its_name_with_a_module(name: str) -> None:
    assert inspect.isfunction(getattr(rarepassport, name))
    assert not (SRC / f"{name}.py").exists() and not (SRC / name).is_dir()


def test_every_public_name_says_it_comes_from_rarepassport() -> None:
    for name in rarepassport.__all__:
        value = getattr(rarepassport, name)
        if isinstance(value, type) or inspect.isfunction(value):
            assert value.__module__ == "rarepassport", name


def test_public_classes_keep_their_type_hints_under_the_public_module() -> None:
    """Setting __module__ must not break typing.get_type_hints (cattrs and users rely on it)."""
    for name in rarepassport.__all__:
        value = getattr(rarepassport, name)
        if isinstance(value, type) and attrs.has(value):
            hints = typing.get_type_hints(value)
            assert set(hints) >= {field.name for field in attrs.fields(value)}, name


def test_the_lazy_export_table_and_all_name_the_same_public_names() -> None:
    """``__all__`` is written out (for linters and star imports); it must not drift from the table."""
    table = {name for names in rarepassport._EXPORTS.values() for name in names}
    assert set(rarepassport.__all__) == {"__version__", *table}
    assert len(rarepassport.__all__) == len(set(rarepassport.__all__))


def test_the_registries_are_public() -> None:
    for name in ("SectionRegistry", "RuleRegistry", "BackendRegistry", "ExporterRegistry", "LabelRegistry",
                 "SectionSpec", "BackendSpec", "ExporterSpec", "PluginManager"):
        assert name in rarepassport.__all__


def test_every_exception_lives_in_the_errors_module() -> None:
    defined_elsewhere = []
    for path in SRC.rglob("*.py"):
        # The command line's own errors (a message and an exit status) never reach a library user.
        if path.name == "errors.py" or "cli" in path.relative_to(SRC).parts:
            continue
        for match in re.finditer(r"^class (\w+)\((\w*(?:Error|Exception|Warning))\b", path.read_text(encoding="utf-8"),
                                 flags=re.M):
            if not match.group(1).startswith("_"):
                defined_elsewhere.append(f"{path.relative_to(SRC)}: {match.group(1)}")
    assert defined_elsewhere == []


def test_plugins_none_becomes_the_default_manager_only_in_the_api_module() -> None:
    callers = [str(path.relative_to(SRC)) for path in SRC.rglob("*.py")
               if "default_plugin_manager()" in path.read_text(encoding="utf-8")
               and path.name not in {"api.py", "plugin_manager.py"}]
    # The command line builds its manager once for a run (with --plugin options).
    assert [c for c in callers if "cli" not in c] == []


def test_every_built_in_plugin_is_listed_in_one_place_and_loads() -> None:
    from rarepassport.builtins import BUILTIN_PLUGINS

    manager = rarepassport.make_plugin_manager(entry_points=False)
    loaded = {info.name for info in manager.plugins() if info.source == "builtin"}
    assert loaded == {name for name, _module in BUILTIN_PLUGINS}
    assert manager.failures == []
    for _name, module in BUILTIN_PLUGINS:
        assert importlib.import_module(module)


@pytest.mark.parametrize(
    ("old", "new", "name"),
    [
        ("rarepassport.render", "rarepassport.rendering", "Rendered"),
        ("rarepassport.layout", "rarepassport.layouts", "layout_fields"),
        ("rarepassport.validate", "rarepassport.validation", "walk"),
    ],
)
def test_an_old_module_path_still_works_with_a_deprecation_warning(old: str, new: str, name: str) -> None:
    """In a fresh interpreter, so the old path's import is not cached by an earlier test."""
    function = old.rsplit(".", 1)[1]
    code = (
        "import warnings, rarepassport\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        f"    from {old} import {name} as old_name\n"
        f"from {new} import {name} as new_name\n"
        "assert old_name is new_name\n"
        "assert any(issubclass(w.category, DeprecationWarning) and "
        f"'{new}' in str(w.message) for w in caught), [str(w.message) for w in caught]\n"
        # The function of the same name keeps working after the old path was imported.
        f"assert callable(rarepassport.{function})\n"
        "p = rarepassport.load('examples/minimal.json')\n"
        f"print(type(rarepassport.{function}(p)).__name__)\n"
    )
    result = _run([sys.executable, "-W", "ignore::UserWarning", "-c", code])
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() in {"bytes", "Document", "Report"}


# --- the tests mirror the modules (docs/design.md, "Tests") --------------------------------------------


def _exports() -> dict[str, tuple[str, ...]]:
    # ``__version__`` is the one public name outside the lazy table (``import rarepassport`` sets it).
    return {**rarepassport._EXPORTS, "rarepassport._version": ("__version__",)}


def test_every_source_module_has_a_test_module_that_exercises_it() -> None:
    assert mirror.problems(ROOT / "src", ROOT / "tests", exports=_exports()) == []


def test_a_new_source_module_without_tests_is_found(tmp_path: Path) -> None:
    """The real package with one more private backend module that nothing tests."""
    shutil.copytree(SRC, tmp_path / "src" / "rarepassport", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "src" / "rarepassport" / "rendering" / "_braille.py").write_text('"""A new backend."""\n')
    found = mirror.problems(tmp_path / "src", ROOT / "tests", exports=_exports())
    assert found == ["rarepassport.rendering._braille has no test module: add tests/test_rendering_braille.py "
                     "or map it in tests/helpers/mirror.py"]


def _tree(tmp_path: Path, sources: dict[str, str], tests: dict[str, str]) -> tuple[Path, Path]:
    for relative, text in {"rarepassport/__init__.py": "", **sources}.items():
        path = tmp_path / "src" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (tmp_path / "tests").mkdir()
    for name, text in tests.items():
        (tmp_path / "tests" / f"{name}.py").write_text(text)
    return tmp_path / "src", tmp_path / "tests"


def test_a_test_module_must_exercise_the_module_it_is_mapped_to(tmp_path: Path) -> None:
    src, tests = _tree(
        tmp_path,
        {"rarepassport/dates.py": "", "rarepassport/api.py": "def load(): ...\n", "rarepassport/_x.py": ""},
        {
            "test_dates": "import json\n",  # the default name, but it never touches the module
            "test_api": "import rarepassport\nrarepassport.load()\n",  # a public name of api
            "test_x": "from rarepassport import _x\n",
            "test_package": "import rarepassport\n",
        },
    )
    found = mirror.problems(src, tests, exports={"rarepassport.api": ("load",)},
                            tested_by={"rarepassport": ("test_package",)}, through={})
    assert found == ["rarepassport.dates: tests/test_dates.py neither imports it nor uses its public names"]
    stale = mirror.problems(src, tests, exports={}, tested_by={"rarepassport.gone": ("test_x",)}, through={})
    assert "rarepassport.gone is mapped but is not a module" in stale
    assert "rarepassport: tests/test_package.py does not exist" not in stale
    assert "rarepassport has no test module: add tests/test_<name>.py or map it in tests/helpers/mirror.py" in stale


def test_a_module_tested_through_another_must_be_reached_by_it(tmp_path: Path) -> None:
    src, tests = _tree(
        tmp_path,
        {
            "rarepassport/api.py": "def render():\n    from rarepassport import _pdf\n",
            "rarepassport/_pdf.py": "",
            "rarepassport/_lonely.py": "",
            "rarepassport/__main__.py": "import rarepassport.api\n",
        },
        {"test_api": "import rarepassport\nrarepassport.render()\n",
         "test_main": "import subprocess, sys\nsubprocess.run([sys.executable, '-m', 'rarepassport'])\n"},
    )
    common = {"exports": {"rarepassport.api": ("render",)}, "tested_by": {
        "rarepassport": ("test_api",), "rarepassport._pdf": ("test_main",), "rarepassport._lonely": ("test_api",)}}
    found = mirror.problems(src, tests, **common, through={"rarepassport._pdf": "rarepassport.api",
                                                          "rarepassport._lonely": "rarepassport.api"})
    # _pdf: the test runs the program, which imports api, which imports _pdf (in a function).
    assert found == ["rarepassport._lonely: rarepassport.api does not reach it, so tests/test_api.py cannot "
                     "test it through rarepassport.api"]
    found = mirror.problems(src, tests, **common, through={})
    assert found == [
        "rarepassport._lonely: tests/test_api.py neither imports it nor uses its public names",
        "rarepassport._pdf: tests/test_main.py neither imports it nor uses its public names",
    ]
