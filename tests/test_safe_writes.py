"""Safe writes: links followed, special files written through, temporaries never left.

``write_atomic`` (used by ``dump`` and every ``-o`` of the command line) must never
replace a device, FIFO or link with a regular file, must leave no temporary file with
health data behind on a handled failure or on SIGINT/SIGTERM, and must name the real
output in its errors.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import rarepassport as rp
from rarepassport.cli import main
from rarepassport.convert import write_atomic

PASSPORT = rp.from_dict({"schema_version": "1.0", "person": {"name": "Ada Example", "date_of_birth": "2015-03-02"}})
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(".tmp"))


def test_writing_to_a_symlink_replaces_its_target_and_keeps_the_link(tmp_path: Path) -> None:
    target = tmp_path / "real" / "ada.json"
    target.parent.mkdir()
    target.write_text("old")
    link = tmp_path / "ada.json"
    link.symlink_to(target)
    rp.dump(PASSPORT, link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert rp.load(target) == PASSPORT
    assert leftovers(tmp_path) == leftovers(target.parent) == []


@needs_fifo
def test_writing_to_a_fifo_writes_through_without_replacing_it(tmp_path: Path) -> None:
    fifo = tmp_path / "out.json"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        write_atomic(fifo, b"hello")
        assert os.read(reader, 100) == b"hello"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert leftovers(tmp_path) == []


@needs_fifo
def test_a_fifo_without_a_reader_is_an_error_naming_it_not_a_wait(tmp_path: Path) -> None:
    fifo = tmp_path / "out.json"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="no reader") as refused:
        write_atomic(fifo, b"hello")
    assert refused.value.filename == str(fifo)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_dev_null_stays_a_character_device_through_the_api_and_the_cli() -> None:
    rp.dump(PASSPORT, "/dev/null")
    assert main(["schema", "-o", "/dev/null"]) == 0
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@needs_fifo
def test_a_symlink_to_a_fifo_writes_through_the_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "out.json"
    link.symlink_to(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        write_atomic(link, b"through")
        assert os.read(reader, 100) == b"through"
    finally:
        os.close(reader)
    assert link.is_symlink() and stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_folder_is_refused_as_output(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="folder") as refused:
        write_atomic(tmp_path, b"x")
    assert refused.value.filename == str(tmp_path)


def test_a_handled_failure_removes_the_temporary_file(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        write_atomic(tmp_path / "ada.json", "not bytes")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_errors_name_the_output_never_the_temporary_file(tmp_path: Path) -> None:
    output = tmp_path / "missing" / "ada.json"
    with pytest.raises(OSError) as failed:
        write_atomic(output, b"x")
    assert failed.value.filename == str(output)
    assert ".tmp" not in str(failed.value)


def test_a_new_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    write_atomic(tmp_path / "ada.json", b"{}")
    assert stat.S_IMODE(os.stat(tmp_path / "ada.json").st_mode) == 0o600


def test_a_later_write_removes_stale_temporaries_of_dead_writers_only(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".ada.json.{int(dead.stdout)}.abc123.rarepassport.tmp"
    alive = tmp_path / f".ada.json.{os.getpid()}.def456.rarepassport.tmp"
    unrelated = tmp_path / ".ada.json.notes.tmp"
    for path in (stale, alive, unrelated):
        path.write_text("partial health data")
    write_atomic(tmp_path / "ada.json", b"{}")
    assert not stale.exists()
    assert alive.exists() and unrelated.exists()


_KILLED_WHILE_WRITING = textwrap.dedent(
    """
    import os, signal, stat, sys
    from rarepassport import convert

    def fsync(fd):  # the moment the temporary file holds data but is not yet in place
        print(oct(stat.S_IMODE(os.fstat(fd).st_mode)), flush=True)
        os.kill(os.getpid(), getattr(signal, sys.argv[2]))

    convert.os.fsync = fsync
    convert.write_atomic(sys.argv[1], b"health data")
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("name", ["SIGTERM", "SIGINT"])
def test_a_signal_during_a_write_leaves_no_temporary_file(tmp_path: Path, name: str) -> None:
    output = tmp_path / "ada.json"
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_WHILE_WRITING, str(output), name],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(rp.__file__).parent.parent)},
        timeout=60,
    )
    assert done.stdout.strip() == "0o600"  # the temporary file was never readable by others
    if name == "SIGTERM":
        assert done.returncode == -signal.SIGTERM  # and the signal still ended the process
    else:
        assert "KeyboardInterrupt" in done.stderr
    assert list(tmp_path.iterdir()) == []
