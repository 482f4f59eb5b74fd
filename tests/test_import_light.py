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
#: (segno), checking against the JSON Schema (jsonschema) or reading label catalogues and
#: CLDR data (babel) may import.
HEAVY_MODULES = ("fpdf", "fontTools", "PIL", "segno", "jsonschema", "babel")


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
        "from rarepassport.validate import validate\n"
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
    import rarepassport.layout
    import rarepassport.render
    import rarepassport.render._html
    import rarepassport.validate

    assert callable(rarepassport.render)
    assert callable(rarepassport.layout)
    assert callable(rarepassport.validate)
