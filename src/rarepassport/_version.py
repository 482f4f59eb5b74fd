"""The installed version of rarepassport."""

from __future__ import annotations

import importlib.metadata

try:
    __version__ = importlib.metadata.version("rarepassport")
except importlib.metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"
