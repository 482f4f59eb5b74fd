"""Fixtures shared by the whole test suite.

* ``example_paths``: every example passport file in ``examples/`` (top level only);
* ``example_path``: one example file; a test that asks for it runs once per example;
* ``example_passports``: the examples loaded, keyed by file name;
* ``stress_passport``: the large multilingual passport of ``tests/helpers/stress.py``;
* ``environment_left_as_found`` (automatic, once per run): the installed distributions
  are the same after the suite as before it (tests install plugins into temporary
  folders only);
* ``english_messages`` (automatic, once per run): the command's messages are English
  whatever the machine's ``LANG``, since tests compare them (tests of other languages
  set the variables themselves); the variables are put back afterwards.

Add a fixture here only when several test modules need it; keep each one small and
say what it gives in this docstring.
"""

from __future__ import annotations

import importlib.metadata
import os
import site
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import rarepassport
from helpers.examples import example_files
from helpers.stress import make_stress_passport
from rarepassport.model import Passport


@pytest.fixture
def example_paths() -> list[Path]:
    """Every example passport file."""
    return example_files()


@pytest.fixture(params=example_files(), ids=lambda path: path.name)
def example_path(request: pytest.FixtureRequest) -> Path:
    """One example passport file; tests using it run once per example."""
    path: Path = request.param
    return path


@pytest.fixture
def example_passports() -> dict[str, Passport]:
    """Every example passport, loaded, keyed by file name (e.g. ``minimal.json``)."""
    return {path.name: rarepassport.load(path) for path in example_files()}


@pytest.fixture
def stress_passport() -> Passport:
    """A valid passport with 20 diagnoses, 60 medications, a 5,000-character protocol,
    and Arabic and Chinese text; see ``tests/helpers/stress.py``."""
    return make_stress_passport()


def _installed() -> set[tuple[str, str]]:
    """The distributions installed in this interpreter's own site folders."""
    folders = [*site.getsitepackages(), site.getusersitepackages(), sys.prefix]
    return {
        (dist.metadata["Name"], dist.version)
        for dist in importlib.metadata.distributions(path=[folder for folder in folders if Path(folder).is_dir()])
    }


@pytest.fixture(scope="session", autouse=True)
def environment_left_as_found() -> Iterator[None]:
    """Fails the run if a test installed or removed a package for good."""
    before = _installed()
    yield
    after = _installed()
    assert after == before, f"the test suite changed the environment: added {sorted(after - before)}, " \
                            f"removed {sorted(before - after)}"


#: The variables the command line takes its message language from (gettext's order).
_LANGUAGE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture(scope="session", autouse=True)
def english_messages() -> Iterator[None]:
    """Messages in English for the whole run, the language the tests compare against."""
    saved = {name: os.environ.get(name) for name in _LANGUAGE_VARIABLES}
    os.environ["LANGUAGE"] = "en"
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
