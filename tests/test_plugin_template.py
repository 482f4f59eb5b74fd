"""``rarepassport plugin new``: the skeleton is a working plugin that passes its own tests."""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rarepassport import __version__, cli
from rarepassport.testing import example_passport, plugin_manager_with

# tomllib is in the standard library from Python 3.11 on; tomli (the [test] extra) is the
# same parser for 3.10, so no test here is skipped there.
if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


@pytest.fixture(scope="module")
def skeleton(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plugin written once by the command, as a user would."""
    folder = tmp_path_factory.mktemp("skeleton") / "rarepassport-ehlers-danlos"
    assert cli.main(["plugin", "new", "ehlers-danlos", str(folder), "--title", "Ehlers-Danlos syndromes"]) == 0
    return folder


def _run(*argv: str, cwd: Path, pythonpath: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(pythonpath), os.environ.get("PYTHONPATH")]))}
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)


def test_skeleton_own_tests_pass(skeleton: Path) -> None:
    result = _run(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=skeleton,
                  pythonpath=skeleton / "src")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "4 passed" in result.stdout


def test_skeleton_has_the_package_layout(skeleton: Path) -> None:
    files = sorted(str(path.relative_to(skeleton)) for path in skeleton.rglob("*") if path.is_file())
    assert files == [
        "README.md",
        "pyproject.toml",
        "src/rarepassport_ehlers_danlos/__init__.py",
        "tests/test_plugin.py",
    ]


def test_skeleton_declares_its_entry_point(skeleton: Path) -> None:
    project = tomllib.loads((skeleton / "pyproject.toml").read_text())["project"]
    assert project["name"] == "rarepassport-ehlers-danlos"
    assert project["entry-points"]["rarepassport"] == {"ehlers-danlos": "rarepassport_ehlers_danlos"}


def test_skeleton_depends_on_the_current_minor_version_only(skeleton: Path) -> None:
    major, minor = (int(part) for part in __version__.split(".")[:2])
    project = tomllib.loads((skeleton / "pyproject.toml").read_text())["project"]
    assert project["dependencies"] == [f"rarepassport>={major}.{minor},<{major}.{minor + 1}"]


def test_skeleton_plugin_registers_its_section_and_rule(skeleton: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(skeleton / "src"))
    module = importlib.import_module("rarepassport_ehlers_danlos")
    try:
        plugins = plugin_manager_with(module)
        assert plugins.sections["ehlers_danlos"].title == "Ehlers-Danlos syndromes"
        assert "ehlers-danlos-section-filled-in" in {rule.code for rule in plugins.rules}
        passport = example_passport({"ehlers_danlos": {"notes": "Fragile skin"}}, plugins=plugins)
        assert passport.extensions["ehlers_danlos"].notes == "Fragile skin"
    finally:
        sys.modules.pop("rarepassport_ehlers_danlos", None)


def test_skeleton_passes_ruff(skeleton: Path) -> None:
    ruff = shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed")
    result = subprocess.run([ruff, "check", "--isolated", "--select", "E,F,W,I,B,UP", "."], cwd=skeleton,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout


def test_default_folder_is_named_after_the_distribution(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli.main(["plugin", "new", "fabry"]) == 0
    assert (tmp_path / "rarepassport-fabry" / "src" / "rarepassport_fabry" / "__init__.py").is_file()
    assert "pip install -e" in capsys.readouterr().out


def test_folder_that_is_not_empty_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("keep me")
    assert cli.main(["plugin", "new", "fabry", str(tmp_path)]) == 2
    assert "already exists and is not empty" in capsys.readouterr().err
    assert [path.name for path in tmp_path.iterdir()] == ["notes.txt"]


def test_malformed_name_is_refused_with_how_to_fix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["plugin", "new", "Fabry Disease!", str(tmp_path / "x")]) == 2
    assert "must be lower-case letters and digits" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_plugin_without_an_action_shows_its_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["plugin"]) == 2
    assert "new" in capsys.readouterr().out
