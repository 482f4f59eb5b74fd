"""Where the editor keeps the passport: a small storage interface and its one-file implementation."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import Protocol, runtime_checkable

from rarepassport import files, formats

__all__ = ["FileStore", "Store"]


@runtime_checkable
class Store(Protocol):
    """Where one passport document is read from and written to.

    An app embedding the editor implements it over its own storage (a database row, an
    object store); [`FileStore`][rarepassport.web.FileStore] keeps one file in a folder.

    Two optional parts, used when a store has them: ``base_dir``, the folder a relative
    ``person.photo`` is read from when drawing, and ``save_photo(data, suffix) -> str``,
    which keeps an uploaded photo (already checked and written anew) and returns what to
    put in ``person.photo``. A store without ``save_photo`` gets an uploaded photo as a
    ``data:`` URI inside the document itself.

    Attributes:
        format: ``"json"`` or ``"yaml"``: how the document's text is written.
    """

    format: str

    def read(self) -> str | None:
        """The document's text, or ``None`` when there is none yet."""

    def write(self, text: str) -> None:
        """Replace the document's text; readers see the old text or the new, never half."""


class FileStore:
    """One passport file: JSON, or YAML for a ``.yaml``/``.yml`` suffix.

    The file is read as ``rarepassport.load`` reads it (a regular file, size-limited) and
    written atomically (a temporary file renamed into place), so a stopped editor never
    leaves it half-written. A missing file is created by the first save. Nothing else in
    its folder is written but an uploaded photo (`save_photo`); a photo the passport names
    by a relative path is read from the folder (``base_dir``) only when drawing, with the
    same confinement as ``rarepassport render``.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.format: str = formats.format_for(self.path)
        self.base_dir = str(self.path.resolve().parent)

    def read(self) -> str | None:
        """The file's text, or ``None`` when it does not exist."""
        if not self.path.exists():
            return None
        return formats.decode(files.read_input(self.path))

    def write(self, text: str) -> None:
        """Write the file atomically."""
        files.write_atomic(self.path, text.encode("utf-8"))

    def save_photo(self, data: bytes, suffix: str) -> str:
        """Keep an uploaded photo beside the passport; the path to put in ``person.photo``.

        ``data`` is a photo the editor has already checked and written anew. Its name is
        made here, never taken from the upload: the passport's own name, ``-photo-`` and
        the start of the photo's SHA-256 (``robin-photo-3f2a9c1b04de.jpeg``), so a new
        photo never replaces one a saved passport still names. It is written atomically,
        in the passport's folder only; an existing name that is not a regular file (a
        link, say) is refused.

        Raises:
            OSError: When it cannot be written there.
        """
        if suffix not in ("png", "jpeg"):
            raise ValueError(f"not a photo suffix: {suffix!r}")
        name = f"{self.path.stem}-photo-{hashlib.sha256(data).hexdigest()[:12]}.{suffix}"
        target = Path(self.base_dir) / name
        try:
            info = os.lstat(target)
        except FileNotFoundError:
            info = None
        if info is not None and not stat.S_ISREG(info.st_mode):
            raise OSError(f"{name}: exists and is not a regular file")
        files.write_atomic(target, data)
        return name

    def __repr__(self) -> str:
        return f"FileStore({str(self.path)!r})"
