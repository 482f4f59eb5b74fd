"""The hazard log in docs/safety.md: every hazard names a test that exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).parent.parent
SAFETY = ROOT / "docs" / "safety.md"
_TEST_ID = re.compile(r"`(tests/[\w/]+\.py)::(\w+)(?:\[[^\]]*\])?`")


def hazard_rows() -> list[tuple[str, list[tuple[str, str]]]]:
    rows = []
    for line in SAFETY.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| H") and cells and re.fullmatch(r"H\d+", cells[0]):
            rows.append((cells[0], _TEST_ID.findall(line)))
    return rows


def defined_tests(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.name.startswith("test_")}


def test_the_hazard_log_has_hazards_with_unique_ids() -> None:
    ids = [hazard for hazard, _ in hazard_rows()]
    assert len(ids) >= 10
    assert len(ids) == len(set(ids))


def test_every_hazard_names_at_least_one_test_that_exists() -> None:
    for hazard, tests in hazard_rows():
        assert tests, f"{hazard} names no test"
        for file, name in tests:
            path = ROOT / file
            assert path.is_file(), f"{hazard}: {file} does not exist"
            assert name in defined_tests(path), f"{hazard}: {file}::{name} does not exist"
