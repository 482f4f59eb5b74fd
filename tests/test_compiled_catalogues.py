"""The compiled form of the shipped catalogues: what Babel reads, never anything else.

Each shipped ``.po``/``.pot`` file has ``compiled/<name>.json`` beside it (written by
``scripts/edit_labels.py``), so a command in English need not import Babel's catalogue
reader. These tests pin that the compiled form is current and equal to Babel's reading,
and that a catalogue edited after compiling is read from its own text again.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from rarepassport._catalogues import CORE_LOCALE_DIR, compiled_path, read_catalogue

PLUGIN_LOCALE_DIR = CORE_LOCALE_DIR.parent / "plugins" / "locale"
SHIPPED = sorted(
    path
    for folder in [CORE_LOCALE_DIR, *(p for p in PLUGIN_LOCALE_DIR.iterdir() if p.is_dir())]
    for path in [*folder.glob("*.po"), *folder.glob("*.pot")]
)
EXAMPLE = Path(__file__).parent.parent / "examples" / "child-several-diagnoses.json"


def babel_entries(path: Path) -> dict[str, tuple[str, str]]:
    """The oracle: Babel's own reading of the file, label entries only."""
    with path.open("rb") as file:
        catalogue = read_po(file, abort_invalid=True)
    return {message.context: (message.id, "" if message.fuzzy else message.string)
            for message in catalogue
            if message.context and isinstance(message.id, str) and isinstance(message.string, str)}


def test_the_shipped_catalogues_are_all_there() -> None:
    assert len(SHIPPED) >= 5 * 11  # the core and four built-in plugins, English and ten languages
    assert CORE_LOCALE_DIR / "messages.pot" in SHIPPED and CORE_LOCALE_DIR / "ar.po" in SHIPPED


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_every_shipped_catalogue_has_a_current_compiled_form_equal_to_babels_reading(path: Path) -> None:
    import hashlib

    compiled = json.loads(compiled_path(path).read_text(encoding="utf-8"))
    assert compiled["source_sha256"] == hashlib.sha256(path.read_bytes()).hexdigest(), (
        f"{path} changed after it was compiled: run python scripts/edit_labels.py compile")
    expected = babel_entries(path)
    assert {key: tuple(value) for key, value in compiled["entries"].items()} == expected
    assert read_catalogue(path) == expected


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "locale"
    shutil.copytree(CORE_LOCALE_DIR, folder)
    return folder / "fr.po"


def test_a_catalogue_edited_after_compiling_is_read_from_its_own_text(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    text = path.read_text(encoding="utf-8")
    old = 'msgstr "En cas d\'urgence"'
    assert old in text
    path.write_text(text.replace(old, 'msgstr "Urgence (corrigé)"', 1), encoding="utf-8")
    entries = read_catalogue(path)
    assert entries["section.emergency"] == ("In an emergency", "Urgence (corrigé)")
    assert entries == babel_entries(path)


@pytest.mark.parametrize("damage", [
    b"not json", b"[]", b'{"source_sha256": 1}', b"",
], ids=["not-json", "a-list", "wrong-hash", "empty"])
def test_a_damaged_compiled_form_is_ignored(tmp_path: Path, damage: bytes) -> None:
    path = _copy(tmp_path)
    compiled_path(path).write_bytes(damage)
    assert read_catalogue(path) == babel_entries(path)


def test_entries_of_the_wrong_shape_in_a_current_compiled_form_are_ignored(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    compiled = json.loads(compiled_path(path).read_text(encoding="utf-8"))
    compiled["entries"]["section.emergency"] = ["In an emergency", 3]
    compiled_path(path).write_text(json.dumps(compiled), encoding="utf-8")
    assert read_catalogue(path) == babel_entries(path)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_validate_does_not_import_babels_catalogue_reader(language: str) -> None:
    code = (
        "import sys\n"
        "from rarepassport.cli import main\n"
        f"status = main(['validate', '--language', {language!r}, {str(EXAMPLE)!r}])\n"
        "print(status, any(name.startswith('babel.messages') for name in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split()[-2:] == ["0", "False"]
