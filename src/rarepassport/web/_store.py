"""Where the editor keeps the passport: a small storage interface and its one-file implementation."""

from __future__ import annotations

import hashlib
import os
import re
import stat
from pathlib import Path
from typing import Protocol, runtime_checkable

from rarepassport import files, formats

__all__ = ["PASSPORT_NAME", "FileStore", "FolderStore", "Store"]


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


#: A passport's file name in a folder the editor serves: letters, digits, ``.``, ``_`` and
#: ``-`` (not first), and a passport suffix. Nothing else is listed, opened or created,
#: so a name is never a path (no ``/``, no ``..``) and needs no escaping in an address.
PASSPORT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.(?:json|yaml|yml)")


class FolderStore:
    """A folder of passport files: listed, opened and created by name, nothing outside it.

    Each passport is a [`FileStore`][rarepassport.web.FileStore] of a file *directly* in
    the folder whose name is a `PASSPORT_NAME` (``robin.json``, ``sam-2026.yaml``). A name
    that is a path, a hidden file, a link that leads out of the folder, or anything but a
    regular file is never listed nor opened. Photos uploaded for a passport are kept beside
    it, in the same folder.
    """

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise NotADirectoryError(f"{self.folder}: not a folder")

    def _inside(self, name: str) -> Path | None:
        if not PASSPORT_NAME.fullmatch(name):
            return None
        root = os.path.realpath(self.folder)
        real = os.path.realpath(os.path.join(root, name))
        if os.path.dirname(real) != root:
            return None  # a link to somewhere else
        return self.folder / name

    def names(self) -> list[str]:
        """The passports in the folder, by name, sorted."""
        found = []
        for entry in os.scandir(self.folder):
            path = self._inside(entry.name)
            if path is not None and path.is_file():
                found.append(entry.name)
        return sorted(found, key=str.casefold)

    def open(self, name: str) -> FileStore | None:
        """The store of the passport ``name`` (a new one when it does not exist yet), or ``None`` for a name refused.

        A passport that does not exist is created by its first save.
        """
        path = self._inside(name)
        if path is None or (path.exists() and not path.is_file()):
            return None
        return FileStore(path)

    def create(self, name: str) -> FileStore | None:
        """The store of a new passport ``name`` (``.json`` added to a name without one), or ``None``.

        ``None`` when the name is refused or a file of that name exists already.
        """
        name = name.strip()
        if name and not name.lower().endswith((".json", ".yaml", ".yml")):
            name += ".json"
        path = self._inside(name)
        if path is None or os.path.lexists(path):
            return None
        return FileStore(path)

    def __repr__(self) -> str:
        return f"FolderStore({str(self.folder)!r})"
