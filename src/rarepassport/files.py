"""Files: bounded reads of regular files only, and atomic writes.

Reading refuses devices, FIFOs and sockets without blocking on them, and files larger
than [`rarepassport.limits.MAX_FILE_BYTES`][rarepassport.limits]. Writing goes to a private temporary
file renamed into place, so a failed or killed write never leaves a half-written
passport; a symbolic link's target is written, a special file (a device, a FIFO) is
written through and never replaced.
"""

from __future__ import annotations

import errno
import os
import signal
import stat
import tempfile
import threading
from pathlib import Path
from typing import Any

from rarepassport import limits
from rarepassport._catalogues import core_text

__all__ = ["read_input", "write_atomic"]


def _refused(code: int, reason_id: str, name: str, **arguments: str) -> OSError:
    """An ``OSError`` of our own making, its reason from the catalogue.

    Like [`core_error`][rarepassport._catalogues.core_error], the error carries
    ``message_id`` and ``arguments``, so the command line says the reason in its language.
    """
    error = OSError(code, core_text(reason_id, **arguments), name)
    error.message_id = reason_id  # type: ignore[attr-defined]
    error.arguments = arguments  # type: ignore[attr-defined]
    return error


def read_input(path: str | os.PathLike[str], *, limit: int | None = None) -> bytes:
    """The bytes of an input file, refusing what is not a regular file or is too large.

    A device (``/dev/zero``), a FIFO or a socket is refused without reading from it
    (a FIFO is opened without waiting for a writer); a file larger than
    [`rarepassport.limits.MAX_FILE_BYTES`][rarepassport.limits] is refused before it is read.

    Raises:
        OSError: When the file cannot be read, is not a regular file or is too large;
            ``filename`` is the path given.
    """
    name = os.fspath(path)
    if isinstance(name, bytes) or "\x00" in name:
        raise _refused(errno.EINVAL, "cli.reason.nul-in-name", "(file name)")
    most = limits.MAX_FILE_BYTES if limit is None else limit
    fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "folder" if stat.S_ISDIR(info.st_mode) else "special-file"
            raise _refused(errno.EINVAL, f"cli.reason.{kind}", name)
        if info.st_size > most:
            raise _refused(errno.EFBIG, "cli.reason.too-large", name, limit=str(most))
        chunks, size = [], 0
        while size <= most:
            chunk = os.read(fd, min(1 << 20, most + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > most:  # grew while being read
            raise _refused(errno.EFBIG, "cli.reason.too-large", name, limit=str(most))
        return b"".join(chunks)
    finally:
        os.close(fd)



_TEMP_SUFFIX = ".rarepassport.tmp"


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write bytes to ``path`` so that readers see the old file or the new, never half.

    The data goes to a temporary file in the same folder, created readable by its owner
    only, is flushed to disk, and is renamed over the target. An existing file keeps
    its permissions; a new file is readable by its owner only, since passports hold
    health data.

    - A symbolic link is followed: the file it points to is replaced, atomically, and
      the link stays a link.
    - A device (``/dev/null``), FIFO or other special file is written through, never
      replaced by a regular file; a FIFO with no reader is an error, not a wait.
    - The temporary file is removed on every failure and on SIGINT or SIGTERM; one left
      by a process that was killed outright (``kill -9``, power cut) is removed by the
      next write to the same file. Errors name ``path``, never the temporary file.

    Raises:
        OSError: When the file cannot be written; ``filename`` is ``path``.
    """
    name = os.fspath(path)
    if not isinstance(name, str) or "\x00" in name:
        raise _refused(errno.EINVAL, "cli.reason.nul-in-name", "(file name)")
    real = Path(os.path.realpath(name))
    try:
        info: os.stat_result | None = os.stat(real)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, name) from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise _refused(errno.EISDIR, "cli.reason.is-a-folder", name)
    if info is not None and not stat.S_ISREG(info.st_mode):
        _write_through(name, real, data)
        return
    _remove_stale_temporaries(real)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{real.name}.{os.getpid()}.", suffix=_TEMP_SUFFIX, dir=real.parent)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, name) from None
    try:
        with _RemovedOnSignal(tmp_name), os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            if info is not None:
                os.chmod(tmp_name, info.st_mode & 0o7777)
            os.replace(tmp_name, real)
    except OSError as exc:
        Path(tmp_name).unlink(missing_ok=True)
        raise OSError(exc.errno, exc.strerror, name) from None
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _write_through(name: str, real: Path, data: bytes) -> None:
    # O_NONBLOCK so that a FIFO with no reader fails at once (ENXIO) instead of waiting.
    try:
        fd = os.open(real, os.O_WRONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise _refused(exc.errno, "cli.reason.pipe-no-reader", name) from None
        raise OSError(exc.errno, exc.strerror, name) from None
    try:
        os.set_blocking(fd, True)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, name) from None
    finally:
        os.close(fd)


def _remove_stale_temporaries(real: Path) -> None:
    """Remove temporary files of earlier writes to ``real`` whose process is gone."""
    prefix = f".{real.name}."
    try:
        candidates = [entry for entry in os.scandir(real.parent) if entry.name.startswith(prefix)]
    except OSError:
        return
    for entry in candidates:
        parts = entry.name[len(prefix) :].split(".", 1)
        if not entry.name.endswith(_TEMP_SUFFIX) or len(parts) != 2 or not parts[0].isdigit():
            continue
        try:
            if entry.stat(follow_symlinks=False).st_uid != os.getuid() or _process_alive(int(parts[0])):
                continue
            os.unlink(entry.path)
        except OSError:
            continue


def _process_alive(pid: int) -> bool:
    if pid <= 0:
        return True  # not ours to judge
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


class _RemovedOnSignal:
    """Remove a temporary file if SIGINT or SIGTERM arrives, then let the signal act."""

    _SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM") if hasattr(signal, name))

    def __init__(self, tmp_name: str) -> None:
        self.tmp_name = tmp_name
        self.saved: dict[int, Any] = {}

    def __enter__(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return  # only the main thread may set handlers; KeyboardInterrupt still cleans up
        for signum in self._SIGNALS:
            try:
                self.saved[signum] = signal.signal(signum, self._handle)
            except (ValueError, OSError):  # pragma: no cover - e.g. an embedded interpreter
                continue

    def __exit__(self, *exc_info: object) -> None:
        for signum, previous in self.saved.items():
            signal.signal(signum, previous)
        self.saved.clear()

    def _handle(self, signum: int, frame: Any) -> None:
        Path(self.tmp_name).unlink(missing_ok=True)
        previous = self.saved.pop(signum, signal.SIG_DFL)
        signal.signal(signum, previous)
        if callable(previous):
            previous(signum, frame)
        elif previous == signal.SIG_DFL:
            os.kill(os.getpid(), signum)  # end the way this signal would have ended us

