"""Limits on what rarepassport reads (``rarepassport.limits``).

Specification: the module docstring: every limit is checked before the work it bounds, a
document over a limit is refused with a message naming the limit, and each limit is read
when it is checked, so a program can raise it. Hostile documents themselves are in
tests/test_hostile_input.py; these tests are about the limits as settings.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

import rarepassport
import rarepassport.limits
from rarepassport import LoadError

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "minimal.json"


def _nested(depth: int) -> str:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    deep: object = "x"
    for _ in range(depth):
        deep = [deep]
    data["x_deep"] = deep
    return json.dumps(data)


def test_every_limit_is_a_positive_whole_number() -> None:
    for name in rarepassport.limits.__all__:
        value = getattr(rarepassport.limits, name)
        assert isinstance(value, int) and value > 0, name


def test_a_limit_is_read_when_it_is_checked_so_a_program_can_change_it(monkeypatch: pytest.MonkeyPatch,
                                                                       tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_bytes(EXAMPLE.read_bytes())
    rarepassport.load(path)  # well within the default
    monkeypatch.setattr(rarepassport.limits, "MAX_FILE_BYTES", path.stat().st_size - 1)
    with pytest.raises(OSError, match=r"larger than \d+ bytes \(see rarepassport.limits\)") as caught:
        rarepassport.load(path)
    assert caught.value.filename == str(path)  # the file is named, its content never read
    monkeypatch.setattr(rarepassport.limits, "MAX_FILE_BYTES", path.stat().st_size)
    assert rarepassport.load(path).person.name


def test_the_depth_limit_names_itself_and_can_be_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _nested(rarepassport.limits.MAX_DEPTH + 5)
    with pytest.raises(LoadError) as caught:
        rarepassport.loads(text)
    assert "deep" in str(caught.value).lower() or "MAX_DEPTH" in str(caught.value)
    monkeypatch.setattr(rarepassport.limits, "MAX_DEPTH", rarepassport.limits.MAX_DEPTH + 10)
    with pytest.raises(LoadError) as unknown_field:
        rarepassport.loads(text)  # now read in full, and refused only for the unknown field
    assert "x_deep" in str(unknown_field.value)


def test_a_photo_uri_may_be_as_long_as_the_largest_photo_in_base64(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rarepassport.limits, "MAX_PHOTO_BYTES", 3000)
    longest = rarepassport.limits.photo_uri_length()
    uri = "data:image/jpeg;base64," + base64.b64encode(b"\xff" * 3000).decode()
    assert len(uri) <= longest < len(uri) + 200
    monkeypatch.setattr(rarepassport.limits, "MAX_PHOTO_BYTES", 6000)
    assert rarepassport.limits.photo_uri_length() > longest  # follows the setting when called
