"""The ``rarepassport.cli`` package: one job per module, no import circle, public API only."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

CLI = Path(__file__).resolve().parent.parent / "src" / "rarepassport" / "cli"
MODULES = sorted(path.stem for path in CLI.glob("*.py"))


def _imports(module: str) -> list[tuple[str, list[str]]]:
    """(module, names) for every ``import`` and ``from ... import`` in the module, anywhere in it."""
    tree = ast.parse((CLI / f"{module}.py").read_text(encoding="utf-8"))
    found: list[tuple[str, list[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            found.extend((alias.name, []) for alias in node.names)
    return found


# __init__ answers --version and hands over to _main, the runner that registers every
# command module: both sit above the commands (the import contract in pyproject.toml).
@pytest.mark.parametrize("module", [m for m in MODULES if m not in {"__init__", "_main"}])
def test_a_command_module_never_imports_the_package_or_a_sibling_command_module(module: str) -> None:
    allowed = {"rarepassport.cli._common", "rarepassport.cli._starter"}
    for imported, names in _imports(module):
        if imported == "rarepassport.cli":
            raise AssertionError(f"{module} imports the cli package itself ({names}): a circle")
        if imported.startswith("rarepassport.cli.") and imported not in allowed:
            raise AssertionError(f"{module} imports {imported}; only _common and _starter are shared")


def test_common_is_a_leaf_of_the_package() -> None:
    assert not [m for m, _ in _imports("_common") if m.startswith("rarepassport.cli")]


#: Private names the CLI may use, each with the reason (none: it uses public names only).
KNOWN_PRIVATE: set[tuple[str, str]] = set()


@pytest.mark.parametrize("module", MODULES)
def test_the_cli_uses_no_private_name_of_another_module(module: str) -> None:
    for imported, names in _imports(module):
        if imported.startswith("rarepassport") and not imported.startswith("rarepassport.cli"):
            private = [
                name for name in names
                if name.startswith("_") and name != "__version__" and (imported, name) not in KNOWN_PRIVATE
            ]
            assert not private, f"{module} uses private {private} of {imported}"


@pytest.mark.parametrize("module", MODULES)
def test_each_module_imports_first_in_a_fresh_interpreter(module: str) -> None:
    name = "rarepassport.cli" if module == "__init__" else f"rarepassport.cli.{module}"
    subprocess.run([sys.executable, "-c", f"import {name}"], check=True)


def test_the_console_script_and_python_m_run_the_same_main() -> None:
    # The entry point as pyproject.toml declares it (the installed metadata may be older).
    text = (CLI.parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    scripts = text.split("[project.scripts]", 1)[1].split("\n[", 1)[0]
    assert 'rarepassport = "rarepassport.cli:main"' in scripts
    module, _, function = "rarepassport.cli:main".partition(":")
    assert callable(getattr(importlib.import_module(module), function))
    result = subprocess.run([sys.executable, "-m", "rarepassport", "--version"], capture_output=True, text=True)
    assert result.returncode == 0
    assert result.stdout.startswith("rarepassport ")
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from rarepassport.cli import main; sys.exit(main(['--version']))"],
        capture_output=True, text=True,
    )
    assert result.returncode == 0 and result.stdout.startswith("rarepassport ")
