"""Where the editor keeps the passport: a small storage interface and its one-file implementation."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol, runtime_checkable

from rarepassport import files, formats

__all__ = ["FileStore", "Store"]


@runtime_checkable
class Store(Protocol):
    """Where one passport document is read from and written to.

    An app embedding the editor implements it over its own storage (a database row, an
    object store); [`FileStore`][rarepassport.web.FileStore] keeps one file in a folder.

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
    its folder is written; a photo the passport names by a relative path is read from
    the folder (``base_dir``) only when drawing the PDF, with the same confinement as
    ``rarepassport render``.
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

    def __repr__(self) -> str:
        return f"FileStore({str(self.path)!r})"
