"""Outside plugins are found wherever ``importlib.metadata`` finds them, and not looked for
at length when none is installed (issue 13: start-up).

Specification: `rarepassport.plugin_manager`'s ``_may_declare_entry_points``: a plugin
manager loads exactly the ``rarepassport`` entry points ``importlib.metadata`` lists,
whatever the layout of the installed distribution (a ``.dist-info`` or ``.egg-info``
folder, an egg, a ZIP file on ``sys.path``) or the form of its ``[rarepassport]`` line;
with none installed, ``importlib.metadata`` (and the ``email`` package it loads) is not
imported. Each check runs in a fresh interpreter with its own ``sys.path``; every
distribution is written in tmp_path.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import rarepassport

SRC = str(Path(rarepassport.__file__).resolve().parents[1])

PLUGIN = '''
from rarepassport import hookimpl


@hookimpl
def rarepassport_register_rules(rules):
    rules.add(lambda passport, context: iter(()), code="{name}-nothing", description="finds nothing")
'''

#: Loads the plugins in a fresh interpreter; prints the entry-point plugins loaded, the
#: entry points importlib.metadata lists (imported only afterwards) and whether
#: importlib.metadata had been imported by the manager.
PROBE = """
import json, sys
from rarepassport import make_plugin_manager
manager = make_plugin_manager()
loaded = sorted(info.name for info in manager.plugins() if info.source == "entry-point")
imported = "importlib.metadata" in sys.modules or "email" in sys.modules
import importlib.metadata
listed = sorted(ep.name for ep in importlib.metadata.entry_points(group="rarepassport"))
print(json.dumps({"loaded": loaded, "listed": listed, "imported": imported}))
"""


def _probe(*paths: Path) -> dict[str, object]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([*map(str, paths), SRC]))
    env.pop("RAREPASSPORT_DISABLE_PLUGINS", None)
    env.pop("RAREPASSPORT_BLOCK_PLUGINS", None)
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, env=env)
    answer: dict[str, object] = json.loads(result.stdout.splitlines()[-1])
    return answer


def _distribution(folder: Path, info_name: str, module: str, entry_points: str) -> None:
    """A plugin module in ``folder`` and its metadata folder ``info_name`` in ``folder``."""
    (folder / f"{module}.py").write_text(PLUGIN.format(name=module), encoding="utf-8")
    info = folder / info_name
    info.mkdir(parents=True)
    (info / ("PKG-INFO" if "egg" in info_name.lower() else "METADATA")).write_text(
        f"Metadata-Version: 2.1\nName: {module.replace('_', '-')}\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_bytes(entry_points.encode("utf-8"))


def test_with_no_plugin_installed_importlib_metadata_is_not_imported() -> None:
    answer = _probe()
    assert answer == {"loaded": [], "listed": [], "imported": False}


@pytest.mark.parametrize(("info_name", "entry_points"), [
    ("probe_plugin-0.1.dist-info", "[rarepassport]\nprobe = probe_plugin\n"),
    ("Probe_Plugin-0.1.DIST-INFO", "[console_scripts]\nx = y:z\n\n[rarepassport]\nprobe = probe_plugin\n"),
    ("probe_plugin.egg-info", "[rarepassport]\nprobe = probe_plugin\n"),
    ("probe_plugin-0.1.dist-info", "  [rarepassport]  \r\nprobe = probe_plugin\r\n"),
    ("probe_plugin-0.1.dist-info", "[[rarepassport]]\nprobe = probe_plugin\n"),
    ("probe_plugin-0.1.dist-info", "[other]\nx = y\x0c[rarepassport]\nprobe = probe_plugin\n"),
])
def test_a_plugin_in_a_folder_on_the_path_is_found(tmp_path: Path, info_name: str, entry_points: str) -> None:
    _distribution(tmp_path, info_name, "probe_plugin", entry_points)
    answer = _probe(tmp_path)
    assert answer["loaded"] == answer["listed"] == ["probe"]
    assert answer["imported"] is True


@pytest.mark.parametrize("entry_points", [
    "[ rarepassport ]\nprobe = probe_plugin\n",  # not the group to importlib.metadata
    "# [rarepassport]\nprobe = probe_plugin\n",
    "[console_scripts]\nrarepassport = probe_plugin:main\n",
])
def test_a_line_importlib_metadata_does_not_read_as_the_group_loads_nothing(tmp_path: Path, entry_points: str) -> None:
    _distribution(tmp_path, "probe_plugin-0.1.dist-info", "probe_plugin", entry_points)
    answer = _probe(tmp_path)
    assert answer["loaded"] == answer["listed"] == []


def test_a_plugin_in_an_egg_is_found(tmp_path: Path) -> None:
    egg = tmp_path / "probe_plugin-0.1-py3.egg"
    egg.mkdir()
    _distribution(egg, "EGG-INFO", "probe_plugin", "[rarepassport]\nprobe = probe_plugin\n")
    answer = _probe(egg)
    assert answer["loaded"] == answer["listed"] == ["probe"]


def test_a_plugin_in_a_zip_file_on_the_path_is_found(tmp_path: Path) -> None:
    archive = tmp_path / "plugins.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("probe_plugin.py", PLUGIN.format(name="probe_plugin"))
        zipped.writestr("probe_plugin-0.1.dist-info/METADATA",
                        "Metadata-Version: 2.1\nName: probe-plugin\nVersion: 0.1\n")
        zipped.writestr("probe_plugin-0.1.dist-info/entry_points.txt", "[rarepassport]\nprobe = probe_plugin\n")
    answer = _probe(archive)
    assert answer["loaded"] == answer["listed"] == ["probe"]
