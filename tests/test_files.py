"""Bounded reads of regular files and atomic writes (``rarepassport.files``).

Specification: the docstrings of ``read_input`` and ``write_atomic``. Devices, FIFOs,
symbolic links, signals and stale temporaries are in tests/test_safe_writes.py and
tests/test_hostile_input.py; these tests are the two functions' plain contract.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

import rarepassport.limits
from rarepassport.files import read_input, write_atomic


def test_a_regular_file_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_bytes(b"x" * 3_000_000)  # more than one read of 1 MiB
    assert read_input(path) == b"x" * 3_000_000
    (tmp_path / "empty.json").write_bytes(b"")
    assert read_input(str(tmp_path / "empty.json")) == b""


def test_a_limit_given_is_used_instead_of_the_module_s(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff" * 100)
    assert read_input(path, limit=100) == b"\xff" * 100  # exactly at the limit
    with pytest.raises(OSError, match=r"larger than 99 bytes \(see rarepassport.limits\)") as caught:
        read_input(path, limit=99)
    assert caught.value.errno == errno.EFBIG and caught.value.filename == str(path)
    monkeypatch.setattr(rarepassport.limits, "MAX_FILE_BYTES", 10)
    assert read_input(path, limit=1000) == b"\xff" * 100


@pytest.mark.parametrize("function", [lambda name: read_input(name), lambda name: write_atomic(name, b"x")],
                         ids=["read_input", "write_atomic"])
def test_a_file_name_with_a_nul_byte_is_refused_without_echoing_it(function: object) -> None:
    with pytest.raises(OSError, match="the file name holds a NUL byte") as caught:
        function("secret\x00name.json")  # type: ignore[operator]
    assert caught.value.errno == errno.EINVAL and caught.value.filename == "(file name)"


def test_a_missing_file_is_an_os_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError) as caught:
        read_input(tmp_path / "none.json")
    assert caught.value.filename == str(tmp_path / "none.json")


def test_a_write_replaces_the_file_whole_and_leaves_nothing_beside_it(tmp_path: Path) -> None:
    path = tmp_path / "out.pdf"
    write_atomic(path, b"first")
    write_atomic(str(path), b"second, longer")
    assert path.read_bytes() == b"second, longer"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.pdf"]


def test_an_existing_file_keeps_its_permissions(tmp_path: Path) -> None:
    """(A new file is readable by its owner only: tests/test_safe_writes.py.)"""
    shared = tmp_path / "shared.pdf"
    shared.write_bytes(b"old")
    shared.chmod(0o640)
    write_atomic(shared, b"new")
    assert stat.S_IMODE(shared.stat().st_mode) == 0o640 and shared.read_bytes() == b"new"


def test_a_write_into_a_missing_folder_names_the_target(tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "out.pdf"
    with pytest.raises(OSError) as caught:
        write_atomic(target, b"x")
    assert caught.value.filename == str(target)
    assert not (tmp_path / "no").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to a read-only folder")
def test_a_read_only_folder_is_an_error_naming_the_target_and_the_old_file_stays(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    target = folder / "out.pdf"
    target.write_bytes(b"old")
    folder.chmod(0o500)
    try:
        with pytest.raises(PermissionError) as caught:
            write_atomic(target, b"new")
        assert caught.value.filename == str(target)
        assert target.read_bytes() == b"old"
    finally:
        folder.chmod(0o700)
