"""``import rarepassport`` stays light: rendering and schema libraries load only when used.

Each check runs in a fresh interpreter, because this test process has long since
imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "child-several-diagnoses.json"

#: Top-level modules that only rendering (fpdf2 and its fontTools and Pillow), QR codes
#: (segno), checking against the JSON Schema (jsonschema), reading label catalogues and
#: CLDR data (babel) or opening an encrypted file or a SMART Health Link (cryptography)
#: may import.
HEAVY_MODULES = ("fpdf", "fontTools", "PIL", "segno", "jsonschema", "babel", "cryptography")


def _modules_after(code: str) -> set[str]:
    """Top-level module names loaded in a fresh interpreter after running ``code``."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted({{name.split('.')[0] for name in sys.modules}})))"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return set(json.loads(result.stdout.splitlines()[-1]))


@pytest.fixture(scope="module")
def modules_after_import() -> set[str]:
    """Modules loaded by ``import rarepassport`` (one interpreter for all the checks)."""
    return _modules_after("import rarepassport")


@pytest.fixture(scope="module")
def modules_after_load_and_validate() -> set[str]:
    """Modules loaded by reading and validating an example passport."""
    return _modules_after(
        "import rarepassport\n"
        "from rarepassport import validate\n"
        f"assert validate(rarepassport.load({str(EXAMPLE)!r})).ok\n"
    )


@pytest.mark.parametrize("module", HEAVY_MODULES)
def test_import_rarepassport_does_not_import(module: str, modules_after_import: set[str]) -> None:
    assert module not in modules_after_import


@pytest.mark.parametrize("module", HEAVY_MODULES)
def test_loading_and_validating_a_passport_does_not_import(
    module: str, modules_after_load_and_validate: set[str]
) -> None:
    assert module not in modules_after_load_and_validate


def test_top_level_render_layout_and_validate_stay_functions_after_submodule_imports() -> None:
    import rarepassport
    import rarepassport.layouts
    import rarepassport.rendering
    import rarepassport.rendering._html
    import rarepassport.validation

    assert callable(rarepassport.render)
    assert callable(rarepassport.layout)
    assert callable(rarepassport.validate)


# --- issue 13: start-up within a few times `python -c pass` -------------------------------
#
# The timing is in benchmarks/run.py (startup); these pin what makes it fast: the
# modules that each step loads.

#: What building the model, loading plugins and reading installed metadata pull in.
STARTUP_MODULES = ("attr", "attrs", "cattrs", "pluggy", "importlib_metadata", "email")


def _rarepassport_modules_after(code: str) -> set[str]:
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return set(json.loads(result.stdout.splitlines()[-1]))


@pytest.mark.parametrize("module", STARTUP_MODULES)
def test_import_rarepassport_loads_nothing_before_a_name_is_used(module: str, modules_after_import: set[str]) -> None:
    assert module not in modules_after_import


def test_import_rarepassport_loads_only_its_version_module() -> None:
    loaded = _rarepassport_modules_after("import rarepassport")
    # _moved: the finder that keeps the old module paths working (a few lines, no imports).
    assert {name for name in loaded if name.startswith("rarepassport")} == {
        "rarepassport", "rarepassport._version", "rarepassport._moved"}
    assert "importlib.metadata" not in loaded


def test_version_command_loads_no_model_plugins_or_commands() -> None:
    loaded = _rarepassport_modules_after(
        "import contextlib, io\nfrom rarepassport.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out, contextlib.suppress(SystemExit):\n"
        "    main(['--version'])\n"
        "assert out.getvalue().startswith('rarepassport ')"
    )
    ours = {name for name in loaded if name.startswith("rarepassport")}
    assert ours == {"rarepassport", "rarepassport._version", "rarepassport._moved", "rarepassport.cli"}
    assert not {name.split(".")[0] for name in loaded} & set(STARTUP_MODULES)


def test_the_lazy_public_names_cover_the_model() -> None:
    import rarepassport
    import rarepassport.model

    assert set(rarepassport.model.__all__) <= set(rarepassport.__all__)
    for name in rarepassport.__all__:
        assert getattr(rarepassport, name) is not None


def test_the_version_written_once_is_the_installed_one() -> None:
    import importlib.metadata

    import rarepassport

    assert rarepassport.__version__ == importlib.metadata.version("rarepassport")
