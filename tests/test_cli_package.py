"""The ``rarepassport.cli`` package: one job per module, no import circle, public API only."""

from __future__ import annotations

import ast
import importlib
import json
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


# --- start-up: a command imports only its own module (issue 13) ------------------------------

EXAMPLE = CLI.parents[2] / "examples" / "child-several-diagnoses.json"


def _modules_after_cli(*argv: str) -> set[str]:
    """Every module loaded in a fresh interpreter after ``rarepassport ARGV`` ran."""
    script = (
        "import json, sys\n"
        "from rarepassport.cli import main\n"
        "try:\n"
        f"    main({list(argv)!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "sys.stdout.flush()\n"
        "sys.stderr.write('\\n' + json.dumps(sorted(sys.modules)) + '\\n')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return set(json.loads(result.stderr.strip().splitlines()[-1]))


def test_validate_imports_neither_the_other_commands_nor_rendering_nor_fhir() -> None:
    modules = _modules_after_cli("validate", str(EXAMPLE))
    assert "rarepassport.validation" in modules  # it did validate
    others = sorted(m for m in modules if m.startswith("rarepassport.cli.")
                    and m not in {"rarepassport.cli._main", "rarepassport.cli._common", "rarepassport.cli._parser",
                                  "rarepassport.cli._core"})
    assert others == []
    heavy = sorted(m for m in modules if m.split(".")[0] in {"fpdf", "fontTools", "PIL", "segno", "jsonschema"}
                   or m.startswith(("rarepassport.rendering", "rarepassport.fhir", "rarepassport.layouts",
                                    "rarepassport.document", "rarepassport.phenopacket", "rarepassport.batch")))
    assert heavy == []


def test_validate_in_english_loads_no_cldr_data_no_catalogue_parser_and_no_installed_metadata() -> None:
    # Babel (its catalogue reader and CLDR data) and importlib.metadata (with email) were
    # a third of the command's start-up; no plugin is installed here, and the messages
    # are English.
    modules = _modules_after_cli("validate", "--language", "en", str(EXAMPLE))
    assert "rarepassport.validation" in modules
    assert sorted(m for m in modules if m.split(".")[0] in {"babel", "email"} or m == "importlib.metadata") == []


def test_help_and_version_load_no_plugin_machinery() -> None:
    assert not {"rarepassport.plugin_manager", "rarepassport.model"} & _modules_after_cli("--help")


@pytest.mark.parametrize(("argv", "word"), [
    (["validate", "x.json"], "validate"),
    (["-q", "--block-plugin", "validate", "render", "x.json"], "render"),
    (["--block-plugin=a", "-v", "export", "fhir", "x.json"], "export"),
    (["--output-format", "json", "batch", "in/", "-o", "out/"], "batch"),
    (["--out", "json", "schema"], "schema"),  # argparse's prefix of --output-format
    (["--force", "validte", "x.json"], None),  # a typo: the full parser names every choice
    (["-h", "validate"], None),
    ([], None),
])
def test_the_command_word_is_found_after_the_options_of_every_command(argv: list[str], word: str | None) -> None:
    from rarepassport.cli._main import command_word

    assert command_word(argv) == word


def test_the_commands_table_names_exactly_what_each_module_registers() -> None:
    from rarepassport.cli import COMMANDS, build_parser
    from rarepassport.cli._main import subcommands

    for module, words in COMMANDS:
        for word in words:
            built = [names[0] for names, _ in subcommands(build_parser(word)) if len(names) == 1]
            assert built == list(words), (module, word)
    full = [names[0] for names, _ in subcommands(build_parser()) if len(names) == 1]
    assert full == [word for _, words in COMMANDS for word in words]


def test_a_command_parsed_alone_parses_as_with_every_command() -> None:
    from rarepassport.cli import build_parser
    from rarepassport.cli._main import command_word

    argv = ["-q", "render", str(EXAMPLE), "--view", "emergency", "-o", "x.pdf", "--force"]
    alone = vars(build_parser(command_word(argv)).parse_args(argv))
    full = vars(build_parser().parse_args(argv))
    assert alone.keys() == full.keys()
    assert {k: v for k, v in alone.items() if k != "handler"} == {k: v for k, v in full.items() if k != "handler"}
    assert alone["handler"].__qualname__ == full["handler"].__qualname__
