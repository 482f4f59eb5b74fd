"""The version (``rarepassport._version``): written once, read by the build, printed by ``--version``.

Specification: the module docstring: one literal that hatchling reads, so that
``--version`` needs no look-up of the installed distribution (issue 13).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import rarepassport

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"

# PEP 440's canonical public version (https://peps.python.org/pep-0440/#appendix-b).
PEP_440 = re.compile(r"^([1-9][0-9]*!)?(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*((a|b|rc)(0|[1-9][0-9]*))?"
                     r"(\.post(0|[1-9][0-9]*))?(\.dev(0|[1-9][0-9]*))?$")


def test_the_version_is_a_pep_440_version() -> None:
    assert PEP_440.fullmatch(rarepassport.__version__), rarepassport.__version__


def test_the_build_reads_the_version_from_this_one_file() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" in config["project"]["dynamic"] and "version" not in config["project"]
    path = ROOT / config["tool"]["hatch"]["version"]["path"]
    assert path == SRC / "rarepassport" / "_version.py"
    assert re.findall(r'^__version__ = "([^"]+)"$', path.read_text(encoding="utf-8"), flags=re.M) == [
        rarepassport.__version__]


def test_version_prints_it_without_looking_the_distribution_up() -> None:
    code = ("import contextlib, io, sys\n"
            "from rarepassport.cli import main\n"
            "out = io.StringIO()\n"
            "try:\n"
            "    with contextlib.redirect_stdout(out):\n"
            "        status = main(['--version'])\n"
            "except SystemExit as exit:\n"
            "    status = exit.code\n"
            "print(out.getvalue().strip(), status, 'importlib.metadata' in sys.modules, 'pluggy' in sys.modules,"
            " sep='|')\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={"PYTHONPATH": str(SRC), "PATH": ""})
    assert result.stdout.strip().split("|") == [f"rarepassport {rarepassport.__version__}", "0", "False", "False"]
