"""The built sdist and wheel: what they carry, their metadata, and twine's check."""

from __future__ import annotations

import email
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # A generated demo folder in the clone must not end up in the sdist.
    demo = ROOT / "passport-demo"
    made_demo = not demo.exists()
    if made_demo:
        demo.mkdir()
        (demo / "passport.pdf").write_bytes(b"%PDF-1.4 generated output")
    try:
        subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
                       check=True, capture_output=True)
    finally:
        if made_demo:
            shutil.rmtree(demo)
    return out


def test_the_sdist_carries_sources_and_no_generated_outputs(dist: Path) -> None:
    [sdist] = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = [name.split("/", 1)[1] for name in archive.getnames() if "/" in name]
    assert "src/rarepassport/__init__.py" in names
    assert "tests/test_packaging.py" in names
    assert not [name for name in names if name.startswith(("passport-demo", "site/"))]
    assert not [name for name in names if name.endswith(".pdf")]


def archive_text(wheel: Path, suffix: str) -> str:
    """The text of the one file in the wheel whose name ends with ``suffix``."""
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(next(n for n in archive.namelist() if n.endswith(suffix))).decode("utf-8")


def test_the_wheel_carries_the_fonts_and_their_licence(dist: Path) -> None:
    [wheel] = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = email.message_from_bytes(
            archive.read(next(n for n in names if n.endswith(".dist-info/METADATA")))
        )
    assert "rarepassport/fonts/DejaVuSans.ttf" in names
    # The command line's JSON report schema, and its entry point.
    assert "rarepassport/cli/report.schema.json" in names
    entry_points = archive_text(wheel, ".dist-info/entry_points.txt")
    assert "rarepassport = rarepassport.cli:main" in entry_points
    assert any(name.endswith("licenses/src/rarepassport/fonts/LICENSE") for name in names)
    assert "src/rarepassport/fonts/LICENSE" in metadata.get_all("License-File", [])
    urls = {url.split(",")[0] for url in metadata.get_all("Project-URL", [])}
    assert {"Documentation", "Source", "Issues", "Changelog"} <= urls
    classifiers = metadata.get_all("Classifier", [])
    for version in ("3.10", "3.11", "3.12", "3.13"):
        assert f"Programming Language :: Python :: {version}" in classifiers


def test_twine_accepts_both(dist: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *map(str, dist.iterdir())],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_wheel_carries_every_label_catalogue(dist: Path) -> None:
    from rarepassport import labels

    [wheel] = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert "rarepassport/locale/messages.pot" in names
    assert "rarepassport/locale/compiled/messages.pot.json" in names
    for language in labels.BUILT_IN_LANGUAGES:
        if language != "en":
            assert f"rarepassport/locale/{language}.po" in names
            assert f"rarepassport/locale/compiled/{language}.po.json" in names
            assert f"rarepassport/plugins/locale/haemophilia/{language}.po" in names
            assert f"rarepassport/plugins/locale/haemophilia/compiled/{language}.po.json" in names
