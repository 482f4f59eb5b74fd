"""The whole test suite on the oldest supported Python and the newest this machine has.

``pip install nox && nox`` is the README's test command, and what ``.ci/run`` runs: it
makes a fresh virtual environment for each interpreter, installs ``.[test]`` into it and
runs ``pytest`` there. The interpreters are Python 3.10 (the oldest that
``requires-python`` admits) and the newest ``python3.N`` found on ``PATH`` or among
pyenv's versions; on a machine with neither, the Python that runs nox. Pass pytest
options after ``--``: ``nox -- -k phenopacket -x``. ``nox -s tests-3.13`` runs one.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nox

OLDEST = "3.10"
nox.options.sessions = ["tests"]
nox.options.error_on_missing_interpreters = True


def _pyenv_bins() -> list[str]:
    """The ``bin`` folders of pyenv's installed versions, newest first (none without pyenv)."""
    root = os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    versions = Path(root) / "versions"
    if not versions.is_dir():
        return []
    found = [p for p in versions.iterdir() if re.fullmatch(r"3\.[0-9]+\.[0-9]+", p.name) and (p / "bin").is_dir()]
    found.sort(key=lambda p: tuple(int(part) for part in p.name.split(".")), reverse=True)
    return [str(p / "bin") for p in found]


def _works(name: str) -> bool:
    """Whether ``name`` on PATH is a real interpreter (a pyenv shim of a version not selected is not)."""
    path = shutil.which(name)
    if path is None:
        return False
    try:
        return subprocess.run([path, "-c", "pass"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _interpreters() -> list[str]:
    # pyenv's versions go on PATH so that nox finds ``python3.10`` and the newest by name.
    os.environ["PATH"] = os.pathsep.join([*_pyenv_bins(), os.environ.get("PATH", "")])
    minors = [m for m in range(10, 30) if _works(f"python3.{m}")]
    chosen = []
    if 10 in minors:
        chosen.append(OLDEST)
    if minors and minors[-1] != 10:
        chosen.append(f"3.{minors[-1]}")
    return chosen or [f"{sys.version_info.major}.{sys.version_info.minor}"]


@nox.session(python=_interpreters())
def tests(session: nox.Session) -> None:
    """The whole test suite, installed as a user would install it with the [test] extra."""
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)
