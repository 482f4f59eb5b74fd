"""The example passports shipped with the repository."""

from __future__ import annotations

from pathlib import Path

#: The folder of example passports shipped with the repository.
EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples"

_PASSPORT_SUFFIXES = (".json", ".yaml", ".yml")


def example_files() -> list[Path]:
    """The example passport files, sorted by name (sub-folders such as plugins/ excluded)."""
    return sorted(path for path in EXAMPLES_DIR.iterdir() if path.suffix in _PASSPORT_SUFFIXES)
